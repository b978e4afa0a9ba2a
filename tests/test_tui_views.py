"""The pure parts of the terminal UI: how citations, sources, papers and status are shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.badges import sentence_badge
from assistant.errors import LitassistError
from assistant.settings import Settings
from assistant.store.records import PaperRow
from assistant.tui.citation_view import (
    answer_markdown,
    citation_entries,
    cited_number,
    paper_byline,
    source_spans,
)
from assistant.tui.comparison_view import (
    cell_evidence,
    cell_text,
    comparison_summary,
    synthesis_evidence,
    synthesis_markdown,
)
from assistant.tui.library_rows import filter_rows, sort_rows
from assistant.tui.screens.chat import answer_with_references
from assistant.tui.screens.settings import form_values
from assistant.tui.widgets.status_line import mode_label
from assistant.types import (
    Answer,
    AnswerSentence,
    Chunk,
    Citation,
    Comparison,
    ComparisonCell,
    Paper,
    Passage,
    Source,
)

ABSTRACT = "We collect a dataset. It has 10 classes. Models reach 90% accuracy on it."


def source(number: int, *, abstract: str = ABSTRACT, chunk: tuple[int, int] = (0, 21)) -> Source:
    paper = Paper(
        id=f"p{number}",
        title=f"Paper {number}",
        abstract=abstract,
        authors=("Smith, Ann", "Bo Jones", "Lee, C."),
        year=2020 + number,
        venue="CVPR",
        doi=f"10.1/{number}",
    )
    text = abstract[chunk[0] : chunk[1]]
    return Source(number, paper, Passage(Chunk(f"c{number}", paper.id, 0, text, *chunk), 1.0))


def answer(text: str, **fields: object) -> Answer:
    return Answer(question="q?", text=text, mode="llm", **fields)  # type: ignore[arg-type]


def test_markers_become_links_to_known_sources_only() -> None:
    text = "A claim [1]. Both say so [1, 2]. Ranged [1-2]. Unknown [7]. A year [2020]."
    shown = answer_markdown(answer(text, sources=(source(1), source(2))))
    assert "A claim \\[[1](cite:1)\\]." in shown
    assert "Both say so \\[[1](cite:1), [2](cite:2)\\]." in shown
    assert "Ranged \\[[1](cite:1), [2](cite:2)\\]." in shown
    assert "Unknown [7]." in shown and "A year [2020]." in shown


def test_unsupported_sentences_are_marked_after_their_markers() -> None:
    text = "Supported claim [1]. Unsupported claim [1]. Last one."
    second = text.index("Unsupported")
    sentences = (
        AnswerSentence("Supported claim [1].", (1,), 0.9, True, 0, second - 1),
        # an end offset falling inside the marker is moved past it
        AnswerSentence("Unsupported claim [1]", (1,), 0.1, False, second, second + 20),
        AnswerSentence("Last one.", (), 0.0, False, text.index("Last"), len(text)),
    )
    shown = answer_markdown(answer(text, sources=(source(1),), sentences=sentences))
    assert shown == (
        "Supported claim \\[[1](cite:1)\\]. Unsupported claim \\[[1](cite:1)\\] ⚠. Last one. ⚠"
    )


def test_cited_number_reads_only_cite_links() -> None:
    assert cited_number("cite:12") == 12
    assert cited_number("https://example.org") is None
    assert cited_number("cite:x") is None


def test_source_spans_are_the_cited_spans_clipped_to_the_abstract() -> None:
    cited = source(1)
    citations = (
        Citation(1, "p1", "c1", 22, 40, 0.8, True),
        Citation(1, "p1", "c1", 41, 500, 0.2, False),
        Citation(2, "p2", "c2", 0, 5, 0.9, True),  # another source's
    )
    spans = source_spans(citations, cited)
    assert [(s.start, s.end, s.kind) for s in spans] == [
        (22, 40, "supported"),
        (41, len(ABSTRACT), "unsupported"),
    ]
    assert ABSTRACT[22:40] == "It has 10 classes."


def test_source_spans_fall_back_to_the_retrieved_passage() -> None:
    cited = source(1, chunk=(0, 21))
    spans = source_spans((), cited)
    assert [(s.start, s.end, s.kind) for s in spans] == [(0, 21, "passage")]


def test_citation_entries_list_cited_sources_with_their_support() -> None:
    citations = (
        Citation(2, "p2", "c2", 0, 21, 0.31, False),
        Citation(1, "p1", "c1", 0, 21, 0.87, True),
    )
    shown = answer("x", sources=(source(1), source(2), source(3)), citations=citations)
    entries = citation_entries(shown)
    assert [e.number for e in entries] == [1, 2]
    assert entries[0].label == "[1] Smith et al. 2021 — Paper 1  ✓ 0.87"
    assert entries[1].label.endswith("⚠ unsupported 0.31: weak support")
    assert not entries[1].supported


def test_citation_entries_show_a_quote_with_where_it_stands_and_a_reason_when_wrong() -> None:
    sentences = (
        AnswerSentence("It has 10 classes. [1]", (1,), 0.97, True, quoted=True),
        AnswerSentence("It has 3 billion images [2].", (2,), 0.6, False, note="a figure the "
                       "source does not give: 3 billion", reason="figure"),
    )  # fmt: skip
    citations = (
        Citation(1, "p1", "c1", 22, 40, 0.97, True, sentence=0, abstract_sentence=2),
        Citation(2, "p2", "c2", 0, 21, 0.6, False, sentence=1, abstract_sentence=1),
    )
    shown = answer("x", sources=(source(1), source(2)), citations=citations, sentences=sentences)
    quote, wrong = citation_entries(shown)
    assert quote.label.endswith("❝ quoted, abstract sentence 2") and "0.97" not in quote.label
    assert wrong.label.endswith("⚠ unsupported 0.60: a figure the source does not give: 3 billion")
    assert sentence_badge(shown, 0).label == "quoted from Smith et al. 2021, abstract sentence 2"
    assert sentence_badge(shown, 1).reason == "figure"


def test_bylines_and_author_lists() -> None:
    # One author-list rule everywhere (assistant.text.authors_short, tested in test_text.py).
    assert paper_byline(source(1).paper) == "2021 · Smith et al. · CVPR"
    assert paper_byline(Paper(id="x", title="t")) == ""


def test_copied_answer_lists_its_cited_sources() -> None:
    shown = answer(
        "Claim [1].",
        sources=(source(1), source(2)),
        citations=(Citation(1, "p1", "c1", 0, 21, 0.9, True),),
    )
    assert answer_with_references(shown) == "Claim [1].\n\n[1] Paper 1 (2021) doi:10.1/1"


def row(title: str, year: int | None, authors: tuple[str, ...] = (), chunks: int = 1) -> PaperRow:
    paper = Paper(id=title.lower(), title=title, year=year, authors=authors, venue=None)
    return PaperRow(paper, chunks, True, "", "")


ROWS = [
    row("Zebra datasets", 2019, ("Ann Smith",), 3),
    row("alpha networks", None, ("Bo Jones",), 1),
    row("Beta Benchmarks", 2023, ("Cy Smith", "D. Lee"), 2),
]


def test_filter_matches_every_word_in_title_authors_year() -> None:
    assert [r.paper.title for r in filter_rows(ROWS, "smith 2023")] == ["Beta Benchmarks"]
    assert [r.paper.title for r in filter_rows(ROWS, "DATASETS")] == ["Zebra datasets"]
    assert filter_rows(ROWS, "  ") == ROWS
    assert filter_rows(ROWS, "nothing-like-this") == []


def test_sort_by_each_column_with_missing_values_last() -> None:
    def titles(column: str, descending: bool) -> list[str]:
        return [r.paper.title for r in sort_rows(ROWS, column, descending)]  # type: ignore[arg-type]

    assert titles("title", False) == ["alpha networks", "Beta Benchmarks", "Zebra datasets"]
    assert titles("year", True) == ["Beta Benchmarks", "Zebra datasets", "alpha networks"]
    assert titles("year", False) == ["Zebra datasets", "Beta Benchmarks", "alpha networks"]
    assert titles("chunks", True) == ["Zebra datasets", "Beta Benchmarks", "alpha networks"]
    # by surnames: Jones; Smith; Smith, Lee
    assert titles("authors", False) == ["alpha networks", "Zebra datasets", "Beta Benchmarks"]


def test_mode_label_says_which_answerer_is_active() -> None:
    offline = Settings(answer_mode="auto")
    assert mode_label(offline)[0] == "offline extractive (no LLM endpoint)"
    forced = Settings(answer_mode="extractive", openai_base_url="http://x/v1")
    assert mode_label(forced)[0] == "offline extractive"
    llm = Settings(openai_base_url="http://localhost:11434/v1", model="qwen")
    assert mode_label(llm)[0] == "LLM · qwen @ localhost:11434"
    assert mode_label(Settings(answer_mode="llm"))[0] == "LLM · no endpoint set"


def test_settings_form_values() -> None:
    values = form_values(" ", "m", "extractive", "5", "nord")
    assert values == {
        "openai_base_url": None,
        "model": "m",
        "answer_mode": "extractive",
        "k": 5,
        "theme": "nord",
    }
    with pytest.raises(LitassistError, match="whole number"):
        form_values("", "m", "auto", "five", "nord")


def comparison(cells: tuple[ComparisonCell, ...], synthesis: str = "Both [1][2].") -> Comparison:
    return Comparison(
        id="c1",
        aspects=("task", "data"),
        papers=(source(1).paper, source(2).paper),
        sources=(source(1), source(2)),
        cells=cells,
        synthesis=synthesis,
        mode="extractive",
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
        synthesis_citations=(Citation(2, "p2", "c2", 0, 21, 0.2, False),),
    )


def test_comparison_cells_show_markers_marks_and_gaps() -> None:
    cited = ComparisonCell("p1", "task", "We collect a dataset.", (1,), support=0.9)
    weak = ComparisonCell("p2", "task", "It beats everything.", (2,), supported=False)
    missing = ComparisonCell("p1", "data", "not stated", stated=False)
    assert cell_text(cited).plain == "We collect a dataset. [1]"
    assert cell_text(weak).plain == "It beats everything. [2] ⚠"
    assert cell_text(missing).plain == "not stated" and "italic" in str(cell_text(missing).style)
    assert cell_text(None).plain == "—"

    shown = comparison((cited, weak, missing))
    assert comparison_summary(shown) == (
        "Comparison of 2 papers · extractive · 1 of 2 cells supported · 1 not stated"
    )
    evidence = cell_evidence(shown, weak)
    assert evidence.title == "Paper 2 · Task"
    assert [s.number for s in evidence.sources] == [2]
    assert evidence.note.startswith("⚠")
    assert cell_evidence(shown, missing).sources == ()
    synthesis = synthesis_evidence(shown, 2)
    assert synthesis is not None and synthesis.note == "⚠ Weak support."
    assert synthesis_evidence(shown, 9) is None
    assert synthesis_markdown(shown) == "Both \\[[1](cite:1)\\]\\[[2](cite:2)\\]."
