"""BibTeX export: the user's own entries come out as they went in; generated ones parse back (with
bibtexparser, and through litassist's own importer) to the same papers; keys are stable and
unique."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest

from assistant.export.bibtex import bibtex_for, escape_latex, generated_entry, with_key
from assistant.export.exporter import source_strings
from assistant.export.keys import assign_keys, generated_key
from assistant.sources.bibtex import parse_bibtex
from assistant.types import Paper

SOURCES = Path(__file__).parent / "fixtures" / "sources"
BIB_FILES = ["zotero.bib", "jabref.bib", "biblatex.bib", "bibdesk.bib", "mendeley.bib"]
COMPARED = ("id", "title", "abstract", "authors", "year", "venue", "doi", "arxiv_id", "url")


def parsed(name: str) -> tuple[str, list[Paper]]:
    path = SOURCES / name
    text = path.read_text(encoding="utf-8")
    return text, list(parse_bibtex(text, str(path)).papers)


def entries_by_key(text: str) -> dict[str, bibtexparser.model.Entry]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return {entry.key: entry for entry in library.entries}


def values(entry: bibtexparser.model.Entry) -> dict[str, object]:
    return {field.key: field.value for field in entry.fields}


def as_generated(paper: Paper) -> Paper:
    """The same paper as if it had come from RIS: no BibTeX entry to reuse."""
    return replace(paper, source_format="ris", raw_entry=None, citekey=None)


@pytest.mark.parametrize("name", BIB_FILES)
def test_bibtex_entries_come_out_as_they_went_in(name: str) -> None:
    original_text, papers = parsed(name)
    exported = bibtex_for(papers, strings=source_strings(papers))
    original = {e.key: e for e in bibtexparser.parse_string(original_text).entries}
    back = entries_by_key(exported)  # and no failed block in the export
    keyed = [p for p in papers if p.citekey]
    assert {p.citekey for p in keyed} <= set(back)
    for paper in keyed:
        entry = back[paper.citekey]
        assert entry.raw == paper.raw_entry.strip("\n")  # byte for byte
        assert entry.entry_type == original[paper.citekey].entry_type
        assert values(entry) == values(original[paper.citekey])  # @string macros resolved too
    assert len(back) == len(papers)


def test_macros_are_defined_from_the_venue_when_the_source_file_is_gone() -> None:
    text = (SOURCES / "jabref.bib").read_text(encoding="utf-8")
    papers = parse_bibtex(text, "/nowhere/jabref.bib").papers
    exported = bibtex_for(papers, strings=source_strings(papers))
    library = bibtexparser.parse_string(exported)
    (cvpr,) = [s for s in library.strings if s.key == "cvpr"]
    assert (
        cvpr.value
        == "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition"
    )
    assert entries_by_key(exported)["He2016"]["booktitle"] == cvpr.value


def test_a_keyless_entry_gets_a_key_and_keeps_the_rest() -> None:
    _, papers = parsed("jabref.bib")
    (keyless,) = [p for p in papers if p.citekey is None]
    exported = bibtex_for([keyless])
    (entry,) = bibtexparser.parse_string(exported).entries
    assert entry.key == "anonymous2019entry"
    assert entry.raw == with_key(keyless.raw_entry.strip("\n"), "anonymous2019entry")
    assert entry["title"] == "An Entry Exported Without a Key"


@pytest.mark.parametrize("name", BIB_FILES)
def test_generated_entries_parse_back_to_the_same_papers(name: str) -> None:
    _, papers = parsed(name)
    papers = [as_generated(p) for p in papers]
    exported = bibtex_for(papers)
    assert len(entries_by_key(exported)) == len(papers)
    back = parse_bibtex(exported, "export.bib")
    assert not back.problems
    for before, after in zip(papers, back.papers, strict=True):
        for name_ in COMPARED:
            assert getattr(after, name_) == getattr(before, name_), name_


def test_latex_specials_survive_the_round_trip() -> None:
    paper = Paper(
        id="title:x",
        title="R&D at 50% {cost}: $5 #1 a_b back\\slash ~tilde for CIFAR-10 and DataDAM",
        abstract="Costs 50% less & more; see {braces}, $x$, a_b and #tags.",
        authors=("Müller, Jörg", "Peña, José", "Google Research and DeepMind"),
        year=2021,
        venue="Proceedings of the European Conference on Computer Vision (ECCV)",
        doi="10.1000/a_b{c}",
        url="https://example.org/x?q=a%20b&r={1}",
    )
    exported = bibtex_for([paper])
    entry = entries_by_key(exported)[generated_key(paper)]
    assert entry.entry_type == "inproceedings" and "booktitle" in entry.fields_dict
    assert "{CIFAR-10}" in entry["title"] and "{DataDAM}" in entry["title"]
    assert "{Google Research and DeepMind}" in entry["author"]
    (back,) = parse_bibtex(exported, "export.bib").papers
    assert back.title == paper.title
    assert back.abstract == paper.abstract
    assert back.authors == paper.authors
    assert back.venue == paper.venue
    assert back.url == "https://example.org/x?q=a%20b&r=%7B1%7D"  # braces percent-encoded


def test_escape_latex() -> None:
    assert escape_latex(r"a & b % c $ d # e _ f { g } h \ i") == (
        r"a \& b \% c \$ d \# e \_ f \{ g \} h \textbackslash{} i"
    )


def test_entry_types() -> None:
    base = Paper(id="title:y", title="Y")
    assert generated_entry(base, "y").startswith("@misc{y,")
    assert generated_entry(replace(base, venue="Nature"), "y").startswith("@article{y,")
    assert generated_entry(replace(base, venue="CVPR 2023"), "y").startswith("@inproceedings{y,")


# ---- keys -------------------------------------------------------------------------------------
def test_generated_keys() -> None:
    lecun = Paper(id="doi:1", title="Deep learning", authors=("LeCun, Yann",), year=2015)
    assert generated_key(lecun) == "lecun2015deep"
    muller = Paper(id="doi:2", title="Über Datensätze", authors=("Müller, Jörg",), year=2020)
    assert generated_key(muller) == "muller2020uber"
    anonymous = Paper(id="doi:3", title="DataDAM: Efficient Dataset Distillation")
    assert generated_key(anonymous) == "datadamefficient"
    first_last = Paper(id="doi:4", title="On the Dataset", authors=("Jane Smith",), year=2001)
    assert generated_key(first_last) == "smith2001dataset"


def test_keys_are_unique_stable_and_keep_the_users_own() -> None:
    a = Paper(id="doi:a", title="Deep learning", authors=("LeCun, Yann",), year=2015)
    b = Paper(id="doi:b", title="Deep Learning Again", authors=("LeCun, Y.",), year=2015)
    own = Paper(
        id="doi:c", title="Other", citekey="lecun2015deep", source_format="bibtex",
        raw_entry="@article{lecun2015deep,\n  title = {Other},\n}",
    )  # fmt: skip
    keys = assign_keys([a, b, own])
    assert keys == {"doi:a": "lecun2015deepa", "doi:b": "lecun2015deepb", "doi:c": "lecun2015deep"}
    assert assign_keys([b, own, a]) == keys  # order does not matter
    assert assign_keys([b], context=[a, own]) == {"doi:b": "lecun2015deepb"}  # library-wide
    exported = bibtex_for([own, a, b], keys=keys)
    assert set(entries_by_key(exported)) == {"lecun2015deep", "lecun2015deepa", "lecun2015deepb"}


def test_two_user_entries_with_one_key_are_told_apart() -> None:
    first = Paper(
        id="doi:1", title="First", citekey="smith2020", source_format="bibtex",
        raw_entry="@article{smith2020,\n  title = {First},\n}",
    )  # fmt: skip
    second = replace(
        first, id="doi:2", title="Second", raw_entry=first.raw_entry.replace("First", "Second")
    )
    exported = bibtex_for([first, second])
    entries = entries_by_key(exported)
    assert entries["smith2020"]["title"] == "First"
    assert entries["smith2020a"]["title"] == "Second"
    assert entries["smith2020a"].raw == "@article{smith2020a,\n  title = {Second},\n}"


def test_with_key() -> None:
    assert with_key("@article{old,\n  title = {T},\n}", "new") == "@article{new,\n  title = {T},\n}"
    assert with_key("@misc{\n  title = {T},\n}", "k") == "@misc{k,\n  title = {T},\n}"
    assert with_key("@Book( same , title = {T})", "same") == "@Book( same , title = {T})"


def test_only_the_given_papers_are_exported_once_each() -> None:
    _, papers = parsed("zotero.bib")
    exported = bibtex_for([papers[1], papers[0], papers[1]])
    assert list(entries_by_key(exported)) == [papers[1].citekey, papers[0].citekey]
    assert bibtex_for([]) == ""
