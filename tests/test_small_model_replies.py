"""What small local models write, read right: the real `openai` client against respx replies that
contain each fault a 1.5B model made in issue 11 (point 6), over a real library.

* the marker on a meta sentence after the fact ("This information is provided in [1].");
* one marker at the very end of a paragraph;
* abstention text and the sentences after it ("They cover a wide range of topics.");
* a vacuous cited sentence ("The sources propose dataset distillation methods [1][2].");
* an abstention although the gate found relevant passages: the offline answer is shown too;

and, from the check's verdicts (round 5, Qwen2.5-Coder-1.5B on held-out-3):

* a fact cited to the wrong source ("... 79.2% zero-shot accuracy [3]." where [1] says it);
* an uncited fact after the cited one ("5 subjects [1]. Each subject viewed 3142 objects.");
* an abstention after a fact ("X does Y. The sources do not answer this question.");
* a near miss answered anyway ("G-SimCLR uses a learning rate of 0.1 [2].").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest
import respx

from assistant.badges import sentence_badge
from assistant.ingest import ingest
from assistant.rag.engine import CHECKED_LABEL, OFFLINE_LABEL, UNSUPPORTED_LABEL, AnswerEngine
from assistant.rag.llm import LLMClient
from assistant.rag.prompts import PromptLibrary
from assistant.rag.reply import is_abstention, is_meta, vacuous
from assistant.rag.retriever import HybridRetriever
from assistant.store.library import Library
from assistant.types import Answer
from tests.openai_sse import BASE_URL, MODEL, make_client, sse_response
from tests.test_citation_llm import PAPERS, TITLES


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import HashingEmbedder

    folder = tmp_path_factory.mktemp("small-model")
    source = folder / "papers.jsonl"
    rows = [{"title": TITLES[k], "abstract": v, "year": 2023} for k, v in PAPERS.items()]
    source.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    embedder = HashingEmbedder()
    library = Library.open(folder / "lib", embedder, create=True)
    ingest([source], library)
    llm = LLMClient(make_client(), MODEL, max_retries=1, sleep=lambda s: None)
    yield AnswerEngine(
        HybridRetriever(library), embedder, llm=llm, prompts=PromptLibrary.default(), k=7,
        mode="llm",
    )  # fmt: skip
    library.close()


def replying(text: str) -> Callable[[httpx.Request], httpx.Response]:
    """A reply citing each paper `{Key}` by the number the prompt gave it."""

    def respond(request: httpx.Request) -> httpx.Response:
        prompt = json.loads(request.content)["messages"][-1]["content"]
        reply = text
        for key, title in TITLES.items():
            found = re.search(rf'number="(\d+)" title="{re.escape(title)}', prompt)
            reply = reply.replace("{" + key + "}", found.group(1) if found else "99")
        return sse_response([reply])

    return respond


def ask(engine: AnswerEngine, question: str, reply: str) -> Answer:
    with respx.mock(base_url=BASE_URL) as router:
        router.post("/chat/completions").mock(side_effect=replying(reply))
        return engine.ask(question)


def by_text(answer: Answer, start: str):
    return next(s for s in answer.sentences if s.text.lstrip().startswith(start))


def test_a_marker_on_a_meta_sentence_goes_to_the_fact_before_it(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "What does the DIOR dataset contain?",
        "The DIOR dataset contains 23463 images and 192472 instances. "
        "This information is provided in the abstract of [{DIOR}].",
    )
    fact = by_text(answer, "The DIOR dataset")
    assert fact.supported and fact.citations and fact.reason is None
    meta = by_text(answer, "This information")
    assert meta.supported and not meta.citations  # a remark, not a claim
    assert not answer.unsupported_sentences and not answer.abstained


def test_a_single_marker_at_the_end_covers_its_paragraph(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "What is FAIR1M?",
        "FAIR1M is a benchmark dataset for fine-grained object recognition in remote sensing "
        "imagery. It has more than 1 million instances and more than 15,000 images [{FAIR1M}].",
    )
    assert [s.supported for s in answer.sentences] == [True, True]
    assert all(s.citations for s in answer.sentences)


def test_two_sources_in_a_paragraph_lend_no_marker(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "What is FAIR1M?",
        "DIOR is a benchmark for object detection in optical remote sensing images. "
        "FAIR1M has more than 15,000 images [{FAIR1M}]. DIOR covers 20 object classes [{DIOR}].",
    )
    first = by_text(answer, "DIOR is a benchmark")
    assert not first.supported and first.reason == "no_citation"  # whose fact? not guessed


def test_abstention_text_is_never_a_claim(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "What does the DIOR dataset contain?",
        "The sources do not specifically address what the DIOR dataset contains. They cover a "
        "wide range of topics, including dataset distillation and remote sensing.",
    )
    assert answer.extra.get("model_abstained") == "true"
    assert all(s.supported for s in answer.sentences[:2])  # neither is flagged as uncited
    assert not any(s.reason == "no_citation" for s in answer.sentences)


def test_a_vacuous_cited_sentence_is_flagged(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "How does FYI improve dataset distillation?",
        "The sources propose dataset distillation methods [{DataDAM}][{FYI}]. FYI embeds a "
        "horizontal flipping technique into distillation processes [{FYI}].",
    )
    empty = by_text(answer, "The sources propose")
    assert not empty.supported and empty.reason == "vacuous"
    assert by_text(answer, "FYI embeds").supported


def test_an_abstention_over_relevant_sources_shows_the_offline_answer(
    engine: AnswerEngine,
) -> None:
    answer = ask(
        engine,
        "How many images and instances does the DIOR dataset contain?",
        "The sources do not answer this question.",
    )
    assert answer.extra.get("model_abstained") == "true"
    assert answer.extra.get("offline_shown") == "true" and not answer.abstained
    model, _, offline = answer.text.partition(OFFLINE_LABEL)
    assert model.strip() == "The sources do not answer this question."
    assert "23463 images" in offline
    quotes = [s for s in answer.sentences if s.citations]
    assert quotes and all(s.quoted and s.supported for s in quotes)  # quotes, shown as such


def test_a_fact_cited_to_the_wrong_source_points_to_the_one_that_states_it(
    engine: AnswerEngine,
) -> None:
    answer = ask(
        engine,
        "How many instances and images does the FAIR1M benchmark have?",
        "FAIR1M has more than 1 million instances [{FAIR1M}]. All objects are annotated with 5 "
        "categories and 37 sub-categories by oriented bounding boxes [{DIOR}].",
    )
    numbers = {s.paper.id: s.number for s in answer.sources}
    fair1m = next(s.number for s in answer.sources if s.paper.title == TITLES["FAIR1M"])
    moved = by_text(answer, "All objects")
    # still flagged (the model cited the wrong paper), but now citing the paper that says it
    assert not moved.supported and moved.reason == "wrong_paper"
    assert moved.citations == (fair1m,)
    assert moved.note is not None and f"but [{fair1m}] states it" in moved.note
    cited_papers = {c.paper_id for c in answer.citations}
    assert cited_papers == {p for p, n in numbers.items() if n == fair1m}


def test_a_wrong_source_no_other_paper_supports_stays_as_cited(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "How many images does the DIOR dataset contain?",
        "The DIOR dataset contains 23463 images [{DIOR}]. DIOR was collected by drones over "
        "Antarctica [{FAIR1M}].",
    )
    fair1m = next(s.number for s in answer.sources if s.paper.title == TITLES["FAIR1M"])
    wrong = by_text(answer, "DIOR was collected")
    assert not wrong.supported and wrong.citations == (fair1m,)  # nothing guessed
    assert "states it" not in (wrong.note or "")


def test_an_uncited_fact_beside_a_cited_one_takes_its_source(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "What does the DIOR dataset contain?",
        "The DIOR dataset contains 23463 images [{DIOR}]. It has 192472 instances covering 20 "
        "object classes.",
    )
    after = by_text(answer, "It has 192472")
    assert after.supported and after.citations and after.reason is None
    assert after.note is not None and "cited beside it" in after.note
    badge = sentence_badge(answer, answer.sentences.index(after))
    assert badge.kind == "supported" and "cited beside it" in badge.label  # said, not hidden


def test_a_neighbour_that_does_not_state_it_lends_nothing(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "What does the DIOR dataset contain?",
        "The DIOR dataset contains 23463 images [{DIOR}]. FAIR1M has more than 1 million "
        "instances.",
    )
    after = by_text(answer, "FAIR1M has")
    assert not after.supported and after.reason == "no_citation" and not after.citations


def test_an_abstention_after_a_fact_is_not_a_claim(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "How does FYI improve dataset distillation?",
        "FYI embeds a horizontal flipping technique into distillation processes [{FYI}]. The "
        "sources do not answer this question.",
    )
    doubt = by_text(answer, "The sources do not")
    assert doubt.supported and not doubt.citations  # a remark, not an uncited claim
    assert by_text(answer, "FYI embeds").supported
    assert not answer.unsupported_sentences and not answer.abstained


def test_a_near_miss_answered_anyway_is_flagged_and_the_answer_abstains(
    engine: AnswerEngine,
) -> None:
    answer = ask(
        engine,
        "Which loss function does DataDAM use?",
        "DataDAM uses a loss function matching the spatial attention maps of real and synthetic "
        "data [{DataDAM}].",
    )
    made_up = by_text(answer, "DataDAM uses")
    assert not made_up.supported and made_up.reason == "not_in_source"
    assert made_up.note is not None and "loss function is not stated" in made_up.note
    # the check supports none of the model's sentences and the offline answerer finds the
    # learning rate in no abstract: the answer abstains, and says why
    assert answer.extra.get("model_unsupported") == "true" and answer.abstained
    assert CHECKED_LABEL in answer.text and UNSUPPORTED_LABEL not in answer.text
    assert [s.reason for s in answer.sentences if not s.supported] == ["not_in_source"]


def test_a_sentence_beside_the_asked_attribute_is_not_flagged(engine: AnswerEngine) -> None:
    answer = ask(
        engine,
        "Which loss function does DataDAM use?",
        "DataDAM learns synthetic images by matching spatial attention maps [{DataDAM}].",
    )  # it does not answer the question, but states nothing the abstract lacks
    assert by_text(answer, "DataDAM learns").supported
    assert answer.extra.get("model_unsupported") is None


def test_reply_rules_on_their_own() -> None:
    assert is_abstention("The provided sources do not specifically address the 2.32B pairs.")
    assert is_abstention("None of the sources mention the hardware.")
    assert is_abstention("I cannot find this in the sources.")
    assert not is_abstention("The sources show that DIOR contains 23463 images [1].")
    assert is_meta("This information is provided in the abstract of [1].")
    assert is_meta("This is stated in source [2].")
    assert not is_meta("This dataset contains 23463 images [1].")
    assert vacuous("The sources propose dataset distillation methods.")
    assert vacuous("Both papers study remote sensing.")
    assert not vacuous("Both papers evaluate on CIFAR-10.")
    assert not vacuous("The sources report 23463 images for DIOR.")


def test_a_reply_citing_nothing_takes_the_one_source_that_states_each_fact(
    engine: AnswerEngine,
) -> None:
    """Qwen2.5-Coder-1.5B on held-out-5 ("How does SELECT evaluate ...?") copied its source's
    sentences and gave no marker at all: each was flagged "no citation" and the offline
    answer shown as if the model had answered nothing."""
    answer = ask(
        engine,
        "Which remote sensing benchmarks are there, and what do they contain?",
        "The DIOR dataset contains 23463 images and 192472 instances. FAIR1M has more than 1 "
        "million instances annotated with 5 categories and 37 sub-categories. Both datasets were "
        "collected by drones over Antarctica.",
    )
    dior = next(s.number for s in answer.sources if s.paper.title == TITLES["DIOR"])
    fair1m = next(s.number for s in answer.sources if s.paper.title == TITLES["FAIR1M"])
    first, second = by_text(answer, "The DIOR dataset"), by_text(answer, "FAIR1M has")
    assert first.supported and first.citations == (dior,)
    assert second.supported and second.citations == (fair1m,)
    assert first.note is not None and "the one source that states it" in first.note
    invented = by_text(answer, "Both datasets were")  # no source states it: nothing guessed
    assert not invented.supported and invented.reason == "no_citation"
    assert UNSUPPORTED_LABEL not in answer.text  # the model's facts stand, shown as sourced


def test_a_reply_saying_the_asked_thing_is_not_in_the_sources_abstains(
    engine: AnswerEngine,
) -> None:
    """ "The dropout rate ... is not explicitly stated in the given sources." opens no reply
    the way "The sources do not ..." does, yet says the same: neither it nor the sentence
    about the paper after it is an uncited claim."""
    reply = (
        "The dropout rate used when training DataDAM is not explicitly stated in the given "
        "sources. The paper only mentions that DataDAM matches spatial attention maps, but does "
        "not provide a specific dropout rate."
    )
    assert is_abstention(reply)
    answer = ask(engine, "What dropout rate does DataDAM use?", reply)
    assert not answer.unsupported_sentences
    # a figure makes it a claim with a doubt attached, which the check must see
    assert not is_abstention("DataDAM gains 6.5% on CIFAR100, but the sources do not state more.")
    assert not is_abstention("DataDAM is not mentioned in the sources [1].")
