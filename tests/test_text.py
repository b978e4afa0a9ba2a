"""Short forms of authors, years and titles: one rule for every screen, printer and export."""

from __future__ import annotations

import pytest

from assistant.text import (
    authors_short,
    clip,
    clip_words,
    first_surname,
    paper_label,
    short_title,
    surname,
    year_text,
)
from assistant.types import Paper


@pytest.mark.parametrize(
    ("authors", "short"),
    [
        ((), ""),
        (("Kingma, Diederik P.",), "Kingma"),
        (("Kingma, Diederik P.", "Ba, Jimmy"), "Kingma & Ba"),
        (("Diederik P. Kingma", "Jimmy Ba"), "Kingma & Ba"),
        (("Kingma, D.", "Ba, J.", "Welling, M."), "Kingma et al."),
        (("LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey", "Smith, A."), "LeCun et al."),
    ],
)
def test_the_author_list_rule(authors: tuple[str, ...], short: str) -> None:
    assert authors_short(authors) == short


def test_surnames_and_years() -> None:
    assert surname("LeCun, Yann") == "LeCun" and surname("Yann LeCun") == "LeCun"
    assert surname("") == "" and first_surname(()) == ""
    assert first_surname(("van der Maaten, Laurens",)) == "van der Maaten"
    assert year_text(2015) == "2015" and year_text(None) == "n.d."


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("DataDAM: Efficient Dataset Distillation with Attention Matching", "DataDAM"),
        ("When does dough become a bagel? Analyzing mistakes", "When does dough become a bagel"),
        ("Google Landmarks Dataset v2 -- A Large-Scale Benchmark", "Google Landmarks Dataset v2"),
        ("Data Filtering Networks", "Data Filtering Networks"),
    ],
)  # fmt: skip
def test_short_names(title: str, name: str) -> None:
    assert short_title(title) == name


def test_paper_labels() -> None:
    two = Paper(id="a", title="Adam: A Method", authors=("Kingma, D.", "Ba, J."), year=2015)
    assert paper_label(two) == "Kingma & Ba (2015)"
    assert paper_label(Paper(id="b", title="DataDAM: Efficient Distillation")) == "DataDAM (n.d.)"


def test_clipping() -> None:
    assert clip("  a\n b  ", 10) == "a b"
    assert clip("abcdefghij", 5) == "abcd…"
    assert clip_words("How does dataset distillation work at scale", 20) == "How does dataset…"
