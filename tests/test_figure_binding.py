"""Figures bound to the item they are stated for: moved figures and swapped "respectively"."""

from __future__ import annotations

import pytest

from assistant.rag import figure_binding

MODELS = (
    "SVT-H-S reaches 84.2% top-1 accuracy, while SVT-H-B reaches 85.2% (state-of-art for base "
    "versions) and SVT-H-L reaches 85.7% (again state-of-art for large versions)."
)
GAINS = (
    "The accuracy of ResNet-50 improves by 1.7% on ImageNet, 3.5% on ImageNetV2, and 10.0% on "
    "ImageNet-R."
)
RESPECTIVELY = (
    "It achieves 0.78 and 0.76 Spearman correlation on the MBConv search space with ImageNet "
    "and on NATS-Bench with CIFAR-100, respectively."
)
BEFORE = "DataDAM and FYI reach 6.5% and 4.1%, respectively."
SHARED = "It beats the baseline by 7.06 mAP for NuImages and 12.9 mAP for COCO."


@pytest.mark.parametrize(
    ("claim", "source", "moved"),
    [
        ("SVT-H-L reaches 85.2% top-1 accuracy on ImageNet.", MODELS, True),
        ("SVT-H-B reaches 85.2% top-1 accuracy.", MODELS, False),
        ("The large variant, SVT-H-L, reaches 85.7%.", MODELS, False),
        ("ResNet-50 improves by 3.5% on ImageNet and by 1.7% on ImageNetV2.", GAINS, True),
        ("ResNet-50 improves by 1.7% on ImageNet and 3.5% on ImageNetV2.", GAINS, False),
        ("It reaches 0.76 on MBConv with ImageNet and 0.78 on NATS-Bench.", RESPECTIVELY, True),
        ("It reaches 0.78 on MBConv with ImageNet and 0.76 on NATS-Bench.", RESPECTIVELY, False),
        ("FYI reaches 6.5%.", BEFORE, True),
        ("DataDAM reaches 6.5%.", BEFORE, False),
        # A name every figure shares ("mAP") binds none of them.
        ("It beats the baseline by 12.9 mAP on NuImages.", SHARED, True),
        ("It beats the baseline by 12.9 mAP on COCO.", SHARED, False),
        # No name near the figure in the claim: nothing to contradict.
        ("Accuracy improves by 3.5%.", GAINS, False),
    ],
)
def test_misbound(claim: str, source: str, moved: bool) -> None:
    found = figure_binding.misbound(claim, [source])
    assert (found is not None) == moved
    if found is not None:
        assert found.figure.text.strip() in found.detail


def test_the_detail_names_the_source_owner() -> None:
    found = figure_binding.misbound("SVT-H-L reaches 85.2%.", [MODELS])
    assert found is not None
    assert found.detail == "85.2% is for SVT-H-B in the source, not SVT-H-L"


def test_only_the_figures_own_clause_counts_in_the_claim() -> None:
    source = "NASNet features surpass the state of the art by 4.0%, achieving 43.1% mAP on COCO."
    claim = "NASNet features reach 43.1% mAP on COCO, 4.0% above the previous state of the art."
    assert figure_binding.misbound(claim, [source]) is None
