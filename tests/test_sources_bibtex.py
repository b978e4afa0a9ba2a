"""BibTeX/BibLaTeX parsing against fixtures reproducing Zotero, JabRef, BibDesk, Mendeley quirks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.sources.bibtex import parse_bibtex, resolve_value, split_concatenation
from assistant.sources.identity import make_paper, title_hash
from assistant.text import first_surname
from assistant.types import Paper, ParseResult

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def parse_fixture(name: str) -> tuple[str, ParseResult]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return text, parse_bibtex(text, name)


def by_key(result: ParseResult) -> dict[str | None, Paper]:
    return {paper.citekey: paper for paper in result.papers}


def test_zotero_export() -> None:
    _, result = parse_fixture("zotero.bib")
    assert result.problems == ()
    papers = by_key(result)
    assert list(papers) == ["lecun_deep_2015", "radford_learning_2021", "muller_uber_2020"]

    lecun = papers["lecun_deep_2015"]
    assert lecun.id == "doi:10.1038/nature14539"
    assert lecun.title == "Deep learning"
    assert lecun.authors == ("LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey")
    assert lecun.year == 2015
    assert lecun.venue == "Nature"
    assert lecun.url == "https://www.nature.com/articles/nature14539"
    assert lecun.abstract.startswith("Deep learning allows computational models")
    assert lecun.line == 2
    assert lecun.source_format == "bibtex" and lecun.source_file == "zotero.bib"
    assert first_surname(lecun.authors) == "LeCun"

    radford = papers["radford_learning_2021"]
    assert radford.title == "Learning Transferable Visual Models From Natural Language Supervision"
    assert radford.doi == "10.48550/arxiv.2103.00020"
    assert radford.arxiv_id == "2103.00020"
    assert radford.id == "arxiv:2103.00020"  # arXiv's own DOI does not win over the arXiv id
    assert radford.venue is None
    assert radford.line == 23

    muller = papers["muller_uber_2020"]
    assert muller.title == "Über Datensätze: Große Modelle für Bilder – eine Studie"
    assert muller.authors == (
        "Müller, Jörg",
        "Peña, José",
        "Dupré, Renée",
        "Google Research and DeepMind",  # {and} inside braces: one corporate author
    )  # "and others" dropped
    assert muller.venue == "Proceedings of the European Conference on Computer Vision (ECCV)"
    assert muller.abstract == ""
    assert muller.id == f"title:{title_hash(muller.title)}"


def test_raw_entry_is_the_exact_source_text() -> None:
    text, result = parse_fixture("zotero.bib")
    for paper in result.papers:
        assert paper.raw_entry is not None
        assert paper.raw_entry.startswith("@") and paper.raw_entry.endswith("}")
        assert paper.raw_entry in text
        assert text.splitlines()[paper.line - 1].startswith(paper.raw_entry.splitlines()[0])
        again = parse_bibtex(paper.raw_entry, "again.bib").papers
        assert [(p.id, p.title, p.authors) for p in again] == [
            (paper.id, paper.title, paper.authors)
        ]
    assert 'author = {M{\\"u}ller, J{\\"o}rg' in by_key(result)["muller_uber_2020"].raw_entry


def test_jabref_strings_concatenation_comments_and_broken_entry() -> None:
    _, result = parse_fixture("jabref.bib")
    papers = by_key(result)
    assert list(papers) == ["He2016", "Ren2017", None]

    he = papers["He2016"]
    assert he.venue == (
        "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition"
    )
    assert he.doi == "10.1109/cvpr.2016.90"  # given as https://doi.org/...
    assert he.id == "doi:10.1109/cvpr.2016.90"
    assert he.authors == ("He, Kaiming", "Zhang, Xiangyu", "Ren, Shaoqing", "Sun, Jian")
    assert he.year == 2016

    ren = papers["Ren2017"]
    assert ren.venue == "IEEE Transactions on Pattern Analysis and Machine Intelligence (TPAMI)"
    assert ren.title == (
        "Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks"
    )
    assert ren.year == 2017  # unbraced `year = 2017`

    keyless = papers[None]
    assert keyless.title == "An Entry Exported Without a Key"
    assert keyless.line == 33
    assert keyless.raw_entry is not None and keyless.raw_entry.startswith("@Misc{,")

    assert [(p.line, "Broken2018" in p.message) for p in result.problems] == [(27, True)]


def test_broken_entry_between_two_good_ones() -> None:
    _, result = parse_fixture("broken-middle.bib")
    assert [(p.citekey, p.title, p.year, p.line) for p in result.papers] == [
        ("good_one", "The First Good Entry", 2020, 1),
        ("good_two", "The Second Good Entry", 2022, 16),
    ]
    assert [(p.file, p.line) for p in result.problems] == [
        ("broken-middle.bib", 6),
        ("broken-middle.bib", 11),
    ]
    assert "bad_one" in result.problems[0].message
    assert "no_title" in result.problems[1].message and "no title" in result.problems[1].message


def test_bibdesk_capitalised_fields_and_bdsk_url() -> None:
    _, result = parse_fixture("bibdesk.bib")
    assert result.problems == ()
    vit, imagenet = result.papers
    assert vit.citekey == "Dosovitskiy:2021aa"
    assert vit.title == (
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale"
    )
    assert vit.authors == ("Dosovitskiy, Alexey", "Beyer, Lucas", "Kolesnikov, Alexander")
    assert vit.arxiv_id == "2010.11929"  # Eprint without an eprinttype
    assert vit.id == "arxiv:2010.11929"
    assert vit.url == "https://arxiv.org/abs/2010.11929v2"  # Bdsk-Url-1
    assert vit.line == 11
    assert imagenet.title == "ImageNet: A large-scale hierarchical image database"
    assert imagenet.id == "doi:10.1109/cvpr.2009.5206848"
    assert imagenet.venue == "2009 IEEE Conference on Computer Vision and Pattern Recognition"
    assert len(imagenet.authors) == 6 and imagenet.authors[-1] == "Fei-Fei, Li"


def test_mendeley_header_arxiv_and_unescaped_specials() -> None:
    _, result = parse_fixture("mendeley.bib")
    assert result.problems == ()
    laion, datacomp = result.papers
    assert laion.citekey == "Schuhmann2022"
    assert laion.title == (
        "LAION-5B: An open large-scale dataset for training next generation image-text models"
    )
    assert laion.arxiv_id == "2210.08402"
    assert laion.id == "arxiv:2210.08402"
    # a bare `%` is not a LaTeX comment here, `&` not an alignment tab
    assert "by 5% over R&D baselines; see https://laion.ai/blog/laion-5b/." in laion.abstract
    assert datacomp.doi == "10.5555/datacomp_2023"  # `\_` unescaped
    assert datacomp.url == "https://example.org/datacomp?q=a%20b"  # not cut at `%`
    assert datacomp.venue == "Advances in Neural Information Processing Systems"


def test_biblatex_date_journaltitle_eprint_and_keyless_entry() -> None:
    _, result = parse_fixture("biblatex.bib")
    assert result.problems == ()
    jia, kirillov, keyless, report = result.papers
    assert jia.year == 2021
    assert jia.arxiv_id == "2102.05918"  # eprinttype = arxiv, version dropped
    assert jia.authors == (
        "Jia, Chao",
        "Yang, Yinfei",
        "de la Torre, Fernando",
        "Wolf, Jr., Thomas",
    )
    assert kirillov.venue == "International Conference on Computer Vision"
    assert kirillov.year == 2023
    assert kirillov.url == "https://segment-anything.com"
    assert keyless.citekey is None
    assert keyless.title == "Keyless Entry With Fields Right After the Brace"
    assert keyless.year == 2018
    assert keyless.raw_entry == (
        "@article{ title = {Keyless Entry With Fields Right After the Brace}, date = {2018-01} }"
    )
    assert keyless.line == 20
    assert report.arxiv_id is None  # eprinttype = pubmed
    assert report.id == f"title:{title_hash('A Report With a Non-arXiv Eprint')}"


def test_duplicate_citekeys_and_fields_keep_every_entry() -> None:
    text = (
        "@article{same,\n  title = {One}\n}\n"
        "@article{same,\n  title = {Two},\n  url = {http://a.org},\n  url = {http://b.org}\n}\n"
        "@article{,\n  title = {Three}\n}\n@article{,\n  title = {Four}\n}\n"
    )
    result = parse_bibtex(text, "dup.bib")
    assert [(p.citekey, p.title, p.line) for p in result.papers] == [
        ("same", "One", 1),
        ("same", "Two", 4),
        (None, "Three", 9),
        (None, "Four", 12),
    ]
    assert result.problems == ()
    assert result.papers[1].url == "http://b.org"  # a duplicated field keeps its last value


def test_unclosed_last_entry_and_empty_file() -> None:
    result = parse_bibtex("@article{ok, title={Fine}}\n\n@article{cut, title = {Half", "x.bib")
    assert [p.title for p in result.papers] == ["Fine"]
    assert [p.line for p in result.problems] == [3]
    assert parse_bibtex("", "x.bib") == ParseResult(())
    assert parse_bibtex("% only a comment\n", "x.bib") == ParseResult(())


def test_latex_in_titles_and_names() -> None:
    text = (
        "@article{k,\n"
        '  title = {{{Deep}} Learning for $k$-means \\emph{in vivo} -- na{\\"i}ve},\n'
        "  author = {Gro{\\ss}, Ren\\'{e} and Schr\\\"odinger, Erwin and von Neumann, John},\n"
        "  year = {2021}\n}\n"
    )
    (paper,) = parse_bibtex(text, "x.bib").papers
    assert paper.title == "Deep Learning for k-means in vivo – naïve"
    assert paper.authors == ("Groß, René", "Schrödinger, Erwin", "von Neumann, John")


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ('jmlr # " " # {Vol}', ["jmlr", '" "', "{Vol}"]),
        ("{C# in depth}", ["{C# in depth}"]),
        ('"C# " # {x}', ['"C# "', "{x}"]),
    ],
)
def test_split_concatenation(value: str, parts: list[str]) -> None:
    assert split_concatenation(value) == parts


def test_resolve_value_expands_nested_macros() -> None:
    macros = {"a": '"Alpha"', "b": 'a # " Beta"'}
    assert resolve_value("b # { } # 2021 # jan", macros) == "Alpha Beta 2021jan"


def test_arxiv_doi_and_eprint_give_the_same_id() -> None:
    zotero = make_paper(title="X", doi="10.48550/arXiv.2103.00020")
    bibdesk = make_paper(title="X", arxiv_id="2103.00020v2")
    published = make_paper(title="X", doi="10.1000/journal", arxiv_id="2103.00020")
    assert zotero.id == bibdesk.id == "arxiv:2103.00020"
    assert zotero.doi == "10.48550/arxiv.2103.00020"
    assert published.id == "doi:10.1000/journal"


def test_math_sub_and_superscripts_become_unicode() -> None:
    """Better BibTeX's "Author splitter failure" case: `{Cu$_2$O}` imports as "Cu₂O"."""
    _, result = parse_fixture("math-scripts.bib")
    assert result.problems == ()
    papers = by_key(result)
    assert papers["Haddad_1994"].title == (
        "Growth of SnO₂ Films on Glass Measured by X-Ray Reflectometry and Ellipsometry"
    )
    assert papers["Haddad_1994"].authors == ("Haddad, R. K.", "Okafor-Lind, P.")
    assert papers["isotope"].title == "Tracing ¹³C and ¹⁵N through a β₂-limited food web"


def test_batches_end_only_between_top_level_entries(monkeypatch) -> None:
    """Cut by lines or by characters (one-line huge abstracts), never inside an entry: an `@`
    inside a value or a brace group spanning lines does not start a batch."""
    import assistant.sources.bibtex as bibtex

    monkeypatch.setattr(bibtex, "BATCH_CHARS", 10)
    lines = [
        "@article{a,",
        "  title = {One},",
        "  note = {a line that starts",
        "@inside the value}",
        "}",
        "@article{b, title = {Two}, abstract = {" + "x" * 50 + "}}",
        "@article{c, title = {Three}}",
    ]
    batches = list(bibtex.split_batches(lines, batch_lines=1))
    assert [offset for offset, _ in batches] == [0, 5, 6]
    assert [p.title for p in parse_bibtex("\n".join(lines), "x.bib").papers] == [
        "One",
        "Two",
        "Three",
    ]
