"""JSON Lines and CSV/TSV parsing (Zotero CSV export with BOM, CRLF and quoted newlines)."""

from __future__ import annotations

from pathlib import Path

from assistant.sources import parse_file
from assistant.sources.csvfile import parse_csv, sniff_delimiter
from assistant.sources.fields import split_authors
from assistant.sources.jsonl import parse_jsonl

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def test_jsonl_fixture() -> None:
    text = (FIXTURES / "papers.jsonl").read_text(encoding="utf-8")
    result = parse_jsonl(text, "papers.jsonl")
    lecun, radford, imagenet = result.papers

    assert lecun.citekey == "lecun2015"
    assert lecun.authors == ("Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton")
    assert (lecun.year, lecun.venue, lecun.doi) == (2015, "Nature", "10.1038/nature14539")
    assert lecun.id == "doi:10.1038/nature14539"
    assert lecun.line == 1
    assert lecun.raw_entry == text.splitlines()[0]
    assert lecun.source_format == "jsonl"

    assert radford.abstract.startswith("State-of-the-art computer vision")  # `summary`
    assert radford.authors == ("Alec Radford", "Jong Wook Kim")  # "A and B"
    assert radford.arxiv_id == "2103.00020"
    assert radford.id == "arxiv:2103.00020"
    assert radford.line == 3  # the blank line 2 is ignored

    assert imagenet.abstract == "A large-scale hierarchical image database."  # `text`
    assert imagenet.authors == ("Deng, Jia", "Dong, Wei")  # "A; B"
    assert imagenet.year == 2009
    assert imagenet.citekey is None  # a numeric id is not a citekey
    assert imagenet.line == 5

    assert [(p.line, p.message) for p in result.problems] == [
        (4, "invalid JSON: Expecting value"),
        (6, "line is not a JSON object"),
        (7, "record has no title, skipped"),
    ]


def test_jsonl_authors_as_objects_and_capitalised_keys() -> None:
    line = '{"Title": "T", "Abstract": "A", "authors": [{"name": "Ann Lee"}, {"name": "Bo Ma"}]}'
    (paper,) = parse_jsonl(line, "x.jsonl").papers
    assert (paper.title, paper.abstract, paper.authors) == ("T", "A", ("Ann Lee", "Bo Ma"))


def test_zotero_csv() -> None:
    path = FIXTURES / "zotero.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    result = parse_file(path)
    lecun, radford, deng = result.papers

    assert lecun.title == "Deep learning"
    assert lecun.authors == ("LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey")
    assert (lecun.year, lecun.venue) == (2015, "Nature")
    assert lecun.id == "doi:10.1038/nature14539"
    assert lecun.url == "https://www.nature.com/articles/nature14539"
    assert lecun.line == 2
    assert lecun.source_format == "csv"
    assert lecun.raw_entry is not None and lecun.raw_entry.startswith('"ABCD1234",')

    assert radford.abstract == (
        "State-of-the-art computer vision systems are trained to predict a fixed set of "
        'predetermined object categories, "a restricted form" of supervision.'
    )  # quoted newline and doubled quotes
    assert radford.id == "arxiv:2103.00020"
    assert radford.line == 3
    assert radford.raw_entry is not None and radford.raw_entry.count("\n") == 1

    assert deng.year == 2009  # empty Publication Year, falls back to Date
    assert deng.line == 6  # the row with the two-line abstract shifted it

    assert [(p.line, p.message) for p in result.problems] == [(5, "row has no title, skipped")]


def test_tsv_and_semicolon_csv() -> None:
    tsv = "title\tabstract\tauthors\tyear\nA, with comma\tSome text\tAnn Lee and Bo Ma\t2020\n"
    (paper,) = parse_csv(tsv, "x.tsv").papers
    assert (paper.title, paper.authors, paper.year) == ("A, with comma", ("Ann Lee", "Bo Ma"), 2020)
    semi = "Title;Summary;DOI\nB;Text;10.1000/XYZ\n"
    (paper,) = parse_csv(semi, "x.csv").papers
    assert (paper.title, paper.abstract, paper.id) == ("B", "Text", "doi:10.1000/xyz")


def test_csv_without_title_column_is_one_problem() -> None:
    result = parse_csv("name,abstract\nA,B\nC,D\n", "x.csv")
    assert result.papers == ()
    assert [(p.file, p.line) for p in result.problems] == [("x.csv", 1)]
    assert parse_csv("", "x.csv").papers == ()


def test_helpers() -> None:
    assert sniff_delimiter("title") == ","
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert split_authors("Smith, J.; Doe, K.") == ("Smith, J.", "Doe, K.")
    assert split_authors("Smith, J. and Doe, K.") == ("Smith, J.", "Doe, K.")
    assert split_authors(["A", " ", "B"]) == ("A", "B")
    assert split_authors(None) == ()


def test_asreview_python_list_cells_are_split_into_authors() -> None:
    """ASReview's own CSV export writes list columns as Python literals."""
    result = parse_file(Path(__file__).parent / "fixtures" / "sources" / "asreview-lists.csv")
    assert result.problems == ()
    first, second = result.papers
    assert first.authors == ("Okafor, Ada", "Lindqvist, Per")
    assert first.year == 2019 and first.title == "Carbon burial in a northern seagrass meadow"
    assert second.authors == ("Nguyen, Thi Mai",)
