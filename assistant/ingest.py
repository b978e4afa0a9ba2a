"""Ingest: files in, papers deduplicated against the library, chunked, embedded and stored.

`plan_paper` (pure) decides what a parsed paper means for the library: a new paper, an update
of the same file's entry (its abstract changed: chunks replaced), a duplicate from another file
(merged: gaps filled, stored once) or nothing at all (unchanged).  `ingest` applies the plans
in batches through `Library.write`, reporting progress.

Identity is the same within a file as across files: records with different DOIs or arXiv ids
are different papers even when title, abstract and year agree; a record of a paper already
seen (same DOI, arXiv id or content) fills the kept record's gaps, authors included, and is
named in the report.  The report counts papers, not records: `added + updated + merged +
unchanged == stored`, each paper once; malformed entries, skipped files and papers without
an abstract are counted apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from assistant.rag.chunking import chunk_paper
from assistant.sources import InputLimits, UnsupportedFormatError, collect_input_files, iter_file
from assistant.sources.identity import title_hash
from assistant.store.library import EMBED_BATCH, Library
from assistant.types import Paper, ParseProblem


class Outcome(Enum):
    ADDED = "added"
    UPDATED = "updated"
    MERGED = "merged"
    UNCHANGED = "unchanged"


# When one paper is reached by several records of a run, the strongest outcome is reported.
_PRIORITY = {Outcome.ADDED: 3, Outcome.UPDATED: 2, Outcome.MERGED: 1, Outcome.UNCHANGED: 0}


@dataclass
class IngestReport:
    """What one ingest did, counted per paper (see the module docstring).

    `problems` lists every record and file not read, in order, for printing; the counters
    split them: `malformed` entries, `skipped_files` (missing, unrecognised, too large),
    `duplicates` (records of a paper already read in this run, merged into it) and
    `warnings` (read, but with a note, e.g. an encoding guess).
    """

    files: int = 0
    added: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    resumed: int = 0
    without_abstract: int = 0
    duplicates: int = 0
    malformed: int = 0
    skipped_files: int = 0
    warnings: int = 0
    truncated: list[str] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    vectors_copied: int = 0  # an older library's vectors, kept in the catalog from now on
    outcomes: dict[str, Outcome] = field(default_factory=dict, repr=False)

    def count(self, paper_id: str, outcome: Outcome) -> None:
        """Record `outcome` for a paper; a paper counts once, under its strongest outcome."""
        previous = self.outcomes.get(paper_id)
        if previous is not None and _PRIORITY[previous] >= _PRIORITY[outcome]:
            return
        if previous is not None:
            setattr(self, previous.value, getattr(self, previous.value) - 1)
        self.outcomes[paper_id] = outcome
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    @property
    def stored(self) -> int:
        """Distinct papers of this run now in the library."""
        return self.added + self.updated + self.merged + self.unchanged

    @property
    def failed(self) -> bool:
        """Nothing stored and something went wrong: the run should exit non-zero."""
        return self.stored == 0 and bool(self.problems)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated"]
        if self.merged:
            parts.append(f"{self.merged} merged into papers from other files")
        parts.append(f"{self.unchanged} unchanged")
        line = f"Ingested {self.files} file(s): " + ", ".join(parts)
        line += f" ({self.stored} paper{'s' if self.stored != 1 else ''} stored)"
        notes: list[str] = []
        if self.resumed:
            notes.append(f"{self.resumed} resumed from an interrupted ingest")
        if self.duplicates:
            notes.append(f"{self.duplicates} duplicate record(s) merged into the kept one")
        if self.malformed:
            notes.append(
                f"{self.malformed} malformed entr{'y' if self.malformed == 1 else 'ies'} skipped"
            )
        if self.skipped_files:
            notes.append(f"{self.skipped_files} file(s) skipped")
        if self.without_abstract:
            notes.append(f"{self.without_abstract} without abstract (listed but not searchable)")
        if self.truncated:
            notes.append(f"{len(self.truncated)} abstract(s) cut")
        if not (self.duplicates or self.malformed or self.skipped_files):
            notes.append("nothing skipped")
        if self.vectors_copied:
            notes.append(
                f"kept {self.vectors_copied} existing vectors in the catalog (a library from "
                "an older litassist: the vector index can now be rebuilt without re-embedding)"
            )
        return line + "; " + "; ".join(notes) + "."

    def as_dict(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data.pop("outcomes")
        data["problems"] = [str(p) for p in self.problems]
        data["stored"] = self.stored
        return data


_FILLABLE = ("authors", "year", "venue", "doi", "arxiv_id", "url", "keywords", "item_type")


def merge_duplicate(existing: Paper, incoming: Paper) -> Paper:
    """The stored record with its gaps filled from another file's record of the same paper.

    The stored abstract is kept unless it is empty; a BibTeX entry's key and original text are
    adopted when the stored record did not come from BibTeX, so it can be exported as is.
    """
    changes: dict[str, Any] = {}
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
    if _different_papers(existing, incoming):
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


class _Identified(Protocol):
    @property
    def doi(self) -> str | None: ...

    @property
    def arxiv_id(self) -> str | None: ...


def _different_papers(a: _Identified, b: _Identified) -> bool:
    """Different DOIs or different arXiv ids: never the same paper, whatever the title."""
    return bool(
        (a.doi and b.doi and a.doi != b.doi)
        or (a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id)
    )


def cut_abstract(paper: Paper, limit: int) -> tuple[Paper, str | None]:
    """`paper` with its abstract cut to `limit` characters (at a word), and a note if cut;
    an original entry that holds the uncut abstract is dropped with it."""
    if len(paper.abstract) <= limit:
        return paper, None
    cut = paper.abstract[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.9:
        cut = cut[:space]
    where = f"{paper.source_file}:{paper.line}" if paper.line else (paper.source_file or "?")
    note = f"{where}: abstract cut from {len(paper.abstract):,} to {len(cut):,} characters"
    raw = paper.raw_entry
    if raw is not None and len(raw) > 2 * limit + 65_536:
        # The original entry holds the whole abstract: keeping it would keep megabytes per
        # paper in every batch and in the catalog; an export rebuilds the entry from fields.
        raw = None
        note += " (original entry not kept)"
    return dataclasses.replace(paper, abstract=cut.rstrip() + " …", raw_entry=raw), note


ProgressCallback = Callable[[int, int], None]


def ingest(
    paths: Iterable[Path],
    library: Library,
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = EMBED_BATCH,
    limits: InputLimits | None = None,
) -> IngestReport:
    """Parse every file under `paths` and store its papers; `progress(done, total)` per batch.

    `limits` (default: from the environment) bounds the file size and the abstract length.
    """
    limits = limits or InputLimits.from_env()
    report = IngestReport()
    files, problems = collect_input_files(paths)
    report.problems.extend(problems)
    report.skipped_files += len(problems)

    with library.write_lock(wait=2.0):
        library.note_ingest([path.resolve() for path in files])  # replayable after a restore
        pending = library.catalog.pending_ids()
        report.resumed = len(pending)
        # The total grows as files are read: papers are parsed while earlier ones are written.
        counts = {"done": 0, "total": len(pending)}

        def tick(n: int) -> None:
            counts["done"] += n
            if progress:
                progress(counts["done"], max(counts["total"], counts["done"]))

        report.vectors_copied = library.repair(progress=tick).vectors_copied

        def incoming_papers() -> Iterator[Paper]:
            """Every parsed paper, file by file and batch by batch, abstracts cut."""
            for path in files:
                # Absolute paths: the same file ingested from another folder is the same file.
                file_problems: list[ParseProblem] = []
                any_papers = False
                try:
                    for result in iter_file(path.resolve(), limits):
                        file_problems.extend(result.problems)
                        any_papers = any_papers or bool(result.papers)
                        counts["total"] += len(result.papers)
                        for paper in result.papers:
                            paper, note = cut_abstract(paper, limits.max_abstract_chars)
                            if note:
                                report.truncated.append(note)
                            yield paper
                except UnsupportedFormatError as exc:  # changed since it was collected
                    report.problems.append(ParseProblem(str(path), None, exc.reason))
                    report.skipped_files += 1
                    continue
                report.files += 1
                _classify(file_problems, any_papers, report)

        def batches() -> Iterator[list[Paper]]:
            """Planned papers in batches; runs while the library embeds the previous one."""
            batch: dict[str, Paper] = {}
            planned = _PlannedPapers()
            without_abstract: set[str] = set()

            def get(paper_id: str) -> Paper | None:
                return batch.get(paper_id) or library.catalog.get(paper_id)

            for incoming in incoming_papers():
                key = title_hash(incoming.title)
                paper, existing, problem = _resolve(incoming, key, planned, library, get)
                if problem is not None:
                    report.problems.append(problem)
                    report.duplicates += 1
                    seen = planned.find(incoming, key)
                    kept = None
                    if seen is not None:
                        kept = get(seen.stored_id)
                    if kept is None:
                        tick(1)
                        continue
                    merged = merge_duplicate(kept, incoming)
                    if merged == kept:
                        tick(1)
                        continue
                    planned.add(merged, key, incoming)  # the duplicate's DOI/arXiv id too
                    report.count(merged.id, Outcome.UPDATED)  # an added paper stays added
                    stored = merged
                else:
                    outcome, stored = plan_paper(existing, paper)
                    report.count(stored.id, outcome)
                    planned.add(stored, key, incoming)
                    if outcome is Outcome.UNCHANGED:
                        tick(1)
                        continue
                if not stored.abstract:
                    without_abstract.add(stored.id)
                else:
                    without_abstract.discard(stored.id)
                report.without_abstract = len(without_abstract)
                batch.pop(stored.id, None)
                batch[stored.id] = stored
                if len(batch) >= batch_size:
                    yield list(batch.values())
                    tick(len(batch))
                    batch = {}
            if batch:
                yield list(batch.values())
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


def _classify(problems: Iterable[ParseProblem], any_papers: bool, report: IngestReport) -> None:
    """Count a file's problems: a file read for nothing, malformed entries, or warnings."""
    problems = list(problems)
    report.problems.extend(problems)
    for problem in problems:
        if "read as windows-1252" in problem.message:
            report.warnings += 1
        elif problem.line is None and not any_papers and len(problems) == 1:
            report.skipped_files += 1  # unreadable, too large, not JSON, no papers found
        else:
            report.malformed += 1


