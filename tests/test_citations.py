"""The citation verifier: marker parsing, answer sentences, support scoring against sources."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from assistant.rag.citations import answer_sentences, find_markers, strip_markers, verify
from assistant.types import REASON_LABELS, Chunk, Paper, Passage, Source
from tests.conftest import HashingEmbedder

INTRO = "Dataset distillation compresses a large training set. "
ABSTRACT = (
    INTRO + "DataDAM learns synthetic images by matching spatial attention maps of real and "
    "synthetic data. It improves accuracy by up to 6.5% on CIFAR100 and 4.1% on ImageNet-1K."
)
OTHER = (
    "Quilt-1M collects 768,826 histopathology image and text pairs from educational YouTube "
    "videos. It is the largest vision-language histopathology dataset."
)


def source(number: int, paper_id: str, title: str, abstract: str, start: int = 0) -> Source:
    paper = Paper(id=paper_id, title=title, abstract=abstract)
    text = abstract[start:]
    chunk = Chunk(f"{paper_id}#0", paper_id, 0, text, start, len(abstract))
    return Source(number, paper, Passage(chunk, 1.0, dense_score=0.5))


@pytest.fixture
def sources() -> list[Source]:
    return [
        source(1, "p:datadam", "DataDAM: Dataset Distillation with Attention Matching", ABSTRACT,
               start=len(INTRO)),
        source(2, "p:quilt", "Quilt-1M: One Million Image-Text Pairs for Histopathology", OTHER),
    ]  # fmt: skip


def numbers_of(text: str) -> list[tuple[int, ...]]:
    return [m.numbers for m in find_markers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("claim [1].", [(1,)]),
        ("claim [1, 3].", [(1, 3)]),
        ("claim [1,2,3].", [(1, 2, 3)]),
        ("claim [1-3].", [(1, 2, 3)]),
        ("claim [2–4].", [(2, 3, 4)]),
        ("claim [1][2].", [(1,), (2,)]),
        ("claim [1; 2].", [(1, 2)]),
        ("claim [Source 2] and [sources 1 and 3].", [(2,), (1, 3)]),
        ("published in [2020] and [1999].", []),
        ("a footnote [a] and [see above] and [ 4 ]", [(4,)]),
    ],
)
def test_marker_forms(text: str, expected: list[tuple[int, ...]]) -> None:
    assert numbers_of(text) == expected


def test_bad_ranges_are_malformed_markers() -> None:
    reversed_, huge = find_markers("x [3-1] y [1-400]")
    assert reversed_.malformed and reversed_.numbers == ()
    assert huge.malformed


def test_strip_markers() -> None:
    assert strip_markers("DataDAM matches maps [1][2]. Quilt is big [2, 3].") == (
        "DataDAM matches maps. Quilt is big."
    )


def test_sentences_own_their_markers() -> None:
    text = "First claim. [1] Second claim, as Smith et al. showed [2].\n- A list item [3]"
    sentences = answer_sentences(text)
    assert [s.span.text for s in sentences] == [
        "First claim. [1]",
        "Second claim, as Smith et al. showed [2].",
        "- A list item [3]",
    ]
    assert [[m.numbers for m in s.markers] for s in sentences] == [[(1,)], [(2,)], [(3,)]]
    assert sentences[2].claim == "A list item"
    for sentence in sentences:
        assert text[sentence.span.start : sentence.span.end] == sentence.span.text


def test_supported_claim_points_at_the_supporting_sentence(sources: list[Source]) -> None:
    text = "DataDAM learns synthetic images by matching spatial attention maps [1]."
    checked = verify(text, sources, embedder=HashingEmbedder())
    (sentence,) = checked.sentences
    assert sentence.supported and sentence.citations == (1,) and sentence.note is None
    (citation,) = checked.citations
    assert citation.paper_id == "p:datadam" and citation.supported and citation.sentence == 0
    quoted = ABSTRACT[citation.start : citation.end]  # offsets into the abstract, not the chunk
    assert quoted.startswith("DataDAM learns synthetic images")
    assert quoted.endswith("synthetic data.")
    assert checked.invalid_markers == ()


def test_claim_citing_the_wrong_source_is_unsupported(sources: list[Source]) -> None:
    text = "DataDAM learns synthetic images by matching spatial attention maps [2]."
    (sentence,) = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert not sentence.supported and sentence.reason == "wrong_paper"
    assert sentence.note == (
        'the wrong paper cited: names "DataDAM", which is in [1], not in the cited source'
    )
    unnamed = "It learns synthetic images by matching spatial attention maps [2]."
    (weak,) = verify(unnamed, sources, embedder=HashingEmbedder()).sentences
    assert not weak.supported and weak.reason == "wrong_paper"
    assert "weak support from [2]" in (weak.note or "") and "[1] says it" in (weak.note or "")


def test_marker_to_no_source_is_invalid_and_not_trusted(sources: list[Source]) -> None:
    text = "Quilt-1M collects histopathology image and text pairs from YouTube videos [7]."
    checked = verify(text, sources, embedder=HashingEmbedder())
    assert checked.invalid_markers == ("[7]",)
    assert checked.citations == ()
    (sentence,) = checked.sentences
    assert not sentence.supported and "[7]" in (sentence.note or "")


def test_valid_and_invalid_markers_together(sources: list[Source]) -> None:
    text = "Quilt-1M collects histopathology image and text pairs from YouTube videos [2][9]."
    checked = verify(text, sources, embedder=HashingEmbedder())
    assert checked.invalid_markers == ("[9]",)
    (sentence,) = checked.sentences
    assert sentence.citations == (2,) and sentence.supported
    assert "[9]" in (sentence.note or "")


def test_uncited_claim_is_flagged(sources: list[Source]) -> None:
    text = "DataDAM learns synthetic images with attention maps. Quilt is huge [2]."
    first, second = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert not first.supported and first.note == "no citation"
    assert first.reason == "no_citation"
    assert second.citations == (2,)


def test_a_wrong_number_makes_a_claim_unsupported(sources: list[Source]) -> None:
    text = "DataDAM improves accuracy by up to 9.5% on CIFAR100 [1]."
    (sentence,) = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert not sentence.supported and sentence.reason == "figure"
    assert sentence.note == "a figure the source does not give: 9.5% (the source gives 6.5%)"
    right = "DataDAM improves accuracy by up to 6.5% on CIFAR100 [1]."
    assert verify(right, sources, embedder=HashingEmbedder()).sentences[0].supported


def test_a_figure_moved_to_another_item_is_a_wrong_figure(sources: list[Source]) -> None:
    text = "DataDAM improves accuracy by up to 4.1% on CIFAR100 [1]."
    (sentence,) = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert not sentence.supported and sentence.reason == "figure"
    assert "4.1% is for ImageNet-1K in the source, not CIFAR100" in (sentence.note or "")
    both = "DataDAM improves accuracy by up to 6.5% on CIFAR100 and 4.1% on ImageNet-1K [1]."
    assert verify(both, sources, embedder=HashingEmbedder()).sentences[0].supported


def test_a_figure_from_another_source_is_the_wrong_paper(sources: list[Source]) -> None:
    text = "DataDAM collects 768,826 image and text pairs [1]."
    (sentence,) = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert sentence.reason == "wrong_paper" and "768,826 is in [2]" in (sentence.note or "")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("DataDAM learns synthetic images without matching spatial attention maps [1].",
         "negation"),
        ("DataDAM always learns the best synthetic images by matching spatial attention maps [1].",
         "overclaim"),
        ("DataDAM learns synthetic images by matching spatial attention maps on TPU pods "
         "[1].", "not_in_source"),
        ("DataDAM improves accuracy by up to 6.5 billion on CIFAR100 [1].", "figure"),
    ],
)  # fmt: skip
def test_each_kind_of_wrong_sentence_gets_its_reason(
    sources: list[Source], text: str, reason: str
) -> None:
    (sentence,) = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert not sentence.supported and sentence.reason == reason
    assert sentence.note and sentence.note.startswith(REASON_LABELS[reason])


def test_headings_and_statements_about_sources_are_not_claims(sources: list[Source]) -> None:
    text = "Summary:\nThe sources do not mention the training time of DataDAM at all."
    heading, about = verify(text, sources, embedder=HashingEmbedder()).sentences
    assert heading.supported and heading.note == "not a claim"
    assert about.supported and about.note == "about the sources"


def test_claim_combining_two_sources(sources: list[Source]) -> None:
    text = (
        "DataDAM matches attention maps while Quilt-1M collects histopathology pairs "
        "from YouTube [1][2]."
    )
    checked = verify(text, sources, embedder=HashingEmbedder())
    (sentence,) = checked.sentences
    assert sentence.citations == (1, 2) and sentence.supported
    assert [c.number for c in checked.citations] == [1, 2]


def test_empty_answer() -> None:
    checked = verify("", [], embedder=HashingEmbedder())
    assert checked.sentences == () and checked.citations == () and checked.invalid_markers == ()


def test_sentence_offsets_index_the_answer(sources: list[Source]) -> None:
    text = "Intro line:\nDataDAM matches attention maps [1]. Quilt-1M is a histopathology set [2]."
    for sentence in verify(text, sources, embedder=HashingEmbedder()).sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_a_verbatim_quote_is_supported_whatever_its_words(sources: list[Source]) -> None:
    quoted = "DataDAM: It improves accuracy by up to 6.5% on CIFAR100 and 4.1% on ImageNet-1K [1]."
    (sentence,) = verify(quoted, sources, embedder=HashingEmbedder()).sentences
    assert sentence.supported and sentence.reason is None
    altered = "It improves accuracy by up to 9.5% on CIFAR100 and 4.1% on ImageNet-1K [1]."
    (wrong,) = verify(altered, sources, embedder=HashingEmbedder()).sentences
    assert not wrong.supported and wrong.reason == "figure"


def test_grounding_checks_figures_and_names_but_not_our_framing(sources: list[Source]) -> None:
    """The offline comparison synthesis frames quotes of verified cells in words of its own:
    "only one paper's cells mention" is no overclaim of the paper, a wrong figure still is."""
    embedder = HashingEmbedder()
    framing = "Only one paper's cells mention each of these: DataDAM CIFAR100 [1]."
    wrong = "Figures in the results cells: DataDAM, up to 9.5% on CIFAR100 [1]."
    full = verify(framing, sources, embedder=embedder)
    grounded = verify(f"{framing} {wrong}", sources, embedder=embedder, checks="grounding")
    assert not full.sentences[0].supported
    assert grounded.sentences[0].supported
    assert not grounded.sentences[1].supported and grounded.sentences[1].reason == "figure"


def test_an_added_run_is_weighed_on_its_own_not_counted_among_the_rules() -> None:
    # A heavy paraphrase has runs of its own words; the verdict weighs `added` alone, so the
    # count of rules that fired leaves it out (verdict.py).
    abstract = "STU-Net is pre-trained on the TotalSegmentator dataset with supervision."
    cited = [source(1, "p:stu", "STU-Net", abstract)]
    seen: list[dict[str, float]] = []

    def decide(signals: Mapping[str, float]) -> bool:
        seen.append(dict(signals))
        return True

    claim = (
        "STU-Net is pre-trained on TotalSegmentator using a contrastive self-supervised "
        "objective [1]."
    )
    verify(claim, cited, embedder=HashingEmbedder(), decide=decide)
    assert seen[0]["added"] == 1.0
    assert seen[0]["rules"] == 0.0
