"""CSL-JSON (Zotero export) parsing."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.sources.csljson import csl_name, csl_year, parse_csljson

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def test_zotero_csl_json() -> None:
    text = (FIXTURES / "zotero-csl.json").read_text(encoding="utf-8")
    result = parse_csljson(text, "zotero-csl.json")
    lecun, radford, genome = result.papers

    assert lecun.title == "Deep learning"
    assert lecun.authors == ("LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey")
    assert lecun.year == 2015  # date-parts with a string year
    assert lecun.venue == "Nature"
    assert lecun.id == "doi:10.1038/nature14539"
    assert lecun.url == "https://www.nature.com/articles/nature14539"
    assert lecun.citekey is None  # a Zotero item URI is not a citekey
    assert lecun.source_format == "csljson"
    assert json.loads(lecun.raw_entry or "")["id"] == (
        "http://zotero.org/users/123456/items/ABCD1234"
    )

    assert radford.citekey == "radford2021"
    assert radford.arxiv_id == "2103.00020"  # from `number: arXiv:2103.00020`
    assert radford.id == "arxiv:2103.00020"
    assert radford.year == 2021

    assert genome.authors == ("Google Research and DeepMind", "van Gogh, Vincent")
    assert genome.year == 2020  # issued.raw "Spring 2020"
    assert genome.venue == "Proceedings of CVPR"
    assert genome.abstract == ""

    assert [(p.line, p.message) for p in result.problems] == [
        (51, "item 3 is not an object"),
        (52, "item 4 has no title, skipped"),
    ]


def test_raw_entry_keeps_unicode() -> None:
    text = json.dumps([{"title": "Über Bilder", "id": "m1", "author": [{"literal": "Jörg"}]}])
    (paper,) = parse_csljson(text, "x.json").papers
    assert paper.raw_entry == (
        '{"title": "Über Bilder", "id": "m1", "author": [{"literal": "Jörg"}]}'
    )
    assert paper.authors == ("Jörg",)


def test_invalid_item_is_one_problem_at_its_line_and_the_rest_is_kept() -> None:
    result = parse_csljson('[\n  {"title": "A"},\n  {"title": }\n]', "bad.json")
    assert [p.title for p in result.papers] == ["A"]
    (problem,) = result.problems
    assert (problem.file, problem.line) == ("bad.json", 3)
    assert problem.message == "item 1 skipped: invalid JSON: Expecting value"


def test_deep_nesting_lone_surrogate_and_truncation_are_isolated() -> None:
    deep = "[" * 50_000 + "]" * 50_000
    text = (
        '[\n{"title": "Deep", "note": ' + deep + '},\n{"title": "Lone \\ud800 escape"},\n'
        '{"title": "Kept"},\n{"title": "Cut'
    )
    result = parse_csljson(text, "x.json")
    assert [p.title for p in result.papers] == ["Lone \ufffd escape", "Kept"]
    messages = [(p.line, p.message) for p in result.problems]
    assert messages[0] == (2, "item 0 skipped: nested too deeply to read")
    assert messages[1][1] == "the file ends inside a JSON value (truncated?)"


def test_csl_rich_text_becomes_plain_text_and_raw_keeps_it() -> None:
    title = 'The <i>E. coli</i> <span class=\\"nocase\\">mRNA</span> H<sub>2</sub>O'
    item = '[{"title": "' + title + '", "id": "k"}]'
    (paper,) = parse_csljson(item, "r.json").papers
    assert paper.title == "The E. coli mRNA H2O"
    assert "<i>E. coli</i>" in (paper.raw_entry or "")


def test_single_object_and_non_list() -> None:
    assert [p.title for p in parse_csljson('{"title": "Solo"}', "x.json").papers] == ["Solo"]
    result = parse_csljson('"just a string"', "x.json")
    assert result.papers == () and len(result.problems) == 1


def test_name_and_date_helpers() -> None:
    assert csl_name({"family": "Smith", "given": "Ann"}) == "Smith, Ann"
    assert csl_name({"family": "Plato"}) == "Plato"
    assert csl_name({"literal": "CERN"}) == "CERN"
    assert csl_name(42) is None
    assert csl_year({"date-parts": [[2019, 1, 2]]}) == 2019
    assert csl_year({"literal": "circa 1999"}) == "circa 1999"
    assert csl_year(None) is None


def test_json_lines_saved_as_json_with_a_long_first_line() -> None:
    first = '{"title": "A", "abstract": "' + "y " * 40_000 + '"}'
    result = parse_csljson(first + '\n{"title": "B"}\n', "lines.json")
    assert [(p.title, p.line) for p in result.papers] == [("A", 1), ("B", 2)]
    assert result.problems == ()


def test_streamed_blocks_read_like_the_whole_text(monkeypatch) -> None:
    """Fed in tiny blocks, with the text behind each record dropped, the reader finds the same
    records, lines and problems as over the whole text (a string cut inside a record, a bad
    record, a truncated end)."""
    import assistant.sources.jsondoc as jsondoc

    monkeypatch.setattr(jsondoc, "TRIM_CHARS", 0)
    texts = [
        (FIXTURES / "zotero-csl.json").read_text(encoding="utf-8"),
        (FIXTURES / "openalex-works.json").read_text(encoding="utf-8"),
        (FIXTURES / "crossref-list.json").read_text(encoding="utf-8"),
        (FIXTURES / "crossref-work.json").read_text(encoding="utf-8"),
        '[\n  {"title": "A \\"quoted\\" word"},\n  {"title": }\n, {"title": "Cut',
        '{"title": "x"}\n{"title": "y"}\n',
    ]
    for text in texts:
        whole = parse_csljson(text, "x.json")
        for size in (1, 5, 97):
            blocks = (text[i : i + size] for i in range(0, len(text), size))
            assert parse_csljson(blocks, "x.json") == whole, (text[:30], size)
