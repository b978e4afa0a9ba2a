"""Cues to what a sentence of an abstract does that hold in any field: section labels of
structured abstracts and the rhetoric of scientific English.

The comparer's learned scorer (aspect_scorer.py) reads these so that it carries over from the
computer-vision abstracts it was first fitted on to clinical, biological or social-science
ones: none of the patterns names a thing a field studies.  They say

* which section of a structured abstract ("BACKGROUND ... METHODS ... RESULTS ...") a
  sentence sits in (`sections`);
* whether it states an aim ("we investigated whether", "To determine ...", "Here we"), a gap
  ("little is known", "has not been tested"), a sample ("were enrolled", "n = 200",
  "76,545 subjects", "Fifty patients", "from a cohort"), the organism or engineered model a
  laboratory study works in ("in C. elegans", "mice lacking X"), a procedure ("were
  measured", "randomized"), a finding ("we found", "was associated with"), statistics
  (p-values, confidence intervals, percentages), a conclusion ("These results suggest") or a
  limitation of the work itself ("Study limitations include");
* its tense and voice (past passive for what was done, generic present for background).

Hand-written regular expressions rather than a model: the cues are closed lists of function
words and fixed phrases, and a model would need labelled data in every field to learn them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# The words of section labels, grouped by the part of the abstract they open.  "METHODS AND
# FINDINGS" opens both a method and a results part; fillers ("MAIN", "GENERAL") open none.
SECTION_WORDS: dict[str, str] = {
    "BACKGROUND": "background",
    "CONTEXT": "background",
    "INTRODUCTION": "background",
    "RATIONALE": "background",
    "PREMISE": "background",
    "AIM": "aim",
    "AIMS": "aim",
    "OBJECTIVE": "aim",
    "OBJECTIVES": "aim",
    "PURPOSE": "aim",
    "GOAL": "aim",
    "GOALS": "aim",
    "QUESTION": "aim",
    "HYPOTHESIS": "aim",
    "METHOD": "method",
    "METHODS": "method",
    "METHODOLOGY": "method",
    "DESIGN": "method",
    "MATERIALS": "method",
    "MATERIAL": "method",
    "PROCEDURE": "method",
    "PROCEDURES": "method",
    "INTERVENTION": "method",
    "INTERVENTIONS": "method",
    "MEASURES": "method",
    "MEASUREMENTS": "method",
    "MEASUREMENT": "method",
    "OUTCOME": "method",
    "OUTCOMES": "method",
    "ANALYSIS": "method",
    "APPROACH": "method",
    "EXPOSURE": "method",
    "EXPOSURES": "method",
    "SETTING": "sample",
    "SETTINGS": "sample",
    "PARTICIPANTS": "sample",
    "PATIENTS": "sample",
    "SUBJECTS": "sample",
    "POPULATION": "sample",
    "SAMPLE": "sample",
    "DATA": "sample",
    "RESULTS": "results",
    "RESULT": "results",
    "FINDINGS": "results",
    "CONCLUSION": "conclusion",
    "CONCLUSIONS": "conclusion",
    "DISCUSSION": "conclusion",
    "INTERPRETATION": "conclusion",
    "SIGNIFICANCE": "conclusion",
    "IMPLICATIONS": "conclusion",
    "LIMITATIONS": "limitation",
}
SECTION_FILLERS = frozenset({"MAIN", "PRINCIPAL", "GENERAL", "KEY", "PRIMARY", "STUDY", "AND"})
SECTIONS: tuple[str, ...] = (
    "background",
    "aim",
    "method",
    "sample",
    "results",
    "conclusion",
    "limitation",
)
# A label: capitalised words from the lists above, joined by spaces, commas, "&", "/" or AND.
_LABEL = re.compile(r"^((?:[A-Z]+(?:\s*[,&/:]\s*|\s+))+)")


def section_label(text: str) -> frozenset[str]:
    """The parts a sentence's own section label opens ({} when it starts with none)."""
    match = _LABEL.match(text)
    if not match:
        return frozenset()
    found: set[str] = set()
    for word in re.split(r"[\s,&/:]+", match.group(1).strip()):
        if word in SECTION_WORDS:
            found.add(SECTION_WORDS[word])
        elif word not in SECTION_FILLERS:
            break  # an acronym after the label ("BACKGROUND & AIMS HBV ...") ends it
    return frozenset(found)


