"""Figures as quantities: every written form, ranges, names that are not figures, matching."""

from __future__ import annotations

import pytest

from assistant.rag.quantities import quantities, unmatched


def values(text: str) -> list[tuple[str, float]]:
    return [(q.kind, q.value) for q in quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15,000 images", [("count", 15000)]),
        ("15k images", [("count", 15000)]),
        ("15000 images", [("count", 15000)]),
        ("15 thousand images", [("count", 15000)]),
        ("fifteen thousand images", [("count", 15000)]),
        ("6.5M frames", [("count", 6.5e6)]),
        ("6.5 million frames", [("count", 6.5e6)]),
        ("2.32B pairs", [("count", 2.32e9)]),
        ("2.32 billion pairs", [("count", 2.32e9)]),
        ("a million images", [("count", 1e6)]),
        ("forty-five classes", [("count", 45)]),
        ("Twenty eight patients", [("count", 28)]),  # the hyphen left out
        ("twenty eight thousand cells", [("count", 28000)]),
        ("twenty patients and eight controls", [("count", 20), ("count", 8)]),
        ("eight-cell embryos", [("count", 8)]),
        ("6.5% on CIFAR100", [("percent", 6.5)]),
        ("2\\% improvement", [("percent", 2)]),
        ("6.5 percent", [("percent", 6.5)]),
        ("by 1.1p.p. while", [("percent", 1.1)]),
        ("0.7 percentage points", [("percent", 0.7)]),
        ("to a quarter of regular training", [("percent", 25)]),
        ("nearly half of the mistakes", [("percent", 50)]),
        ("9x less compute", [("times", 9)]),
        ("nine times less compute", [("times", 9)]),
        ("15-fold more", [("times", 15)]),
        ("twice as many", [("times", 2)]),
        ("rising about threefold", [("times", 3)]),
        ("a twentyfold rise", [("times", 20)]),
        ("one hundred and fourteen papers", [("count", 114)]),
        ("seven hundred seventy-two cases", [("count", 772)]),
        ("about one in ten cells", [("percent", 10)]),
        ("671 945 women", [("count", 671945)]),
        ("the 12th residue", [("ordinal", 12)]),
        ("the twelfth residue", [("ordinal", 12)]),
        ("the XIIth century", [("ordinal", 12)]),
        ("the XII century", [("ordinal", 12)]),
        ("a phase II trial", [("ordinal", 2)]),
        ("3x3 filters", [("size", 3)]),
        ("Twelve thousand five hundred twenty-seven women", [("count", 12527)]),
        ("one hundred seventeen thousand seven hundred and two networks", [("count", 117702)]),
        ("three point four percent", [("percent", 3.4)]),
        ("six and a half percent", [("percent", 6.5)]),
        ("roughly three and a half thousand men", [("count", 3500)]),
        ("OR = 6.47, 95% CI = 2.02 to 20.76", [("count", 6.47), ("percent", 95), ("count", 2.02),
                                               ("count", 20.76)]),
    ],
)  # fmt: skip
def test_figure_forms(text: str, expected: list[tuple[str, float]]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ResNet-50 on CIFAR10/100 and ImageNet-1K",
        "Quilt-1M and LAION-5B and ViT-L/14",
        "H3K9me3/2 in 3D with 4-1BB",
        "(1) it is larger; 1) generate examples",
        "one common paradigm and 1 day",
        "see https://github.com/VILA-Lab/SRe2L/tree/main/CDA",
    ],
)
def test_digits_in_names_lists_and_urls_are_not_figures(text: str) -> None:
    assert quantities(text) == []


def test_ranges_share_their_unit_and_scale() -> None:
    low, high = quantities("fine-tuning attains 92.7-98.1% of the accuracy")
    assert (low.kind, low.value, high.kind, high.value) == ("percent", 92.7, "percent", 98.1)
    low, high = quantities("between 5 and 10 million images")
    assert low.value == 5e6 and high.value == 1e7 and low.unit == high.unit
    low, high = quantities("paintings between the XIIth and the XVIIIth centuries")
    assert (low.value, high.value) == (12, 18) and low.unit == high.unit


def test_bounds_are_read() -> None:
    (over,) = quantities("more than 15000 images")
    (about,) = quantities("roughly 769K pairs")
    (under,) = quantities("less than 5% of normal uptake")
    assert (over.bound, about.bound, under.bound) == ("over", "about", "under")


