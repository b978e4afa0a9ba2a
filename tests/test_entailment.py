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
        ("Crude mortality fell after the unit changed its format.",
         "Crude mortality rose after the unit changed its format.", True),
        ("Crude mortality fell after the unit changed its format.",
         "Crude mortality decreased after the unit changed its format.", False),
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


# ---- second round: rules that fire only on aligned evidence ----------------------------------
LGS = (
    "Our experiments on LGS show that the classifiers trained on existing benchmark datasets do "
    "not readily generalize to e-commerce data. When compared with existing general-domain "
    "datasets, the LGS images focus on the foreground object."
)
CLIP = (
    "For instance, we match the accuracy of the original ResNet-50 on ImageNet zero-shot "
    "without needing to use any of the 1.28 million training examples it was trained on. The "
    "model is often competitive with a fully supervised baseline without the need for any "
    "dataset specific training."
)


@pytest.mark.parametrize(
    ("claim", "sources", "flipped"),
    [
        # A negation the source shares, about the same thing, is no flip.
        ("Classifiers trained on existing benchmarks do not readily generalize to the "
         "e-commerce images of LGS.", [LGS], False),
        ("Zero-shot CLIP matches ResNet-50 on ImageNet without using any of its 1.28 million "
         "training examples.", [CLIP], False),
        # ... and one it denies is.
        ("CLIP needs dataset-specific training to transfer to downstream tasks.", [CLIP], True),
        # A title's "without humans." does not reach the abstract's first sentence.
        ("PASS contains no images of people.",
         ["PASS: pretraining without humans. PASS contains no images of people."], False),
        # "not only" denies nothing.
        ("MinD-3D reconstructs 3D objects with high semantic accuracy.",
         ["MinD-3D not only reconstructs 3D objects with high semantic accuracy but also "
          "deepens our understanding."], False),
        # Privative words: "lacking X" is "depletion of X"; "X deficiency" denies X.
        ("Mice lacking PDGF-BB have lower bone mass.",
         ["Mice with depletion of PDGF-BB show significantly lower bone mass."], False),
        ("CLEC-2 deficiency in dendritic cells impaired their entry into lymphatics.",
         ["CLEC-2-deficient dendritic cells showed impaired entry into lymphatics."], False),
        ("Mice with PDGF-BB have lower bone mass.",
         ["Mice lacking PDGF-BB show lower bone mass."], True),
    ],
)  # fmt: skip
def test_negation_needs_an_aligned_predicate(claim: str, sources: list[str], flipped: bool) -> None:
    assert (entailment.negation_flip(claim, sources) is not None) == flipped


@pytest.mark.parametrize(
    ("claim", "source", "flipped"),
    [
        # "higher doses" is about doses, not about what the title says N-cadherin inhibits.
        ("At higher doses the N-cadherin antibodies led to complete tumor regression.",
         "Targeting of N-cadherin inhibits prostate cancer growth. In vivo, these antibodies "
         "slowed growth and, at higher doses, led to complete regression.", False),
        ("LLaVA-7B trained on IT-curated descriptions hallucinates more.",
         "LLaVA-7B, benefiting from training on IT-curated descriptions, acquires improved "
         "capability to generate richer descriptions with less hallucination.", True),
        ("IFI16 blocks the phosphorylation and translocation of STING.",
         "IFI16 interacts with STING to promote STING phosphorylation and translocation.", True),
        ("Label sharpness is positively correlated with adversarial robustness.",
         "It may be due to the higher intrinsic label sharpness of medical datasets. Label "
         "sharpness is negatively correlated with adversarial robustness.", True),
        ("Mice lacking PDGF-BB show higher bone mass.",
         "Mice lacking PDGF-BB show significantly lower trabecular and cortical bone mass.", True),
        ("4-1BB costimulation reduces the exhaustion caused by CAR signaling.",
         "4-1BB Costimulation Ameliorates T Cell Exhaustion Induced by Tonic Signaling. CD28 "
         "costimulation augments, whereas 4-1BB costimulation reduces, exhaustion.", False),
    ],
)  # fmt: skip
def test_direction_compares_changes_of_the_same_thing(
    claim: str, source: str, flipped: bool
) -> None:
    assert (entailment.direction_flip(claim, [source]) is not None) == flipped


