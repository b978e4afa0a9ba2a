"""The five services' requests and hits, through respx, with small payloads shaped like theirs;
and the identifier parser."""

from __future__ import annotations

import httpx
import pytest
import respx

from assistant.errors import ApiNotFoundError, UnknownIdentifierError
from assistant.scholarly import Scholarly, ScholarlyConfig, ScholarlyId, parse_identifier

MIRROR = "http://mirror.test"
CONFIG = ScholarlyConfig(
    openalex_url=f"{MIRROR}/openalex",
    crossref_url=f"{MIRROR}/crossref",
    arxiv_url=f"{MIRROR}/arxiv",
    pubmed_url=f"{MIRROR}/eutils",
    semanticscholar_url=f"{MIRROR}/s2",
    contact_email="me@uni.example",
    openalex_api_key="secret-key",
)

OPENALEX_WORK = {
    "id": "https://openalex.org/W2741809807",
    "doi": "https://doi.org/10.7717/peerj.4375",
    "display_name": "The state of OA",
    "publication_year": 2018,
    "ids": {
        "openalex": "https://openalex.org/W2741809807",
        "pmid": "https://pubmed.ncbi.nlm.nih.gov/29456894",
    },
    "primary_location": {
        "landing_page_url": "https://doi.org/10.7717/peerj.4375",
        "source": {"display_name": "PeerJ"},
    },
    "locations": [{"landing_page_url": "https://arxiv.org/abs/1705.01234v2"}],
    "authorships": [
        {"author": {"display_name": "Heather Piwowar"}},
        {"author": {"display_name": "Jason Priem"}},
    ],
    "cited_by_count": 1234,
    "abstract_inverted_index": {"Despite": [0], "growing": [1]},
}

CROSSREF_ITEM = {
    "DOI": "10.5555/12345678",
    "title": ["Toward a Unified Theory of High-Energy Metaphysics: Silly String Theory"],
    "author": [{"given": "Josiah", "family": "Carberry", "sequence": "first"}],
    "container-title": ["Journal of Psychoceramics"],
    "issued": {"date-parts": [[2008, 8, 13]]},
    "is-referenced-by-count": 3,
    "URL": "http://dx.doi.org/10.5555/12345678",
}

ATOM = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/x</id>
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/1605.08386v1</id>
    <title>Heat-bath random walks with Markov
      bases</title>
    <published>2016-05-26T17:59:46Z</published>
    <summary>Graphs on lattice points are studied.</summary>
    <author><name>Caprice Stanley</name></author>
    <author><name>Tobias Windisch</name></author>
    <arxiv:doi>10.1016/j.aam.2017.01.002</arxiv:doi>
    <arxiv:journal_ref>Advances in Applied Mathematics 84 (2017)</arxiv:journal_ref>
  </entry>
</feed>"""

ATOM_ERROR = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id>
    <title>Error</title>
    <summary>incorrect id format for abc</summary>
  </entry>
</feed>"""


@pytest.fixture
def scholarly():
    client = httpx.Client()
    yield Scholarly.open(CONFIG, client=client, sleep=lambda s: None)
    client.close()


def test_openalex_work_and_search(scholarly) -> None:
    with respx.mock(assert_all_called=True) as mock:
        work = mock.get(f"{MIRROR}/openalex/works/doi:10.7717/peerj.4375").mock(
            return_value=httpx.Response(200, json=OPENALEX_WORK)
        )
        search = mock.get(f"{MIRROR}/openalex/works").mock(
            return_value=httpx.Response(
                200, json={"meta": {"count": 1}, "results": [OPENALEX_WORK]}
            )
        )
        record = scholarly.fetch(ScholarlyId("openalex", "doi:10.7717/peerj.4375"))
        (hit,) = scholarly.search("open access", limit=5, year_from=2015)
    assert record.source == "openalex" and record.payload["abstract_inverted_index"]
    params = search.calls[0].request.url.params
    assert params["search"] == "open access"
    assert params["filter"] == "from_publication_date:2015-01-01"
    assert (params["per_page"], params["mailto"], params["api_key"]) == (
        "5",
        "me@uni.example",
        "secret-key",
    )
    assert work.calls[0].request.url.params["api_key"] == "secret-key"
    assert hit.title == "The state of OA" and hit.year == 2018 and hit.venue == "PeerJ"
    assert (hit.citations, hit.doi, hit.openalex_id) == (1234, "10.7717/peerj.4375", "W2741809807")
    assert (hit.pubmed_id, hit.arxiv_id) == ("29456894", "1705.01234")
    assert hit.authors == ("Heather Piwowar", "Jason Priem")
    assert hit.identifier == ScholarlyId("doi", "10.7717/peerj.4375")