SOURCE = "The dataset contains 23463 images and 192472 instances, covering 20 object classes."
LAION = "LAION-5B has 5.85 billion CLIP-filtered image-text pairs, of which 2.32B contain English."


@pytest.mark.parametrize(
    ("claim", "passage", "missing"),
    [
        ("DIOR has 20 object classes", SOURCE, []),
        ("DIOR has 20 categories", SOURCE, []),  # unit unknown to the passage: value decides
        ("DIOR has 23,463 pictures", SOURCE, []),
        ("DIOR has about 23K images", SOURCE, []),
        ("DIOR has 20 images", SOURCE, ["20"]),  # "images" belongs to another figure
        ("DIOR has 30 classes", SOURCE, ["30"]),
        ("2.32 billion English pairs", LAION, []),
        ("5.85B pairs", LAION, []),
        ("over 5 billion pairs", LAION, []),
        ("5.85 million pairs", LAION, ["5.85 million"]),  # wrong scale
        ("3 billion pairs", LAION, ["3 billion"]),
        ("from 14 million to 3 billion parameters",
         "sizes ranging from 14 million to 1.4 billion, on 3 datasets", ["3 billion"]),
        ("45 classes", "covering 45 scene classes", []),
        ("50 classes", "covering 45 scene classes", ["50"]),  # not a rounding of 45
        ("from the 12th to the 18th century", "between the XIIth and the XVIIIth centuries", []),
        ("fifteen times more boxes", "15x more bounding boxes", []),
        ("cuts the cost to 25%", "reduce the training cost to a quarter", []),
        ("6.5% on CIFAR100", "6.5 on CIFAR100", ["6.5%"]),  # a percentage is not a count
        ("within 4 days, lasting over 290 days", "rapid (within 4 d) and long-lasting (>290 d)",
         []),
    ],
)  # fmt: skip
def test_matching(claim: str, passage: str, missing: list[str]) -> None:
    assert [f.claim.text for f in unmatched(claim, [passage])] == missing


def test_unmatched_reports_the_nearest_figure_of_the_same_kind() -> None:
    (check,) = unmatched("STU-Net has 1.4 million parameters", ["from 14 million to 1.4 billion"])
    assert check.claim.text == "1.4 million" and check.nearest is not None
    assert check.nearest.text == "14 million"


@pytest.mark.parametrize(
    ("claim", "passage", "missing"),
    [
        ("three quarters of the cells", "76% of the cells", []),
        ("two thirds of users", "67% of users", []),
        ("two thirds of users", "40% of users", ["two thirds"]),
        ("nearly half of the samples", "48% of the samples", []),
        ("half of the samples", "58% of the samples", ["half"]),  # a round word, not any share
        ("a two-fold rise", "a 2-fold increase", []),
        ("a two-fold rise", "a 3-fold increase", ["two-fold"]),
        ("forty-five-minute sessions", "45-min sessions", []),
        ("28 patients were enrolled", "Twenty eight patients were enrolled", []),
        ("20 patients were enrolled", "Twenty eight patients were enrolled", ["20"]),
        ("a phase 3 trial", "a phase III trial", []),
        ("the SOFA III score", "the SOFA 3 score", []),
        ("the SOFA 4 score", "the SOFA III score", ["4"]),
        ("at 128 by 128 pixels", "(128x128)", []),
        ("on a 3-D plane", "on a 3D plane", []),
        ("a tenfold speedup", "an order of magnitude speedup", []),
        ("a 100-fold speedup", "an order of magnitude speedup", ["100-fold"]),
        ("about a fifth of the genes", "approximately 20% of the genes", []),
        ("about a fifth of the genes", "approximately 40% of the genes", ["fifth"]),
        ("a fifth round of review", "the fifth round", []),  # an ordinal, not a share
        ("grew by more than 2 and 6 per cent", "grew by >2% and >6%", []),
        ("grew by more than 2 and 6 per cent", "grew by 2 and 6 genes", ["2", "6 per cent"]),
        ("haemoglobin below 11 g/dl", "anaemic (Hb<11.0 g/dl)", []),
        ("haemoglobin below 11 g/dl", "anaemic (Hb<8.0 g/dl)", ["11"]),
        ("by over four points of accuracy", "by more than 4% accuracy", []),
        ("by over four points of accuracy", "by more than 9% accuracy", ["four"]),
        ("required for the 1st step", "required for the first step of synthesis", []),
        ("required for the 1st step", "the first author took a second step", ["1st"]),
        ("cells double every 25 hours", "a doubling time of about 25 h", []),
        ("12,527 women", "Twelve thousand five hundred twenty-seven women", []),
        ("twelve thousand five hundred twenty-seven women", "12,527 women", []),
        ("twelve thousand five hundred twenty-one women", "12,527 women",
         ["twelve thousand five hundred twenty-one"]),
        ("gains of three point four percent", "gains of 3.4%", []),
        ("gains of three point four percent", "gains of 3.8%", ["three point four percent"]),
        ("gains of six and a half percent", "gains of 6.5%", []),
        ("about three and a half thousand men", "3,541 men", []),
        ("three and a half thousand men", "2,541 men", ["three and a half thousand"]),
        ("a median survival of 5.65 months", "median survival of 5.65 and 4.41 months", []),
        ("a median survival of 5.65 years", "median survival of 5.65 and 4.41 months", ["5.65"]),
        ("an odds ratio of 6.47", "(p = 0.003, OR = 6.47, 95% CI = 2.02 to 20.76)", []),
        ("88 patients, 18 men and 70 women", "88 patients (18M, 70F)", []),
        ("88 patients, 70 men and 18 women", "88 patients (18M, 70F)", ["70", "18"]),
        ("18 million parameters", "a model with 18M parameters, 70M in total", []),
    ],
)  # fmt: skip
def test_more_spellings_of_one_figure(claim: str, passage: str, missing: list[str]) -> None:
    assert [f.claim.text for f in unmatched(claim, [passage])] == missing