def test_hyphenated_words_are_read_by_role() -> None:
    names = entailment.claim_names("Mice in the TRAP-positive lineage form 8-cell CLIP-filtered "
                                   "ImageNet-1K embryos")  # fmt: skip
    assert names == ["TRAP", "CLIP", "ImageNet-1K"]
    source = "the tartrate-resistant acid phosphatase–positive lineage"
    assert entailment.missing_names("Mice in the TRAP-positive lineage.", [source]) is None


@pytest.mark.parametrize(
    ("claim", "source", "strong"),
    [
        ("First, we find that performance increases logarithmically.", JFT, False),
        ("DataDAM, FYI and CDA all mention distillation.", "Dataset distillation.", False),
        ("Only DataDAM mentions CIFAR100.", "DataDAM improves accuracy on CIFAR100.", False),
        ("DataDAM outperforms all prior methods in every setting.",
         "A model trained on the whole dataset. Our method outperforms the prior methods across "
         "most of the settings.", True),
    ],
)  # fmt: skip
def test_overclaim_cues_by_role(claim: str, source: str, strong: bool) -> None:
    assert (entailment.overclaim(claim, [source]) is not None) == strong


def test_an_added_detail_needs_a_specific_term() -> None:
    source = terms("MAMe proposes a task of differentiating between 29 mediums of artworks.")
    claim = "MAMe asks models to distinguish 29 mediums of artworks."
    assert entailment.uncovered_run(claim, source, specific=lambda term: False) is None
    assert entailment.uncovered_run(claim, source, specific=lambda term: True) is not None
    spelled = "MAMe has more than five million artworks and mediums."
    assert entailment.uncovered_run(spelled, source, specific=lambda term: True) is None


# ---- third round -----------------------------------------------------------------------------
def test_a_parenthesised_part_belongs_to_its_name() -> None:
    source = "GBM cells led to senescence-like G(1) cell cycle arrest and lower 15-keto-PGE(2)."
    assert entailment.missing_names("They arrest in G1 with lower PGE2.", [source]) is None
    assert entailment.missing_names("They arrest in G2.", [source]) is not None


def test_a_figure_is_no_added_detail() -> None:
    source = terms("This dataset evaluates calibration across 117,702 unique neural networks.")
    claim = "The dataset spans roughly 118K unique neural networks."
    assert entailment.uncovered_run(claim, source, specific=lambda term: True) is None
    added = "The dataset spans roughly 118K unique networks trained on TPU pods."
    assert entailment.uncovered_run(added, source, specific=lambda term: True) is not None


@pytest.mark.parametrize(
    ("claim", "source", "flipped"),
    [
        # Negation after the noun: the verb of finding is not what is denied.
        ("An improvement in zero-shot accuracy was not observed with prefix tokens.",
         "With prefix tokens, this simple technique improves zero-shot accuracy.", True),
        ("No improvement in zero-shot accuracy was observed with prefix tokens.",
         "With prefix tokens, this simple technique improves zero-shot accuracy.", True),
        ("With prefix tokens, an improvement in zero-shot accuracy was observed.",
         "With prefix tokens, this simple technique improves zero-shot accuracy.", False),
        ("Expression of p18(INK4c) was absent in 43% of GBM tumors.",
         "Expression of p18(INK4c) was detected in 43% of GBM tumors.", True),
        # The source's "lack of solutions" is the claim's "solutions ... are lacking".
        ("It shows a positive impact of high resolution, while solutions to exploit variable "
         "shapes are still lacking.",
         "Results show the positive impact of high resolution, while highlighting the lack of "
         "solutions to exploit variable shapes.", False),
    ],
)  # fmt: skip
def test_negation_after_the_noun(claim: str, source: str, flipped: bool) -> None:
    assert (entailment.negation_flip(claim, [source]) is not None) == flipped


SNNET = (
    "Experiments on ImageNet show that SN-Net obtains on-par or even better performance than "
    "many individually trained networks while supporting diverse deployment scenarios."
)


@pytest.mark.parametrize(
    ("claim", "flipped"),
    [
        ("SN-Net underperforms individually trained networks on ImageNet.", True),
        ("SN-Net performs worse than individually trained networks on ImageNet.", True),
        ("SN-Net outperforms many individually trained networks on ImageNet.", False),
    ],
)
def test_a_comparison_is_about_what_it_compares_with(claim: str, flipped: bool) -> None:
    assert (entailment.direction_flip(claim, [SNNET]) is not None) == flipped


STU = "Notably, the 1.4B STU-Net is the largest medical image segmentation model to date."


