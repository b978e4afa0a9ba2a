"""API-payload readers: arXiv Atom, OpenAlex, Crossref and PubMed XML (text and decoded payload)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.sources.arxiv_atom import parse_arxiv_atom
from assistant.sources.crossref import parse_crossref, parse_crossref_payload
from assistant.sources.openalex import parse_openalex, parse_openalex_payload, rebuild_abstract
from assistant.sources.pubmed_xml import parse_pubmed_xml

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- arXiv ----------------------------------------------------------------------------------


def test_arxiv_atom_entries_with_ids_versions_dropped_and_wrapped_text_joined() -> None:
    result = parse_arxiv_atom(read("arxiv-query.xml"), "q.xml")
    assert result.problems == ()
    sam, unet, old = result.papers
    assert sam.id == "arxiv:2304.02643" and sam.arxiv_id == "2304.02643"
    assert sam.authors == ("Alexander Kirillov", "Eric Mintun")
    assert sam.year == 2023 and sam.venue == "arXiv" and sam.line == 9
    assert sam.abstract.startswith("We introduce the Segment Anything (SA) project: a new task")
    assert "model, and dataset" in sam.abstract  # the feed's line break became one space
    assert unet.title == "U-Net: Convolutional Networks for Biomedical Image Segmentation"
    assert unet.doi == "10.1007/978-3-319-24574-4_28"
    assert unet.venue == "MICCAI 2015, LNCS 9351, pp. 234-241"
    assert old.arxiv_id == "hep-th/9711200" and old.year == 1997  # published, not updated
    assert sam.raw_entry and sam.raw_entry.startswith("<entry>")


def test_arxiv_api_error_entry_is_a_problem_not_a_paper() -> None:
    result = parse_arxiv_atom(read("arxiv-error.xml"), "err.xml")
    assert result.papers == ()
    assert [p.message for p in result.problems] == ["arXiv API error: incorrect id format for xyz"]


def test_arxiv_bad_entry_is_isolated_and_entities_are_refused() -> None:
    text = read("arxiv-query.xml").replace(
        "<title>Segment Anything</title>", "<title>Segment <b>Anything</title>"
    )
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n' + text.split("\n", 1)[1]
    )
    hostile = hostile.replace("<title>The Large N", "<title>&b; The Large N")
    result = parse_arxiv_atom(hostile, "bad.xml")
    assert [p.arxiv_id for p in result.papers] == ["1505.04597"]
    lines = sorted(p.line or 0 for p in result.problems)
    assert len(lines) == 2 and lines[0] >= 9  # each problem at its entry
    assert all("entry skipped" in p.message for p in result.problems)


# --- OpenAlex -------------------------------------------------------------------------------


def test_openalex_results_list_fields_and_rebuilt_abstract() -> None:
    result = parse_openalex(read("openalex-works.json"), "works.json")
    assert result.problems == ()
    resnet, kelp, preprint = result.papers
    assert resnet.id == "doi:10.1109/cvpr.2016.90"
    assert resnet.authors == ("Kaiming He", "Xiangyu Zhang", "Jian Sun")
    assert resnet.year == 2016
    assert resnet.venue == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert resnet.abstract == (
        "Deeper neural networks are more difficult to train. We present a residual learning"
        " framework."
    )
    assert resnet.source_format == "openalex" and resnet.line == 4
    assert "referenced_works" not in json.loads(resnet.raw_entry or "{}")
    assert kelp.title == "Measuring CO2 uptake & growth in kelp"  # HTML and entity removed
    assert kelp.authors == ("Ana Briseño-García", "Tomás Ruiz")  # raw name when no author
    assert kelp.arxiv_id == "2101.01234" and kelp.abstract == ""
    assert preprint.id == "arxiv:2205.00001" and preprint.venue == "arXiv (Cornell University)"


def test_openalex_single_work_and_payload_function_agree() -> None:
    text = read("openalex-work.json")
    from_text = parse_openalex(text, "w.json").papers
    from_payload = parse_openalex_payload(json.loads(text), "w.json").papers
    assert len(from_text) == 1 and from_text[0].venue == "PeerJ"
    assert from_text[0].doi == "10.7717/peerj.4375"
    assert from_text[0].abstract.endswith("there is an unmet need.")
    assert [p.id for p in from_payload] == [p.id for p in from_text]
    assert from_payload[0].abstract == from_text[0].abstract


def test_rebuild_abstract_ignores_garbage_positions() -> None:
    assert rebuild_abstract({"b": [1], "a": [0], "x": "not a list", "y": [-3]}) == "a b"
    assert rebuild_abstract(None) == ""


def test_openalex_one_bad_work_does_not_sink_the_others() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = (
        '{"meta": {}, "results": [\n'
        f'{{"id": "https://openalex.org/W1", "title": "Deep one", "x": {deep}}},\n'
        '{"id": "https://openalex.org/W2", "title": "Kept \\ud800 work", "authorships": []},\n'
        '{"id": "https://openalex.org/W3", "title": }\n'
        "]}"
    )
    result = parse_openalex(text, "w.json")
    assert [p.title for p in result.papers] == ["Kept \ufffd work"]
    assert sorted(p.line or 0 for p in result.problems) == [2, 4]


# --- Crossref -------------------------------------------------------------------------------


def test_crossref_single_message_jats_subtitle_and_organisation_author() -> None:
    (paper,) = parse_crossref(read("crossref-work.json"), "cr.json").papers
    assert paper.title == "Seagrass mapping: a Sentinel-2 approach"
    assert paper.abstract == (
        "We map Posidonia meadows from Sentinel-2 imagery & field data. Accuracy was 91 %."
    )
    assert paper.authors == ("Briseño-García, María", "Dupont, Jean", "Seagrass Watch Consortium")
    assert paper.year == 2019 and paper.venue == "Remote Sensing of Environment"
    assert paper.doi == "10.1016/j.rse.2018.12.001" and paper.source_format == "crossref"
    assert "reference" not in json.loads(paper.raw_entry or "{}")


def test_crossref_items_list_with_undated_work_and_payload_function() -> None:
    text = read("crossref-list.json")
    papers = parse_crossref(text, "l.json").papers
    assert [p.year for p in papers] == [2008, 2021, 2016]  # [[null]] falls back to created
    assert papers[0].abstract.startswith("The characteristic theme")
    assert papers[2].authors[0] == "LIGO Scientific Collaboration and Virgo Collaboration"
    assert [p.line for p in papers] == [9, 22, 34]
    payload = parse_crossref_payload(json.loads(text), "l.json").papers
    assert [p.id for p in payload] == [p.id for p in papers]
    bare = parse_crossref_payload(json.loads(text)["message"]["items"], "l.json").papers
    assert [p.id for p in bare] == [p.id for p in papers]


# --- PubMed XML -----------------------------------------------------------------------------


def test_pubmed_xml_articles_and_book_chapter() -> None:
    result = parse_pubmed_xml(read("pubmed-efetch.xml"), "pm.xml")
    assert result.problems == ()
    nature, donner, book = result.papers
    assert nature.title == "Mapping Escherichia coli regulons with CRISPR+ screens"
    assert nature.abstract == (
        "BACKGROUND: Regulons are hard to map. RESULTS: We mapped 200 regulons in E. coli"
        " with p < 0.01."
    )
    assert nature.authors == ("Müller, Anna K", "Smith, Jr, John", "CRISPR Screening Consortium")
    assert (nature.year, nature.venue, nature.doi) == (2019, "Nature", "10.1038/s41586-019-1500-0")
    assert nature.url == "https://pubmed.ncbi.nlm.nih.gov/31452104/" and nature.line == 4
    assert donner.year == 1998 and donner.authors == ("Donner, A",)
    assert book.title == "Cystic Fibrosis" and book.venue == "GeneReviews" and book.year == 1993
