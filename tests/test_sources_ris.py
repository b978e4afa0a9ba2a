"""RIS parsing (Zotero export with CRLF) and cross-format identity."""

from __future__ import annotations

from pathlib import Path

from assistant.sources import parse_file
from assistant.sources.ris import parse_ris, split_records

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def zotero_ris() -> str:
    return (FIXTURES / "zotero.ris").read_bytes().decode("utf-8")


def test_zotero_ris_fields() -> None:
    text = zotero_ris()
    assert "\r\n" in text
    result = parse_ris(text, "zotero.ris")
    lecun, radford, deng = result.papers

    assert lecun.title == "Deep learning"
    assert lecun.authors == ("LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey")
    assert lecun.year == 2015
    assert lecun.venue == "Nature"  # T2
    assert lecun.doi == "10.1038/nature14539"
    assert lecun.id == "doi:10.1038/nature14539"
    assert lecun.url == "https://www.nature.com/articles/nature14539"
    assert lecun.line == 1
    assert lecun.source_format == "ris" and lecun.citekey is None

    assert radford.title == "Learning Transferable Visual Models From Natural Language Supervision"
    assert radford.abstract == (
        "State-of-the-art computer vision systems are trained to predict a fixed set of "
        "predetermined object categories. This restricted form of supervision limits their "
        "generality."
    )  # continuation line joined
    assert radford.arxiv_id == "2103.00020"
    assert radford.id == "arxiv:2103.00020"
    assert radford.line == 25

    assert deng.title == "ImageNet: A large-scale hierarchical image database"  # T1
    assert deng.authors == ("Deng, Jia", "Dong, Wei")  # A1
    assert deng.year == 2009  # Y1 "2009///"
    assert deng.venue == "2009 IEEE Conference on Computer Vision and Pattern Recognition"  # JO
    assert deng.abstract.startswith("The explosion of image data")  # N2
    assert deng.doi == "10.1109/cvpr.2009.5206848"
    assert deng.url == "https://ieeexplore.ieee.org/document/5206848"  # first of `;` list
    assert deng.line == 45

    assert [(p.file, p.line, p.message) for p in result.problems] == [
        ("zotero.ris", 39, "record has no title, skipped")
    ]


def test_raw_entry_is_the_record_text() -> None:
    text = zotero_ris().replace("\r\n", "\n")
    lecun = parse_ris(text, "z.ris").papers[0]
    assert lecun.raw_entry is not None
    assert lecun.raw_entry.startswith("TY  - JOUR\nTI  - Deep learning\n")
    assert lecun.raw_entry.endswith("ER  -")
    assert lecun.raw_entry in text
    assert parse_ris(lecun.raw_entry, "again.ris").papers[0].id == lecun.id


def test_record_without_er_and_junk_outside_records() -> None:
    text = (
        "\ufeffProvider: Some Publisher\nContent: text/plain\n\n"
        "TY  - JOUR\nTI  - Closed\nPY  - 2020\nER  - \n\n"
        "TY  - JOUR\nTI  - Not closed\nDO  - 10.48550/arXiv.1706.03762\n"
    )
    result = parse_ris(text, "x.ris")
    assert [(p.title, p.line) for p in result.papers] == [("Closed", 4), ("Not closed", 9)]
    assert result.papers[1].arxiv_id == "1706.03762"
    assert result.problems == ()


def test_split_records_lines() -> None:
    records = list(split_records("TY  - A\nER  -\nTY  - B\nTI  - t\nER  - \n"))
    assert [(r.line, r.lines) for r in records] == [
        (1, ("TY  - A", "ER  -")),
        (3, ("TY  - B", "TI  - t", "ER  -")),
    ]


def test_same_paper_in_bib_ris_csljson_csv_gets_the_same_id() -> None:
    names = ["zotero.bib", "zotero.ris", "zotero-csl.json", "zotero.csv", "papers.jsonl"]
    ids = {}
    for name in names:
        result = parse_file(FIXTURES / name)
        deep = [p for p in result.papers if p.title == "Deep learning"]
        assert len(deep) == 1, name
        ids[name] = deep[0].id
    assert set(ids.values()) == {"doi:10.1038/nature14539"}


def test_clip_preprint_matches_across_exporters() -> None:
    title = "Learning Transferable Visual Models From Natural Language Supervision"
    names = ["zotero.bib", "zotero.ris", "zotero-csl.json", "zotero.csv", "papers.jsonl"]
    ids = {p.id for name in names for p in parse_file(FIXTURES / name).papers if p.title == title}
    assert ids == {"arxiv:2103.00020"}
