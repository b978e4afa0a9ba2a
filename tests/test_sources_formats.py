"""Every fixture format read end to end, its records equal to the ones written down in
`fixtures/sources/expected.json`; non-bibliographic files give no paper at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.sources import collect_input_files, detect_format, parse_file

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
NONBIB = Path(__file__).parent / "fixtures" / "nonbib"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


def _record(paper: object) -> dict[str, object]:
    return {
        "title": paper.title,  # type: ignore[attr-defined]
        "authors": list(paper.authors),  # type: ignore[attr-defined]
        "year": paper.year,  # type: ignore[attr-defined]
        "doi": paper.doi,  # type: ignore[attr-defined]
        "abstract": paper.abstract,  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_its_expected_records(name: str) -> None:
    result = parse_file(FIXTURES / name)
    assert [_record(paper) for paper in result.papers] == EXPECTED[name]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("wos-savedrecs.txt", "wos"),
        ("wos-named.ris", "wos"),  # Web of Science text saved as .ris
        ("pubmed.nbib", "medline"),
        ("endnote.enw", "enw"),
        ("refworks.txt", "refworks"),
        ("endnote.xml", "endnote-xml"),
        ("references.yaml", "cslyaml"),
        ("scopus.csv.scopus", "csv"),
        ("wos-tab.txt", "csv"),  # Web of Science tab-delimited
        ("pubmed-efetch.xml", "pubmed-xml"),
        ("arxiv-query.xml", "arxiv"),
        ("openalex-works.json", "csljson"),
        ("crossref-list.json", "csljson"),
    ],
)
def test_format_detected_by_content(name: str, fmt: str) -> None:
    assert detect_format(FIXTURES / name) == fmt


def test_json_file_dispatches_each_work_to_its_reader() -> None:
    assert {p.source_format for p in parse_file(FIXTURES / "openalex-works.json").papers} == {
        "openalex"
    }
    assert {p.source_format for p in parse_file(FIXTURES / "crossref-work.json").papers} == {
        "crossref"
    }


def test_wos_fields_lines_and_group_authors() -> None:
    first, second, third = parse_file(FIXTURES / "wos-savedrecs.txt").papers
    assert first.authors == ("Briseño-García, Ana", "Smith, John R.")  # AF over AU
    assert first.title.endswith("a global synthesis of burial rates")  # continuation joined
    assert first.venue == "GLOBAL CHANGE BIOLOGY" and first.line == 3
    assert second.authors == ("Lee, K", "ATLAS Collaboration")
    assert third.title == "A record without an ending tag"  # no ER before EF


def test_medline_and_tagged_continuations() -> None:
    nature, donner = parse_file(FIXTURES / "pubmed.nbib").papers
    assert nature.title.endswith("a resource for systems biology")
    assert nature.authors[-1] == "CRISPR Screening Consortium"
    assert nature.url == "https://pubmed.ncbi.nlm.nih.gov/31452104/"
    assert donner.year == 1998 and donner.doi is None  # a [pii] is not a DOI
    deep, attention = parse_file(FIXTURES / "endnote.enw").papers
    assert deep.abstract.endswith("It maps meadows at 10 m resolution.")
    assert attention.arxiv_id == "1706.03762"


def test_csv_dialect_authors_markup_and_venues() -> None:
    uptake, single = parse_file(FIXTURES / "scopus.csv.scopus").papers
    assert uptake.title == "Uptake of CO2 by seagrass & algae"  # <inf>2</inf>, &amp;
    assert uptake.venue == "Global Change Biology"  # Source title
    assert single.authors == ("Lee, Kim",)  # Scopus author id dropped
    (ieee,) = parse_file(FIXTURES / "ieee.csv").papers
    assert ieee.authors == ("K. He", "X. Zhang", "S. Ren", "J. Sun")
    unet, seagrass = parse_file(FIXTURES / "springer.csv").papers
    assert unet.authors == ("Olaf Ronneberger", "Philipp Fischer", "Thomas Brox")
    assert seagrass.authors == ("Ana Briseño-García", "Tom McDonald")
    first, _ = parse_file(FIXTURES / "pubmed.csv").papers
    assert first.authors == ("Müller AK", "Smith J", "Lee K")
    active, _ = parse_file(FIXTURES / "asreview.csv").papers
    assert active.authors == ("van de Schoot, Rens", "de Bruin, Jonathan")
    assert active.abstract == "We simulate screening with active learning."


def test_bibtex_latex_before_names_subtitle_crossref_and_xdata() -> None:
    mapping, proceedings, shared = parse_file(FIXTURES / "biblatex-fidelity.bib").papers
    assert mapping.authors == (
        "Briseño-García, Ana",
        "Müller, Hans",
        "Google Research and DeepMind",
    )
    assert mapping.title == "Mapping Seagrass: A Deep Learning Approach"
    assert (mapping.year, mapping.venue) == (2020, "Proceedings of MICCAI 2020")  # crossref
    assert proceedings.title == "Proceedings of MICCAI 2020"
    assert (shared.year, shared.venue) == (2018, "Journal of Shared Data")  # xdata
    assert shared.authors == ("Dvořák, Jan",)


def test_declared_and_guessed_encodings() -> None:
    (jabref,) = parse_file(FIXTURES / "jabref-1252.bib").papers
    assert jabref.title == "Seagrass 1990–2020: three decades"  # 0x96 is an en dash
    assert jabref.authors[0] == "García, José"
    result = parse_file(FIXTURES / "undeclared-1252.ris")
    assert [p.title for p in result.papers] == ["Café – a “quoted” title"]
    assert "windows-1252" in result.problems[0].message
    assert [p.title for p in parse_file(FIXTURES / "utf16-bom.ris").papers] == ["Étude UTF-16"]


def test_ris_with_one_space_after_the_tag() -> None:
    (paper,) = parse_file(FIXTURES / "ris-one-space.ris").papers
    assert (paper.title, paper.authors, paper.doi) == (
        "One space after the tag",
        ("Smith, John",),
        "10.1000/one.space",
    )


def test_no_paper_from_any_non_bibliographic_file() -> None:
    files, problems = collect_input_files([NONBIB])
    assert files == []
    assert len(problems) == len(list(NONBIB.iterdir()))
    assert all(p.message.startswith("unrecognised format (looks like ") for p in problems)
    for path in NONBIB.iterdir():  # also when named explicitly
        with pytest.raises(ValueError, match="unrecognised format"):
            parse_file(path)


def test_sample_listing_still_gives_sixty_papers() -> None:
    sample = Path(__file__).parent.parent / "samples" / "vision-datasets-papers.txt"
    result = parse_file(sample)
    assert len(result.papers) == 60 and result.problems == ()


def test_table_name_splitting_with_non_ascii_capitals() -> None:
    from assistant.sources.csvfile import split_names

    assert split_names("Renée LefèvreÜmit Çelik", run_together=True) == (
        "Renée Lefèvre",
        "Ümit Çelik",
    )
    assert split_names("Tom MacDonaldAna Li", run_together=True) == ("Tom MacDonald", "Ana Li")
    assert split_names("Novák M, Çelik Ü") == ("Novák M", "Çelik Ü")
    assert split_names("Smith, John") == ("Smith, John",)
    assert split_names("Smith, J") == ("Smith, J",)


def test_cslyaml_date_list_and_editor_only_book() -> None:
    """Better BibTeX's "CSL-YAML import" case: `issued` as a list of date mappings, and a
    book with editors only (their names are the book's authors, as for BibTeX)."""
    result = parse_file(FIXTURES / "cslyaml-date-list.yaml")
    assert result.problems == ()
    article, book = result.papers
    assert (article.year, article.authors) == (2021, ("Okafor, Ada N",))
    assert article.title == "Tidal export of seagrass carbon over a spring-neap cycle"
    assert (book.year, book.authors) == (1902, ("Lindqvist, Per",))


def test_ris_record_with_only_a_short_title_is_kept() -> None:
    """rispy's UTF-8 test record has ST but no TI: the short title is its title."""
    result = parse_file(FIXTURES / "ris-short-title-only.ris")
    assert result.problems == ()
    (paper,) = result.papers
    assert paper.title == "Морские травы Чёрного моря"
    assert paper.abstract == "Первая строка аннотации The second line of the abstract"
    assert (paper.year, paper.authors) == (2010, ("Petrova, A. N.",))


@pytest.mark.parametrize(
    ("name", "keywords", "item_type"),
    [
        ("zotero.bib", ("Computer science", "Mathematics and computing"), "article"),
        ("mendeley.bib", ("dataset", "clip"), "article"),
        ("zotero.ris", ("Computer science", "Mathematics and computing"), "JOUR"),
        ("wos-savedrecs.txt", ("seagrass", "blue carbon"), "Article"),
        ("endnote.enw", ("seagrass",), "Journal Article"),
        ("scopus.csv.scopus", ("seagrass", "carbon"), "Article"),
        ("ieee.csv", ("Training", "Degradation", "Neural networks"), None),
        ("asreview-lists.csv", ("seagrass", "carbon"), "JOUR"),
        ("wos-tab.txt", (), "Article"),
    ],
)
def test_keywords_and_item_type_of_the_first_record(
    name: str, keywords: tuple[str, ...], item_type: str | None
) -> None:
    first = parse_file(FIXTURES / name).papers[0]
    assert (first.keywords, first.item_type) == (keywords, item_type)


def test_keywords_from_api_payloads_and_pubmed() -> None:
    from assistant.sources.crossref import parse_crossref_payload
    from assistant.sources.openalex import parse_openalex_payload

    work = {"title": ["T"], "subject": ["Ecology", "Oceanography"], "type": "journal-article"}
    (paper,) = parse_crossref_payload({"message": work}, "c").papers
    assert (paper.keywords, paper.item_type) == (("Ecology", "Oceanography"), "journal-article")
    oa = {"id": "https://openalex.org/W1", "title": "T", "keywords": [{"display_name": "Kelp"}]}
    (paper,) = parse_openalex_payload(oa, "o").papers
    assert paper.keywords == ("Kelp",)
