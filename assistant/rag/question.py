"""What a question asks for, read from its wording alone (pure; no library, no model).

The offline answerer (extractive.py) quotes sentences, so it needs to know which *kind* of
sentence answers: "What is X" wants the sentence that introduces or defines X, "How does X ..."
the one that says how it works, "How many ..." the one with the figure, "Why ..." or a question
about a problem or limitation the sentence that states it.  It also needs what the question
names and what it asks about, to see when the abstracts do not say it (answerability.py):

* `focus`: the noun phrase the question asks for, "What *learning rate* was used ..." or
  "How many *GPUs* ..."; words that only say a figure is wanted ("number", "size", "share") and
  words that say which kind of thing is wanted ("kind", "method", "paper") are left out;
* `names`: the proper names it uses ("DataDAM", "ImageNet-1K", "Pascal VOC"): words with a
  capital or a digit inside, or a capital anywhere but the first word.

The rules are about English question grammar, not about any paper or topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QuestionKind = Literal["figure", "how", "what", "why", "other"]

_HOW_QUANTITY = re.compile(
    r"\b(?:by )?how (?:many|much|big|large|small|long|fast|slow|often|accurate|well|close|far|"
    r"high|low|deep|wide|old|expensive|cheap|heavy)\b",
    re.IGNORECASE,
)
_HOW_LONG = re.compile(
    # "at training time" is a moment ("What choice made at training time ..."), not a duration
    r"\bhow long\b|\bhow much time\b|(?<!at )\b(?:training|wall[- ]clock|running) time\b"
    r"|\btime (?:to|it takes to) train\b"
)
_HOW = re.compile(r"\bhow\b", re.IGNORECASE)
# "How does X perform / compare / fare on Y": the results, usually figures, answer it.
_HOW_PERFORM = re.compile(
    r"\bhow (?:does|do|did|well does|well do)\b(?:\s+\S+){1,6}?\s+"
    r"(?:perform|compare|fare|score|rank)\b",
    re.IGNORECASE,
)
_WHY = re.compile(r"\bwhy\b", re.IGNORECASE)
_WHAT = re.compile(r"\b(?:what|which)\b", re.IGNORECASE)
_WH = re.compile(r"\b(what|which|how many|how much)\b", re.IGNORECASE)
_LIST = re.compile(
    # after an opening phrase too: "Apart from Tiny-ImageNet, which papers ..."
    r"^\s*(?:[^,?]{1,60},\s*)?"
    r"(?P<ask>(?:which|what|list|name)\b(?:\s+\S+){0,3}?\s+(?:papers|datasets|methods|works|"
    r"benchmarks|approaches|models|studies|techniques|architectures|strategies)\b)",
    re.IGNORECASE,
)
# A question that asks about a problem, limitation or motivation wants the sentences that state
# one, which otherwise rank below what a paper does.
_ASKS_BACKGROUND = re.compile(
    r"\b(?:why|problems?|challeng\w*|limitations?|limits?|drawbacks?|weakness\w*|"
    r"shortcomings?|issues?|wrong|fail\w*|hard|difficult\w*|motivat\w*|gaps?|lack\w*|"
    r"bias\w*|risks?|concerns?|ethic\w*|harm\w*|hurts?|flaws?|downsides?|obstacles?|"
    r"bottlenecks?|before|prior|previous|existing|background)\b",
    re.IGNORECASE,
)
_ASKS_RESULT = re.compile(
    r"\b(?:reveal\w*|show\w*|find|finds|found|conclu\w*|suggest\w*|indicat\w*|demonstrat\w*|"
    r"learn\w* about|results?|findings?|outcomes?|effects?|impacts?|perform\w*|help\w*|"
    r"benefit\w*|improv\w*|better|worse|outperform\w*|match\w*|close|gain\w*)\b"
    r"|^\s*(?:does|do|did|is|are|can|could|will|would)\b",
    re.IGNORECASE,
)
# Where something can be had: a link answers ("Where can the re-labeled set be obtained?",
# "Where is MEDIC hosted?", "What is the URL of the project page?").
_ASKS_ADDRESS = re.compile(
    r"\b(?:github|url|link|website|web ?page|project page|hosted|browse\w*)\b"
    r"|\bwhere\s+(?:can|could|may|might|is|are|do i|does one|would)\b[^?]*\b(?:obtain\w*|"
    r"found|find|access\w*|get|download\w*|available|released?|stored|kept|code|viewed)\b",
    re.IGNORECASE,
)
# Code, data or a release: a sentence giving where to get it may answer (it is quoted only then).
_ASKS_LINK = re.compile(
    r"\b(?:code|github|url|link|website|web ?page|project page|download\w*|available|"
    r"released?|open[- ]source|hosted|accessible|browse\w*)\b",
    re.IGNORECASE,
)
# Words between the wh-word and its noun phrase ("what is the ...", "which of the ...").
_LEAD = {
    "is", "are", "was", "were", "the", "a", "an", "of", "exactly", "its", "their", "his", "each",
    "every", "all", "any", "some",
}  # fmt: skip
# Words that end the noun phrase: verbs, auxiliaries, prepositions, conjunctions.
_STOP = {
    "does", "do", "did", "is", "are", "was", "were", "has", "have", "had", "can", "could",
    "will", "would", "should", "may", "might", "must", "be", "been", "being", "of", "in", "on",
    "for", "from", "to", "with", "by", "at", "about", "between", "across", "per", "during",
    "when", "after", "before", "than", "and", "or", "but", "that", "which", "who", "as",
    "into", "over", "under", "against", "within", "without", "via", "through", "it", "they",
    "this", "these", "those", "there", "we", "you", "i", "not", "reach", "achieve", "use",
    "uses", "used", "get", "gets", "need", "needs", "take", "takes", "make", "makes",
    # verbs of being, containing and happening ("how many objects *appear* in ...")
    "appear", "appears", "exist", "exists", "remain", "remains", "occur", "occurs", "happen",
    "happens", "span", "spans",
    # prepositions and adverbs beyond the common ones ("the idea *behind* X", "subjects *also*
    # belong to ...")
    "behind", "beyond", "among", "amongst", "around", "toward", "towards", "upon", "like",
    "despite", "besides", "along", "onto", "inside", "outside", "near", "above", "below",
    "beneath", "throughout", "since", "until", "also", "still", "already", "often", "usually",
    "even",
    # irregular past tenses, which the "-ed" rule below does not see ("subjects *took* part")
    "took", "won", "made", "gave", "got", "came", "went", "ran", "saw", "held", "kept", "led",
    "lost", "brought", "chose", "drew", "grew", "wrote", "spent", "sent", "began", "became",
}  # fmt: skip
# A word followed by one of these is a verb whose subject is the wh-word ("What *explains* the
# drops", "Which team *won* the cup"): the noun phrase ends before it.
_DETERMINERS = {"the", "a", "an", "its", "their", "this", "these", "those", "our"}
# Nouns that only say a figure is wanted: the figure itself answers them.
QUANTITY_NOUNS = {
    "number", "numbers", "amount", "amounts", "count", "counts", "fraction", "share",
    "proportion", "percentage", "percent", "size", "sizes", "value", "values", "total",
    "quantity", "ratio", "magnitude", "extent", "degree", "level", "levels", "figure",
    "times",  # "how many times more boxes": a ratio ("15x more boxes")
    "factor", "factors",  # "by what factor": a ratio ("10x or 100x")
    "points",  # "by how many points": a difference of percentages
}  # fmt: skip
# Nouns of measured quantities: kept in the focus (the abstract must name the measure), and they
# make the question one that a figure answers.
MEASURE_NOUNS = {
    "accuracy", "accuracies", "error", "errors", "score", "scores", "rate", "rates",
    "precision", "recall", "map", "miou", "ap", "auc", "f1", "bleu", "speed", "latency",
    "throughput", "memory", "cost", "costs", "price", "parameters", "flops", "improvement",
    "improvements", "gain", "gains", "resolution", "length", "width", "depth", "duration",
    # settings given as values ("What temperature does X use?"): a name that only contains the
    # word ("temperature-scaled cross-entropy") states no value
    "temperature", "momentum", "threshold", "probability",
}  # fmt: skip
# Nouns that say which kind of thing is wanted, not what it is about.
KIND_NOUNS = {
    "kind", "kinds", "type", "types", "sort", "sorts", "way", "ways", "form", "forms",
    "method", "methods", "approach", "approaches", "technique", "techniques", "strategy",
    "strategies", "idea", "ideas", "contribution", "contributions", "goal", "goals", "aim",
    "purpose", "reason", "reasons", "role", "part", "parts", "aspect", "aspects", "thing",
    "things", "result", "results", "finding", "findings", "paper", "papers", "work", "works",
    "study", "studies", "dataset", "datasets", "benchmark", "benchmarks", "model", "models",
    "problem", "problems", "issue", "issues", "task", "tasks", "main", "key", "new", "other",
    "specific", "different", "particular", "exact", "best", "overall", "information", "details",
    "limitation", "limitations", "challenge", "challenges", "framework", "system", "baseline",
    "baselines", "architecture", "architectures", "data", "property", "properties",
    # generic names for any learned model ("Which *network* does X surpass?"): which kind of
    # thing, like "model"; the abstract names it ("EfficientNet"), it need not say "network"
    "network", "networks", "algorithm", "algorithms",
    # a group of models or datasets ("Which other model *families* gain ..."): the abstract
    # names its members ("MobileNets, ViTs"), not the group
    "family", "families", "variant", "variants", "version", "versions",
    # category nouns an abstract fills with a member and seldom writes ("Which benchmark
    # *suite* ...": "VTAB"; "what *tool* for exploring ...": "a web-interface for dataset
    # exploration"; "which speech *technology*": "automatic speech recognition")
    "tool", "tools", "suite", "suites", "technology", "technologies", "choice", "choices",
    "option", "options", "ability", "abilities", "capability", "capabilities",
    # what a quantity or a concept is written as ("What *symbol* does X use for its metric?":
    # "K_F"): the abstract writes the symbol, seldom the word
    "symbol", "symbols", "notation", "acronym", "abbreviation",
}  # fmt: skip
# Shell nouns (Schmid 2000, "English Abstract Nouns as Conceptual Shells"): nouns that label a
# piece of content ("the *benefit* of ...", "two key *takeaways*", "what application
# *domain*") rather than name a thing.  A question headed by one describes the answer in its
# own words ("what costly step does X skip": "does not need expensive patch sampling"), and an
# abstract states that content in its words, seldom under that label: such a focus is not
# looked for word by word (stated.py).  Nouns also used for concrete things of
# these papers ("training steps", "field strength", "visual concepts") are left out.
SHELL_NOUNS = {
    "takeaway", "takeaways", "lesson", "lessons", "insight", "insights", "observation",
    "observations", "conclusion", "conclusions", "message", "messages", "fact", "facts",
    "obstacle", "obstacles", "hurdle", "hurdles", "barrier", "barriers", "difficulty",
    "difficulties", "drawback", "drawbacks", "disadvantage", "disadvantages", "advantage",
    "advantages", "benefit", "benefits", "weakness", "weaknesses", "shortcoming", "shortcomings",
    "condition", "conditions", "circumstance", "circumstances", "situation", "situations",
    "scenario", "scenarios", "domain", "domains", "area", "areas", "field", "fields",
    "application", "applications", "resource", "resources", "characteristic", "characteristics",
    "trait", "traits", "principle", "principles", "motivation", "motivations", "rationale",
    "objective", "objectives", "need", "needs", "requirement", "requirements", "trend", "trends",
    "tendency", "tendencies", "consequence", "consequences", "implication", "implications",
    "outcome", "outcomes", "cause", "causes", "element", "elements", "ingredient", "ingredients",
    "concern", "concerns", "opportunity", "opportunities", "possibility", "possibilities",
    "attempt", "attempts", "effort", "efforts", "trade-off", "trade-offs", "claim", "claims",
    "argument", "arguments", "hypothesis", "hypotheses", "assumption", "assumptions", "belief",
    "beliefs", "notion", "notions", "view", "views", "perspective", "perspectives",
}  # fmt: skip
# How many answers are wanted ("What *two* things does X produce?"), not what they are.
_COUNT_WORDS = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
}  # fmt: skip
# Adjectives that compare or judge rather than name ("how much less compute", "what is wrong").
_COMPARATIVES = {
    "less", "more", "fewer", "greater", "smaller", "larger", "higher", "lower", "wrong",
    "special", "novel", "unique", "important", "good", "bad", "better", "worse", "typical",
    "common", "usual", "right", "true", "false", "known",
    # superlatives rank what the abstract states ("the *smallest* number of samples", "the
    # *largest* model"): the abstract gives the figures, seldom the superlative itself
    "most", "least", "best", "worst",
}  # fmt: skip
# Words ending in "-est" that are not superlatives.
_NOT_SUPERLATIVE = {
    "interest", "interests", "request", "requests", "contest", "contests", "protest", "forest",
    "forests", "harvest", "manifest", "digest", "suggest", "suggests", "honest", "modest",
    "test", "tests", "latest", "nest", "rest", "west", "guest", "quest", "chest", "crest",
}  # fmt: skip


def _superlative(word: str) -> bool:
    """ "smallest", "largest", "earliest": a comparing adjective, not what is asked about."""
    lower = word.lower()
    return len(lower) > 5 and lower.endswith("est") and lower not in _NOT_SUPERLATIVE


# A word followed by a manner adverb is a verb ("Which model families *gain* similarly ..."):
# the noun phrase ends before it.  Words in "-ly" that are not adverbs are left out.
_NOT_ADVERBS = {
    "family", "assembly", "anomaly", "multiply", "monthly", "quarterly", "friendly", "butterfly",
    "italy", "supply", "apply", "reply", "rely", "only", "early", "daily", "weekly", "yearly",
}  # fmt: skip


_PLURAL = re.compile(r"[^s]s$")
# Words that follow a verb, not a noun of the phrase: "indicators come *with*", "datasets go
# *beyond*".
_VERB_FOLLOWERS = frozenset({"with", "beyond", "from", "into", "to", "up", "out", "off", "back"})
_PARTICLES = frozenset({"up", "out", "off", "back"})


def _adverb(word: str) -> bool:
    lower = word.lower()
    return len(lower) >= 7 and lower.endswith("ly") and lower not in _NOT_ADVERBS


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'+&\-./^]*")  # "SRe^2L" is one name
_NAME_INSIDE = re.compile(r"^.+[A-Z]|\d")
MAX_FOCUS_WORDS = 4


@dataclass(frozen=True)
class Question:
    """What a question asks for (see the module docstring)."""

    text: str
    kind: QuestionKind  # of its first interrogative construction
    kinds: frozenset[QuestionKind]  # of all of them ("What is X and how does it ...")
    wants_list: bool
    wants_background: bool
    wants_duration: bool
    wants_result: bool  # "What does X show / find", "Does X help": findings answer it
    wants_link: bool  # mentions code, data, a release or a link: a link sentence may answer
    wants_names: bool  # "Which methods / datasets / architectures ...": names answer it
    focus: tuple[str, ...]
    names: tuple[str, ...]
    figure_focus: bool = False  # the focus is counted or measured: a figure must come with it
    wh: str = ""  # the wh-words the focus follows: "what", "which", "how many", "how much"
    wants_address: bool = False  # asks where to get something: a link is the answer

    @property
    def wants_figure(self) -> bool:
        return "figure" in self.kinds


def _words(text: str) -> list[str]:
    """Words with trailing sentence punctuation and possessives removed."""
    words = []
    for raw in _WORD.findall(text):
        word = raw.rstrip(".,;:/")
        if word.lower().endswith("'s"):
            word = word[:-2]
        if word:
            words.append(word)
    return words


def names_in(text: str) -> tuple[str, ...]:
    """The proper names of a question ("DataDAM", "Pascal", "VOC", "fMRI-3D", "IndicSTR12").

    A capital opening a sentence ("What is X? How much ...") is not a name.
    """
    found: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", text):
        for name in _names_in_sentence(sentence):
            if name not in found:
                found.append(name)
    return tuple(found)


def _names_in_sentence(text: str) -> list[str]:
    found: list[str] = []
    for position, word in enumerate(_words(text)):
        if word == "I":
            continue
        capital = word[0].isupper() and position > 0
        if (
            (capital or _NAME_INSIDE.search(word))
            and any(c.isupper() for c in word)
            and word not in found
        ):
            found.append(word)
    return found


def _clause_starts(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of `pattern` that open a question of their own, not a clause inside one.

    "How does X decide *how much* to prune" asks how, not how much; "..., *what* fraction" and
    "How is X annotated, and *how many* boxes ..." ask again.
    """
    found = []
    for match in pattern.finditer(text):
        before = text[: match.start()].rstrip()
        if (
            len(before.split()) <= 2
            or before.endswith((",", ";", ":", "?", ".", "!"))
            or re.search(r"\b(?:and|or|but)$", before, re.IGNORECASE)
        ):
            found.append(match)
    return found


