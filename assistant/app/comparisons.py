"""Comparison use cases: compare papers (named, or found for a topic) and save; list and get.

A comparison is stored as soon as it is made (unless the caller says not to), so
`litassist export --last-comparison` finds one made in the TUI and the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.app.answers import require_endpoint
from assistant.app.stored import by_ref_or_last
from assistant.errors import LitassistError
from assistant.types import Comparison, ComparisonSummary

if TYPE_CHECKING:
    from assistant.app.library import LibraryUseCases, Scope
    from assistant.wiring import Components

__all__ = [
    "DEFAULT_TOPIC_PAPERS",
    "ComparisonUseCases",
    "SavedComparison",
    "aspect_label",
    "check_request",
]

DEFAULT_TOPIC_PAPERS = 5


@dataclass(frozen=True)
class SavedComparison:
    """A comparison just made; `store_error` says why it was not stored (None: stored, or
    not asked to be)."""

    comparison: Comparison
    saved: bool
    store_error: str | None = None


def check_request(papers: Sequence[str], topic: str | None) -> None:
    """Papers or a topic, exactly one of the two (checked before anything is opened).

    Raises:
        LitassistError: both or neither.
    """
    if topic is not None and papers:
        raise LitassistError("Give either paper REFS or --topic, not both.")
    if topic is None and not papers:
        raise LitassistError('Name the papers to compare, or use --topic "...".')


def aspect_label(name: str) -> str:
    """How an aspect is headed in a table: `task` -> `Task`, a custom word as given."""
    from assistant.rag.aspects import aspect

    return aspect(name).label


class ComparisonUseCases:
    """Papers side by side, and the comparisons kept."""

    def __init__(self, components: Components, library: LibraryUseCases) -> None:
        self._components = components
        self._library = library

    def compare(
        self,
        papers: Sequence[str] = (),
        *,
        topic: str | None = None,
        n: int = DEFAULT_TOPIC_PAPERS,
        aspects: str | Sequence[str] | None = None,
        save: bool = True,
        scope: Scope | None = None,
    ) -> SavedComparison:
        """Compare papers: one row per paper, one cited cell per aspect, a synthesis.

        Args:
            papers: ids, citekeys, DOIs or unique id prefixes, in row order; or
            topic: compare the `n` papers found for this topic instead.
            aspects: the columns, as a list or comma-separated text; None: the defaults.
            save: store the comparison (a failure to store is reported, not raised).
            scope: limits the papers a `topic` may find (years, collections, tags).

        Raises:
            LitassistError: neither or both of `papers` and `topic`, an unknown paper, too
                few or too many papers, bad aspects, no endpoint for the LLM mode, an
                endpoint failing or replying unusably.
        """
        check_request(papers, topic)
        require_endpoint(self._components.settings, "compare")
        from assistant.rag.aspects import DEFAULT_ASPECTS, parse_aspects

        if isinstance(aspects, str) or aspects is None:
            columns = parse_aspects(aspects)
        else:
            columns = tuple(aspects) or DEFAULT_ASPECTS
        comparer = self._components.comparer()
        if topic is not None:
            filters = self._library.filters(scope)
            comparison = comparer.compare_topic(topic, n, columns, filters=filters)
        else:
            ids = [p.id for p in self._library.resolve(papers)]
            comparison = comparer.compare(ids, columns)
        if not save:
            return SavedComparison(comparison, saved=False)
        try:
            self._components.comparisons().save(comparison)
        except LitassistError as exc:
            return SavedComparison(comparison, False, f"The comparison was not saved: {exc}")
        return SavedComparison(comparison, saved=True)

    def comparisons(self) -> list[ComparisonSummary]:
        """Every stored comparison, newest first."""
        return self._components.comparisons().list()

    def get(self, ref: str | None = None) -> Comparison:
        """The stored comparison with this id or unique prefix; None: the most recent one.

        Raises:
            ComparisonNotFoundError: no such comparison.
            LitassistError: there are no comparisons yet (`ref` None).
        """
        return by_ref_or_last(
            self._components.comparisons(),
            ref,
            none_yet="No comparisons to export yet; make one with `litassist compare`.",
        )