def _resolve(
    incoming: Paper,
    title_key: str,
    planned: _PlannedPapers,
    library: Library,
    get: Callable[[str], Paper | None],
) -> tuple[Paper, Paper | None, ParseProblem | None]:
    """The paper to plan, the stored record it matches, or a problem when it is a duplicate.

    Two entries *of one file* that resolve to the same paper are a repeated entry when they
    share a DOI or an arXiv id, or have the same content without conflicting ids (reported;
    its fields fill the kept record's gaps).  Different DOIs or arXiv ids are different
    papers.  Same title but different abstracts and no ids (a generic title such as
    "Summary") are two papers: the second gets an id of its own, derived from its content so
    it is stable across re-ingests.  `get` finds a paper of this run by id (the batch being
    built, else the catalog).
    """
    seen = planned.find(incoming, title_key)
    if seen is None:
        return incoming, library.catalog.find_same(incoming, title_key), None
    if seen.source_file != incoming.source_file:
        return incoming, get(seen.stored_id), None
    if _different_papers(seen, incoming):
        own = incoming
        if own.id == seen.stored_id:  # cannot happen with different ids; kept for safety
            own = dataclasses.replace(incoming, id=f"{incoming.id}~{incoming.content_hash[:8]}")
        return own, get(own.id), None
    same_id = bool(
        (seen.doi and seen.doi == incoming.doi)
        or (seen.arxiv_id and seen.arxiv_id == incoming.arxiv_id)
    )
    if same_id or seen.content_hash == incoming.content_hash:
        where = f"line {seen.line}" if seen.line else "an earlier entry"
        return (
            incoming,
            None,
            ParseProblem(
                incoming.source_file or "?", incoming.line, f"duplicate of the entry at {where}"
            ),
        )
    distinct = dataclasses.replace(incoming, id=f"{incoming.id}~{incoming.content_hash[:8]}")
    return distinct, get(distinct.id), None


