"""The domain-general cues the comparer's scorer reads (assistant/rag/abstract_cues.py)."""

from __future__ import annotations

from assistant.rag import abstract_cues as cues


def test_section_labels_of_structured_abstracts() -> None:
    assert cues.section_label("METHODS AND FINDINGS We measured ...") == {"method", "results"}
    assert cues.section_label("DESIGN, SETTING, AND PARTICIPANTS Observational ...") == {
        "method",
        "sample",
    }
    assert cues.section_label("MAIN OUTCOME MEASURES Incidence rates ...") == {"method"}
    # An acronym after the label is the sentence's, not the label's.
    assert cues.section_label("BACKGROUND & AIMS HBV DNA persists ...") == {"background", "aim"}
    assert cues.section_label("HBV DNA persists in hepatocytes.") == frozenset()
    assert cues.section_label("A pool of 62 items was written.") == frozenset()
    texts = ["BACKGROUND X is common.", "Little is known of Y.", "RESULTS Y rose.", "It fell."]
    assert cues.sections(texts) == [{"background"}, {"background"}, {"results"}, {"results"}]
    assert cues.sections(["We propose X.", "It works."]) == [frozenset(), frozenset()]


def test_rhetorical_cues() -> None:
    aims = [
        "We hypothesized that circulating levels predict mortality.",
        "To determine whether a nap improves alertness, we ran a trial.",
        "OBJECTIVE To assess the prevalence of disease in the elderly.",
        "Here we show that the protein dimerizes.",
        "In this article, we review imaging techniques.",
        "The aim of this study was to confirm the presence of stem cells.",
    ]
    assert all(cues.AIM.search(t) for t in aims)
    assert not cues.AIM.search("Coral reefs are among the most diverse ecosystems.")
    assert cues.GAP.search("However, whether naps help remains unclear.")
    assert cues.GAP.search("This level has not been tested as a biomarker.")
    assert not cues.GAP.search("Sleep loss is common among shift workers.")
    for sample in (
        "Participants (n=368) aged 65-75 years took part.",
        "We enrolled 76,545 subjects from a screening program.",
        "Blood samples were obtained from two prospective cohort studies.",
        "We sampled leukemia cells from 18 patients at two time points.",
    ):
        assert cues.SIZE.search(sample) or cues.SAMPLE.search(sample), sample
    assert not cues.SIZE.search("Survival at 2 years was 21.5%.")
    assert cues.STATS.search("odds ratio 7.5, 95% CI 3.6-15.8, p = 0.001")
    assert cues.OWN_LIMITATION.search("Study limitations include the small number of sites.")
    assert cues.CONCLUSION.search("These results suggest that grazing speeds recovery.")
    assert cues.PAST_PASSIVE.search("Reaction times were measured after each shift.")


def test_laboratory_material_and_technique() -> None:
    # The sample of a laboratory study is its material, its procedure a named technique.
    for material in (
        "Glucose use was measured in freshly harvested rat macrophages.",
        "We imaged brain slices from transgenic mice.",
        "Infected zebrafish larvae were monitored live.",
        "Two knockout strains were crossed.",
    ):
        assert cues.MATERIAL.search(material), material
    assert not cues.MATERIAL.search("Reefs with more grazing fish recovered faster.")
    for technique in (
        "Expression was detected by Northern blot analysis.",
        "A plaque assay counted secreting cells.",
        "Using whole-genome bisulfite sequencing, we mapped methylation.",
        "Time-lapse microscopy showed the fusion.",
    ):
        assert cues.TECHNIQUE.search(technique), technique
    assert not cues.TECHNIQUE.search("These results suggest a role in repair.")
    # How it was done, said by a gerund, is a procedure too; "by being" is not.
    assert cues.PROCEDURE.search("We learn synthetic images by matching attention maps.")
    assert not cues.PROCEDURE.search("It differs by being smaller.")


def test_counts_in_words_and_grouped_thousands_are_sample_sizes() -> None:
    # An abstract spells a count that opens a sentence, and some group thousands by a space.
    for sample in (
        "RESULTS Fifty patients completed both tests.",
        "Twenty-one women took part.",
        "PARTICIPANTS 37 033 women.",
    ):
        assert cues.SIZE.search(sample), sample
    assert not cues.SIZE.search("Fifty years of research have not settled it.")


def test_aims_said_in_the_passive() -> None:
    for aim in (
        "In the present study, the association between Bmi1 and miR-203 was investigated.",
        "The impact of NO synthase activity on glucose metabolism was examined.",
        "Two studies were performed to investigate the effects of exercise.",
    ):
        assert cues.AIM.search(aim), aim
    assert not cues.AIM.search("The effect of the drug was small.")


def test_organisms_and_engineered_animals_are_laboratory_data() -> None:
    for organism in (
        "Here, we show that in C. elegans the Wnt ligand regulates dendrites.",
        "RGC numbers are reduced in mice lacking beta1 integrins.",
        "Twist1(+/-) mice show fewer stem cells.",
        "We used a mouse model of the pre-leukemic disorder.",
        "Peptides were extracted from Drosophila Kc167 cells.",
    ):
        assert cues.ORGANISM.search(organism), organism
    for other in ("The null hypothesis was rejected.", "Coral reefs are diverse."):
        assert not cues.ORGANISM.search(other), other
