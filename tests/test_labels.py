"""Collections and tags as filters (pure): how `--collection`/`--tag` and the TUI's
`collection:`/`tag:` words select papers."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.labels import LabelSelection
from assistant.sources.identity import make_paper
from assistant.tui.library_rows import label_counts, split_query, with_labels
from assistant.types import PaperRow

PATHS = ("Thesis/Chapter 2", "Reading group")


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (("Thesis",), True),  # a parent holds its sub-collections' papers
        (("thesis/chapter 2",), True),  # a full path, any case
        (("Chapter 2",), True),  # a sub-collection by its own name
        (("Chapter",), False),  # whole names only
        (("Chapter 2/Drafts",), False),  # deeper than the paper's collection
        (("Other", "Reading group"), True),  # any of several
        (("Other",), False),
    ],
)
def test_collections(wanted: tuple[str, ...], expected: bool) -> None:
    assert LabelSelection(collections=wanted).matches(PATHS, ()) is expected


def test_tags_all_of_them_and_both_kinds_together() -> None:
    tags = ("Medical", "segmentation")
    assert LabelSelection(tags=("medical",)).matches((), tags)
    assert LabelSelection(tags=("medical", "segmentation")).matches((), tags)
    assert not LabelSelection(tags=("medical", "depth")).matches((), tags)
    assert LabelSelection(("Thesis",), ("medical",)).matches(PATHS, tags)
    assert not LabelSelection(("Thesis",), ("depth",)).matches(PATHS, tags)
    assert not LabelSelection() and LabelSelection(tags=("x",))


def test_library_filter_words() -> None:
    words, labels = split_query('Segment tag:medical collection:"Chapter 2" col:Thesis')
    assert words == ["segment"]
    assert labels == LabelSelection(("Chapter 2", "Thesis"), ("medical",))
    words, labels = split_query('collection:"unclosed')  # while typing: no error
    assert not words and labels.collections == ("unclosed",)
    assert split_query("tag:") == (["tag:"], LabelSelection())


def test_the_label_picker_lists_parents_and_writes_the_filter_back() -> None:
    def row(collections: tuple[str, ...], tags: tuple[str, ...]) -> PaperRow:
        paper = make_paper(title=f"Paper {collections} {tags}", abstract="")
        labelled = dataclasses.replace(paper, collections=collections, tags=tags)
        return PaperRow(labelled, 1, True, "2026-01-01", "2026-01-01")

    rows = [
        row(("Thesis/Chapter 2",), ("medical", "to read")),
        row(("Thesis", "Reading group"), ("medical",)),
        row((), ()),
    ]
    collections, tags = label_counts(rows)
    assert collections == {"Reading group": 1, "Thesis": 2, "Thesis/Chapter 2": 1}
    assert tags == {"medical": 2, "to read": 1}
    query = with_labels('Segment tag:old "two words"', LabelSelection(("Thesis",), ("to read",)))
    assert query == 'collection:Thesis tag:"to read" Segment "two words"'
    assert split_query(query) == (
        ["segment", "two words"],
        LabelSelection(("Thesis",), ("to read",)),
    )
    assert with_labels("tag:x depth", LabelSelection()) == "depth"
