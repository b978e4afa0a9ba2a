"""The offline extractive answerer: on the real sample library with the real local embedder, and
its selection rules on hand-made candidates."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.rag import extractive
from assistant.rag.citations import strip_markers
from assistant.rag.engine import AnswerEngine
from assistant.rag.prompts import PromptLibrary
from assistant.rag.question import analyse
from assistant.rag.retriever import HybridRetriever
from assistant.rag.sentences import Span
from assistant.store.library import Library
from assistant.types import Answer, AnswerDelta


@pytest.fixture(scope="module")
def engine(sample_library: Path, local_embedder) -> Iterator[AnswerEngine]:
    library = Library.open(sample_library, local_embedder)
    yield AnswerEngine(
        HybridRetriever(library), local_embedder, llm=None, prompts=PromptLibrary.default()
    )
    library.close()


def _quoted_verbatim(answer: Answer) -> None:
    """Every cited sentence is a sentence of its cited source, and the offsets point at it."""
    sources = {s.number: s for s in answer.sources}
    for sentence, citation in zip(answer.sentences, answer.citations, strict=True):
        source = sources[citation.number]
        quoted = source.paper.abstract[citation.start : citation.end]
        body = strip_markers(sentence.text).split(": ", 1)[-1]
        body = re.sub(r" \[[^\]]+\]", "", body, count=1)  # a referent is not part of the quote
        assert body.rstrip(".") in quoted
        assert source.passage.chunk.start <= citation.start < source.passage.chunk.end


def test_answers_a_factual_question_from_the_right_paper(engine: AnswerEngine) -> None:
    answer = engine.ask(
        "How many images and scene classes does the NWPU-RESISC45 benchmark contain?"
    )
    assert not answer.abstained and answer.complete
    assert {s.paper.title for s in answer.cited_sources} == {
        "Remote Sensing Image Scene Classification: Benchmark and State of the Art"
    }
    assert "31,500 images, covering 45 scene classes" in answer.text
    assert all(s.supported for s in answer.sentences)
    assert len(answer.sentences) <= extractive.MAX_SENTENCES
    _quoted_verbatim(answer)


def test_question_asking_for_a_list_cites_several_papers(engine: AnswerEngine) -> None:
    question = "Which methods have been proposed for dataset distillation?"
    assert extractive.asks_for_list(question)
    answer = engine.ask(question)
    titles = [s.paper.title for s in answer.cited_sources]
    assert sum("Dataset Distillation" in title for title in set(titles)) >= 3, titles
    paragraphs = answer.text.split("\n\n")
    assert len(paragraphs) == len(set(titles)) == len(answer.sentences)  # one line per paper
    _quoted_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "is_list"),
    [
        ("Which datasets focus on artworks?", True),
        ("What neural architecture search methods exist?", True),
        ("List the benchmarks for remote sensing", True),
        ("What is DataDAM?", False),
        ("Which strategy does dataset reinforcement use?", False),
        ("What top-1 accuracy does NASNet reach?", False),
        # after an opening phrase
        ("Apart from Tiny-ImageNet, which papers report results on a subset of ImageNet?", True),
        ("In remote sensing, which datasets were released?", True),
        ("In remote sensing, which strategy does FAIR1M use?", False),
    ],
)
def test_list_questions(question: str, is_list: bool) -> None:
    assert extractive.asks_for_list(question) is is_list


def test_abstains_when_the_library_has_no_answer(engine: AnswerEngine) -> None:
    answer = engine.ask("What is the boiling point of mercury?")
    assert answer.abstained and answer.citations == ()
    assert "does not seem to answer" in answer.text
    assert answer.sources  # the nearest passages are still listed


def test_a_how_question_quotes_the_method_not_the_problem(engine: AnswerEngine) -> None:
    answer = engine.ask("How does DataDAM learn its synthetic images?")
    assert "matching the spatial attention maps" in answer.text
    assert "Unfortunately" not in answer.text  # the problem statement before it
    assert {s.paper.title for s in answer.cited_sources} == {
        "DataDAM: Efficient Dataset Distillation with Attention Matching"
    }


def test_a_figure_question_quotes_the_figure(engine: AnswerEngine) -> None:
    answer = engine.ask(
        "When reviewing the remaining ImageNet mistakes of top models, what fraction turned out "
        "not to be mistakes?"
    )
    assert "nearly half of the supposed mistakes are not mistakes" in answer.text


def test_the_word_for_a_figure_is_met_by_a_figure(engine: AnswerEngine) -> None:
    # "numbers" is not written in the abstracts; the figure the sentence gives is the number.
    answer = engine.ask("Which papers report mIoU numbers?")
    assert not answer.abstained
    assert "with an mIoU of 86.18%" in answer.text


def test_an_it_sentence_gets_its_referent_and_keeps_its_offsets(engine: AnswerEngine) -> None:
    answer = engine.ask("How many frames does the MVImgNet dataset contain?")
    assert "It [MVImgNet] contains 6.5 million frames from 219,188 videos" in answer.text
    source = next(s for s in answer.sources if s.paper.title.startswith("MVImgNet"))
    quoted = {source.paper.abstract[c.start : c.end] for c in answer.citations}
    assert any(q.startswith("It contains 6.5 million frames") for q in quoted)  # the exact span


def test_a_why_answer_quotes_the_cause_before_a_consequence(engine: AnswerEngine) -> None:
    answer = engine.ask("Why has dataset distillation recently come to the fore?")
    assert "Dataset distillation has thus recently come to the fore" in answer.text
    assert "The sharp increase in data-related expenses" in answer.text


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("What learning rate was used to train DataDAM?", "The learning rate is not stated"),
        ("How does DendroMap perform on the COCO dataset?", '"COCO" is not mentioned'),
        ("How many annotators labelled the MEDIC dataset?", "How many annotators"),
        ("How long does it take to train the 1.4B STU-Net model?", "How long it takes"),
    ],
)
def test_near_misses_abstain_saying_what_is_not_stated(
    engine: AnswerEngine, question: str, missing: str
) -> None:
    answer = engine.ask(question)
    assert answer.abstained and answer.citations == ()
    assert answer.text.startswith(missing), answer.text
    assert "the nearest papers are" in answer.text
    assert all(s.supported for s in answer.sentences)  # a remark about the sources, no claim


def test_streams_sentence_by_sentence(engine: AnswerEngine) -> None:
    items = list(engine.stream("How many instances, images and categories does FAIR1M have?"))
    deltas = [i for i in items if isinstance(i, AnswerDelta)]
    final = items[-1]
    assert isinstance(final, Answer) and all(isinstance(i, AnswerDelta) for i in items[:-1])
    assert len(deltas) == len(final.sentences) >= 2
    assert "".join(d.text for d in deltas) == final.text
    assert "more than 1 million instances and more than 15,000 images" in final.text


def test_offline_follow_up_is_searched_with_the_previous_subject(engine: AnswerEngine) -> None:
    first = engine.ask("What is DataDAM?")
    follow = engine.ask("How much does it improve on CIFAR100?", history=[first])
    assert follow.standalone_query == "How much does DataDAM improve on CIFAR100?"
    assert "6.5%" in follow.text


# ---- selection rules on hand-made candidates ---------------------------------------------------
def candidate(
    number: int, paper: str, score: float, vector: list[float], position=(0, 0)
) -> extractive.Candidate:
    v = np.asarray(vector, dtype=np.float32)
    span = Span(f"sentence {number}-{position}", 0, 10)
    return extractive.Candidate(number, paper, span, position, score, v / np.linalg.norm(v))


def test_one_papers_sentences_are_ranked_without_its_title_words() -> None:
    # The sentence that only echoes the title (high score) falls below the one that answers.
    echo = dataclasses.replace(candidate(1, "a", 0.9, [1, 0], (0, 0)), own_score=0.5)
    answer = dataclasses.replace(candidate(1, "a", 0.8, [0, 1], (0, 1)), own_score=0.7)
    ranked = extractive.within_paper([echo, answer])
    assert [c.position for c in ranked] == [(0, 1), (0, 0)]
    assert [c.score for c in ranked] == [0.7, 0.5]


def test_select_drops_near_duplicates_and_caps_per_paper() -> None:
    ranked = [
        candidate(1, "a", 0.90, [1, 0, 0], (0, 0)),
        candidate(2, "b", 0.89, [1, 0, 0.01], (0, 0)),  # the same sentence in another paper
        candidate(1, "a", 0.85, [0, 1, 0], (0, 1)),
        candidate(1, "a", 0.84, [0, 0, 1], (0, 2)),
        candidate(1, "a", 0.83, [0, 1, 1], (0, 3)),
    ]
    chosen = extractive.select(ranked)
    assert ranked[1] not in chosen
    assert sum(c.paper_id == "a" for c in chosen) == extractive.MAX_PER_PAPER


def test_a_how_answer_keeps_the_sentence_that_spells_out_the_one_quoted() -> None:
    abstract = (
        "We present Boss, a method that fixes inaccurate ratings. "
        "More specifically, we factorize the search space into blocks. "
        "It reaches 82.5% accuracy. "
        "Specifically, it is fast."
    )
    spans = []
    start = 0
    for text in abstract.split(". "):
        text = text if text.endswith(".") else text + "."
        begin = abstract.index(text, start)
        spans.append(Span(text, begin, begin + len(text)))
        start = begin + len(text)
    v = np.asarray([1.0, 0.0], dtype=np.float32)
    made = [
        extractive.Candidate(1, "a", span, (0, i), 0.9 - 0.1 * i, v) for i, span in enumerate(spans)
    ]
    found = extractive.with_elaborations([made[0]], made, {"a": abstract})
    assert found == [made[0], made[1]]
    # Nothing is added after a sentence whose next one does not spell it out ...
    assert extractive.with_elaborations([made[1]], made, {"a": abstract}) == [made[1]]
    # ... nor a "Specifically" sentence that does not come right after the quoted one.
    assert extractive.with_elaborations([made[1]], [made[1], made[3]], {"a": abstract}) == [made[1]]


def test_select_keeps_only_sentences_near_the_best() -> None:
    ranked = [
        candidate(1, "a", 0.80, [1, 0, 0]),
        candidate(2, "b", 0.50, [0, 1, 0]),  # far below the best sentence
    ]
    assert extractive.select(ranked) == [ranked[0]]


def test_only_papers_scoring_nearly_as_well_as_the_best_are_cited() -> None:
    from assistant.rag.question import analyse
    from assistant.types import Chunk, Paper, Passage, Source
    from tests.conftest import HashingEmbedder

    def source(number: int, title: str) -> Source:
        paper = Paper(id=f"p{number}", title=title, abstract="Some text here.")
        return Source(number, paper, Passage(Chunk(f"p{number}#0", paper.id, 0, "x", 0, 1), 1.0))

    sources = [source(1, "Fractal images for pre-training"), source(2, "Stock markets")]
    ranked = [
        candidate(1, "p1", 0.90, [1, 0]),
        candidate(1, "p1", 0.80, [0, 1]),
        candidate(2, "p2", 0.40, [1, 1]),  # far below the best paper
    ]
    asked = analyse("How do fractal images pre-train networks?")
    chosen = extractive.choose_papers(asked, ranked, sources, embedder=HashingEmbedder())
    assert chosen == {"p1"}


def test_select_abstains_below_the_floor() -> None:
    assert (
        extractive.select([candidate(1, "a", extractive.MIN_SENTENCE_SCORE - 0.01, [1, 0])]) == []
    )
    assert extractive.select([]) == []


def test_arrange_orders_papers_by_best_sentence_and_sentences_as_written() -> None:
    chosen = [
        candidate(2, "b", 0.9, [1, 0], (1, 4)),
        candidate(1, "a", 0.8, [0, 1], (0, 2)),
        candidate(2, "b", 0.7, [1, 1], (0, 1)),
    ]
    groups = extractive.arrange(chosen)
    assert [[c.position for c in g] for g in groups] == [[(0, 1), (1, 4)], [(0, 2)]]


def test_cite_puts_the_marker_before_the_final_stop() -> None:
    assert extractive.cite("It works.", 3) == "It works [3]."
    assert extractive.cite('He said "yes."', 1) == 'He said "yes [1]."'
    assert extractive.cite("No stop", 2) == "No stop [2]."


def test_quoted_brackets_do_not_pass_for_citations() -> None:
    assert extractive.cite("As shown in [12], it works.", 1) == "As shown in (12), it works [1]."


def test_the_learned_paper_choice_cites_a_close_second_paper_and_not_a_far_one() -> None:
    from assistant.rag import paper_choice

    # Signals by name, as extractive.paper_values gives them.
    close = dict(sentence=0.6, sentence_share=0.99, phrases=0.3, title=0.5, passage=0.65,
                 passage_share=0.99, coverage=0.6, rank=0.5, contribution=0.5, kind=1.0,
                 either_coverage=0.6, either_contribution=0.5, sentence_z=1.5,
                 passage_rank=0.5, title_terms=0.4)  # fmt: skip
    far = dict(sentence=0.3, sentence_share=0.45, phrases=0.0, title=0.1, passage=0.2,
               passage_share=0.35, coverage=0.2, rank=0.125, contribution=0.0, kind=1.0,
               either_coverage=0.2, either_contribution=0.0, sentence_z=-1.0,
               passage_rank=0.125, title_terms=0.0)  # fmt: skip
    for listing in (True, False):
        model = paper_choice.model_for(listing)
        assert paper_choice.answers(close, listing=listing)
        assert not paper_choice.answers(far, listing=listing)
        assert 0.0 < model.probability(far) < model.probability(close) < 1.0
    # The same second paper: cited in a list, where every instance answers, sooner than in a
    # question about one thing.
    middling = {**far, "sentence_share": 0.8, "passage_share": 0.8, "coverage": 0.45,
                "sentence_z": 0.8, "rank": 0.33, "passage_rank": 0.33}  # fmt: skip
    assert paper_choice.answers(middling, listing=True)
    assert not paper_choice.answers(middling, listing=False)


def test_a_question_with_or_is_scored_on_either_side() -> None:
    from assistant.rag.scoring import query_terms

    question = "Which datasets were built for histopathology or segmentation?"
    wanted = query_terms(question)
    sides = extractive.alternatives(question, wanted)
    assert len(sides) == 2
    assert all(side < wanted for side in sides)
    assert {t for side in sides for t in wanted - side} == wanted - (sides[0] & sides[1])
    assert extractive.alternatives("Which papers use transformers?", wanted) == []


def test_list_questions_retrieve_more_passages() -> None:
    assert extractive.retrieval_k("Which datasets contain multi-view images?", 8) == 24
    assert extractive.retrieval_k("How does DataDAM distill datasets?", 8) == 8


def test_a_question_naming_two_papers_quotes_each(engine: AnswerEngine) -> None:
    """ "What do the DIOR and FAIR1M datasets contain?" abstained, then quoted FAIR1M alone:
    the DIOR sentence scored below the best FAIR1M one and was cut as a weaker paper's."""
    answer = engine.ask("What do the DIOR and FAIR1M datasets contain?")
    assert not answer.abstained
    cited = {s.paper.title.split(":")[0] for s in answer.cited_sources}
    assert cited == {"FAIR1M", "Object Detection in Optical Remote Sensing Images"}
    assert "23463 images" in answer.text and "37 sub-categories" in answer.text


