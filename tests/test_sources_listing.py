"""Plain-text listings: generic chrome dropping, wrapped abstracts, CRLF, orphans."""

from __future__ import annotations

from pathlib import Path

from assistant.sources import parse_file
from assistant.sources.identity import title_hash
from assistant.sources.listing import parse_listing

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
# The sample corpus as the repository ships it (the same file as ../shared/corpus/): always there.
REAL_LISTING = Path(__file__).parent.parent / "samples" / "vision-datasets-papers.txt"

LONG = (
    "This abstract is long enough to count as an abstract paragraph because it has "
    "well over twenty-five words, which is what the listing heuristic asks for before "
    "it pairs a paragraph with the title line just above it."
)


def test_real_listing_gives_exactly_60_papers() -> None:
    result = parse_file(REAL_LISTING)
    assert len(result.papers) == 60
    assert result.problems == ()
    first, second, last = result.papers[0], result.papers[1], result.papers[-1]
    assert first.title == "Scattering Vision Transformer: Spectral Mixing Matters"
    assert first.line == 11
    assert first.abstract.startswith("Vision transformers have gained significant attention")
    assert first.id == f"title:{title_hash(first.title)}"
    assert first.source_format == "listing"
    assert first.source_file == str(REAL_LISTING)
    assert first.authors == () and first.year is None and first.doi is None
    assert second.title == (
        "Exploring the Effect of Dataset Diversity in Self-Supervised Learning for "
        "Surgical Computer Vision"
    )
    assert last.title == (
        "Plug & Play Generative Networks: Conditional Iterative Generation of Images in "
        "Latent Space"
    )
    assert last.line == 247
    assert last.abstract.endswith("can be applied to many types of data.")
    titles = [paper.title for paper in result.papers]
    for chrome in ("new", "Subscribe", "Mar 11", "byAK and the research community"):
        assert chrome not in titles
    assert len(set(paper.id for paper in result.papers)) == 60


def test_crlf_fixture_wrapped_abstract_and_orphan_title() -> None:
    path = FIXTURES / "listing-crlf.txt"
    assert b"\r\n" in path.read_bytes()
    result = parse_listing(path.read_bytes().decode("utf-8"), "listing-crlf.txt")
    assert [(p.title, p.line) for p in result.papers] == [
        ("A Wrapped Abstract Paper", 7),
        ("Second Paper: With a Colon", 13),
    ]
    assert result.papers[0].abstract == (
        "This abstract was wrapped by the exporter over several physical lines, which must "
        "be joined back into one paragraph of text with single spaces between the words."
    )
    assert "\r" not in result.papers[1].abstract
    assert [(p.file, p.line) for p in result.problems] == [("listing-crlf.txt", 17)]
    assert "An Orphan Title At The End" in result.problems[0].message


def test_chrome_is_dropped_without_knowing_its_strings() -> None:
    text = f"Home\n\nLog in  \n\n12 June\n\nMy Title\n\n{LONG}"  # no final newline
    result = parse_listing(text, "x.txt")
    assert [(p.title, p.line, p.abstract) for p in result.papers] == [("My Title", 7, LONG)]
    assert result.problems == ()


def test_title_without_abstract_in_the_middle_is_reported() -> None:
    text = f"First\n\n{LONG}\n\nNo Abstract Here\n\nThird\n\n{LONG}\n"
    result = parse_listing(text, "x.txt")
    assert [p.title for p in result.papers] == ["First", "Third"]
    assert [(p.line, "No Abstract Here" in p.message) for p in result.problems] == [(5, True)]


def test_long_title_after_an_orphan_is_not_taken_as_its_abstract() -> None:
    long_title = (
        "A Rather Long Title That Goes On and On About Scaling Laws, Data Curation, "
        "Benchmarks, and the Many Other Things Papers Like to Cram Into Their Titles Today"
    )
    assert len(long_title) >= 150
    text = f"First\n\n{LONG}\n\nOrphan\n\n{long_title}\n\n{LONG} {LONG}\n"
    result = parse_listing(text, "x.txt")
    assert [p.title for p in result.papers] == ["First", long_title]
    assert [p.line for p in result.problems] == [5]


def test_empty_text_gives_nothing() -> None:
    assert parse_listing("", "x.txt").papers == ()
    assert parse_listing("\n\n  \n", "x.txt").problems == ()