_VERB_BEFORE_POSSESSIVE = re.compile(r"\s*([a-z]+[^\Ws]s)\s+[\w.+-]+['’]s\b")


def _phrase(text: str) -> list[str]:
    """The words of the noun phrase after the first "what / which / how many / how much".

    It ends at a verb, auxiliary, preposition or conjunction, at a past participle after its
    first word ("What is PatternNet *designed* ..."), and after a plural kind noun, which in
    "Which papers study ..." is the phrase's head.
    """
    starts = _clause_starts(text, _WH)
    if not starts:
        return []
    rest = re.split(r"[?!]|\.(?:\s|$)", text[starts[0].end() :], maxsplit=1)[0]
    verb = _VERB_BEFORE_POSSESSIVE.match(rest)
    if verb and verb.group(1).lower() not in KIND_NOUNS | MEASURE_NOUNS | QUANTITY_NOUNS:
        return []  # "What *motivates* CIFAKE's effort ...": the wh-word is the subject
    words = _words(rest)
    # "On which year's ImageNet dataset ...": the wh-word asks for the possessor, a year.
    possessor = next(
        (i for i, raw in enumerate(_WORD.findall(rest)) if raw.lower().endswith("'s")), None
    )
    if possessor is not None:
        words = words[: possessor + 1]
    index = 0
    while index < len(words) and words[index].lower() in _LEAD:
        index += 1
    phrase: list[str] = []
    rest_words = words[index:]
    leading = False
    for position, word in enumerate(rest_words):
        lower = word.lower()
        if lower == "of" and phrase and all(w.lower() in QUANTITY_NOUNS for w in phrase):
            # "What share of the LGS products ...": the phrase is what the share is of
            phrase, leading = [], True
            continue
        if leading and lower in _LEAD:
            continue
        leading = False
        if lower in _STOP or len(phrase) == MAX_FOCUS_WORDS:
            break
        following = rest_words[position + 1].lower() if position + 1 < len(rest_words) else ""
        if following in _DETERMINERS or (phrase and _adverb(following)):
            break
        if (
            phrase
            and _PLURAL.search(phrase[-1])
            and not _PLURAL.search(word)
            and following in _VERB_FOLLOWERS
        ):
            break  # "Which popularity indicators *come* with ...": a verb after its subject
        if not phrase and _PLURAL.search(word) and following in _PARTICLES:
            return []  # "What *turns out* to be ...": the wh-word is the subject
        if phrase and len(lower) > 4 and lower.endswith("ed"):
            break
        phrase.append(word)
        if lower in KIND_NOUNS and lower.endswith("s") and len(phrase) > 0:
            break
    return phrase


