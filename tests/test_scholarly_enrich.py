"""Enrichment matching: only gaps are filled, and only from a record that is the same paper."""

from __future__ import annotations

import httpx
import respx

from assistant.scholarly import Scholarly, ScholarlyConfig
from assistant.scholarly.enrich import (
    TITLE_THRESHOLD,
    match_score,
    missing_fields,
    plan_enrichment,
    title_similarity,
)
from assistant.scholarly.hits import SearchHit
from assistant.sources import parse_file
from assistant.sources.identity import make_paper
from tests.conftest import SAMPLE_CORPUS

RECORD = SearchHit(
    source="openalex",
    title="DataDAM: Efficient Dataset Distillation with Attention Matching",
    year=2023,
    venue="ICCV",
    authors=("Ahmad Sajedi", "Samir Khaki"),
    doi="10.1109/iccv51070.2023.01597",
    arxiv_id="2310.00093",
)


def test_fills_only_the_gaps() -> None:
    paper = make_paper(
        title="DataDAM: efficient dataset distillation with attention matching",
        venue="My own venue note",
    )
    plan = plan_enrichment(paper, [RECORD])
    assert plan is not None
    assert plan.changes == {
        "year": 2023,
        "authors": ("Ahmad Sajedi", "Samir Khaki"),
        "doi": "10.1109/iccv51070.2023.01597",
        "arxiv_id": "2310.00093",
    }
    enriched = plan.apply(paper)
    assert enriched.venue == "My own venue note"  # the user's value stays
    assert enriched.year == 2023 and enriched.id == paper.id
    assert plan.describe().startswith(f"{paper.id}: year=2023, authors=Ahmad Sajedi; Samir Khaki")


def test_nothing_to_fill_or_nothing_new() -> None:
    complete = make_paper(
        title=RECORD.title,
        year=2023,
        venue="ICCV",
        authors=["Sajedi, Ahmad"],
        doi="10.1000/x.y",
        arxiv_id="2310.00093",
    )
    assert missing_fields(complete) == ()
    assert plan_enrichment(complete, [RECORD]) is None
    bare = SearchHit(source="crossref", title=RECORD.title)
    assert plan_enrichment(make_paper(title=RECORD.title), [bare]) is None


def test_rules_that_say_another_paper() -> None:
    paper = make_paper(title="YOLOv3: An Incremental Improvement")
    assert match_score(paper, SearchHit("x", "YOLOv4: An Incremental Improvement")) == 0.0
    notice = SearchHit("x", "Erratum: YOLOv3: An Incremental Improvement")
    assert match_score(paper, notice) == 0.0
    dated = make_paper(title=RECORD.title, year=2019)
    assert plan_enrichment(dated, [RECORD]) is None  # four years apart
    near = make_paper(title=RECORD.title, year=2022)
    assert plan_enrichment(near, [RECORD]) is not None  # preprint the year before
    authored = make_paper(title=RECORD.title, authors=["Smith, John"])
    assert plan_enrichment(authored, [RECORD]) is None
    same_author = make_paper(title=RECORD.title, authors=["Sajedi, A."])
    assert plan_enrichment(same_author, [RECORD]) is not None


def test_the_best_of_several_candidates_wins() -> None:
    paper = make_paper(title="Stitchable Neural Networks")
    other = SearchHit("openalex", "Switchable Neural Networks", year=2019)
    same = SearchHit("openalex", "Stitchable neural networks.", year=2023, venue="CVPR")
    richer = SearchHit(
        "openalex",
        "Stitchable Neural Networks",
        year=2023,
        venue="CVPR",
        doi="10.1109/cvpr52729.2023.01551",
    )
    assert title_similarity(paper.title, other.title) < TITLE_THRESHOLD
    plan = plan_enrichment(paper, [other, same, richer])
    assert plan is not None and plan.candidate is richer
    assert plan_enrichment(paper, [other]) is None


def test_sample_papers_enriched_through_the_openalex_client(tmp_path) -> None:
    papers = parse_file(SAMPLE_CORPUS).papers[:3]
    assert all(p.year is None and not p.authors for p in papers)
    records = {
        papers[0].title: {
            "display_name": papers[0].title,
            "publication_year": 2024,
            "authorships": [{"author": {"display_name": "Ada Lovelace"}}],
        },
        papers[1].title: {
            "display_name": "A different paper on " + papers[1].title,
            "publication_year": 2001,
        },
        papers[2].title: {
            "display_name": papers[2].title.upper(),
            "publication_year": 2023,
            "primary_location": {"source": {"display_name": "CVPR"}},
        },
    }

    def serve(request: httpx.Request) -> httpx.Response:
        wanted = request.url.params["filter"].removeprefix("title.search:")
        for title, record in records.items():
            if wanted.split()[:3] == title.replace(":", " ").split()[:3]:
                return httpx.Response(200, json={"results": [record]})
        return httpx.Response(200, json={"results": []})

    config = ScholarlyConfig(openalex_url="http://openalex.test", cache_file=tmp_path / "c.sqlite")
    with respx.mock() as mock:
        mock.get("http://openalex.test/works").mock(side_effect=serve)
        scholarly = Scholarly.open(config, sleep=lambda s: None)
        plans = [plan_enrichment(p, scholarly.title_candidates(p.title)) for p in papers]
    assert plans[0] is not None and plans[0].changes == {"year": 2024, "authors": ("Ada Lovelace",)}
    assert plans[1] is None  # the record found is another paper
    assert plans[2] is not None and plans[2].changes == {"year": 2023, "venue": "CVPR"}