@pytest.mark.parametrize(
    ("claim", "strong"),
    [
        ("STU-Net is the largest image segmentation model to date.", True),  # drops "medical"
        ("STU-Net is the largest segmentation model ever built.", True),
        ("STU-Net is the largest medical image segmentation model so far.", False),
        ("At 1.4B parameters, STU-Net is the largest medical segmentation model to date.", False),
    ],
)
def test_a_superlative_keeps_its_qualifier(claim: str, strong: bool) -> None:
    finding = entailment.overclaim(claim, [STU])
    assert (finding is not None) == strong
    if finding is not None:
        assert finding.reason == "overclaim"


@pytest.mark.parametrize(
    ("claim", "source", "strong"),
    [
        ("PEGPH20 cures pancreatic tumours.", "PEGPH20 inhibited tumour growth in mice.", True),
        ("High birthweight causes breast cancer.",
         "High birthweight is associated with a higher risk of breast cancer.", True),
        ("High birthweight is linked to a higher risk of breast cancer.",
         "High birthweight is associated with a higher risk of breast cancer.", False),
        ("ITK inhibitors prevent islet infiltration in humans.",
         "ITK inhibitors prevent islet infiltration in mouse models of type 1 diabetes.", True),
        ("Rosiglitazone reduces disease severity in patients.",
         "Rosiglitazone reduces disease severity in patients and in mice.", False),
    ],
)  # fmt: skip
def test_claims_stronger_than_the_experiment(claim: str, source: str, strong: bool) -> None:
    finding = entailment.overclaim(claim, [source])
    assert (finding is not None) == strong


ESSENTIAL = (
    "Knockdown experiments show that the kinase is essential for spindle assembly in dividing "
    "cells. Together, these results define a new mitotic regulator."
)


@pytest.mark.parametrize(
    ("claim", "flipped"),
    [
        ("The kinase is dispensable for spindle assembly in dividing cells.", True),
        ("The kinase is not needed for spindle assembly in dividing cells.", False),  # negation's
        ("The kinase is required for spindle assembly in dividing cells.", False),
        ("The kinase is not dispensable for spindle assembly in dividing cells.", False),
        ("Spindle assembly and the kinase occur together in dividing cells.", False),
        ("The kinase, as well as spindle assembly, is studied in dividing cells.", False),
    ],
)
def test_antonym_flip(claim: str, flipped: bool) -> None:
    assert (entailment.antonym_flip(claim, [ESSENTIAL]) is not None) == flipped


def test_antonyms_come_from_the_data_file_both_ways() -> None:
    table = entailment.antonyms()
    assert "dispens" in table["essenti"] and "essenti" in table["dispens"]
    assert len(table) > 150


def test_softened_opposite_agrees() -> None:
    source = "The new scenes have less complex backgrounds than those of web datasets."
    assert entailment.antonym_flip("The new scenes have simple backgrounds.", [source]) is None
    assert entailment.antonym_flip("The new scenes have complex backgrounds.", [source]) is None
    assert entailment.antonym_flip(
        "The new scenes have simple backgrounds.", ["The new scenes have complex backgrounds."]
    )


@pytest.mark.parametrize(
    ("claim", "swapped"),
    [
        ("Annotators favour speed over accuracy when labelling scans.", True),
        ("Annotators favour accuracy over speed when labelling scans.", False),
        ("Annotators label scans with accuracy rather than speed in mind.", False),
        ("Annotators label scans with speed rather than accuracy in mind.", True),
    ],
)
def test_swapped_choice(claim: str, swapped: bool) -> None:
    source = "When labelling scans, annotators favour accuracy at the expense of speed."
    assert (entailment.swapped_choice(claim, [source]) is not None) == swapped


def test_prefix_negation_of_a_word_stemmed_again() -> None:
    source = "The pooling layer of the baseline is order variant."
    finding = entailment.negation_flip(
        "The pooling layer of the baseline is order invariant.", [source]
    )
    assert finding is not None and finding.reason == "negation"


def test_most_accurate_is_not_licensed_by_most_comprehensive() -> None:
    source = "We release the largest and most comprehensive dataset of street signs."
    assert entailment.overclaim("Model B is the most accurate on the street signs.", [source])
    assert entailment.overclaim("It is the largest dataset of street signs.", [source]) is None


