"""The citation check's learned verdict: its signals, its constants, and the fit that makes them."""

from __future__ import annotations

import numpy as np

from assistant.rag import verdict
from assistant.rag.citations import verify
from assistant.types import Chunk, Paper, Passage, Source
from benchmarks.train_support_verdict import fit, predict, rates
from tests.conftest import HashingEmbedder

ABSTRACT = (
    "DataDAM learns synthetic images by matching spatial attention maps of real and synthetic "
    "data. It improves accuracy by up to 6.5% on CIFAR100 and 4.1% on ImageNet-1K."
)


def cited() -> list[Source]:
    paper = Paper(id="p:dam", title="DataDAM: Dataset Distillation with Attention Matching",
                  abstract=ABSTRACT)  # fmt: skip
    chunk = Chunk("p:dam#0", paper.id, 0, ABSTRACT, 0, len(ABSTRACT))
    return [Source(1, paper, Passage(chunk, 1.0, dense_score=0.5))]


def test_the_constants_cover_every_feature() -> None:
    n = len(verdict.FEATURES)
    for model in (verdict.WITH_COSINES, verdict.LEXICAL):
        assert len(model.means) == len(model.scales) == len(model.weights) == n
        assert all(scale > 0 for scale in model.scales) and 0 < model.threshold < 1
    cosines = [verdict.FEATURES.index("support"), verdict.FEATURES.index("cosine")]
    assert all(verdict.LEXICAL.weights[i] == 0 for i in cosines)


def test_cosines_count_only_for_the_embedder_they_were_fitted_with() -> None:
    from assistant.rag.embeddings import LOCAL_MODEL_NAME

    assert verdict.FITTED_EMBEDDER == LOCAL_MODEL_NAME
    assert verdict.for_embedder(LOCAL_MODEL_NAME) == verdict.WITH_COSINES.supported
    assert verdict.for_embedder("openai:text-embedding-3-small") == verdict.LEXICAL.supported
    # a claim whose words the passage all has, at a cosine another embedder's scale gives it
    signals = {name: 0.0 for name in verdict.SIGNALS} | {"lexical": 1.0, "support": 0.6}
    signals["cosine"] = 0.2
    assert verdict.LEXICAL.supported(signals) and not verdict.WITH_COSINES.supported(signals)


def test_the_regression_reads_the_polarity_and_name_signals_as_one_count_each() -> None:
    signals = {name: 0.0 for name in verdict.SIGNALS} | {"negation": 1.0, "denial": 1.0}
    inputs = verdict.features(signals | {"name_missing": 1.0, "name_elsewhere": 1.0})
    assert set(inputs) == set(verdict.FEATURES)
    assert inputs["polarity"] == 2.0 and inputs["names"] == 2.0 and inputs["support"] == 0.0
    # a flip any polarity rule catches weighs the same as one another rule catches
    one = verdict.WITH_COSINES.probability(signals | {"negation": 0.0, "antonym": 1.0})
    assert one == verdict.WITH_COSINES.probability(signals | {"denial": 0.0, "turned": 1.0})


def test_verify_hands_the_verdict_every_signal_and_takes_its_word() -> None:
    seen: list[dict[str, float]] = []

    def say(answer: bool):
        def decide(signals: dict[str, float]) -> bool:
            seen.append(dict(signals))
            return answer

        return decide

    claim = "DataDAM improves accuracy by up to 9.5% on CIFAR100 and 4.1% on ImageNet-1K [1]."
    (no,) = verify(claim, cited(), embedder=HashingEmbedder(), decide=say(False)).sentences
    assert set(seen[0]) == set(verdict.SIGNALS)
    assert seen[0]["figure_missing"] == 0.5 and seen[0]["figures"] == 1.0
    # the reason comes from the rule that fired
    assert not no.supported and no.reason == "figure" and "9.5%" in (no.note or "")
    (yes,) = verify(claim, cited(), embedder=HashingEmbedder(), decide=say(True)).sentences
    assert yes.supported and yes.reason is None


def test_the_fitted_verdict_flags_a_wrong_figure_and_passes_a_paraphrase() -> None:
    good = "DataDAM matches the spatial attention maps of real and synthetic data [1]."
    bad = "DataDAM improves accuracy by up to 9.5% on CIFAR100 and 4.1% on ImageNet-1K [1]."
    supported, flagged = verify(f"{good} {bad}", cited(), embedder=HashingEmbedder()).sentences
    assert supported.supported
    assert not flagged.supported and flagged.reason == "figure"


def test_the_fit_separates_what_can_be_separated() -> None:
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1.0, 0.3, (40, 2)), rng.normal(-1.0, 0.3, (40, 2))])
    y = np.array([1.0] * 40 + [0.0] * 40)
    model = fit(x, y, l2=1.0)
    assert ((predict(model, x) >= 0.5) == (y == 1)).all()
    rows = [{"supported": bool(label), "signals": {}} for label in y]
    assert rates(rows, predict(model, x), 0.5) == (1.0, 1.0, 40, 40)