def sections(texts: Sequence[str]) -> list[frozenset[str]]:
    """The section each sentence of one abstract sits in: the last label at or before it."""
    current: frozenset[str] = frozenset()
    found = []
    for text in texts:
        current = section_label(text) or current
        found.append(current)
    return found


_AIM_VERBS = (
    r"determin\w*|assess\w*|investigat\w*|evaluat\w*|examin\w*|explor\w*|characteri[sz]\w*|"
    r"compar\w*|test\w*|identif\w*|describ\w*|conduct\w*|estimat\w*|address\w*|understand\w*|"
    r"elucidat\w*|establish\w*|quantif\w*|measur\w*|analy[sz]\w*|clarif\w*|stud(?:y|ied|ies)"
)
AIM = re.compile(
    rf"^(?:[A-Z&,/ ]+\s+)?to (?:\w+ )?(?:{_AIM_VERBS}|develop|provide|review|summari[sz]e)\b"
    rf"|\bto (?:{_AIM_VERBS}) (?:whether|if|how|the (?:role|effect|impact|extent))\b"
    r"|\b(?:here|in this (?:study|paper|article|work|report|review|chapter)),? we\b"
    rf"|\bwe (?:\w+ )?(?:aim\w*|sought|seek|hypothesi[sz]\w*|asked|set out|{_AIM_VERBS})\b"
    r"|\b(?:aims?|objectives?|purposes?|goals?) (?:of (?:this|the|our) \w+ )?(?:was|were|is|are)\b"
    r"|\bin an (?:effort|attempt) to\b"
    r"|\bthis (?:paper|article|review|chapter|report|work|study) (?:\w+ )?(?:summari[sz]es|"
    r"describes|reviews|presents|reports|highlights|discusses|introduces|proposes|examines|"
    r"investigates|addresses|provides)\b"
    # an aim said in the passive: "the association between X and Y was investigated", "Two
    # studies were performed to investigate ..."
    r"|^(?:in (?:the present|this) (?:study|work),? )?the (?:association|relation\w*|impact|effect|"
    r"role|influence|contribution|interaction) (?:of|between)\b.*\b(?:was|were) (?:\w+ly )?"
    rf"(?:{_AIM_VERBS})\b"
    r"|\b(?:was|were) (?:performed|conducted|undertaken|carried out|designed) "
    rf"to (?:{_AIM_VERBS})\b",
    re.IGNORECASE,
)
GAP = re.compile(
    r"\b(?:little|less|not well|poorly|largely un|not) (?:is )?(?:known|understood)\b"
    r"|\bremains? (?:unclear|unknown|elusive|controversial|poorly|to be|an open|largely)\b"
    r"|\b(?:has|have) (?:not|rarely|never|seldom) (?:yet )?been\b|\bnot (?:yet )?been\b"
    r"|\bfew (?:studies|data|reports|investigations|works)\b|\b(?:is|are) (?:not|un)known\b"
    r"|\black of\b|\bcontrovers\w*|\bunclear\b|\buncertain\w*|\bdebate\b|\brarely\b"
    r"|\bunknown\b|\bunexplored\b|\binconsistent\b|\bconcerns?\b",
    re.IGNORECASE,
)
_UNITS = (
    r"patients|participants|subjects|individuals|people|persons|adults|children|infants|women|"
    r"men|mice|rats|animals|cases|controls|families|households|villages|hospitals|sites|"
    r"cent(?:er|re)s|images|videos|samples|specimens|isolates|genomes|documents|articles|"
    r"papers|studies|trials|evaluations|respondents|volunteers|users|records|sentences|pairs|"
    r"items|cohorts|countries|schools|students|donors|cells|lines|strains|species|sequences|"
    r"questions|clips|hours|recordings|beneficiaries|members|workers|physicians|visits"
)
# A count said in words ("Fifty patients", "twenty-one women"), as abstracts spell a count that
# opens a sentence; and thousands grouped by a space ("37 033 women").
_COUNT_WORDS = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[ -](?:one|two|three|"
    r"four|five|six|seven|eight|nine))?|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundreds?|"
    r"thousands?|dozens?)"
)
SIZE = re.compile(
    rf"\b[nN]\s*=\s*\d|\b\d[\d,.]*(?: \d{{3}})*\s*(?:[kKM]\b|thousand|million|billion)?\s+"
    rf"(?:[\w()+-]+[ -]){{0,3}}(?:{_UNITS})\b"
    rf"|\b(?i:{_COUNT_WORDS})\s+(?:[\w()+-]+[ -]){{0,2}}(?:{_UNITS})\b",
)
SAMPLE = re.compile(
    r"\b(?:was|were)\s+(?:\w+ly\s+)?(?:enrolled|recruited|collected|obtained|sampled|included|"
    r"selected|drawn|surveyed|interviewed|screened|randomi[sz]ed|allocated|assigned|followed|"
    r"genotyped|sequenced|gathered|retrieved|extracted|identified)\b"
    r"|\bwe (?:\w+ )?(?:enrolled|recruited|collected|sampled|included|selected|surveyed|"
    r"sequenced|obtained|gathered|identified|used|analy[sz]ed|studied|tested)\b"
    r"|\b(?:from|of|in|on|using|with) (?:the |a |an |all |two |three |several )?(?:[\w-]+ ){0,4}"
    r"(?:cohorts?|registry|registries|databases?|data ?sets?|corpus|corpora|surveys?|trials?|"
    r"samples?|populations?|biobanks?|archives?|benchmarks?|records|panels?|collections?)\b"
    r"|\bbased on (?:the )?(?:data|variation|records|samples)\b",
    re.IGNORECASE,
)
# The material of a laboratory study, where a clinical one names its patients: what was
# cultured, infected, engineered or cut ("freshly harvested rat macrophages", "transgenic
# mice", "Mycobacterium-infected zebrafish", "brain slices").  A sample in all but name.
MATERIAL = re.compile(
    r"\b(?:harvested|cultured|isolated|infected|transgenic|knock-?(?:out|in)|mutants?|"
    r"wild-type|deficient|floxed|transfected|biops(?:y|ies)|slices|explants|xenografts?|"
    r"cell lines?|primary cultures?|strains?)\b",
    re.IGNORECASE,
)
# The organism or model system a laboratory study works in ("in C. elegans", "mice lacking
# beta1 integrins", "Twist1(+/-) mice", "a mouse model of", "Drosophila Kc167 cells"): the
# Data of a study whose sample is not people.  Genotype notation and "lacking"/"null" mark an
# engineered animal or cell even where the organism is not named.
ORGANISM = re.compile(
    r"\b(?:mice|mouse|rats?|zebrafish|Drosophila|C\. ?elegans|Caenorhabditis|yeasts?|"
    r"Saccharomyces|Xenopus|Arabidopsis|E\. ?coli|Escherichia|Bacillus|flies|worms|embryos|"
    r"chicks?|primates|macaques|monkeys|pigs|dogs|salamanders?|larvae|organoids|"
    r"(?:animal|mouse|rat|disease|in vivo|in vitro|cell|culture|xenograft) models?)\b"
    r"|\(\s*[+-]\s*/\s*[+-]\s*\)|\b(?:lacking|conditional(?:ly)?)\b|-null\b"
    r"|\bnull (?:mice|mutants?|alleles?|embryos|cells|animals)\b",
    re.IGNORECASE,
)
# A named laboratory technique: how a result was measured, where a clinical abstract says
# "were measured" or "randomized" (PROCEDURE).
TECHNIQUE = re.compile(
    r"\b(?:assays?|blot(?:s|ting)?|microarrays?|sequencing|PCR|imaging|microscopy|staining|"
    r"cytometry|chromatography|spectrometry|electrophysiolog\w*|recordings?|genotyping|"
    r"knock-?down|ablat\w*|time-lapse|in situ hybridi[sz]ation)\b",
    re.IGNORECASE,
)
PROCEDURE = re.compile(
    r"\b(?:was|were)\s+(?:\w+ly\s+)?(?:performed|measured|assessed|estimated|calculated|"
    r"quantified|determined|evaluated|analy[sz]ed|recorded|tested|compared|modell?ed|fitted|"
    r"matched|applied|conducted|used|classified|adjusted|investigated|examined|defined|"
    r"followed|monitored|treated|administered|scored|coded|computed|simulated|trained)\b"
    r"|\bwe (?:\w+ )?(?:used|applied|performed|measured|developed|designed|built|constructed|"
    r"generated|created|extended|combined|trained|compared|modell?ed|simulated|conducted|"
    r"coupled|implemented|adapted)\b"
    r"|\b(?:randomi[sz]ed|double-blind\w*|blinded|placebo|cross-sectional|prospective|"
    r"retrospective|case-control|longitudinal|observational|systematic review|meta-analys[ie]s|"
    r"crossover|propensity|regression|simulations?|questionnaires?|interviews?)\b"
    r"|\busing\b|\bby means of\b|\bvariety of methods\b"
    # how it was done, said by its gerund: "by matching the maps", "by integrating sequence"
    r"|\bby (?:\w+ly )?(?!being\b)\w+ing\b",
    re.IGNORECASE,
)
FINDING = re.compile(
    r"\b(?:we|they)\s+(?:\w+\s+)?(?:found|find|show\w*|observ\w*|demonstrat\w*|identifi\w*|"
    r"uncover\w*|reveal\w*|detect\w*)\b"
    r"|\b(?:results?|findings?|data|analys[ie]s|studies|experiments?)\s+(?:\w+\s+)?(?:show\w*|"
    r"indicat\w*|suggest\w*|demonstrat\w*|reveal\w*|confirm\w*|provid\w*|support\w*)\b"
    r"|\b(?:significant\w*|associated with|correlat\w*|more likely|less likely|compared (?:with|"
    r"to)|than|increas\w*|decreas\w*|reduc\w*|higher|lower|differ\w*|improv\w*|outperform\w*|"
    r"predict\w*|resulted in|led to|no evidence)\b",
    re.IGNORECASE,
)
STATS = re.compile(
    r"\b[pP]\s*(?:[<=>≤≥]|value)|\bCI\b|confidence interval|\b(?:odds|hazard|risk) ratios?\b|"
    r"\b(?:OR|HR|RR|AUC|SD|SEM?)\b|±|\+/-|\br\s*=|\bmedian\b|\bmean\b"
)
PERCENT = re.compile(r"\d\s?%|\bpercent\b|\bper cent\b", re.IGNORECASE)
CONCLUSION = re.compile(
    r"^(?:thus|therefore|hence|together|taken together|in conclusion|in summary|overall|"
    r"collectively|these|our (?:results|findings|data|study|work))\b"
    r"|\bwe conclude\b|\b(?:these|our|the present) (?:results?|findings|data|observations|study|"
    r"work)\b|\bsuggest\w* that\b|\b(?:may|might|could|should) (?:serve|be|represent|provide|"
    r"help|contribute|offer|broaden|shed)\b",
    re.IGNORECASE,
)
OWN_LIMITATION = re.compile(
    r"\b(?:limitations? (?:of (?:this|our|the) \w+ )?(?:include|is|are|was|were)|"
    r"(?:this|our) (?:study|work|approach|method|analysis) (?:is|was) limited|limited by|"
    r"small sample|caution|should be interpreted|not (?:be )?generali[sz]\w*|"
    r"(?:primarily|mainly|only) (?:designed|applicable|valid|suitable)|"
    r"(?:further|more|future) (?:studies|research|work|data) (?:is |are )?(?:needed|required|"
    r"warranted)|did not (?:assess|measure|include|examine|account))\b",
    re.IGNORECASE,
)
PAST_PASSIVE = re.compile(r"\b(?:was|were)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn)\b", re.IGNORECASE)
PRESENT = re.compile(r"\b(?:is|are|plays?|remains?|has|have|represents?|controls?)\b")
