"""Format detection, file reading (encodings) and input-file collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import LitassistError
from assistant.sources import (
    UnsupportedFormatError,
    collect_input_files,
    detect_format,
    parse_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
LONG = " ".join(["word"] * 30)


PAIR = "A Title of a Paper\n\n" + LONG + "\n\n"


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("refs.bib", "@article{a,", "bibtex"),
        ("refs.bibtex", "", "bibtex"),
        ("refs.biblatex", "@online{a, title = {x}}", "bibtex"),
        ("refs.BIB", "% Encoding: UTF-8\n\n@article{a,", "bibtex"),
        ("refs.ris", "TY  - JOUR\nTI  - x\n", "ris"),
        ("vendor.ris", "TY - JOUR\nTI - x\nER - \n", "ris"),
        ("export.txt", "\ufeff\r\nTY  - JOUR\r\nTI  - x", "ris"),
        ("export.txt", "\n\n  @inproceedings{x,", "bibtex"),
        ("savedrecs.txt", "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Li, X\n", "wos"),
        ("wos.ris", "PT J\nAU Li, X\nTI A title\nER\n", "wos"),
        ("pubmed.nbib", "PMID- 123\nOWN - NLM\nTI  - A title\n", "medline"),
        ("pubmed.txt", "\nPMID- 123\nTI  - A title\n", "medline"),
        ("refs.enw", "%0 Journal Article\n%T A title\n%A Li, X\n", "enw"),
        ("refworks.txt", "RT Journal Article\nSR Electronic\nA1 Li, X\nT1 A title\n", "refworks"),
        ("refs.yaml", "---\nreferences:\n- id: a\n  title: A title\n", "cslyaml"),
        ("refs.yml", "- id: a\n  type: article\n  title: A title\n", "cslyaml"),
        (
            "q.xml",
            '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>',
            "arxiv",
        ),
        (
            "pm.xml",
            "<?xml version='1.0'?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>",
            "pubmed-xml",
        ),
        ("en.xml", "<?xml version='1.0'?><xml><records><record><titles>", "endnote-xml"),
        ("listing.txt", PAIR * 3, "listing"),
        ("notes.md", "# Papers\n\n" + PAIR * 2, "listing"),
        ("zotero.json", '[\n\t{\n\t\t"id": "x", "title": "y"', "csljson"),
        ("one.json", '{\n  "title": "x"\n}', "csljson"),
        ("lines.json", '{"title": "a"}\n{"title": "b"}\n', "jsonl"),
        ("dump.jsonl", '{"title": "a"}\n', "jsonl"),
        ("dump.ndjson", "", "jsonl"),
        ("zotero.csv", '"Key","Title","Author"', "csv"),
        ("table.tsv", "title\tabstract", "csv"),
        ("scopus.csv.scopus", "Authors,Title,Year,Source title\n", "csv"),
        ("table.tab", "title\tauthors\n", "csv"),
        ("ieee.csv", '"Document Title",Authors,"Publication Title"', "csv"),
        ("references", "@article{a,", "bibtex"),
        ("references", PAIR, "listing"),
    ],
)
def test_detect_format(name: str, head: str, expected: str) -> None:
    assert detect_format(Path(name), head=head) == expected


def test_detect_format_reads_the_head_itself() -> None:
    assert detect_format(FIXTURES / "zotero.ris") == "ris"
    assert detect_format(FIXTURES / "zotero-csl.json") == "csljson"
    assert detect_format(FIXTURES / "listing-crlf.txt") == "listing"


def test_unsupported_format_error() -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        detect_format(Path("notes.pdf"), head="%PDF-1.7")
    error = info.value
    assert isinstance(error, ValueError) and isinstance(error, LitassistError)
    assert str(error).startswith(
        "notes.pdf: unrecognised format (looks like binary file (a PDF document)); "
        "litassist reads BibTeX, RIS,"
    )
    assert "\n" not in str(error)
    assert error.path == Path("notes.pdf")
    with pytest.raises(UnsupportedFormatError, match="binary file"):
        detect_format(Path("data.txt"), head="ab\x00\x01")


@pytest.mark.parametrize(
    ("name", "head", "looks_like"),
    [
        ("page.txt", "new\n\nSubscribe\n", "plain text that is not a title/abstract listing"),
        ("README.md", "# litassist\n\nA tool.\n\n## Install\n\n    pip install x\n", "Markdown"),
        ("proquest.txt", "Title: X\n\nAuthor: Y\n\nPublication info: Z\n", "ProQuest"),
        ("ovid.txt", "<1>\nVN - Ovid Technologies\nDB - Embase\nAN - 1\nTI - X\n", "OVID"),
        ("refworks.txt", "***** BEGIN EXPORTED REFERENCES *****\n\nSmith J. 2020.\n", "RefWorks"),
        (
            "run.log",
            "2024-01-01 10:00:00 INFO a\n2024-01-01 10:00:01 INFO b\n2024-01-01 10:00:02 x\n",
            "log",
        ),
        ("people.csv", "name,email,phone\nAnn,a@x,1\n", "without a title column"),
        ("movies.csv", "title,year,director\nHeat,1995,Mann\n", "without a title column"),
        ("package.json", '{"name": "x", "version": "1.0"}', "JSON without paper records"),
        ("feed.xml", "<?xml version='1.0'?><rss><channel>", "<rss> root"),
        ("script.py", "import os\nimport sys\n\ndef main():\n    pass\n", "source code"),
    ],
)
def test_non_bibliographic_files_are_unrecognised(name: str, head: str, looks_like: str) -> None:
    with pytest.raises(UnsupportedFormatError, match="unrecognised format") as info:
        detect_format(Path(name), head=head)
    assert looks_like in info.value.reason


def test_parse_file_dispatches_and_keeps_the_path_as_given() -> None:
    result = parse_file(FIXTURES / "zotero.ris")
    assert {p.source_format for p in result.papers} == {"ris"}
    assert {p.source_file for p in result.papers} == {str(FIXTURES / "zotero.ris")}


def test_parse_file_utf8_bom_and_latin1_fallback(tmp_path: Path) -> None:
    bom = tmp_path / "bom.bib"
    bom.write_bytes(b"\xef\xbb\xbf@article{k, title = {\xc3\x9cber}}\r\n")
    result = parse_file(bom)
    assert [p.title for p in result.papers] == ["Über"] and result.problems == ()

    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"Caf\xe9 Title\n\n" + ("Abstract " + LONG).encode() + b"\n")
    result = parse_file(latin)
    assert [p.title for p in result.papers] == ["Café Title"]
    assert [(p.file, p.line) for p in result.problems] == [(str(latin), 1)]
    assert "windows-1252" in result.problems[0].message

    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("title,abstract\nÉtude,Texte\n".encode("utf-16"))
    assert [p.title for p in parse_file(utf16).papers] == ["Étude"]


def test_parse_file_unreadable_and_unsupported(tmp_path: Path) -> None:
    result = parse_file(tmp_path / "missing.bib")
    assert result.papers == ()
    assert [(p.file, p.line) for p in result.problems] == [(str(tmp_path / "missing.bib"), None)]
    assert result.problems[0].message.startswith("cannot read file")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    with pytest.raises(UnsupportedFormatError):
        parse_file(pdf)


def test_collect_input_files(tmp_path: Path) -> None:
    root = tmp_path / "refs"
    (root / "b-sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "z.bib").write_text("@article{a, title={A}}")
    (root / "a.ris").write_text("TY  - JOUR\nTI  - x\nER  - \n")
    (root / "b-sub" / "c.jsonl").write_text('{"title": "c"}\n')
    (root / "b-sub" / "d.csv").write_text("title,abstract\nd,x\n")
    (root / ".hidden" / "e.bib").write_text("@article{e, title={E}}")
    (root / ".f.bib").write_text("@article{f, title={F}}")
    (root / "paper.pdf").write_bytes(b"%PDF")
    (root / "LICENSE").write_text("MIT")
    single = tmp_path / "single.json"
    single.write_text('[{"title": "s"}]')
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF")

    files, problems = collect_input_files(
        [root, single, tmp_path / "nope.bib", pdf, root / "z.bib"]
    )
    assert files == [
        root / "a.ris",
        root / "b-sub" / "c.jsonl",
        root / "b-sub" / "d.csv",
        root / "z.bib",
        single,
    ]
    reasons = {Path(p.file).name: p.message for p in problems}
    assert set(reasons) == {"LICENSE", "paper.pdf", "nope.bib", "notes.pdf"}
    assert reasons["nope.bib"] == "no such file or folder"
    assert reasons["paper.pdf"].startswith("unrecognised format (looks like binary file (a PDF")
    assert reasons["LICENSE"].startswith("unrecognised format (looks like plain text")
    assert all(p.line is None for p in problems)


def test_collect_reports_a_fifo_as_not_a_regular_file(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    files, problems = collect_input_files([fifo, tmp_path])
    assert files == []
    assert [p.message for p in problems] == [
        "not a regular file (a FIFO (named pipe)); litassist reads files and folders"
    ] * 2


def test_collect_named_file_without_extension(tmp_path: Path) -> None:
    named = tmp_path / "references"
    named.write_text("@article{a, title={A}}")
    assert collect_input_files([named]) == ([named], [])
    assert [p.title for p in parse_file(named).papers] == ["A"]
