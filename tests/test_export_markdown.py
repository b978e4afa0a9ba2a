"""Markdown notes: front matter, citations that all resolve (and references that are all cited), in
footnote and pandoc styles, pandoc keys matching the exported .bib, quoted passages, flagged
statements; answers, multi-turn conversations and comparisons."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import bibtexparser
import pytest
import yaml

from assistant.export.bibtex import bibtex_for
from assistant.export.exporter import render
from assistant.export.keys import assign_keys
from assistant.export.markdown import (
    answer_note,
    cited_papers,
    comparison_note,
    comparison_papers,
    conversation_note,
    pandoc_key,
)
from assistant.ingest import ingest
from assistant.rag.citations import verify
from assistant.rag.compare import Comparer
from assistant.rag.prompts import PromptLibrary
from assistant.rag.retriever import HybridRetriever
from assistant.sources.bibtex import parse_bibtex
from assistant.store.library import Library
from assistant.types import Answer, Chunk, Comparison, Conversation, Paper, Passage, Source
from tests.conftest import HashingEmbedder

SOURCES = Path(__file__).parent / "fixtures" / "sources"
FOOTNOTE_USE = re.compile(r"\[\^([^\]]+)\](?!:)")
FOOTNOTE_DEF = re.compile(r"^\[\^([^\]]+)\]:", re.MULTILINE)
PANDOC_CITE = re.compile(r"\[(@[^\]]+)\]")
WHEN = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)


def zotero() -> dict[str, Paper]:
    text = (SOURCES / "zotero.bib").read_text(encoding="utf-8")
    return {p.citekey: p for p in parse_bibtex(text, str(SOURCES / "zotero.bib")).papers}


def source(number: int, paper: Paper, start: int = 0, end: int | None = None) -> Source:
    end = len(paper.abstract) if end is None else end
    chunk = Chunk(f"{paper.id}#{number}", paper.id, 0, paper.abstract[start:end], start, end)
    return Source(number, paper, Passage(chunk, 0.5))


def answer(question: str, text: str, sources: list[Source], **options) -> Answer:
    checked = verify(text, sources, embedder=HashingEmbedder())
    return Answer(
        question=question,
        text=text,
        mode="extractive",
        sources=tuple(sources),
        citations=checked.citations,
        sentences=checked.sentences,
        invalid_markers=checked.invalid_markers,
        created_at=WHEN,
        **options,
    )


@pytest.fixture
def papers() -> dict[str, Paper]:
    return zotero()


@pytest.fixture
def first_answer(papers: dict[str, Paper]) -> Answer:
    lecun, radford = papers["lecun_deep_2015"], papers["radford_learning_2021"]
    cut = radford.abstract.index("This restricted")
    sources = [
        source(1, lecun),
        source(2, radford, 0, cut),
        source(3, radford, cut),
        source(4, papers["muller_uber_2020"]) if papers["muller_uber_2020"].abstract else None,
    ]
    text = (
        "Deep learning allows computational models composed of multiple processing layers to "
        "learn representations of data with multiple levels of abstraction [1]. "
        "State-of-the-art computer vision systems are trained to predict a fixed set of "
        "predetermined object categories, and this restricted supervision limits their "
        "generality [2][3]. It also reports 97.3% accuracy on Mars [7]."
    )
    return answer("What is deep learning?", text, [s for s in sources if s is not None])


def front(note: str) -> dict:
    assert note.startswith("---\n")
    return yaml.safe_load(note.split("---\n", 2)[1])


def assert_footnotes_resolve(note: str) -> set[str]:
    used = set(FOOTNOTE_USE.findall(note))
    defined = FOOTNOTE_DEF.findall(note)
    assert len(defined) == len(set(defined))  # each reference defined once
    assert used == set(defined)  # every citation resolves, every reference is cited
    return used


def pandoc_keys(note: str) -> set[str]:
    keys: set[str] = set()
    for group in PANDOC_CITE.findall(note):
        for item in group.split(";"):
            key = item.strip().removeprefix("@")
            keys.add(key[1:-1] if key.startswith("{") else key)
    return keys


def narrative_keys(note: str) -> set[str]:
    """The keys of narrative citations (`@key`, `@{key}` outside brackets)."""
    bare = PANDOC_CITE.sub("", note.split("---\n", 2)[2])
    found = re.findall(r"@(\{[^}]+\}|\w[\w:.-]*\w)", bare)
    return {m[1:-1] if m.startswith("{") else m for m in found}


def assert_one_reference_list(note: str) -> None:
    """Pandoc style: no list of our own, citeproc's placed under the one References heading."""
    assert note.count("## References") == 1
    assert note.split("## References", 1)[1].strip() == "::: {#refs}\n:::"