def test_shared_denials_in_other_words_pass() -> None:
    unseen = "These set operations generalize to labels unseen during training."
    assert (
        entailment.negation_flip("They generalize to labels not seen in training.", [unseen])
        is None
    )
    shops = "Previous initiatives gathered captions from alt-texts and social media postings."
    claim = "Instead of alt-texts or social media postings, the new dataset uses shopping sites."
    assert entailment.negation_flip(claim, [shops]) is None


def test_a_glued_bracket_does_not_end_the_clause() -> None:
    source = "Oxidative damage seen in muscles of Sod1(-/-) mice was absent in transgenic mice."
    claim = "Muscles of Sod1(-/-) mice showed oxidative damage."
    assert entailment.negation_flip(claim, [source]) is not None


def test_more_than_before_is_a_comparison() -> None:
    source = "After training on the new captions, the model hallucinates less."
    claim = "After training on the new captions, the model hallucinates more than before."
    assert entailment.direction_flip(claim, [source]) is not None


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        (
            "Normal subjects had only about 10% positive cells.",
            "Normal subjects had 10% positive cells.",
        ),
        (
            "The enzyme is expressed only in neurons of the mice.",
            "Neuron-specific expression of the enzyme in mice.",
        ),
        ("Cells from all 11 patients were stained.", "Cells from 11 of 11 patients were stained."),
        (
            "The coverage change was only weakly associated with early diagnosis.",
            "The coverage change was associated with a small shift toward early diagnosis.",
        ),
        (
            "Classifiers first embed the text and then train on the embeddings.",
            "Classifiers obtain contextual embeddings of the text and train on them.",
        ),
        (
            "A gap remains between condensed sets and training on all the data.",
            "A gap remains between condensed sets and the full dataset.",
        ),
    ],
)
def test_minimal_and_counted_absolutes_are_no_overclaims(claim: str, source: str) -> None:
    assert entailment.overclaim(claim, [source]) is None


@pytest.mark.parametrize(
    ("claim", "source"),
    [
        (
            "Reinforcing ImageNet improves downstream tasks without exception.",
            "Reinforcing ImageNet improves downstream tasks.",
        ),
        (
            "Tumour PGE production is the main reason cancers escape NK surveillance.",
            "Tumour PGE production may help cancers escape NK surveillance.",
        ),
        (
            "The model is the first to reach 90% accuracy.",
            "The model reaches 90% accuracy and then keeps improving.",
        ),
    ],
)
def test_exceptionless_ranked_and_priority_claims_are_overclaims(claim: str, source: str) -> None:
    assert entailment.overclaim(claim, [source]) is not None


def test_a_ranked_cause_the_source_ranks_is_no_overclaim() -> None:
    claim = "Tumour PGE production is the main reason cancers escape NK surveillance."
    source = "Tumour PGE production is the major mechanism by which cancers escape surveillance."
    assert entailment.overclaim(claim, [source]) is None


def test_plural_acronym_matches_initials() -> None:
    source = "It combines multi-modal large language models with vision experts."
    assert (
        entailment.missing_names("The framework uses LLMs with vision experts.", [source]) is None
    )


@pytest.mark.parametrize(
    ("claim", "sources", "flipped"),
    [
        # The source says it negatively too, with its cue further from the word.
        ("Synthetic scenes need no stored video collection.",
         ["With synthetic scenes there is no need to store large video collections."], False),
        ("Synthetic scenes need a stored video collection.",
         ["With synthetic scenes there is no need to store large video collections."], True),
        # ... or in a sentence the claim does not align with (a claim merging two sentences).
        ("Pooling cannot be inverted, so it loses detail.",
         ["Pooling reduces the cost of attention. Unfortunately, such operations are "
          "non-invertible and lose detail. Our network inverts the pooled features."], False),
        # A privative's scope is its object: "mice lacking Abc1 are viable" asserts "viable".
        ("Mice lacking Abc1 are viable and fertile.",
         ["Abc1 mutant mice are viable and fertile."], False),
        ("Abc1 mutant mice are not viable.", ["Abc1 mutant mice are viable and fertile."], True),
        # "Abc1 mutant" and "loss of Abc1" deny Abc1; "some mutant mice" denies nothing.
        ("Abc1-deficient cells stay pluripotent.",
         ["Loss of Abc1 does not affect pluripotency of the cells."], False),
        ("Some mice are slightly smaller at birth.",
         ["Some mutant mice are slightly smaller at birth."], False),
        # A negated verb of change denies the change, not its object, in any of its forms.
        ("The peptide did not affect memory retrieval.",
         ["The peptide was mildly anxiolytic without affecting memory retrieval."], False),
        # A contrastive loss is an objective, not an absence.
        ("The encoder is trained with a contrastive loss.",
         ["We train the encoder with a contrastive loss on image pairs."], False),
        ("The encoder is trained without a contrastive loss.",
         ["We train the encoder with a contrastive loss on image pairs."], True),
    ],
)  # fmt: skip
def test_negation_compares_meaning_not_surface(
    claim: str, sources: list[str], flipped: bool
) -> None:
    assert (entailment.negation_flip(claim, sources) is not None) == flipped


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("Chinese", "a rural county in a less developed province in China", True),
        ("Korean", "a cohort from Korea", True),
        ("Chinese", "a rural county in a less developed province in Chile", False),
        ("VO2max", "Five males cycled at 75% of maximal O2 uptake (VO2 max)", True),
        ("CoA-CoASH", "a greater intramuscular acetyl-CoA-to-CoASH ratio", True),
        ("PDH", "Pyruvate dehydrogenase activity (PDHa) was examined", True),
        ("PDH", "Pyruvate dehydrogenase activity (PDH2) was examined", False),
    ],
)
def test_names_written_another_way(name: str, text: str, found: bool) -> None:
    keys = entailment.name_keys(text)
    assert entailment.name_in(name, keys, entailment._initials(text)) is found