def asked_phrase(text: str) -> tuple[str, ...]:
    """The words of the asked noun phrase, kind nouns included ("image datasets")."""
    return tuple(_phrase(text))


_COUNTED_KINDS = {
    "models", "architectures", "datasets", "benchmarks", "baselines", "networks", "algorithms",
    "methods", "techniques", "frameworks", "tasks", "papers", "studies", "works", "backbones",
}  # fmt: skip


def focus_of(text: str) -> tuple[str, ...]:
    """The asked noun phrase without the words that only say what kind of answer is wanted."""
    phrase = _phrase(text)
    starts = _clause_starts(text, _WH)
    # "How many models make up the ensemble?": the things counted are the focus, kind noun or
    # not ("models", "datasets"; an abstract's "two key challenges" may answer "how many
    # problems", so kinds of content stay out).
    counted = (
        phrase[-1]
        if phrase
        and starts
        and starts[0].group(1).lower() == "how many"
        and phrase[-1].lower() in _COUNTED_KINDS
        else ""
    )
    return tuple(
        w
        for w in phrase
        if w.lower() not in QUANTITY_NOUNS
        and not re.fullmatch(r"[\d,.]+", w)  # "how many of the 114 publications": given
        and (w.lower() not in KIND_NOUNS or w is counted)
        and w.lower() not in _COMPARATIVES
        and w.lower() not in _COUNT_WORDS
        and not _superlative(w)
    )


