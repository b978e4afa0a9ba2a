"""What each sentence of an abstract does: background, problem, contribution, method, result.

Abstracts follow a common plan: background and the problem first, then what the paper does
("we propose X"), how ("specifically, we ..."), and what it finds.  Both offline consumers need
the plan: the answerer (extractive.py) quotes a background or problem sentence only when the
question asks for one, and the comparer (compare_extractive.py) keeps earlier work out of the
Data, Method and Results cells.  The roles are read from cue phrases of scientific English and
from where the paper first speaks of itself; a sentence can have several.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.rag.sentences import Span, split_sentences
from assistant.rag.stated import states_figure

# The paper speaking of itself.
SELF = re.compile(
    r"\b(?:we|our|us)\b|\bthis (?:paper|work|study|article|research|project)\b|^here\b",
    re.IGNORECASE,
)
# Earlier work: what the paper builds on or argues against, not what it does.
PRIOR_WORK = re.compile(
    r"\b(?:existing|previous|prior|earlier|traditional|conventional|current|recent) "
    r"(?:\w+ )?(?:methods?|approaches|works?|techniques|models|solutions|studies|research|"
    r"papers|initiatives|datasets)\b"
    r"|\b(?:researchers|studies|works|methods|approaches|efforts|research|papers|models|"
    r"systems|solutions)\s+(?:\w+\s+)?(?:have|has)\s+(?:long\s+)?(?:been|tried|shown|focused|"
    r"proposed|emerged)\b"
    r"|\bstudies in the literature\b",
    re.IGNORECASE,
)
PROBLEM = re.compile(
    r"\b(?:however|unfortunately|yet|despite|although|whereas|challeng\w*|problem\w*|"
    r"issues?|limitations?|limited|limits?|lack\w*|insufficient|inadequate|suffer\w*|fail\w*|"
    r"unable|difficult\w*|costly|expensive|laborious|bottlenecks?|gaps?|scarc\w*|hinder\w*|"
    r"overlooked|ignor\w*|noisy|shortcomings?|drawbacks?|non-trivial|unclear|unsolved|"
    r"unexplored|rarely|little work|no (?:generic|existing)|not (?:guaranteed|adequate|"
    r"sufficient|available|fully))\b",
    re.IGNORECASE,
)
CONTRIBUTION = re.compile(
    r"\b(?:we|this (?:paper|work|study|article)|our (?:work|paper|study))\s+(?:\w+\s+){0,2}?"
    r"(?:propos|present|introduc|develop|design|creat|construct|build|releas|curat|collect|"
    r"establish|provid|contribut|offer|describ|defin|extend|stud(?:y|ies)|investigat|examin|"
    r"analy[sz]|address|tackl|solv|overcom|focus|seek|aim|argu|advocat)\w*\b"
    r"|\b(?:termed|dubbed|named|called|which we call|we call|referred to as)\b"
    r"|\b(?:the )?key contribution\b|\bproposed\b",
    re.IGNORECASE,
)
METHOD = re.compile(
    r"^(?:specifically|more specifically|to this end|in particular|concretely|first|then|"
    r"finally|during)\b"
    r"|\b(?:by|via|through) (?:\w+ ){0,2}?\w+ing\b"
    r"|\b(?:use[sd]?|using|leverag\w*|employ\w*|combin\w*|learn\w*|train\w*|cluster\w*|"
    r"match\w*|extract\w*|appl(?:y|ies|ied)|adopt\w*|utiliz\w*|integrat\w*|embed\w*|"
    r"factoriz\w*|split\w*|stitch\w*|maps?|fus(?:e|es|ing)|aggregat\w*|generat\w*|"
    r"synthesiz\w*|optimiz\w*|initializ\w*|encod\w*|decod\w*|reconstruct\w*|organiz\w*|"
    r"filter\w*|prun\w*|annotat\w*|curat\w*|incorporat\w*|separat\w*|disentangl\w*|shooting|"
    r"projected|transform\w*)\b"
    r"|\b(?:consists? of|composed of|based on|relies on|built on|comprises?)\b",
    re.IGNORECASE,
)
# How it works, said as such: "by letting a strong classifier ...", "Specifically, we ...".
MECHANISM = re.compile(
    r"^(?:specifically|more specifically|to this end|in particular|concretely|first|then|"
    r"during|at runtime|at inference)\b"
    r"|\b(?:by|via|through) (?:\w+ ){0,2}?\w+ing\b|\bby (?:a|an|the)\b"
    r"|\b(?:consists? of|composed of|based on|relies on|built on|comprises?|by using|works by|"
    r"in a \w+ way|so that|such that|in order to|with (?:a|an) \w+ (?:network|module|encoder|"
    r"decoder|model|loss|prior|objective))\b"
    r"|\b(?:we|it|they)\s+(?:\w+\s+)?(?:cluster|match|combin|embed|factoriz|split|stitch|fus|"
    r"aggregat|project|encod|decod|map|extract|learn|sample|select|initializ|optimiz|"
    r"distill|generat|synthesiz|prun|filter|leverag|utiliz|employ|adapt|integrat|exploit|"
    r"replac|insert)\w*\b",
    re.IGNORECASE,
)
# Where the data came from.
PROVENANCE = re.compile(
    r"\b(?:collected|sourced|gathered|crawled|scraped|obtained|taken|drawn|harvested|"
    r"downloaded|recorded|captured|originate\w*|turn to|comes? from|built from|mined)\b",
    re.IGNORECASE,
)
RESULT = re.compile(
    r"\b(?:outperform\w*|achiev\w*|improv\w*|surpass\w*|reach\w*|attain\w*|"
    r"state-of-the-art|gains?|we (?:\w+ )?(?:show|find|found|demonstrate|observe|report|"
    r"conclude|discuss|document|identify|uncover|discover|highlight|confirm|note)|"
    r"results? (?:show|indicate|demonstrate|suggest|reveal|illustrate)|"
    r"experiments? (?:show|demonstrate)|findings?|reveals?|experiments? \w+ing|"
    r"promising results|compares? favou?rably)\b",
    re.IGNORECASE,
)
# The paper's own limitations, once it speaks of itself.
LIMITATION = re.compile(
    r"\b(?:limitations?|does not|do not|cannot|insufficient|fails? to|not (?:yet|suitable|"
    r"sufficient)|future work|remains? (?:challenging|open|ahead)|lack of solutions|"
    r"(?:a |an )?(?:small |slight |modest )?(?:penalty|cost|drop) in (?:performance|accuracy)|"
    r"trade-?offs?|drawbacks?|shortcomings?|at the (?:cost|expense) of)\b",
    re.IGNORECASE,
)
# A sentence saying how something is addressed is not a problem statement, even if it names one.
SOLUTION = re.compile(
    r"\b(?:address\w*|avoid\w*|solv\w*|overcom\w*|mitigat\w*|tackl\w*|remed\w*|fix\w*|"
    r"reduc\w*|alleviat\w*)\b",
    re.IGNORECASE,
)
RESOURCE = re.compile(
    r"https?://|www\.|\b(?:is|are|will be|made) (?:publicly |freely |also )?available\b"
    r"|\bavailable (?:at|on|from)\b|\b(?:code|project page|website)\s*:",
    re.IGNORECASE,
)
# A name: a word with a capital inside or a digit after a letter ("SwAV", "ResNet-50"), or
# an acronym ("DINO", "CNN").
NAME = re.compile(r"\b[A-Za-z][a-z]*(?:[A-Z\d][\w\-]*)+\b|\b[A-Z]{2,}\b")
MIN_NAMES = 2
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A sentence giving a link is about the link when little else is left of it; a long one
# ("we propose MEDIC (Available at: https://...), the largest ... dataset") is about more.
RESOURCE_WORDS = 20
_QUESTION_END = re.compile(r"\?[\"')\]]*$")


@dataclass(frozen=True)
class Roles:
    """The roles of one sentence of an abstract."""

    background: bool = False  # before the paper speaks of itself, or about earlier work
    problem: bool = False  # a problem, gap or challenge (the paper's or the field's)
    limitation: bool = False  # a limitation the paper admits of its own work
    contribution: bool = False  # what the paper proposes, introduces, builds or studies
    method: bool = False  # about the method (what it uses, trains, learns)
    mechanism: bool = False  # says how it works ("by ...ing", "Specifically, we ...")
    provenance: bool = False  # where data came from ("collected from Flickr")
    resource: bool = False  # where code or data can be found (a link, "is available at")
    names: bool = False  # names several things ("MoCo-v2, SwAV and DINO", "CIFAR-10, ImageNet")
    result: bool = False  # what it finds
    figure: bool = False  # gives a figure
    question: bool = False  # a question ("What will happen if ...?"), never an answer

    @property
    def context(self) -> bool:
        """Background, problem or limitation: sentences that motivate or qualify the paper."""
        return (self.background or self.problem or self.limitation) and not (
            self.contribution or self.method
        )


def is_question(text: str) -> bool:
    return bool(_QUESTION_END.search(text.strip()))


def first_self_reference(sentences: Sequence[str]) -> int:
    """Index of the first sentence where the paper speaks of itself (0 if it never does)."""
    index = next((i for i, text in enumerate(sentences) if SELF.search(text)), len(sentences))
    return 0 if index == len(sentences) else index


def roles_of(sentences: Sequence[str], name: str | None = None) -> list[Roles]:
    """The roles of each sentence of one abstract, given in abstract order.

    `name` is the paper's short name: a sentence naming it ("Matcher outperforms prior
    methods") speaks of the paper as "we" would.
    """
    first_self = first_self_reference(sentences)
    named = re.compile(rf"\b{re.escape(name)}\b") if name else None
    found = []
    for index, text in enumerate(sentences):
        own = bool(SELF.search(text)) or bool(named and named.search(text))
        contribution = bool(CONTRIBUTION.search(text)) and index >= first_self
        background = index < first_self or (bool(PRIOR_WORK.search(text)) and not own)
        problem = (
            bool(PROBLEM.search(text))
            and not contribution
            and not (index >= first_self and SOLUTION.search(text))
        )
        found.append(
            Roles(
                background=background,
                problem=problem,
                limitation=index > first_self and bool(LIMITATION.search(text)),
                contribution=contribution,
                method=bool(METHOD.search(text)) and not background,
                mechanism=bool(MECHANISM.search(text)) and not background,
                provenance=bool(PROVENANCE.search(text)),
                resource=bool(RESOURCE.search(text))
                and len(_LINK.sub(" ", text).split()) < RESOURCE_WORDS,
                result=bool(RESULT.search(text)) and not background,
                figure=states_figure(text),
                question=is_question(text),
                names=len(set(NAME.findall(text))) >= MIN_NAMES,
            )
        )
    return found


@dataclass(frozen=True)
class AbstractPlan:
    """An abstract's sentences and their roles."""

    spans: tuple[Span, ...]
    roles: tuple[Roles, ...]

    def index_at(self, offset: int) -> int | None:
        """The sentence holding character `offset` of the abstract (None past the end)."""
        for index, span in enumerate(self.spans):
            if span.start <= offset < span.end or offset < span.start:
                return index
        return None

    def roles_at(self, offset: int) -> Roles:
        index = self.index_at(offset)
        return self.roles[index] if index is not None else Roles()


def plan_of(abstract: str, name: str | None = None) -> AbstractPlan:
    spans = split_sentences(abstract)
    return AbstractPlan(tuple(spans), tuple(roles_of([s.text for s in spans], name)))