DFN = (
    "Our key finding is that the quality of a network for filtering is distinct from its "
    "performance on downstream tasks."
)
RELABEL = (
    "We address the annotation cost barrier by letting a strong image classifier, trained on an "
    "extra source of data, generate the multi-labels."
)
RESIZE = (
    "This practice has benefits from a computational perspective, but it entails negative "
    "side-effects on performance due to loss of information and image deformation."
)
GRU = (
    "However, GRU based approaches are unable to consistently estimate 3D shapes given "
    "different permutations of the same set of input images."
)
PDHA = (
    "However, during exercise the activation of PDHa occurred independent of changes in the "
    "acetyl-CoA-to-CoASH ratio, suggesting that other factors are involved."
)
DDX28 = (
    "RNAi-mediated DDX28 silencing in HEK293T cells does not affect mitochondrial mRNA "
    "stability or 16S rRNA processing or modification."
)


@pytest.mark.parametrize(
    ("claim", "source", "flipped"),
    [
        # the claim's own negation, worded by the source's opposite or its own cue
        ("Filtering quality is not the same as downstream performance.", DFN, False),
        ("The labels come not from people but from a strong classifier.", RELABEL, False),
        ("The labels come from a classifier that is not strong.", RELABEL, True),
        ("Resizing loses information and deforms images.", RESIZE, False),
        ("PDHa activation does not hinge on the acetyl-CoA-to-CoASH ratio.", PDHA, False),
        # "does not affect stability" asserts it: "destabilizes" flips it
        ("DDX28 silencing in HEK293T cells destabilizes mitochondrial mRNA.", DDX28, True),
    ],
)
def test_a_claims_own_negation_agrees_with_the_sources_wording(
    claim: str, source: str, flipped: bool
) -> None:
    found = entailment.negation_flip(claim, [source]) or entailment.antonym_flip(claim, [source])
    assert (found is not None) is flipped


def test_a_negative_prefix_is_not_counted_twice() -> None:
    claim = "GRU based approaches give inconsistent 3D shapes for permutations of the same images."
    assert entailment.antonym_flip(claim, [GRU]) is None
    assert entailment.negation_flip(claim, [GRU]) is None
    assert entailment.negation_flip(claim.replace("inconsistent", "consistent"), [GRU]) is not None


STAGES = (
    "RESULTS 56 of 73 patients consented. Stage distribution was as follows (IB/IIA 10%, "
    "stage IIIA 20%, IIIB/IV 70%). A hemodynamic ischemic pathogenesis is likely, but further "
    "research is needed. Migraine was associated with a higher risk of lesions."
)


@pytest.mark.parametrize(
    ("claim", "strong"),
    [
        ("Most patients were diagnosed at stage IIIB or IV (70%).", False),
        ("Most patients were diagnosed at stage IIIA (20%).", True),
        ("The mismatch hurts at least as much during training.", False),
        ("The authors think a hemodynamic ischemic cause is likely.", False),
        ("Migraine causes the lesions.", True),
    ],
)
def test_majorities_bounds_and_hedged_causes(claim: str, strong: bool) -> None:
    assert (entailment.overclaim(claim, [STAGES]) is not None) is strong


