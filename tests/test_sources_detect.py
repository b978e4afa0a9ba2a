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


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("refs.bib", "@article{a,", "bibtex"),
        ("refs.bibtex", "", "bibtex"),
        ("refs.BIB", "% Encoding: UTF-8\n\n@article{a,", "bibtex"),
        ("refs.ris", "TY  - JOUR\n", "ris"),
        ("export.txt", "\ufeff\r\nTY  - JOUR\r\nTI  - x", "ris"),
        ("export.txt", "\n\n  @inproceedings{x,", "bibtex"),
        ("listing.txt", "new\n\nSubscribe\n", "listing"),
        ("notes.md", "# Papers\n\nTitle\n", "listing"),
        ("zotero.json", '[\n\t{\n\t\t"id": "x"', "csljson"),
        ("one.json", '{\n  "title": "x"\n}', "csljson"),
        ("lines.json", '{"title": "a"}\n{"title": "b"}\n', "jsonl"),
        ("dump.jsonl", '{"title": "a"}\n', "jsonl"),
        ("dump.ndjson", "", "jsonl"),
        ("zotero.csv", '"Key","Title"', "csv"),
        ("table.tsv", "title\tabstract", "csv"),
        ("references", "@article{a,", "bibtex"),
        ("references", "Title\n\nAbstract", "listing"),
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
    assert str(error) == (
        "notes.pdf: unsupported file type (.pdf); litassist reads .bib, .ris, .json "
        "(CSL-JSON), .jsonl, .csv and plain-text listings"
    )
    assert "\n" not in str(error)
    assert error.path == Path("notes.pdf")
    with pytest.raises(UnsupportedFormatError, match="binary file"):
        detect_format(Path("data.txt"), head="ab\x00\x01")


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
    assert "Latin-1" in result.problems[0].message

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
    (root / "b-sub" / "d.csv").write_text("title\nd\n")
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
    assert [(p.file, p.line, p.message) for p in problems] == [
        (str(tmp_path / "nope.bib"), None, "no such file"),
        (
            str(pdf),
            None,
            "unsupported file type (.pdf); litassist reads .bib, .ris, .json (CSL-JSON), "
            ".jsonl, .csv and plain-text listings",
        ),
    ]


def test_collect_named_file_without_extension(tmp_path: Path) -> None:
    named = tmp_path / "references"
    named.write_text("@article{a, title={A}}")
    assert collect_input_files([named]) == ([named], [])
    assert [p.title for p in parse_file(named).papers] == ["A"]
