"""The aspects a comparison table has as columns: names, what each means, how to spot it.

Five are built in (`DEFAULT_ASPECTS`); any other word is accepted too (`--aspects
task,compute`): the LLM gets its name as the description, and the extractive mode searches for
it by meaning only.  For the built-in ones the extractive mode (compare_extractive.py) combines
three signals, all named constants here so they can be reviewed and tuned (and a learned
scorer, aspect_scorer.py, weighs them with the sentence's role):

* `query`: a sentence describing what such a statement looks like, compared by cosine;
* `cues`: phrases typical of such statements in abstracts ("we propose", "outperforms", ...);
* `position`: where in an abstract such a statement usually sits (-1 early, +1 late).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.errors import LitassistError


@dataclass(frozen=True)
class Aspect:
    name: str
    label: str
    description: str  # what the LLM is asked for
    query: str  # what the extractive mode compares each sentence with
    cues: tuple[str, ...] = ()  # regular expressions, matched case-insensitively
    position: float = 0.0  # -1: usually early in an abstract, +1: usually late
    # Patterns of statements that are about something else (a result is not a method).
    counter_cues: tuple[str, ...] = ()
    # The hand score's threshold: a sentence scoring less does not state the aspect (None:
    # compare_extractive.STATED_THRESHOLD).  The built-in aspects now decide on the learned
    # scorer's probability (aspect_scorer.THRESHOLDS) and keep these for the hand score
    # alone, as they were chosen: per aspect with
    # `benchmarks/compare_eval.py --sweep` on the tuning half of the hand-labelled cells
    # (benchmarks/data/compare_cells_tune.jsonl, 22 papers), each in the middle of the range
    # of thresholds with the most right cells: task 0.20-0.29, data 0.20-0.50, method
    # 0.20-0.32, results 0.23-0.44; limitations 0.59-0.74 (high: abstracts rarely admit a
    # limitation, and sentences on earlier work's flaws look alike).
    threshold: float | None = None


BUILTIN: dict[str, Aspect] = {
    aspect.name: aspect
    for aspect in (
        Aspect(
            name="task",
            label="Task",
            description="the problem or task the paper addresses and why it matters",
            query="This paper addresses the problem of a challenging task; the goal is to "
            "solve this problem.",
            cues=(
                r"\b(task|problem|question|challeng\w*|goal|aim\w*|address\w*|tackl\w*)\b",
                r"\b(we|this (paper|work|study|article)|our (work|study|analysis)) "
                r"(\w+ )?(stud\w*|investigat\w*|explor\w*|examin\w*|focus\w*|aim\w*|"
                r"address\w*|propose to)\b",
                r"\b(remains?|is|are) (an? )?(open|difficult|challenging|scarce|lacking|"
                r"overlooked|unclear)\b",
            ),
            position=-1.0,
            # What the paper does about the problem, or finds, is not the problem.
            counter_cues=(
                r"\bto (address|tackle|solve|overcome|remedy|mitigate) "
                r"(this|these|that|the|such)\b",
                r"\bwe (\w+ )?(propose|present|introduce|develop|design|build|create)\w*\b",
                r"\bby (\w+ing|letting|using)\b",
                r"\b(experiments?|results?) (show|demonstrate|indicate)\w*\b",
                r"\bwe (show|find|found)\b",
                r"\b(outperform\w*|achiev\w*)\b",
            ),
            threshold=0.25,
        ),
        Aspect(
            name="data",
            label="Data",
            description="the datasets, benchmarks or data the paper uses, builds or releases",
            query="We collect a new dataset of samples with annotations and evaluate on "
            "standard benchmark datasets.",
            cues=(
                r"\b(data ?sets?|benchmarks?|corpus|corpora|annotat\w*|images|samples)\b",
                # A name as datasets are named (an acronym, a capital or digit inside, "-10K"),
                # not a list of known ones: that would only know the fields it was written for.
                r"\b([A-Z]{2,}[\w-]*|[A-Z][a-z]+[A-Z\d][\w-]*|[A-Z][A-Za-z]*-\d+[KkM]?)\b",
                r"\b(collect\w*|curat\w*|releas\w*|labell?ed)\b",
            ),
            threshold=0.47,
        ),
        Aspect(
            name="method",
            label="Method",
            description="the method, model or approach the paper proposes and how it works",
            query="We propose a novel method that works by learning a model with a new "
            "architecture and training approach.",
            cues=(
                r"\b(we|this (paper|work|study|article)|our (work|study)) (\w+ )?"
                r"(propos|present|introduc|develop|design|use|employ|leverag|learn|train|build|"
                r"apply|adopt|exploit|extend|focus)\w*\b",
                r"\b(our|the proposed|a novel|a new|this) (\w+ )?(method|approach|framework|"
                r"architecture|model|algorithm|technique|scheme|network)\b",
                r"\b(specifically|to this end|in particular)\b|\b(by|via|through) \w+ing\b",
                # What the model is and what it works on: "a pure transformer applied directly
                # to sequences of image patches".
                r"\b(applied (directly )?to|operat\w* (directly )?on|takes? \w+ as input|"
                r"based on|built on|relies on|consists? of|composed of)\b",
                r"\b(a|an|the) (pure|plain|standard|new|novel|simple|single) (\w+ )?(transformer|"
                r"network|architecture|model|encoder|decoder|module)\b",
            ),
            counter_cues=(
                r"\b(outperform\w*|surpass\w*|state-of-the-art (results|accuracy|performance))\b",
                r"\b(we|results?|experiments?|findings?|analysis) (\w+ )?(show|demonstrat|reveal|"
                r"conclud|find|found)\w*\b",
                r"\d+(\.\d+)?\s?%",
            ),
            threshold=0.3,
        ),
        Aspect(
            name="results",
            label="Results",
            description="the main findings and results, with the numbers the abstract gives",
            query="Our method outperforms previous methods and achieves state-of-the-art "
            "accuracy, improving results by several percent.",
            cues=(
                r"\b(outperform\w*|achiev\w*|improv\w*|surpass\w*|state-of-the-art|sota)\b",
                r"\d+(\.\d+)?\s?(%|\\%|percent|points?|x\b)",
                r"\b(we|results?|experiments?|findings?|analysis|evaluations?) (\w+ )?"
                r"(show|demonstrat|reveal|indicat|suggest|find|found|conclud|confirm)\w*\b",
                r"\b(accuracy|performance|gains?)\b",
            ),
            position=1.0,
            threshold=0.4,
        ),
        Aspect(
            name="limitations",
            label="Limitations",
            description="the limitations, open problems or weaknesses the paper itself "
            "acknowledges (not those of earlier work it improves on)",
            query="A limitation of our approach is that it still fails in some cases; "
            "this remains future work.",
            cues=(
                r"\b(limitation\w*|limited|drawbacks?|weakness\w*|shortcoming\w*)\b",
                r"\b(future work|remains?|still|fails?|cannot|does not|only)\b",
                r"\b(however|although|despite|but)\b",
            ),
            position=1.0,
            threshold=0.65,
        ),
    )
}

DEFAULT_ASPECTS: tuple[str, ...] = tuple(BUILTIN)
MAX_ASPECTS = 8
_NAME = re.compile(r"[^a-z0-9]+")


def aspect(name: str) -> Aspect:
    """The built-in aspect, or one made from a custom name (meaning only, no cues)."""
    if name in BUILTIN:
        return BUILTIN[name]
    words = name.replace("_", " ")
    return Aspect(
        name=name,
        label=words.capitalize(),
        description=f"the paper's {words}",
        query=f"The {words} of this paper.",
    )


def parse_aspects(text: str | None) -> tuple[str, ...]:
    """`"task, Data,training cost"` -> `("task", "data", "training_cost")`; None -> defaults."""
    if text is None:
        return DEFAULT_ASPECTS
    names: list[str] = []
    for piece in text.split(","):
        name = _NAME.sub("_", piece.strip().lower()).strip("_")
        if name and name not in names:
            names.append(name)
    if not names:
        raise LitassistError(f"No aspects given; use e.g. --aspects {','.join(DEFAULT_ASPECTS)}.")
    if len(names) > MAX_ASPECTS:
        raise LitassistError(f"At most {MAX_ASPECTS} aspects fit in a table; {len(names)} given.")
    return tuple(names)
