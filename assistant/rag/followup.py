"""Follow-up questions: which ones lean on the conversation, and the query searched for them.

A question is rewritten only when it depends on the previous turn (`depends_on_previous`):

* it refers back to something it has not named itself (in an earlier clause): "How many
  images does *it* contain?",
  "What do *these* datasets cover?", "How much does *it* improve on CIFAR100?";
* it says so: "What about NWPU-RESISC45?", "How about FAIR1M?", "And on ImageNet?";
* it is an ellipsis: nothing but what is asked is left, "How many classes?", "Which accuracy?".

A question that names its own subject (a name such as "DIOR" or "LAION-5B", or enough topic
words of its own: "Which datasets were built for remote sensing?") is searched as it is, even
after many turns: a topic switch must not inherit the history.

With an LLM the `condense` prompt rewrites a dependent question over the last few turns
(engine.py).  Offline there is no model to resolve references, so the previous turn's *subject*
(`previous_subject`: its names, or its topic words) is merged in, and only that: never the
previous query, whose own merge would snowball turn after turn ("What is DIOR?" after five
turns must search for DIOR, not for the whole conversation).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.rag.citations import strip_markers
from assistant.rag.question import KIND_NOUNS, MEASURE_NOUNS, QUANTITY_NOUNS, names_in
from assistant.rag.scoring import query_terms, terms
from assistant.types import Answer

MAX_STANDALONE_CHARS = 500
MAX_SUBJECT_NAMES = 3
MAX_SUBJECT_WORDS = 5

# "What about X?", "How about X?", "And X?", "What of X?": the previous question, asked of X.
_WHAT_ABOUT = re.compile(
    r"^\s*(?:and\s+)?(?:what|how)\s+(?:about|of)\s+(?P<rest>.+?)\s*[?.!]*\s*$"
    r"|^\s*and\s+(?P<and_rest>(?:for|on|in|with|of|the|its|their)\b.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# Words that stand for something said before.
# ("that" is left to _THE_NOUN: as a conjunction it refers to nothing).
_PRONOUN = re.compile(r"\b(?:it|its|they|them|their|theirs|he|she|his|her)\b", re.IGNORECASE)
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those|the\s+same|the\s+former|the\s+latter|the\s+above|the\s+previous|"
    r"the\s+first\s+one|the\s+second\s+one)\b",
    re.IGNORECASE,
)
_THE_NOUN = re.compile(  # "that" only before such a noun: "so that" is no reference
    r"\b(?:the|that|this|these|those)\s+(?:paper|papers|dataset|datasets|method|methods|model|models|approach|"
    r"study|work|authors|benchmark|benchmarks|abstract)\b"
    r"(?!\s+(?:on|about|of|that|which|who|by|for)\b)",  # "the paper on X" says which
    re.IGNORECASE,
)
_LEADING_TIE = re.compile(r"^\s*(?:and|so|also|then)\b[\s,]*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9][\w\-]*")
_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|or|but)\b", re.IGNORECASE)
# What introduces the thing a later pronoun stands for: "a dataset so large that it ...", or a
# work named by what it is about ("the study of dataset values ... in its corpus").
_INTRODUCED = re.compile(
    r"\b(?:a|an|any)\s+[a-z][\w-]*"
    r"|\bthe\s+(?:paper|dataset|method|model|approach|study|work|benchmark|survey|analysis|"
    r"framework)s?\s+(?:on|about|of|by|for|that|which|who)\s+[a-z]",
    re.IGNORECASE,
)
# Topic words that only say what is asked, not about what: "How many *images*?" has no subject.
_ASKED_ONLY = (
    " ".join(QUANTITY_NOUNS | MEASURE_NOUNS | KIND_NOUNS)
    + " images image classes class categories category videos frames samples instances pairs"
    " annotations objects boxes labels hours languages subjects scenes train trained training"
    " evaluate evaluated evaluation test tested contain contains include includes compare"
    " compared perform performance big large small many much long old year years released"
    " introduce introduced propose proposed use used"
)


@lru_cache(maxsize=1)
def _asked_only_terms() -> frozenset[str]:
    return terms(_ASKED_ONLY)


def what_about(question: str) -> str | None:
    """X of "What about X?" / "And for X?", None for any other question."""
    match = _WHAT_ABOUT.match(question)
    if not match:
        return None
    return (match.group("rest") or match.group("and_rest") or "").strip() or None


# What an ellipsis may ask with nothing else: "By how much?", "Why?", "How well?"
_BARE_WORDS = "much many well long often far why how"


@lru_cache(maxsize=1)
def _bare_terms() -> frozenset[str]:
    return terms(_BARE_WORDS)


def _bare(question: str) -> bool:
    """An ellipsis that asks nothing of its own: it asks the previous question again."""
    return not names_in(question) and query_terms(question) <= _bare_terms()


def _first_reference(question: str) -> int | None:
    """Where the first word that stands for something said before starts, if any."""
    found = [m.start() for p in (_PRONOUN, _THE_NOUN, _DEMONSTRATIVE) if (m := p.search(question))]
    return min(found) if found else None


def refers_back(question: str) -> bool:
    """Whether the question uses a word that stands for something said before."""
    return _first_reference(question) is not None


def depends_on_previous(question: str) -> bool:
    """Whether `question` leans on the previous turn (see the module docstring)."""
    if what_about(question) is not None:
        return True
    referring = _first_reference(question)
    if referring is None:  # no referring word: an ellipsis unless it names something
        return not names_in(question) and not (query_terms(question) - _asked_only_terms())
    # What the referring word can stand for must come before it: "What is DIOR and how many
    # images does it have?" and "Which datasets were built for remote sensing, and how large
    # are they?" state their subject; "How much does it improve on CIFAR100?" does not.
    before = question[:referring]
    if names_in(before) or _INTRODUCED.search(before):
        return False  # "Is there *a dataset* so large that it ..." introduces what "it" is
    # A referring word in a later clause stands for the topic of an earlier one ("What is
    # bilateral equivalence and why does it hurt ..."); in its own clause it points back
    # ("Which self-supervised methods can be pretrained on it?").
    earlier = _CLAUSE_BREAK.split(before)[:-1]
    return not any(query_terms(clause) - _asked_only_terms() for clause in earlier)


def _rewritten(turn: Answer) -> bool:
    return bool(turn.standalone_query) and turn.standalone_query != turn.question


def previous_subject(history: Sequence[Answer]) -> str | None:
    """What the conversation is about at its last turn: the names the last question asked about
    (or, for a follow-up, the subject it inherited), else its own topic words."""
    for turn in reversed(history):
        if _bare(turn.question):
            continue  # "By how much?" is about what the question before it was about
        own = names_in(turn.question)
        if _rewritten(turn):
            # "How much does it improve on CIFAR100?" is still about what "it" stood for
            inherited = [n for n in names_in(turn.standalone_query or "") if n not in own]
            if inherited:
                return " ".join(inherited[:MAX_SUBJECT_NAMES])
            if not own:
                continue  # a follow-up without names: its subject is the one before
        if own:
            return " ".join(own[:MAX_SUBJECT_NAMES])
        wanted = query_terms(turn.question)
        words = [
            w
            for w in _WORD.findall(turn.question)
            if terms(w) & wanted and not terms(w) <= _asked_only_terms()
        ]
        if words:
            return " ".join(dict.fromkeys(words[:MAX_SUBJECT_WORDS]))
    return None


def _asked_question(history: Sequence[Answer]) -> int | None:
    """Index of the last turn that asked something of its own (not "What about X?", not "Why?")."""
    for index in range(len(history) - 1, -1, -1):
        question = history[index].question
        if what_about(question) is None and not _bare(question):
            return index
    return None


def _appended(question: str, subject: str) -> str:
    """An ellipsis asked of `subject`: "How many classes?" -> "How many classes in DIOR?".

    Read as a phrase of the question ("in DIOR"), not a bracketed aside ("(DIOR)"), which the
    question analysis would read as part of the asked thing ("classes DIOR"): an "and", "so" or
    "also" that only ties it to the turn before goes."""
    core = _LEADING_TIE.sub("", question).strip().rstrip(" ?.!")
    return f"{core[:1].upper()}{core[1:]} in {subject}?"


def _replace_subject(question: str, old: str, new: str) -> str:
    if old and old.lower() in question.lower():
        at = question.lower().index(old.lower())
        return question[:at] + new + question[at + len(old) :]
    return _appended(question, new)


def _substitute(question: str, subject: str) -> str:
    """The question with its first referring word replaced by `subject`, or `subject` added."""
    pronoun = _PRONOUN.search(question)
    phrase = _THE_NOUN.search(question) or _DEMONSTRATIVE.search(question)
    candidates = [m for m in (pronoun, phrase) if m is not None]
    if candidates:
        first = min(candidates, key=lambda m: m.start())
        word = first.group().split()[0].lower()
        if first is pronoun and word in {"its", "their", "theirs", "his", "her"}:
            replacement = f"{subject}'s"
        elif first is pronoun:
            replacement = subject
        else:  # "this dataset" -> "this dataset (DIOR)"
            return f"{question[: first.end()]} ({subject}){question[first.end() :]}"
        return f"{question[: first.start()]}{replacement}{question[first.end() :]}"
    return _appended(question, subject)


def heuristic_standalone(question: str, history: Sequence[Answer]) -> str:
    """The offline rewrite: the previous turn's subject merged in, only when it is needed."""
    if not history or not depends_on_previous(question):
        return question
    new_subject = what_about(question)
    if new_subject is not None:
        asked = _asked_question(history)
        if asked is None:
            return question
        old = previous_subject(history[: asked + 1]) or ""
        # its standalone form holds at most the one subject it inherited, never a chain
        asked_text = history[asked].standalone_query or history[asked].question
        return _replace_subject(asked_text, old, new_subject)
    if _bare(question):
        # "By how much?" after "Which network does BossNet-T surpass?": the question before,
        # asked again, is all there is to search; its standalone form holds at most the one
        # subject it inherited, and a run of "Why?"s goes back to it, never through each other.
        asked = _asked_question(history)
        if asked is not None:
            before = history[asked].standalone_query or history[asked].question
            return f"{question.strip()} {before}"
    return with_previous_subject(question, history) or question


