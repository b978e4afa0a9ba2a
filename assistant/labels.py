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
            if not all(t.casefold() in have for t in self.tags):
                return False
        if self.collections:
            paths = [p.casefold() for p in collections]
            return any(_in_collection(paths, wanted.casefold()) for wanted in self.collections)
        return True


def _in_collection(paths: list[str], wanted: str) -> bool:
    wanted = wanted.strip("/")
    for path in paths:
        parts = path.split("/")
        # The wanted name as a run of whole path parts that starts at the top ("Thesis",
        # "Thesis/Chapter 2") or at any level ("Chapter 2"): it or a sub-collection of it.
        wanted_parts = wanted.split("/")
        for start in range(len(parts) - len(wanted_parts) + 1):
            if parts[start : start + len(wanted_parts)] == wanted_parts:
                return True
    return False