def test_doi_from_crossref_then_openalex_when_crossref_has_none(scholarly) -> None:
    with respx.mock() as mock:
        mock.get(f"{MIRROR}/crossref/works/10.5555/12345678").mock(
            return_value=httpx.Response(200, json={"status": "ok", "message": CROSSREF_ITEM})
        )
        mock.get(f"{MIRROR}/crossref/works/10.5281/zenodo.1").mock(return_value=httpx.Response(404))
        mock.get(f"{MIRROR}/openalex/works/doi:10.5281/zenodo.1").mock(
            return_value=httpx.Response(200, json=OPENALEX_WORK)
        )
        crossref = scholarly.fetch(parse_identifier("https://doi.org/10.5555/12345678"))
        datacite = scholarly.fetch(parse_identifier("doi:10.5281/zenodo.1"))
    assert (
        crossref.source == "crossref" and crossref.payload["message"]["DOI"] == "10.5555/12345678"
    )
    assert datacite.source == "openalex"


def test_title_candidates_fall_back_to_crossref(scholarly) -> None:
    with respx.mock() as mock:
        openalex = mock.get(f"{MIRROR}/openalex/works").mock(
            return_value=httpx.Response(200, json={"results": []})
        )
        crossref = mock.get(f"{MIRROR}/crossref/works").mock(
            return_value=httpx.Response(200, json={"message": {"items": [CROSSREF_ITEM]}})
        )
        (hit,) = scholarly.title_candidates("Silly String Theory: a, b | c")
    assert (
        openalex.calls[0].request.url.params["filter"] == "title.search:Silly String Theory a b c"
    )
    assert crossref.calls[0].request.url.params["query.bibliographic"].startswith("Silly String")
    assert (hit.source, hit.year, hit.venue) == ("crossref", 2008, "Journal of Psychoceramics")
    assert hit.authors == ("Carberry, Josiah",) and hit.citations == 3


def test_arxiv_entries_search_and_unknown_id(scholarly) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{MIRROR}/arxiv/query").mock(
            side_effect=[
                httpx.Response(200, text=ATOM),
                httpx.Response(200, text=ATOM),
                httpx.Response(200, text=ATOM_ERROR),
            ]
        )
        record = scholarly.fetch(parse_identifier("https://arxiv.org/abs/1605.08386v1"))
        (hit,) = scholarly.search("markov: bases", source="arxiv", limit=3, year_from=2016)
        with pytest.raises(ApiNotFoundError, match="incorrect id format for abc"):
            scholarly.arxiv.entries(["abc"])
    assert record.source == "arxiv" and "Heat-bath" in record.payload
    assert route.calls[0].request.url.params["id_list"] == "1605.08386"
    query = route.calls[1].request.url.params["search_query"]
    assert query == "(all:markov AND all:bases) AND submittedDate:[201601010000 TO 999912312359]"
    assert hit.title == "Heat-bath random walks with Markov bases"
    assert (hit.year, hit.arxiv_id, hit.doi) == (2016, "1605.08386", "10.1016/j.aam.2017.01.002")
    assert hit.venue == "Advances in Applied Mathematics 84 (2017)" and hit.citations is None


def test_pubmed_search_and_records(scholarly) -> None:
    summary = {
        "result": {
            "uids": ["31452104"],
            "31452104": {
                "title": "Deep learning for histology.",
                "pubdate": "2019 Aug 26",
                "fulljournalname": "Nature medicine",
                "authors": [{"name": "Smith J"}],
                "articleids": [
                    {"idtype": "pubmed", "value": "31452104"},
                    {"idtype": "doi", "value": "10.1038/s41591-019-0000-1"},
                ],
            },
        }
    }
    with respx.mock() as mock:
        esearch = mock.get(f"{MIRROR}/eutils/esearch.fcgi").mock(
            return_value=httpx.Response(200, json={"esearchresult": {"idlist": ["31452104"]}})
        )
        mock.get(f"{MIRROR}/eutils/esummary.fcgi").mock(
            return_value=httpx.Response(200, json=summary)
        )
        efetch = mock.get(f"{MIRROR}/eutils/efetch.fcgi").mock(
            side_effect=[
                httpx.Response(
                    200,
                    text="<PubmedArticleSet><PubmedArticle><PMID>31452104</PMID></PubmedArticle></PubmedArticleSet>",
                ),
                httpx.Response(200, text="<PubmedArticleSet></PubmedArticleSet>"),
            ]
        )
        (hit,) = scholarly.search("histology", source="pubmed", limit=10, year_from=2018)
        record = scholarly.fetch(parse_identifier("PMID: 31452104"))
        with pytest.raises(ApiNotFoundError, match="no record 1"):
            scholarly.pubmed.records(["1"])
    params = esearch.calls[0].request.url.params
    assert (params["term"], params["mindate"], params["tool"], params["email"]) == (
        "histology",
        "2018",
        "litassist",
        "me@uni.example",
    )
    assert efetch.calls[0].request.url.params["id"] == "31452104"
    assert record.source == "pubmed" and "<PMID>31452104" in record.payload
    assert (hit.title, hit.year, hit.venue) == (
        "Deep learning for histology",
        2019,
        "Nature medicine",
    )
    assert (hit.doi, hit.pubmed_id) == ("10.1038/s41591-019-0000-1", "31452104")