def own_words_in(question: str, text: str) -> bool:
    """Whether at least half the question's own words (not the merged subject) occur in `text`:
    "annotators" of "How were the annotators picked?" in UHD-IQA's abstract.  A question after
    "What is MVImgNet?" whose words MVImgNet's abstract mostly lacks ("What is the boiling
    point of water?": only "point") is another topic, however relevant the subject's name
    makes the merged query."""
    own = query_terms(question) - _bare_terms()
    return bool(own) and 2 * len(own & terms(text)) >= len(own)


def with_previous_subject(question: str, history: Sequence[Answer]) -> str | None:
    """`question` with the previous turn's subject merged in, None when there is none."""
    subject = previous_subject(history)
    return None if subject is None else _substitute(question, subject)


def second_try(question: str, history: Sequence[Answer]) -> str | None:
    """What the engine searches when `question`, searched as asked, is not answered by the
    library: the previous turn's subject merged into a question that names nothing ("How were
    the annotators picked?" after "What is UHD-IQA?"); None for a question that names its
    subject.  A question the library answers as asked is never rewritten this way."""
    return None if names_in(question) else with_previous_subject(question, history)


def history_turns(history: Sequence[Answer]) -> list[tuple[str, str]]:
    """(question, answer text without markers) of each earlier turn (the condense prompt keeps
    the last few: prompts.HISTORY_TURNS)."""
    return [(turn.question, strip_markers(turn.text)) for turn in history]


def clean_rewrite(reply: str, question: str) -> str:
    """The model's rewrite, or the original question when the reply is unusable."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return question
    text = re.sub(r"^(standalone question|question)\s*:\s*", "", lines[0], flags=re.IGNORECASE)
    text = text.strip().strip('"“”').strip()
    if not text or len(text) > MAX_STANDALONE_CHARS:
        return question
    return text
