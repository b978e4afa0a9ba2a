"""The follow-up rules: which questions lean on the previous turn, and what is searched for them."""

from __future__ import annotations

import pytest

from assistant.rag.followup import (
    depends_on_previous,
    heuristic_standalone,
    own_words_in,
    previous_subject,
    second_try,
    what_about,
)
from assistant.types import Answer


def turn(question: str, standalone: str | None = None, text: str = "An answer [1].") -> Answer:
    return Answer(
        question=question, text=text, mode="extractive", standalone_query=standalone or question
    )


@pytest.mark.parametrize(
    "question",
    [
        "How many images does it contain?",
        "Where do they come from?",
        "What loss do they use?",
        "Which self-supervised methods can be pretrained on it?",
        "How was this dataset annotated?",
        "What does the paper report?",
        "What about NWPU-RESISC45?",
        "How about the number of classes?",
        "And on ImageNet?",
        "How many classes?",
        "Which accuracy?",
    ],
)
def test_questions_that_lean_on_the_previous_turn(question: str) -> None:
    assert depends_on_previous(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is DIOR?",
        "How many images does DIOR contain and how were they collected?",
        "Which datasets were built for remote sensing?",
        "What is dropout?",
        "How does dataset distillation compress a training set?",
        "What does the paper on fractal pre-training find?",
        "Which datasets were built for remote sensing, and how large are they?",
        "What is bilateral equivalence and why does it hurt dataset distillation?",
        "Is there a dataset so large that it needs sharding across many machines?",
        "How many datasets did the study of dataset values collect in its corpus?",
    ],
)
def test_questions_that_name_their_own_subject(question: str) -> None:
    assert not depends_on_previous(question)


def test_what_about_takes_the_new_subject() -> None:
    assert what_about("What about NWPU-RESISC45?") == "NWPU-RESISC45"
    assert what_about("And for CIFAR-10?") == "for CIFAR-10"
    assert what_about("What is DIOR?") is None


def test_a_pronoun_gets_the_previous_subject() -> None:
    history = [turn("What is DataDAM?")]
    assert (
        heuristic_standalone("How much does it improve on CIFAR100?", history)
        == "How much does DataDAM improve on CIFAR100?"
    )
    assert heuristic_standalone("What are its limits?", history) == "What are DataDAM's limits?"
    assert (
        heuristic_standalone("How was this dataset annotated?", [turn("What is DIOR?")])
        == "How was this dataset (DIOR) annotated?"
    )


def test_an_ellipsis_gets_the_previous_subject() -> None:
    history = [turn("How many images does DIOR contain?")]
    assert heuristic_standalone("How many classes?", history) == "How many classes in DIOR?"
    # the "and" that only ties it to the turn before goes; the subject reads as a phrase
    assert heuristic_standalone("and how many classes?", history) == "How many classes in DIOR?"


def test_what_about_asks_the_previous_question_of_the_new_subject() -> None:
    history = [turn("How many images does DIOR contain?")]
    assert (
        heuristic_standalone("What about NWPU-RESISC45?", history)
        == "How many images does NWPU-RESISC45 contain?"
    )
    second = [*history, turn("What about NWPU-RESISC45?", "How many images does NWPU-RESISC45?")]
    assert (
        heuristic_standalone("What about FAIR1M?", second) == "How many images does FAIR1M contain?"
    )


def test_a_question_with_its_own_subject_is_searched_as_asked() -> None:
    history = [turn("What is DataDAM?"), turn("How does it work?", "How does DataDAM work?")]
    assert heuristic_standalone("What is DIOR?", history) == "What is DIOR?"
    topic = "Which datasets were built for remote sensing?"
    assert heuristic_standalone(topic, history) == topic


def test_the_subject_never_snowballs_along_a_chain() -> None:
    """Each turn inherits the subject alone, never the previous query, however many turns."""
    history = [turn("What is DataDAM?")]
    for question in ("How does it work?", "What does it improve?", "How much faster is it?"):
        standalone = heuristic_standalone(question, history)
        assert standalone.count("DataDAM") == 1 and "How does" not in standalone[5:]
        history.append(turn(question, standalone))
    assert previous_subject(history) == "DataDAM"
    assert heuristic_standalone("What is DIOR?", history) == "What is DIOR?"
    assert heuristic_standalone("How many images?", history) == "How many images in DataDAM?"


def test_subject_from_topic_words_when_the_question_names_nothing() -> None:
    history = [turn("Which datasets were built for remote sensing?")]
    assert previous_subject(history) == "built remote sensing"
    assert "remote sensing" in heuristic_standalone("How large are they?", history)