def _asks_for_quantity_noun(text: str) -> bool:
    """ "What share of ...", "What top-1 accuracy ...": the phrase itself wants a figure."""
    starts = _clause_starts(text, _WH)
    if not starts or starts[0].group(1).lower() not in ("what", "which"):
        return False
    if _QUANTITY_OF.match(text[starts[0].end() :]):
        return True  # "What share of the products ...": the share is the figure asked
    return any(w.lower() in QUANTITY_NOUNS or w.lower() in MEASURE_NOUNS for w in _phrase(text))


_QUANTITY_OF = re.compile(
    r"\s+(?:(?:is|are|was|were)\s+)?(?:the\s+|an?\s+)?(?:\w+\s+)?(?:"
    + "|".join(sorted(QUANTITY_NOUNS))
    + r")\s+of\b",
    re.IGNORECASE,
)


def _kinds(text: str) -> list[tuple[int, QuestionKind]]:
    """Each interrogative construction of `text` with where it starts, in text order."""
    found: list[tuple[int, QuestionKind]] = []
    taken: set[int] = set()
    for match in _clause_starts(text, _HOW_QUANTITY):
        found.append((match.start(), "figure"))
        taken.add(match.start() + (3 if match.group().lower().startswith("by ") else 0))
    for match in _clause_starts(text, _HOW_PERFORM):
        found.append((match.start(), "figure"))
        taken.add(match.start())
    for match in _clause_starts(text, _WHY):
        found.append((match.start(), "why"))
    for match in _clause_starts(text, _HOW):
        if match.start() not in taken:
            found.append((match.start(), "how"))
    for match in _clause_starts(text, _WHAT):
        rest = text[match.start() :]
        found.append((match.start(), "figure" if _asks_for_quantity_noun(rest) else "what"))
    return sorted(found)