# ---- answers ----------------------------------------------------------------------------------
def test_footnote_note_of_an_answer(first_answer: Answer, papers: dict[str, Paper]) -> None:
    note = answer_note(first_answer, tags=["vision", "deep learning"])
    meta = front(note)
    assert meta["title"] == meta["question"] == "What is deep learning?"
    assert meta["date"] == date(2024, 5, 17)
    assert meta["tags"] == ["litassist", "vision", "deep-learning"]
    assert meta["mode"] == "extractive"
    assert assert_footnotes_resolve(note) == {"1", "2"}
    body = note.split("## References")[0]
    assert "abstraction [^1]." in body
    assert "generality [^2]." in body  # two passages of one paper: one reference
    assert "[7]" not in body.split("## Unsupported statements")[0]  # a marker to no source
    refs = note.split("## References", 1)[1]
    assert "[^1]: LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning. *Nature*. " in refs
    assert "<https://doi.org/10.1038/nature14539>" in refs
    assert "Radford, A., Kim, J. W., Hallacy, C., & Ramesh, A. (2021)" in refs


def test_quoted_passages_and_flagged_statements(first_answer: Answer, papers) -> None:
    note = answer_note(first_answer)
    passages = note.split("## Supporting passages", 1)[1].split("## ", 1)[0]
    quotes = re.findall(r"^> (.+)$", passages, re.MULTILINE)
    assert quotes
    abstracts = [p.abstract for p in papers.values()]
    for quote in quotes:
        assert any(quote.replace("\\", "") in a for a in abstracts)
    # the paper named once with its number (its footnote placed at its first citation); a
    # sentence the model wrote (not a quote): the check's verdict and score head its passage
    heading = r"\*\*LeCun et al\. \(2015\) \[1\], supported 0\.\d\d\*\*"
    assert re.search(heading + r"\n\n> Deep learning allows", passages)
    flagged = note.split("## Unsupported statements", 1)[1].split("## References")[0]
    assert "- It also reports 97.3% accuracy on Mars. (cites \\[7\\]" in flagged
    assert "not among the sources" in flagged


def test_pandoc_note_keys_match_the_bib(first_answer: Answer) -> None:
    cited = cited_papers([first_answer])
    keys = assign_keys(cited)
    note = answer_note(first_answer, style="pandoc", keys=keys, bibliography="refs.bib")
    bib = bibtex_for(cited, keys=keys)
    bib_keys = {e.key for e in bibtexparser.parse_string(bib).entries}
    assert pandoc_keys(note) | narrative_keys(note) == bib_keys
    assert_one_reference_list(note)
    body = note.split("---\n", 2)[2]
    assert "What is deep learning?" not in body  # the title is the front matter's, once
    assert bib_keys == {"lecun_deep_2015", "radford_learning_2021"}  # the users' own keys
    assert "abstraction [@lecun_deep_2015]." in note
    assert front(note)["bibliography"] == "refs.bib"
    assert "[^" not in note


def test_pandoc_citations_group_several_papers(papers) -> None:
    lecun, radford = papers["lecun_deep_2015"], papers["radford_learning_2021"]
    text = "Both learn representations from data [1][2]."
    one = answer("q?", text, [source(1, lecun), source(2, radford)])
    note = answer_note(one, style="pandoc", keys={lecun.id: "a.b:", radford.id: "c"})
    assert "[@{a.b:}; @c]" in note
    assert pandoc_key("plain_key") == "@plain_key"


def test_conversation_note_numbers_references_across_turns(
    first_answer: Answer, papers: dict[str, Paper]
) -> None:
    radford = papers["radford_learning_2021"]
    follow = answer(
        "And CLIP?",
        "State-of-the-art computer vision systems are trained to predict a fixed set of "
        "predetermined object categories [1].",
        [source(1, radford)],  # source [1] of this turn is Radford, not LeCun
    )
    conversation = Conversation("c0ffee", "Deep learning basics", WHEN, (first_answer, follow))
    note = conversation_note(conversation)
    meta = front(note)
    assert meta["title"] == "Deep learning basics" and meta["conversation"] == "c0ffee"
    assert meta["questions"] == ["What is deep learning?", "And CLIP?"]
    assert assert_footnotes_resolve(note) == {"1", "2"}
    second = note.split("## And CLIP?", 1)[1].split("## Supporting passages")[0]
    assert "categories [2]." in second  # its footnote is the first turn's: numbered once
    assert note.count("[^2]") == 2  # one use, one definition
    assert note.count("## What is deep learning?") == 1


def test_an_abstained_answer_has_no_references(papers) -> None:
    text = "The library does not seem to answer this question."
    abstained = answer("Who won in 1930?", text, [source(1, papers["lecun_deep_2015"])])
    note = answer_note(replace(abstained, abstained=True))
    assert "## References" not in note and "[^" not in note
    assert text in note