@pytest.mark.parametrize(
    ("claim", "passage", "missing"),
    [
        # A mean takes the unit written after its deviation, and a list of them the last one's.
        ("Patients were followed for a mean of 6.2 years.",
         "Mean follow-up was 6.2 +/- 2.1 years.", []),
        ("Patients were followed for a mean of 6.2 months.",
         "Mean follow-up was 6.2 +/- 2.1 years.", ["6.2"]),
        ("Fibroblasts gained 12 population doublings.",
         "Treated cells gained 12 ± 1.0 and 4.5 ± 0.5 population doublings.", []),
        # Durations in another unit, at the same length.
        ("Cycles lasted two weeks.", "The drug was given in 14-day cycles.", []),
        ("Cycles lasted three weeks.", "The drug was given in 14-day cycles.", ["three"]),
        ("Mice were followed for 18 months.", "Mice were followed for 1.5 years.", []),
        ("Mice were followed for 8 weeks.", "Mice were followed for 2 months.", []),
        ("Mice were followed for 4 weeks.", "Mice were followed for 4 years.", ["4"]),
    ],
)  # fmt: skip
def test_means_and_durations(claim: str, passage: str, missing: list[str]) -> None:
    assert [m.claim.text for m in unmatched(claim, [passage])] == missing


def test_time_units_glued_to_their_figure() -> None:
    passage = "The overall time to starting treatment was 138d (iqr 79-175d). Mean age 68yrs."
    assert unmatched("Patients waited a median of 138 days.", [passage]) == []
    assert unmatched("The patients were 68 years old on average.", [passage]) == []
    assert [c.claim.value for c in unmatched("They waited 138 weeks.", [passage])] == [138.0]
    assert [q.text for q in quantities("a 3D model")] == []


@pytest.mark.parametrize(
    ("claim", "passage", "missing"),
    [
        # unit words that count the same thing, though "people" is given to another figure
        (
            "The registry logged 75,119 presentations made by 48,206 people.",
            "Almost one million people die each year. It recorded 75,119 presentations "
            "involving 48,206 individuals.",
            [],
        ),
        # an abbreviated year range ends in its century
        ("People born in 1961-85 were tested.", "those born between 1961 and 1985", []),
        ("People born in 1961-85 were tested.", "those born between 1961 and 1975", ["85"]),
        # a time unit written as one letter
        (
            "The risk was higher for 13- to 20-year-olds.",
            "all persons aged 13 years and older; youth aged 13 to 20 y (1.21)",
            [],
        ),
        # a decade is ten years, written with a digit or a word
        ("Accuracy has been the barometer for the past ten years.", "over the last decade", []),
        ("It was revised two decades later.", "It was modified 2 decades later.", []),
        (
            "It was revised three decades later.",
            "It was modified 2 decades later.",
            ["three decades"],
        ),
    ],
)
def test_units_years_and_decades_written_otherwise(
    claim: str, passage: str, missing: list[str]
) -> None:
    assert [f.claim.text for f in unmatched(claim, [passage])] == missing