def analyse(text: str) -> Question:
    """Read what `text` asks for."""
    text = " ".join(text.split())
    constructions = _kinds(text)
    kind: QuestionKind = constructions[0][1] if constructions else "other"
    return Question(
        text=text,
        kind=kind,
        kinds=frozenset(k for _, k in constructions) or frozenset({"other"}),
        wants_list=bool(_LIST.search(text)),
        wants_background=bool(_ASKS_BACKGROUND.search(text)),
        wants_duration=bool(_HOW_LONG.search(text.lower())),
        wants_result=bool(_ASKS_RESULT.search(text)),
        wants_link=bool(_ASKS_LINK.search(text) or _ASKS_ADDRESS.search(text)),
        wants_address=bool(_ASKS_ADDRESS.search(text)),
        wants_names=_asks_for_names(text),
        focus=focus_of(text),
        names=names_in(text),
        figure_focus=_figure_focus(text),
        wh=starts[0].group(1).lower() if (starts := _clause_starts(text, _WH)) else "",
    )


# The verbs with which a list question says what the papers it asks for do ("Which papers
# *report results for* ...", "*took part in or ran* ..."), and the small words between them:
# the researcher's frame, in no abstract's words.  What follows them is the topic.
FRAME_VERBS = {
    "report", "reports", "evaluate", "evaluates", "propose", "proposes", "present", "presents",
    "introduce", "introduces", "deal", "deals", "address", "addresses", "discuss", "discusses",
    "describe", "describes", "consider", "considers", "focus", "focuses", "look", "looks",
    "explore", "explores", "investigate", "investigates", "examine", "examines", "analyse",
    "analyses", "analyze", "analyzes", "study", "studies", "try", "tries", "aim", "aims",
    "use", "uses", "rely", "relies", "depend", "depends", "involve", "involves", "run", "runs",
    "ran", "take", "takes", "took", "part", "tackle", "tackles", "cope", "copes", "care",
    "cares", "worry", "worries", "provide", "provides", "offer", "offers", "release",
    "releases", "share", "shares", "build", "builds", "work", "works", "experiment",
    "experiments", "results", "numbers", "compare", "compares", "measure", "measures",
    "mention", "mentions", "show", "shows", "give", "gives", "include", "includes",
}  # fmt: skip
_FRAME_PARTICLES = {
    "on", "in", "with", "for", "about", "to", "of", "or", "and", "a", "an", "the", "their",
    "its", "from", "at",
}  # fmt: skip
# Nouns a list question asks for that say only "papers": not the topic either.
_WORK_NOUNS = {"papers", "paper", "works", "studies", "articles"}


