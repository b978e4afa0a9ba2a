"""`litassist add`, `find` and `enrich` end to end: HTTP mocked by respx at the transport with
payloads shaped like the services' (never the recorded fixtures themselves), and enrichment of
the sample corpus against a real local OpenAlex stand-in (`tests/openalex_server.py`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
import respx

from assistant.sources import parse_file
from assistant.store.library import Library
from tests.conftest import SAMPLE_CORPUS, HashingEmbedder
from tests.openalex_server import OpenAlexServer
from tests.test_scholarly_clients import ATOM, CROSSREF_ITEM, OPENALEX_WORK

MIRROR = "http://mirror.test"
PUBMED_XML = """<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
  <PMID Version="1">31452104</PMID>
  <Article PubModel="Print">
    <Journal><JournalIssue><PubDate><Year>2019</Year></PubDate></JournalIssue>
      <Title>Nature methods</Title></Journal>
    <ArticleTitle>Cell segmentation in imaging-based spatial transcriptomics.</ArticleTitle>
    <Abstract><AbstractText>We segment cells in spatial transcriptomics images.</AbstractText>
    </Abstract>
    <AuthorList><Author><LastName>Petukhov</LastName><ForeName>Viktor</ForeName></Author>
    </AuthorList>
  </Article>
</MedlineCitation></PubmedArticle></PubmedArticleSet>"""


@pytest.fixture
def mirrors(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, path in (
        ("OPENALEX", "openalex"),
        ("CROSSREF", "crossref"),
        ("ARXIV", "arxiv"),
        ("PUBMED", "eutils"),
        ("SEMANTICSCHOLAR", "s2"),
    ):
        monkeypatch.setenv(f"LITASSIST_{name}_URL", f"{MIRROR}/{path}")


def test_add_by_every_kind_of_identifier(run_cli, tmp_path: Path, mirrors) -> None:
    home = ["--data-dir", str(tmp_path / "lib")]
    crossref = {**CROSSREF_ITEM, "abstract": "<jats:p>Silly string theory, unified.</jats:p>"}
    with respx.mock() as mock:
        mock.get(f"{MIRROR}/crossref/works/10.5555/12345678").mock(
            return_value=httpx.Response(200, json={"status": "ok", "message": crossref})
        )
        mock.get(f"{MIRROR}/arxiv/query").mock(return_value=httpx.Response(200, text=ATOM))
        mock.get(f"{MIRROR}/eutils/efetch.fcgi").mock(
            return_value=httpx.Response(200, text=PUBMED_XML)
        )
        mock.get(f"{MIRROR}/openalex/works/W2741809807").mock(
            return_value=httpx.Response(200, json=OPENALEX_WORK)
        )
        result = run_cli(*home, "add", "https://doi.org/10.5555/12345678", "arXiv:1605.08386",
                         "pmid:31452104", "https://openalex.org/W2741809807", "--json")  # fmt: skip
    assert result.code == 0, result.err
    added = json.loads(result.out)
    assert [a["from"] for a in added] == ["crossref", "arxiv", "pubmed", "openalex"]
    assert [a["outcome"] for a in added] == ["added"] * 4
    by_source = {a["from"]: a for a in added}
    assert by_source["crossref"]["authors"] == ["Carberry, Josiah"]
    assert by_source["crossref"]["year"] == 2008
    assert by_source["arxiv"]["arxiv_id"] == "1605.08386"
    assert by_source["pubmed"]["venue"] == "Nature methods"
    assert by_source["openalex"]["doi"] == "10.7717/peerj.4375"
    papers = json.loads(run_cli(*home, "papers", "--json").out)
    assert len(papers) == 4
    found = json.loads(run_cli(*home, "search", "spatial transcriptomics cells", "--json").out)
    assert found["results"][0]["title"].startswith("Cell segmentation")

    # Again, offline now: the response comes from the cache in the data folder; nothing new.
    with respx.mock(assert_all_called=False) as mock:
        mock.get(url__startswith=MIRROR).mock(side_effect=httpx.ConnectError("offline"))
        again = run_cli(*home, "add", "pmid:31452104")
    assert again.code == 0 and again.out.startswith("unchanged")


def test_add_errors_are_one_line_and_change_nothing(run_cli, tmp_path: Path, mirrors) -> None:
    home = ["--data-dir", str(tmp_path / "lib")]
    typo = run_cli(*home, "add", "10.5555/12345678", "not-an-id")
    assert typo.code == 1 and "is not a DOI, arXiv id" in typo.err
    with respx.mock() as mock:
        mock.get(url__startswith=MIRROR).mock(side_effect=httpx.ConnectError("no route"))
        offline = run_cli(*home, "add", "arXiv:1605.08386")
    assert offline.code == 1
    assert offline.err.startswith("error: Cannot reach arXiv")
    assert len(offline.err.strip().splitlines()) == 1
    assert not (tmp_path / "lib" / "library.sqlite").exists()  # nothing created


def test_find_marks_what_is_in_the_library_and_adds_the_rest(
    run_cli, tmp_path: Path, mirrors
) -> None:
    home = ["--data-dir", str(tmp_path / "lib")]
    other = {
        **OPENALEX_WORK,
        "id": "https://openalex.org/W1",
        "doi": "https://doi.org/10.1000/other",
        "display_name": "Another open access study",
        "cited_by_count": 7,
        "locations": [],
    }
    with respx.mock() as mock:
        mock.get(f"{MIRROR}/openalex/works/W2741809807").mock(
            return_value=httpx.Response(200, json=OPENALEX_WORK)
        )
        assert run_cli(*home, "add", "W2741809807").code == 0
        mock.get(f"{MIRROR}/openalex/works").mock(
            return_value=httpx.Response(200, json={"results": [OPENALEX_WORK, other]})
        )
        listed = run_cli(*home, "find", "open access", "-n", "5", "--year-from", "2010")
        assert listed.code == 0, listed.err
        query = mock.calls[-1].request.url.params
        assert query["search"] == "open access" and "2010" in query["filter"]
        assert "1. The state of OA (2018)" in listed.out
        assert "PeerJ  1234 cit.  in library: doi:10.7717/peerj.4375" in listed.out
        assert "2. Another open access study (2018)" in listed.out
        mock.get(f"{MIRROR}/crossref/works/10.1000/other").mock(return_value=httpx.Response(404))
        mock.get(f"{MIRROR}/openalex/works/doi:10.1000/other").mock(
            return_value=httpx.Response(200, json=other)
        )
        added = run_cli(*home, "find", "open access", "--add")
    assert added.code == 0, added.err
    assert "1 paper(s) added." in added.out
    titles = {p["title"] for p in json.loads(run_cli(*home, "papers", "--json").out)}
    assert titles == {"The state of OA", "Another open access study"}


def test_enrich_the_sample_corpus_against_a_local_openalex(
    tmp_path: Path, hashing_sample_library: Path
) -> None:
    """The 60 sample papers get years and authors; the two papers of the user's BibTeX file
    keep every value the file gave."""
    from assistant.app import Litassist
    from tests.tui_support import make_settings

    data = tmp_path / "lib"
    shutil.copytree(hashing_sample_library, data)
    embedder = HashingEmbedder()
    library = Library.open(data, embedder)
    before = {r.paper.id: r.paper for r in library.catalog.list_rows()}
    library.close()
    titles = {p.title for p in parse_file(SAMPLE_CORPUS).papers}
    sample = [p for p in before.values() if p.title in titles]
    mine = [p for p in before.values() if p.source_format == "bibtex"]  # the user's own file
    assert len(sample) == 60 and len(mine) == 3
    assert sum(1 for p in sample if p.year is None and not p.authors) == 59  # one is in both

    with OpenAlexServer(before.values()) as server:
        settings = make_settings(data, openalex_url=server.url, crossref_url=server.url)
        with Litassist(
            settings, open_library=lambda s, c: Library.open(s.data_dir, embedder, create=c)
        ) as app:
            dry = app.scholarly.enrich(every=True, dry_run=True)
            # "Deep learning" lacks only an arXiv id, which its record has not either.
            assert len(dry.changes) == 61 and dry.unmatched == ("doi:10.1038/nature14539",)
            unchanged = {r.paper.id: r.paper for r in app.library.papers()}
            assert unchanged == before  # a dry run writes nothing
            result = app.scholarly.enrich(every=True)
            after = {r.paper.id: r.paper for r in app.library.papers()}
            expected = {w["display_name"]: w for w in server.works}
    for paper in sample:
        now = after[paper.id]
        if paper in mine:
            continue  # checked below: what the BibTeX file gave stays
        work = expected[paper.title]
        assert now.year == work["publication_year"], paper.title
        assert now.authors and now.authors[0].endswith(
            work["authorships"][0]["author"]["display_name"].split()[-1]
        )
        assert now.abstract == paper.abstract and now.title == paper.title
    for paper in mine:
        now = after[paper.id]
        for name in ("year", "authors", "venue", "doi", "title", "abstract", "citekey"):
            if getattr(paper, name):
                assert getattr(now, name) == getattr(paper, name), (paper.title, name)
        assert now != paper or paper.id in dry.unmatched  # its gaps were filled
    assert after["doi:10.1038/nature14539"] == before["doi:10.1038/nature14539"]
    assert result.looked_up == len(dry.changes) + len(dry.unmatched)


def test_enrich_through_the_cli_and_offline(run_cli, tmp_path: Path, mirrors) -> None:
    home = ["--data-dir", str(tmp_path / "lib")]
    listing = tmp_path / "papers.jsonl"
    listing.write_text(
        json.dumps({"title": "The state of OA", "abstract": "Open access, measured."}) + "\n",
        encoding="utf-8",
    )
    assert run_cli(*home, "ingest", str(listing)).code == 0
    with respx.mock() as mock:
        mock.get(url__startswith=MIRROR).mock(side_effect=httpx.ConnectError("offline"))
        offline = run_cli(*home, "enrich", "--all")
    assert offline.code == 1 and offline.err.startswith("error: Cannot reach OpenAlex")
    (paper,) = json.loads(run_cli(*home, "papers", "--json").out)
    assert paper["year"] is None  # nothing changed
    with respx.mock() as mock:
        mock.get(f"{MIRROR}/openalex/works").mock(
            return_value=httpx.Response(200, json={"results": [OPENALEX_WORK]})
        )
        dry = run_cli(*home, "enrich", paper["id"], "--dry-run")
        assert dry.code == 0, dry.err
        assert "year=2018" in dry.out and "would fill gaps of 1 paper(s)" in dry.out
        assert json.loads(run_cli(*home, "papers", "--json").out)[0]["year"] is None
        done = run_cli(*home, "enrich", "--all", "--json")
    changes = json.loads(done.out)["changes"]
    assert changes[0]["fields"]["authors"] == ["Heather Piwowar", "Jason Priem"]
    (paper,) = json.loads(run_cli(*home, "papers", "--json").out)
    assert (paper["year"], paper["venue"], paper["doi"]) == (2018, "PeerJ", "10.7717/peerj.4375")
    usage = run_cli(*home, "enrich")
    assert usage.code == 1 and "--all" in usage.err