def test_a_claim_that_contrasts_two_opposites_flips_neither() -> None:
    source = "Adding images from generative models to the training set improves robustness."
    claim = "Mixing synthetic images into real training data improves robustness."
    assert entailment.antonym_flip(claim, [source + " Real images alone do less."]) is None
    # "object proposals" is no "objective" (the lexicon's stems must not meet common nouns)
    assert "object" not in entailment.antonyms()


@pytest.mark.parametrize(
    ("claim", "strong"),
    [
        ("Foxo1 alone governs what Treg cells do.", True),
        ("Training nurses would eliminate intravenous drug errors.", True),
        ("COX-2 is proven to drive endometrial carcinogenesis.", True),
        ("Foxo1 governs what Treg cells do.", False),
        ("The patients were not alone in reporting errors.", False),
    ],
)
def test_alone_eliminate_and_proven_are_stronger_than_a_finding(claim: str, strong: bool) -> None:
    source = (
        "Foxo1 governs Treg cell function, and COX-2 drives endometrial carcinogenesis. "
        "Training nurses reduced intravenous drug errors, and patients reported errors."
    )
    assert (entailment.overclaim(claim, [source]) is not None) is strong


@pytest.mark.parametrize(
    ("claim", "source", "strong"),
    [
        # "all but one" is not all
        (
            "Physician migration rose from every principal source country between 2002 and 2011.",
            "Migration increased from 2002 to 2011 for all but one principal source country.",
            True,
        ),
        # "all" about other things does not license "all" of the claim's
        (
            "All of the positive appendix samples were valine homozygous at codon 129.",
            "A high proportion of the positive appendix samples were valine homozygous at codon "
            "129, unlike clinical cases, all of which were methionine homozygous.",
            True,
        ),
        # deaths "from any cause" is a measure, not every cause
        (
            "A BMI of 23.0 to 24.9 minimized the risk of death from every specific cause.",
            "The risk of death from any cause was lowest among patients with a BMI of 23.0 to "
            "24.9.",
            True,
        ),
        # "all" of the same thing licenses it
        (
            "All of the positive appendix samples were valine homozygous.",
            "All positive appendix samples were valine homozygous.",
            False,
        ),
        (
            "The method improves accuracy on every dataset tested.",
            "The method improves accuracy on all three datasets.",
            False,
        ),
        ("The model always improves accuracy.", "It consistently improves accuracy.", False),
    ],
)
def test_a_universal_is_licensed_by_one_about_the_same_thing(
    claim: str, source: str, strong: bool
) -> None:
    assert (entailment.overclaim(claim, [source]) is not None) is strong


def test_younger_is_the_opposite_of_older() -> None:
    source = "Patients with IA were older than those without (45.6 vs 30.89, P = 0.0003)."
    finding = entailment.antonym_flip("Patients with IA were younger than those without.", [source])
    assert finding is not None and finding.reason == "negation"
    assert (
        entailment.antonym_flip("Patients with IA were older than those without.", [source]) is None
    )


def test_rather_than_a_word_the_claim_also_asserts_is_no_denial() -> None:
    source = "We propose to study the shifts in the learned weights of trained CNN models."
    both = "Rather than shifts in the images, the study examines shifts in the learned weights."
    passed_over = "Rather than the learned weights of trained CNN models, it studies the images."
    assert entailment.negation_flip(both, [source]) is None
    assert entailment.negation_flip(passed_over, [source]) is not None


def test_a_title_case_prefix_is_no_name() -> None:
    names = entailment.claim_names(
        "It finds that NMF (Non-negative Matrix Factorization) works best, as in Non-Hodgkin "
        "lymphoma and Co-DETR."
    )
    assert "Non" not in names
    assert {"NMF", "Hodgkin", "DETR"} <= set(names)


def test_the_claims_own_hedged_all_is_no_overclaim() -> None:
    source = "Four of the five volunteers scanned for fMRI-Objaverse also took part in fMRI-Shape."
    hedged = "All but one of the five volunteers of fMRI-Objaverse also took part in fMRI-Shape."
    assert entailment.overclaim(hedged, [source]) is None
    universal = "All of the five volunteers of fMRI-Objaverse also took part in fMRI-Shape."
    assert entailment.overclaim(universal, [source]) is not None