def frame_words(text: str) -> tuple[str, ...]:
    """A list question's frame: the work noun it asks for ("Which *papers*") and the verbs
    and small words right after it ("*report results for* mobile-sized networks"); empty for
    any other question."""
    match = _LIST.search(text)
    if not match:
        return ()
    head = _words(match.group("ask"))
    frame = [w for w in head if w.lower() in _WORK_NOUNS]
    for word in _words(text[match.end() :]):
        lower = word.lower()
        if lower not in FRAME_VERBS and lower not in _FRAME_PARTICLES:
            break
        frame.append(word)
    return tuple(frame)


# Plural nouns of things that have names: "Which *architectures* can X be applied to?".
NAMED_THINGS = {
    "methods", "models", "architectures", "datasets", "benchmarks", "baselines", "techniques",
    "networks", "backbones", "tasks", "metrics", "algorithms", "languages", "frameworks",
    "tools", "libraries", "detectors", "classifiers", "encoders", "losses", "optimizers",
}  # fmt: skip


# The same things one at a time: "Which *network* does X surpass?" wants the one it names.
NAMED_THING = {
    "method", "model", "architecture", "dataset", "benchmark", "baseline", "technique",
    "network", "backbone", "metric", "algorithm", "language", "framework", "tool", "library",
    "detector", "classifier", "encoder", "loss", "optimizer",
}  # fmt: skip