def test_semantic_scholar_search(scholarly) -> None:
    paper = {
        "paperId": "abc",
        "title": "Attention Is All You Need",
        "year": 2017,
        "venue": "NeurIPS",
        "citationCount": 100000,
        "externalIds": {"DOI": "10.48550/arXiv.1706.03762", "ArXiv": "1706.03762"},
        "authors": [{"name": "Ashish Vaswani"}],
        "url": "https://www.semanticscholar.org/paper/abc",
    }
    with respx.mock() as mock:
        route = mock.get(f"{MIRROR}/s2/graph/v1/paper/search").mock(
            return_value=httpx.Response(200, json={"total": 1, "data": [paper, {"title": None}]})
        )
        (hit,) = scholarly.search("transformers", source="semanticscholar", limit=2, year_from=2017)
    params = route.calls[0].request.url.params
    assert (params["query"], params["limit"], params["year"]) == ("transformers", "2", "2017-")
    assert (hit.title, hit.citations, hit.arxiv_id) == (
        "Attention Is All You Need",
        100000,
        "1706.03762",
    )


def test_settings_name_the_urls(monkeypatch, tmp_path) -> None:
    from assistant.settings import load_settings

    monkeypatch.setenv("LITASSIST_OPENALEX_URL", "http://127.0.0.1:9/openalex")
    monkeypatch.setenv("LITASSIST_CONTACT_EMAIL", "a@b.example")
    config = ScholarlyConfig.from_settings(load_settings(data_dir=tmp_path))
    assert config.openalex_url == "http://127.0.0.1:9/openalex"
    assert config.contact_email == "a@b.example"
    assert config.cache_file == tmp_path / "api-cache.sqlite"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1038/nature14539", ("doi", "10.1038/nature14539")),
        ("doi:10.1038/NATURE14539", ("doi", "10.1038/nature14539")),
        ("https://doi.org/10.1038/nature14539", ("doi", "10.1038/nature14539")),
        ("http://dx.doi.org/10.1000/a%2Fb", ("doi", "10.1000/a/b")),
        ("https://doi.org/10.48550/arXiv.2103.00020", ("arxiv", "2103.00020")),
        ("2103.00020", ("arxiv", "2103.00020")),
        ("arXiv:2103.00020v3", ("arxiv", "2103.00020")),
        ("hep-th/9901001", ("arxiv", "hep-th/9901001")),
        ("https://arxiv.org/abs/2103.00020v2", ("arxiv", "2103.00020")),
        ("https://arxiv.org/pdf/2103.00020.pdf", ("arxiv", "2103.00020")),
        ("export.arxiv.org/abs/math.GT/0309136", ("arxiv", "math.gt/0309136")),
        ("31452104", ("pubmed", "31452104")),
        ("PMID: 31452104", ("pubmed", "31452104")),
        ("https://pubmed.ncbi.nlm.nih.gov/31452104/", ("pubmed", "31452104")),
        ("https://www.ncbi.nlm.nih.gov/pubmed/31452104", ("pubmed", "31452104")),
        ("W2741809807", ("openalex", "W2741809807")),
        ("https://openalex.org/w2741809807", ("openalex", "W2741809807")),
        ("https://api.openalex.org/works/W2741809807", ("openalex", "W2741809807")),
        ("https://www.nature.com/articles/10.1038/nature14539", ("doi", "10.1038/nature14539")),
    ],
)
def test_parse_identifier(text: str, expected: tuple[str, str]) -> None:
    assert parse_identifier(text) == ScholarlyId(*expected)


@pytest.mark.parametrize("text", ["", "hello world", "https://example.org/paper", "10.12/x", "W1"])
def test_unknown_identifiers_say_what_is_accepted(text: str) -> None:
    with pytest.raises(UnknownIdentifierError, match="is not a DOI, arXiv id, PubMed id"):
        parse_identifier(text)
