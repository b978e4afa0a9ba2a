"""Zotero use case: sync the library with the user's Zotero (`litassist sync zotero`, and
`litassist ingest ~/Zotero/zotero.sqlite`).

One sync: read every regular item (`zotero.read_zotero`, a consistent snapshot even while
Zotero runs; Zotero 7's local API when the file cannot be read), keep those of the selected
collections and tags, plan against what the last sync stored (`zotero.plan_sync`: by Zotero
item key and a fingerprint of what litassist keeps), then write the new and changed papers,
remove the papers of deleted or trashed items, and store the new state.  Incremental (only
changed items are rebuilt, and only changed abstracts re-embedded) and idempotent (a second
sync with nothing changed writes nothing).

With a selection (`--collection`, `--tag`), items outside it are left as the last sync stored
them: syncing one collection never removes the papers another sync brought in; an item deleted
from Zotero is removed whatever the selection.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.errors import LitassistError, ZoteroReadError
from assistant.labels import LabelSelection

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.store.library import Library
    from assistant.types import Chunk, Paper
    from assistant.wiring import Components
    from assistant.zotero import SyncedItem, ZoteroItem, ZoteroRead, ZoteroRef

__all__ = ["SyncResult", "ZoteroUseCases"]

ProgressCallback = Callable[[int, int], None]
WRITE_LOCK_WAIT = 2.0
# Fields a paper read from another file keeps when Zotero has no value for them.
_KEPT_FROM_OTHER_FILES = ("authors", "year", "venue", "doi", "arxiv_id", "url", "keywords")


@dataclass(frozen=True)
class SyncResult:
    """What one sync did, counted per Zotero item."""

    source: str  # the database file, or the local API's URL
    via: Literal["database", "local API"]
    added: int
    updated: int
    removed: int
    unchanged: int
    out_of_scope: int = 0  # items outside --collection/--tag, left as they were
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    changed_papers: tuple[str, ...] = ()  # ids of the papers written
    removed_papers: tuple[str, ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        """What a front end lists after the summary (as an ingest's skipped records)."""
        return self.warnings

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        line = (
            f"Synced Zotero ({self.source}): {self.added} new, {self.updated} changed, "
            f"{self.removed} removed, {self.unchanged} unchanged"
        )
        notes = [f"{count} {reason}" for reason, count in sorted(self.skipped.items()) if count]
        if self.out_of_scope:
            notes.append(f"{self.out_of_scope} outside the selected collections/tags")
        return line + (f"; skipped: {', '.join(notes)}" if notes else "") + "."

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


class ZoteroUseCases:
    def __init__(self, components: Components) -> None:
        self._components = components

    @staticmethod
    def is_database(path: Path) -> bool:
        """Whether `path` is a Zotero database (recognised by content, whatever its name)."""
        from assistant.zotero import is_zotero_database

        return Path(path).is_file() and is_zotero_database(Path(path))

    def read(
        self, zotero_dir: Path | None = None, *, known: Mapping[ZoteroRef, str] | None = None
    ) -> tuple[ZoteroRead, Literal["database", "local API"]]:
        """Every regular item of the user's Zotero: the database file, else the local API.
        `known`: the stamps the last sync stored (items still carrying them are not rebuilt).

        Raises:
            ZoteroReadError: neither could be read (both reasons in one line).
        """
        from assistant.zotero import ZoteroLocalApi, read_zotero

        settings = self._components.settings
        where = Path(zotero_dir or settings.zotero_dir).expanduser()
        try:
            return read_zotero(where, known=known), "database"
        except ZoteroReadError as file_error:
            if zotero_dir is not None:
                raise  # the folder the user named: say why it failed, not read another
            api = ZoteroLocalApi(settings.zotero_api_url)
            try:
                return api.read(), "local API"
            except ZoteroReadError as api_error:
                raise ZoteroReadError(
                    f"{str(file_error).rstrip('.')}; and Zotero's local API: {api_error}"
                ) from api_error
            finally:
                api.close()

    def sync(
        self,
        zotero_dir: Path | None = None,
        *,
        collections: Sequence[str] = (),
        tags: Sequence[str] = (),
        progress: ProgressCallback | None = None,
    ) -> SyncResult:
        """Bring the library up to date with Zotero (see the module docstring).

        Args:
            zotero_dir: Zotero's data folder or its `zotero.sqlite` (default: the setting
                `zotero_dir`, `~/Zotero`).
            collections, tags: sync only these (`assistant.labels` says how names match).
            progress: called with (papers done, papers to write).

        Raises:
            ZoteroReadError: Zotero's database (and its local API) cannot be read.
            LitassistError: the library cannot be written (busy, full disk, ...).
        """
        from assistant.store.sync_state import SyncState
        from assistant.zotero import plan_sync

        # The stamps the last sync stored, read before the (slower) Zotero read; the library
        # itself is opened only once Zotero could be read.
        state = SyncState(Path(self._components.settings.data_dir).expanduser())
        stamps = {ref: s.stamp for ref, s in state.load().items() if s.stamp}
        read, via = self.read(zotero_dir, known=stamps)
        library = self._components.library(create=True)
        selection = LabelSelection(tuple(collections), tuple(tags))

        with library.write_lock(wait=WRITE_LOCK_WAIT):
            before = state.load()  # again: another sync may have stored a state meanwhile
            if any(_stamp_of(before, i.ref) != stamps[i.ref] for i in read.unchanged):
                stamps = {ref: s.stamp for ref, s in before.items() if s.stamp}
                read, via = self.read(zotero_dir, known=stamps)
            current_refs = {i.ref for i in read.items} | {i.ref for i in read.unchanged}
            chosen = [i for i in read.items if selection.matches(i.collections, i.tags)]
            chosen_unchanged = [
                i.ref for i in read.unchanged if selection.matches(i.collections, i.tags)
            ]
            chosen_refs = {item.ref for item in chosen} | set(chosen_unchanged)
            # Outside the selection and still in Zotero: left alone, planned neither way.
            kept = {
                ref: s
                for ref, s in before.items()
                if ref in current_refs and ref not in chosen_refs
            }
            considered = {ref: s for ref, s in before.items() if ref not in kept}
            plan = plan_sync(considered, chosen, chosen_unchanged)
            papers = self._papers_to_write(library, [*plan.adds, *(u.item for u in plan.updates)])
            self._write(library, papers, progress)
            removed = self._remove(library, plan.paper_ids_to_remove, {p.id for p in papers})
            if plan.state_changed or not state.path.is_file():
                state.replace([*plan.next_state, *kept.values()], source=read.source)
            if papers or removed:
                library.lexical()  # rebuilt now, not by the next search
        return SyncResult(
            source=read.source,
            via=via,
            added=len(plan.adds),
            updated=len(plan.updates),
            removed=len(plan.removes),
            unchanged=plan.unchanged,
            out_of_scope=len(current_refs) - len(chosen_refs),
            skipped=dict(read.skipped),
            warnings=read.warnings,
            changed_papers=tuple(p.id for p in papers),
            removed_papers=tuple(removed),
        )

    # ---- steps --------------------------------------------------------------------------------
    def _papers_to_write(self, library: Library, items: Sequence[ZoteroItem]) -> list[Paper]:
        """The papers for new and changed items, abstracts cut to the limit; a paper another
        file brought in keeps what Zotero has no value for."""
        from assistant.ingest import cut_abstract

        limit = self._components.settings.max_abstract_chars
        papers: dict[str, Paper] = {}
        for item in items:
            paper, _ = cut_abstract(item.to_paper(), limit)
            papers[paper.id] = paper  # two Zotero duplicates of one paper: stored once
        existing = library.catalog.get_many(papers)
        for pid, paper in papers.items():
            old = existing.get(pid)
            if old is not None and old.source_format != paper.source_format:
                kept = {
                    name: getattr(old, name)
                    for name in _KEPT_FROM_OTHER_FILES
                    if not getattr(paper, name) and getattr(old, name)
                }
                if kept:
                    papers[pid] = dataclasses.replace(paper, **kept)
        return list(papers.values())

    @staticmethod
    def _write(library: Library, papers: list[Paper], progress: ProgressCallback | None) -> None:
        from assistant.rag.chunking import chunk_paper
        from assistant.sources.identity import title_hash
        from assistant.store.library import EMBED_BATCH

        total = len(papers)
        done = 0

        def batches() -> Iterator[tuple[list[tuple[Paper, list[Chunk]]], list[str]]]:
            nonlocal done
            for start in range(0, total, EMBED_BATCH):
                batch = papers[start : start + EMBED_BATCH]
                yield [(p, chunk_paper(p)) for p in batch], [title_hash(p.title) for p in batch]
                done += len(batch)
                if progress:
                    progress(done, total)

        library.write_batches(batches())

    @staticmethod
    def _remove(library: Library, paper_ids: Sequence[str], written: set[str]) -> list[str]:
        """Remove the papers of deleted items (only those Zotero brought in)."""
        candidates = [pid for pid in paper_ids if pid not in written]
        stored = library.catalog.get_many(candidates)
        gone = [pid for pid, p in stored.items() if p.source_format == "zotero"]
        if gone:
            library.remove(gone)
        return gone


def _stamp_of(state: Mapping[ZoteroRef, SyncedItem], ref: ZoteroRef) -> str | None:
    synced = state.get(ref)
    return synced.stamp if synced else None


def check_sync_target(name: str) -> None:
    """`litassist sync NAME`: only Zotero is known."""
    if name.lower() != "zotero":
        raise LitassistError(f"Cannot sync {name!r}: only `litassist sync zotero` exists.")