def _asks_about(text: str, wh: tuple[str, ...], nouns: set[str] | frozenset[str]) -> bool:
    """Whether the first wh-word of `text` is one of `wh` and its noun phrase holds one of
    `nouns`."""
    starts = _clause_starts(text, _WH)
    if not starts or starts[0].group(1).lower() not in wh:
        return False
    return any(w.lower() in nouns for w in _phrase(text))


def _asks_for_names(text: str) -> bool:
    return _asks_about(text, ("what", "which"), NAMED_THINGS)


def asks_for_names(text: str) -> bool:
    """ "On which datasets was X evaluated?", "Which SSL algorithm pretrains ...": a "which"
    question about named things, one or several (the sentence answering it names them)."""
    return _asks_about(text, ("which",), NAMED_THINGS | NAMED_THING)


def asks_for_one_name(text: str) -> bool:
    """ "Which network does X surpass?", "Which multimodal language model was trained on
    Y?": a "which" question about one named thing, answered by the sentence that names it."""
    return _asks_about(text, ("which",), NAMED_THING)


def _figure_focus(text: str) -> bool:
    """Whether the focus is what a figure counts or measures ("how many GPUs", "what accuracy")."""
    starts = _clause_starts(text, _WH)
    if not starts:
        return False
    if starts[0].group(1).lower() in ("how many", "how much"):
        return True
    return _asks_for_quantity_noun(text)


# "According to the Visual Genome paper, ...", "In the surgical self-supervised learning study,
# ...", "..., according to the MAMe paper?": a clause that says which paper answers, not what
# it says.  Its words pick out the paper (retrieval keeps them) but not its answering sentence.
_FRAME_LEAD = re.compile(
    r"^(?:according to|in|within|for|from)\s+(?:the|this|that)\s+[^,]{0,100}?\b"
    r"(?:study|paper|work|article|survey|analysis|authors?|abstract|report)\b[^,]*,\s*",
    re.IGNORECASE,
)
_FRAME_TAIL = re.compile(
    r",?\s+(?:according to|as reported (?:in|by)|as stated in)\s+(?:the|this|its)\s+"
    r"[^,?]{0,100}?\b(?:study|paper|work|article|authors?|abstract)\b[^?]*(?=\?\s*$)",
    re.IGNORECASE,
)


def frame_of(text: str) -> str:
    """The clause of `text` that only says which paper answers it ("According to the X
    paper, ..."), or ""."""
    found = _FRAME_LEAD.search(text) or _FRAME_TAIL.search(text)
    return found.group() if found else ""