def test_a_paper_described_not_named_must_name_what_is_asked(engine: AnswerEngine) -> None:
    answer = engine.ask(
        "Which DNN architectures does the study re-assessing single-label benchmarking on "
        "ImageNet evaluate?"
    )
    assert answer.abstained and answer.citations == ()
    assert answer.text.startswith("The DNN architectures are not stated in the abstract of "), (
        answer.text
    )


def test_a_question_for_named_things_of_a_paper_quotes_the_sentence_naming_them(
    engine: AnswerEngine,
) -> None:
    answer = engine.ask("On which datasets is Diversity-Driven Synthesis tested?")
    assert not answer.abstained
    assert "Tiny-ImageNet" in answer.text and "ImageNet-1K" in answer.text


def test_an_acronym_asked_about_is_answered_by_the_sentence_spelling_it_out() -> None:
    asked = analyse("What does IPC stand for?")
    assert extractive.spelled_name(asked) == "IPC"
    assert extractive.spells_out("It reaches 63.2% under IPC (Images Per Class) 50.", "IPC")
    assert extractive.spells_out("We count Images Per Class (IPC) here.", "IPC")
    assert not extractive.spells_out("It reaches 36.1% under IPC 20.", "IPC")
    assert extractive.spelled_name(analyse("What is IPC?")) is None


def test_a_named_papers_sentences_are_ranked_without_its_title_words(engine: AnswerEngine) -> None:
    # "multi-label few-shot" is LaSO's title: the sentence saying how is the one that answers
    answer = engine.ask(
        "How does LaSO create new examples for multi-label few-shot classification?"
    )
    assert "combine pairs of given examples in feature space" in answer.text
