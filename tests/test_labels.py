"""Collections and tags as filters (pure): how `--collection`/`--tag` and the TUI's
`collection:`/`tag:` words select papers."""

from __future__ import annotations

import pytest

from assistant.labels import LabelSelection
from assistant.tui.library_rows import split_query

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