def test_an_incomplete_answer_says_so(first_answer: Answer) -> None:
    cut = replace(first_answer, complete=False, error="The answer stream was cut off.")
    assert "*Incomplete answer: The answer stream was cut off.*" in answer_note(cut)


# ---- comparisons ------------------------------------------------------------------------------
PAPERS = [
    {
        "title": "DataDAM: Efficient | Dataset *Distillation* with Attention Matching",
        "abstract": "We address dataset distillation. We propose DataDAM, which learns synthetic "
        "images by matching spatial attention maps. Experiments on CIFAR-10 and ImageNet-1K "
        "show gains of up to 6.5%.",
        "year": 2023,
        "authors": ["Sajedi, Ahmad", "Khaki, Samir"],
        "doi": "10.1000/datadam",
    },
    {
        "title": "FYI: Flip Your Images for Dataset Distillation",
        "abstract": "We study dataset distillation. We introduce FYI, a horizontal flipping "
        "technique for distillation. Experiments on CIFAR-10 and Tiny-ImageNet show gains.",
        "year": 2024,
    },
]


@pytest.fixture
def comparison(data_dir: Path, tmp_path: Path) -> Comparison:
    source_file = tmp_path / "papers.jsonl"
    source_file.write_text("\n".join(json.dumps(p) for p in PAPERS), encoding="utf-8")
    embedder = HashingEmbedder()
    library = Library.open(data_dir, embedder, create=True)
    try:
        ingest([source_file], library)
        comparer = Comparer(
            HybridRetriever(library), embedder, llm=None, prompts=PromptLibrary.default()
        )
        ids = [row.paper.id for row in library.catalog.list_rows()]
        return comparer.compare(ids, ("task", "data", "method", "limitations"))
    finally:
        library.close()


def table_rows(note: str) -> list[list[str]]:
    lines = [line for line in note.splitlines() if line.startswith("| ")]
    rows = [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines]
    return rows[2:] if len(rows) > 2 else []


def test_comparison_note_rows_cite_only_their_paper(comparison: Comparison) -> None:
    note = comparison_note(comparison)
    meta = front(note)
    assert meta["comparison"] == comparison.id and "comparison" in meta["tags"]
    assert meta["aspects"] == ["task", "data", "method", "limitations"]
    assert assert_footnotes_resolve(note) == {"1", "2"}
    rows = table_rows(note)
    assert len(rows) == 2
    for label, row in zip(("1", "2"), rows, strict=True):
        assert len(row) == 5  # an escaped "|" in a cell did not split the row
        cited = {n for cell in row for n in FOOTNOTE_USE.findall(cell)}
        assert cited == {label}
        assert "*not stated*" in row[4]  # limitations
    datadam = comparison.papers.index(next(p for p in comparison.papers if "DataDAM" in p.title))
    refs = note.split("## References", 1)[1]
    assert (
        f"[^{datadam + 1}]: Sajedi, A., & Khaki, S. (2023). DataDAM: Efficient \\| Dataset " in refs
    )
    assert "## Synthesis" in note and "Computed offline from the table" in note


def test_comparison_note_in_pandoc_style_matches_its_bib(comparison: Comparison) -> None:
    papers = comparison_papers(comparison)
    keys = assign_keys(papers)
    note = comparison_note(comparison, style="pandoc", keys=keys, bibliography="cmp.bib")
    bib_keys = {e.key for e in bibtexparser.parse_string(bibtex_for(papers, keys=keys)).entries}
    assert pandoc_keys(note) | narrative_keys(note) == bib_keys
    assert_one_reference_list(note)
    assert bib_keys == {"sajedi2023datadam", "fyi2024flip"}
    row_keys = [keys[p.id] for p in comparison.papers]
    for key, row in zip(row_keys, table_rows(note), strict=True):
        assert {k for cell in row for k in pandoc_keys(cell)} == {key}


def test_render_uses_the_same_keys_for_note_and_bib(comparison: Comparison) -> None:
    other = Paper(id="doi:9", title="FYI flip again", year=2024, abstract="x")
    texts = render(comparison, fmt="md", style="pandoc", context=[other])
    bib_keys = {e.key for e in bibtexparser.parse_string(texts.bib).entries}
    assert pandoc_keys(texts.main) == bib_keys
    assert "fyi2024flipa" in bib_keys  # "fyi2024flip" is taken by a library paper
    plain = render(comparison, fmt="bibtex")
    assert plain.bib is None and len(bibtexparser.parse_string(plain.main).entries) == 2
    as_json = json.loads(render(comparison, fmt="json").main)
    assert as_json["kind"] == "comparison" and len(as_json["rows"]) == 2