@dataclass(frozen=True)
class _Seen:
    """What identity needs of a record read earlier in this run (not the whole paper).

    Keeping only this, not every parsed `Paper`, is what bounds an ingest's memory: the kept
    record itself is in the current batch or already staged in the catalog.
    """

    stored_id: str
    source_file: str | None
    doi: str | None
    arxiv_id: str | None
    content_hash: str
    line: int | None


class _PlannedPapers:
    """Records decided earlier in this run, by every identity key (DOI, arXiv id, title, id)."""

    def __init__(self) -> None:
        self._by_key: dict[str, _Seen] = {}

    @staticmethod
    def _keys(paper: Paper, title_key: str) -> list[str]:
        keys = [f"id:{paper.id}", f"title:{title_key}"]
        if paper.doi:
            keys.append(f"doi:{paper.doi}")
        if paper.arxiv_id:
            keys.append(f"arxiv:{paper.arxiv_id}")
        return keys

    def find(self, paper: Paper, title_key: str) -> _Seen | None:
        for key in self._keys(paper, title_key):
            if key in self._by_key:
                return self._by_key[key]
        return None

    def add(self, stored: Paper, title_key: str, incoming: Paper) -> None:
        seen = _Seen(
            stored_id=stored.id,
            source_file=incoming.source_file,
            doi=incoming.doi,
            arxiv_id=incoming.arxiv_id,
            content_hash=incoming.content_hash,
            line=incoming.line,
        )
        for key in {*self._keys(incoming, title_key), *self._keys(stored, title_key)}:
            self._by_key.setdefault(key, seen)
