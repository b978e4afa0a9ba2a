"""Collections and tags as filters: which papers a `--collection` / `--tag` selection keeps.

Pure, and shared by the Zotero sync (which items to sync) and retrieval (which papers a search,
a question or a comparison may draw on), so the two cannot read a selection differently.

The rules, as a Zotero user expects them:

* a collection is named by its full path ("Thesis/Chapter 2") or by its own name ("Chapter 2"),
  case-insensitively; it includes its sub-collections (Zotero's "Show Items from
  Subcollections"), so `--collection Thesis` keeps the papers of "Thesis/Chapter 2" too;
* several `--collection`s keep a paper in *any* of them;
* several `--tag`s keep a paper carrying *every* one of them (Zotero's tag selector narrows
  the same way), case-insensitively;
* collections and tags together: both must hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class LabelSelection:
    """The collections and tags a filter asks for (empty: no condition of that kind)."""

    collections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.collections or self.tags)

    def matches(self, collections: Iterable[str], tags: Iterable[str]) -> bool:
        """Whether a paper in these collection paths, with these tags, is selected."""
        if self.tags:
            have = {t.casefold() for t in tags}
            if not self._tags <= have:
                return False
        if self.collections:
            # A wanted name is a run of whole path parts, at the top ("Thesis", "Thesis/Ch 2")
            # or below ("Ch 2"): the paper is in it or in a sub-collection of it.
            framed = [f"/{path.casefold()}/" for path in collections]
            return any(wanted in path for path in framed for wanted in self._collections)
        return True

    @cached_property
    def _tags(self) -> frozenset[str]:
        return frozenset(t.casefold() for t in self.tags)

    @cached_property
    def _collections(self) -> tuple[str, ...]:
        return tuple(f"/{c.strip('/').casefold()}/" for c in self.collections)
