"""The checks beyond word overlap: names, negation, direction, overclaims, added details."""

from __future__ import annotations

import pytest

from assistant.rag import entailment
from assistant.rag.scoring import terms

PASS = (
    "PASS only contains images with CC-BY license and complete attribution metadata. "
    "Most importantly, it contains no images of people at all. In the transfer learning setting, "
    "it yields similar downstream performances to ImageNet pretraining. PASS does not make "
    "existing datasets obsolete, as for instance it is insufficient for benchmarking."
)
FRACTAL = (
    "Perhaps surprisingly, avoiding these difficulties imposes only a small penalty in "
    "performance. Fine-tuning a network pre-trained using fractals attains 92.7-98.1% of the "
    "accuracy of an ImageNet pre-trained network."
)
JFT = (
    "First, we find that the performance on vision tasks increases logarithmically based on "
    "volume of training data size."
)


def test_claim_names_skip_figures_and_the_first_word() -> None:
    names = entailment.claim_names("Quilt was curated from 1,087 hours of YouTube videos by 5.85B")
    assert names == ["YouTube"]
    assert entailment.claim_names("DIOR has 20 classes, unlike FAIR1M and NWPU-RESISC45") == [
        "DIOR",
        "FAIR1M",
        "NWPU-RESISC45",
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("CIFAR100", "on CIFAR10/100 and TinyImageNet"),
        ("ImageNet-C", "robustness on ImageNet-R/A/C"),
        ("NAS", "Neural Architecture Search has been widely adopted"),
        ("Transformers", "vision transformer models"),
        ("CLIP", "5.85 billion CLIP-filtered pairs"),
    ],
)
def test_names_match_their_written_variants(name: str, text: str) -> None:
    assert entailment.missing_names(f"It uses {name}.", [text]) is None


def test_a_name_from_another_source_is_the_wrong_paper() -> None:
    dior = "DIOR contains 23463 images covering 20 object classes."
    fair = "FAIR1M has more than 1 million instances."
    finding = entailment.missing_names("FAIR1M annotates 1 million instances.", [dior],
                                       [("[2]", fair)])  # fmt: skip
    assert finding is not None and finding.reason == "wrong_paper" and "[2]" in finding.detail
    alone = entailment.missing_names("DIOR was collected at Stanford.", [dior])
    assert alone is not None and alone.reason == "not_in_source" and "Stanford" in alone.detail


@pytest.mark.parametrize(
    ("claim", "flipped"),
    [
        ("PASS contains images of people.", True),
        ("PASS contains no images of people.", False),
        ("PASS is not sufficient for benchmarking.", False),  # "insufficient" in the source
        ("PASS makes existing datasets obsolete.", True),
        ("PASS does not make existing datasets obsolete.", False),
    ],
)
def test_negation_flip(claim: str, flipped: bool) -> None:
    finding = entailment.negation_flip(claim, [PASS])
    assert (finding is not None) == flipped
    if finding is not None:
        assert finding.reason == "negation"


def test_implicit_negations() -> None:
    source = "They maintain themselves during adulthood independent of replenishment by monocytes."
    claim = "They are replenished by blood monocytes during adulthood."
    assert entailment.negation_flip(claim, [source]) is not None
    free = "The framework requires no model training."
    assert entailment.negation_flip("The framework requires model training.", [free])


@pytest.mark.parametrize(
    ("claim", "source", "flipped"),
    [
        ("Performance decreases logarithmically with training data size.", JFT, True),
        ("Performance increases logarithmically with training data size.", JFT, False),
        ("Label sharpness is positively correlated with adversarial robustness.",
         "Label sharpness is negatively correlated with the model's adversarial robustness.", True),
        ("4-1BB costimulation increases exhaustion induced by CAR signaling.",
         "CD28 costimulation augments, whereas 4-1BB costimulation reduces, exhaustion induced "
         "by persistent CAR signaling.", True),
        ("CD28 costimulation augments exhaustion induced by CAR signaling.",
         "CD28 costimulation augments, whereas 4-1BB costimulation reduces, exhaustion induced "
         "by persistent CAR signaling.", False),
        ("It has more than 15,000 images.", "It has fewer classes than other datasets.", False),
    ],
)  # fmt: skip
def test_direction_flip(claim: str, source: str, flipped: bool) -> None:
    assert (entailment.direction_flip(claim, [source]) is not None) == flipped


@pytest.mark.parametrize(
    ("claim", "source", "strong"),
    [
        ("Fractal pre-training outperforms ImageNet pre-training on every downstream benchmark.",
         FRACTAL, True),
        ("Fractal pre-training reaches 92.7-98.1% of ImageNet pre-training accuracy.", FRACTAL,
         False),
        ("Pretraining on PASS outperforms ImageNet pretraining.", PASS, True),
        ("PASS only contains CC-BY licensed images.", PASS, False),
        ("Sun et al. were the first to show that performance grows with data.", JFT, True),
        ("The paper reaches state-of-the-art accuracy.", JFT, True),
        ("It is the largest histopathology dataset.", "It is the largest dataset to date.", False),
        ("It is the largest image quality dataset.", "It is a large-scale dataset.", True),
        ("Models fully capture the multi-label nature.",
         "Models exhibit some capability at capturing the multi-label nature.", True),
        ("It won first place with an mIoU of 86.18%.", "We won the 1st place, mIoU 86.18%.",
         False),
    ],
)  # fmt: skip
def test_overclaim(claim: str, source: str, strong: bool) -> None:
    finding = entailment.overclaim(claim, [source])
    assert (finding is not None) == strong
    if finding is not None:
        assert finding.reason == "overclaim"


def test_an_added_detail_is_a_run_of_words_the_source_never_uses() -> None:
    source = terms("STU-Net is pre-trained on the TotalSegmentator dataset with supervision.")
    added = entailment.uncovered_run(
        "STU-Net is pre-trained on TotalSegmentator using a contrastive self-supervised objective.",
        source,
    )
    assert added is not None and added.reason == "not_in_source"
    faithful = "STU-Net is pre-trained on the TotalSegmentator dataset."
    assert entailment.uncovered_run(faithful, source) is None
