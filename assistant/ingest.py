"""Ingest: files in, papers deduplicated against the library, chunked, embedded and stored.

`plan_paper` (pure) decides what a parsed paper means for the library: a new paper, an update
of the same file's entry (its abstract changed: chunks replaced), a duplicate from another file
(merged: gaps filled, stored once) or nothing at all (unchanged).  `ingest` applies the plans
in batches through `Library.write`, reporting progress.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from assistant.rag.chunking import chunk_paper
from assistant.sources import collect_input_files, parse_file
from assistant.sources.identity import title_hash
from assistant.store.library import EMBED_BATCH, Library
from assistant.types import Paper, ParseProblem


class Outcome(Enum):
    ADDED = "added"
    UPDATED = "updated"
    MERGED = "merged"
    UNCHANGED = "unchanged"


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    resumed: int = 0
    without_abstract: int = 0
    problems: list[ParseProblem] = field(default_factory=list)
    vectors_copied: int = 0  # an older library's vectors, kept in the catalog from now on

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.merged:
            parts.append(f"{self.merged} merged into existing papers")
        if self.resumed:
            parts.append(f"{self.resumed} resumed from an interrupted ingest")
        parts.append(f"{len(self.problems)} skipped")
        line = f"Ingested {self.files} file(s): " + ", ".join(parts)
        if self.without_abstract:
            line += f" ({self.without_abstract} without abstract: listed but not searchable)"
        if self.vectors_copied:
            line += (
                f"; kept {self.vectors_copied} existing vectors in the catalog (a library from "
                "an older litassist: the vector index can now be rebuilt without re-embedding)"
            )
        return line + "."

    def as_dict(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["problems"] = [str(p) for p in self.problems]
        return data


_FILLABLE = ("authors", "year", "venue", "doi", "arxiv_id", "url")


def merge_duplicate(existing: Paper, incoming: Paper) -> Paper:
    """The stored record with its gaps filled from another file's record of the same paper.

    The stored abstract is kept unless it is empty; a BibTeX entry's key and original text are
    adopted when the stored record did not come from BibTeX, so it can be exported as is.
    """
    changes: dict[str, object] = {}
    for name in _FILLABLE:
        if not getattr(existing, name) and getattr(incoming, name):
            changes[name] = getattr(incoming, name)
    if not existing.abstract and incoming.abstract:
        changes["abstract"] = incoming.abstract
    if existing.source_format != "bibtex" and incoming.source_format == "bibtex":
        changes.update(
            citekey=incoming.citekey,
            raw_entry=incoming.raw_entry,
            source_format=incoming.source_format,
            source_file=incoming.source_file,
            line=incoming.line,
        )
    return dataclasses.replace(existing, **changes) if changes else existing


def plan_paper(existing: Paper | None, incoming: Paper) -> tuple[Outcome, Paper]:
    """What storing `incoming` means, given the stored record of the same paper (if any)."""
    if existing is None:
        return Outcome.ADDED, incoming
    if existing.doi and incoming.doi and existing.doi != incoming.doi:
        return Outcome.ADDED, incoming  # same title, different papers
    if incoming.source_file == existing.source_file:
        # The file's new version wins; fields it lacks keep what other files filled in.
        kept = {
            name: getattr(existing, name)
            for name in _FILLABLE
            if not getattr(incoming, name) and getattr(existing, name)
        }
        replacement = dataclasses.replace(incoming, id=existing.id, **kept)
        if dataclasses.replace(replacement, line=existing.line) == existing:  # only moved
            return Outcome.UNCHANGED, existing
        return Outcome.UPDATED, replacement
    merged = merge_duplicate(existing, incoming)
    return (Outcome.UNCHANGED if merged == existing else Outcome.MERGED), merged


ProgressCallback = Callable[[int, int], None]


def ingest(
    paths: Iterable[Path],
    library: Library,
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = EMBED_BATCH,
) -> IngestReport:
    """Parse every file under `paths` and store its papers; `progress(done, total)` per batch."""
    report = IngestReport()
    files, problems = collect_input_files(paths)
    report.problems.extend(problems)
    parsed: list[Paper] = []
    for path in files:
        # Absolute paths: the same file ingested from another folder is still the same file.
        result = parse_file(path.resolve())
        report.files += 1
        report.problems.extend(result.problems)
        parsed.extend(result.papers)

    with library.write_lock(wait=2.0):
        library.note_ingest([path.resolve() for path in files])  # replayable after a restore
        pending = library.catalog.pending_ids()
        report.resumed = len(pending)
        total = len(parsed) + len(pending)
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        report.vectors_copied = library.repair(progress=tick).vectors_copied

        def batches() -> Iterator[list[Paper]]:
            """Planned papers in batches; runs while the library embeds the previous one."""
            batch: list[Paper] = []
            planned = _PlannedPapers()
            for incoming in parsed:
                key = title_hash(incoming.title)
                paper, existing, problem = _resolve(incoming, key, planned, library)
                if problem is not None:
                    report.problems.append(problem)
                    tick(1)
                    continue
                outcome, stored = plan_paper(existing, paper)
                report.count(outcome)
                planned.add(stored, key, incoming)
                if outcome is Outcome.UNCHANGED:
                    tick(1)
                    continue
                if not stored.abstract:
                    report.without_abstract += 1
                batch = [p for p in batch if p.id != stored.id] + [stored]
                if len(batch) >= batch_size:
                    yield batch
                    tick(len(batch))
                    batch = []
            if batch:
                yield batch
                tick(len(batch))

        library.write_batches(
            (
                [(paper, chunk_paper(paper)) for paper in batch],
                [title_hash(paper.title) for paper in batch],
            )
            for batch in batches()
        )
        library.lexical()
    return report


def _resolve(
    incoming: Paper, title_key: str, planned: _PlannedPapers, library: Library
) -> tuple[Paper, Paper | None, ParseProblem | None]:
    """The paper to plan, the stored record it matches, or a problem when it is a duplicate.

    Two entries *of one file* that resolve to the same paper are either a repeated entry
    (same content: reported and skipped) or two papers sharing a generic title such as
    "Summary" (different abstracts: the second gets an id of its own, derived from its
    content so it is stable across re-ingests).
    """
    seen = planned.find(incoming, title_key)
    if seen is None:
        return incoming, library.catalog.find_same(incoming, title_key), None
    first, stored = seen
    if first.source_file != incoming.source_file:
        return incoming, stored, None
    if first.content_hash == incoming.content_hash:
        where = f"line {first.line}" if first.line else "an earlier entry"
        return (
            incoming,
            None,
            ParseProblem(
                incoming.source_file or "?", incoming.line, f"duplicate of the entry at {where}"
            ),
        )
    distinct = dataclasses.replace(incoming, id=f"{incoming.id}~{incoming.content_hash[:8]}")
    return distinct, library.catalog.get(distinct.id), None


class _PlannedPapers:
    """Papers decided earlier in this run, by every identity key: (as parsed, as stored)."""

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[Paper, Paper]] = {}

    @staticmethod
    def _keys(paper: Paper, title_key: str) -> list[str]:
        keys = [f"id:{paper.id}", f"title:{title_key}"]
        if paper.doi:
            keys.append(f"doi:{paper.doi}")
        if paper.arxiv_id:
            keys.append(f"arxiv:{paper.arxiv_id}")
        return keys

    def find(self, paper: Paper, title_key: str) -> tuple[Paper, Paper] | None:
        for key in self._keys(paper, title_key):
            if key in self._by_key:
                return self._by_key[key]
        return None

    def add(self, stored: Paper, title_key: str, incoming: Paper) -> None:
        for key in {*self._keys(incoming, title_key), *self._keys(stored, title_key)}:
            self._by_key.setdefault(key, (incoming, stored))