def test_a_bare_ellipsis_asks_the_previous_question_again() -> None:
    """ "By how much?" has nothing of its own to search: the question before it is asked again,
    and a run of bare questions goes back to that question, never through each other."""
    asked = turn(
        "Which network does its BossNet-T surpass?",
        "Which network does BossNAS's BossNet-T surpass?",
    )
    history = [turn("What is BossNAS?"), asked]
    first = heuristic_standalone("By how much?", history)
    assert first == "By how much? Which network does BossNAS's BossNet-T surpass?"
    history.append(turn("By how much?", first))
    assert heuristic_standalone("Why?", history) == (
        "Why? Which network does BossNAS's BossNet-T surpass?"
    )
    assert previous_subject(history) == "BossNAS"  # what "its" stood for; the bare turn adds none
    assert heuristic_standalone("How many classes?", history) == "How many classes in BossNAS?"


def test_the_second_try_merges_the_subject_only_into_a_question_naming_nothing() -> None:
    history = [turn("What is UHD-IQA?")]
    assert second_try("How were the annotators picked?", history) == (
        "How were the annotators picked in UHD-IQA?"
    )
    assert second_try("How many images does DIOR contain?", history) is None
    assert second_try("How were the annotators picked?", []) is None


def test_the_second_try_needs_the_question_s_own_words_in_the_paper() -> None:
    abstract = "Annotators were selected for self-consistency; the images are rated for quality."
    assert own_words_in("How were the annotators picked?", abstract)  # annotators: 1 of 2
    assert not own_words_in("What is the boiling point of water?", "A point cloud of objects.")
    assert not own_words_in("By how much?", abstract)  # no word of its own at all


def test_no_history_or_no_subject_leaves_the_question() -> None:
    assert heuristic_standalone("How does it work?", []) == "How does it work?"
    assert heuristic_standalone("How does it work?", [turn("Why?")]) == "How does it work?"


# ---- chains through the offline engine over the sample corpus ---------------------------------
@pytest.fixture(scope="module")
def engine(sample_library, local_embedder):
    from assistant.rag.engine import AnswerEngine
    from assistant.rag.prompts import PromptLibrary
    from assistant.rag.retriever import HybridRetriever
    from assistant.store.library import Library

    library = Library.open(sample_library, local_embedder)
    yield AnswerEngine(
        HybridRetriever(library), local_embedder, llm=None, prompts=PromptLibrary.default()
    )
    library.close()


def test_a_named_question_after_several_turns_does_not_abstain(engine) -> None:
    """The snowball of issue 11: "What is DIOR?" after a few follow-ups abstained."""
    history: list[Answer] = []
    for question in (
        "Which datasets were built for remote sensing?",
        "How many images do they contain?",
        "And how many classes?",
        "What is DIOR?",
    ):
        history.append(engine.ask(question, history=history))
    last = history[-1]
    assert last.standalone_query == "What is DIOR?"
    assert not last.abstained
    assert any("DIOR" in s.paper.title or "DIOR" in s.paper.abstract for s in last.cited_sources)


def test_an_ellipsis_after_a_named_question_is_answered_from_its_paper(engine) -> None:
    """Seen as a new user: "and how many classes?" after "How many images does DIOR contain?"
    was searched as "and how many classes (DIOR)?" and abstained, the near-miss check reading
    "classes DIOR" as the asked thing; DIOR's abstract says "covering 20 object classes"."""
    first = engine.ask("How many images does DIOR contain?")
    follow = engine.ask("and how many classes?", history=[first])
    assert follow.standalone_query == "How many classes in DIOR?"
    assert not follow.abstained
    assert "20 object classes" in follow.text


def test_a_question_naming_nothing_is_tried_with_the_previous_subject(engine) -> None:
    """Searched as asked, "How were the annotators picked?" matches no paper; with the subject
    of the turn before, UHD-IQA's abstract answers it.  Another topic is never so rewritten."""
    first = engine.ask("What is UHD-IQA?")
    follow = engine.ask("How were the annotators picked?", history=[first])
    assert follow.standalone_query == "How were the annotators picked in UHD-IQA?"
    assert not follow.abstained
    assert all("UHD-IQA" in s.paper.title for s in follow.cited_sources)
    other = engine.ask("What is the boiling point of water?", history=[first])
    assert other.standalone_query == "What is the boiling point of water?"
    assert other.abstained


def test_a_follow_up_cites_what_its_standalone_form_cites(engine) -> None:
    first = engine.ask("What is MVImgNet?")
    follow = engine.ask("How many frames does it contain?", history=[first])
    alone = engine.ask("How many frames does MVImgNet contain?")
    assert follow.standalone_query == "How many frames does MVImgNet contain?"
    assert {s.paper.id for s in follow.cited_sources} == {s.paper.id for s in alone.cited_sources}
    assert "6.5 million" in follow.text
