"""Citation markers in an answer: finding them, and checking each cited sentence against its source.

Markers look like `[1]`, `[1, 3]`, `[1-3]`, `[1][2]`, `[1; 2]`, `[Source 2]`.  A bracketed number of
1000 or more on its own is a year (`[2020]`), not a marker; `[a]` and `[see above]` are text.

Checking (`verify`) is pure: the embedder and the term weights are passed in.  Each answer
sentence is scored against the passages it cites: support = LEXICAL_WEIGHT x (weighted share of
the sentence's terms found in the cited passages, title included) + (1 - LEXICAL_WEIGHT) x (best
cosine between the sentence and one sentence of a cited passage).  A high score only says the
sentence is about what the passage is about, so rules look at it too, in this order:

1. its figures, compared as quantities (quantities.py): "3 billion" is not "1.4 billion" and
   not the "3" of "3 datasets"; and each stated for the item the source states it for
   (figure_binding.py: not SVT-H-B's 85.2% given to SVT-H-L, no swapped "respectively");
2. its names: one the cited source never mentions is not in the source, or the wrong paper
   when another source is where it comes from (entailment.py);
3. negation and direction: "contains images of people" against "no images of people",
   "decreases" against "increases";
4. overclaims: "every", "only", "first", "largest", "state of the art", "outperforms" where the
   source hedges;
5. no run of words the source never uses (an added detail).

No rule decides alone: the verdict (verdict.py, a logistic regression fitted on hand-labelled
pairs) weighs every rule's finding with the scores, since each rule also fires on some faithful
paraphrases.  When it says unsupported, the first rule that fired gives the sentence its `reason`
(types.UnsupportedReason) and `note`, or, when none did, "not in the source" (weak support), or
the wrong paper when another source covers the claim clearly better.

Markers are never renumbered and the text is never rewritten, so what was streamed is what is
stored; a marker that points to no source is listed in `invalid_markers`, is not trusted as a
citation, and the sentence carrying it is flagged.  Only markers that resolve to a retrieved
source count, so text inside an abstract cannot fake a citation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from assistant.rag import entailment, figure_binding, quantities, verdict
from assistant.rag.embeddings import Embedder
from assistant.rag.scoring import (
    TermWeights,
    UniformWeights,
    cosines,
    coverage,
    terms_many,
)
from assistant.rag.sentences import Span, split_sentences
from assistant.types import REASON_LABELS, AnswerSentence, Citation, Source, UnsupportedReason

# A citation (one cited passage) counts as backing its sentence when its support reaches this;
# whether the sentence is supported is the verdict's (verdict.py), which weighs the support with
# what the rules found.  Paraphrases of the cited abstract score 0.68-0.92 with the local MiniLM
# embedder, the same claims citing a neighbouring paper 0.10-0.44.
SUPPORT_THRESHOLD = 0.5
# "all": every check; "grounding": figures and names only (see `verify`).
CheckScope = Literal["all", "grounding"]
LEXICAL_WEIGHT = 0.5
YEAR_FROM = 1000  # a bracketed number this large is a year, not a source
MAX_RANGE = 50  # `[1-400]` is not a citation range

_NUM = r"\d{1,4}"
_LABEL = r"(?:(?:sources?|refs?\.?|references?)\s*)?"
_SEP = r"\s*(?:,|;|\band\b|[-–—])\s*"
MARKER = re.compile(
    rf"\[\s*{_LABEL}({_NUM}(?:{_SEP}{_LABEL}{_NUM})*)\s*\]",
    re.IGNORECASE,
)
_PIECE_SEP = re.compile(r"\s*(?:,|;|\band\b)\s*", re.IGNORECASE)
_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
_LABEL_WORDS = re.compile(r"(?:sources?|refs?\.?|references?)\s*", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-*•+]\s+|\d{1,2}[.)]\s+|#{1,6}\s+)")
_ABOUT_SOURCES = re.compile(
    r"\b(?:the |these |provided |retrieved )*(?:sources?|passages?|abstracts?|papers?|library)\s+"
    r"(?:do|does|did)\s*(?:not|n't)\b"
    r"|\bnot (?:mentioned|covered|discussed|stated|reported|addressed|specified)\b"
    r"|\bno (?:information|evidence|mention|details?)\b",
    re.IGNORECASE,
)
MIN_CLAIM_TERMS = 3
VACUOUS: tuple[UnsupportedReason, str] = (
    "vacuous",
    "name what each source states, with its figures or names",
)
# A claim the cited passage supports this weakly is about another paper when an uncited source
# of another paper covers this much more of its terms.
WRONG_PAPER_MARGIN = 0.25


@dataclass(frozen=True)
class Marker:
    """A citation marker at `text[start:end]`; `numbers` are the sources it names, in order."""

    start: int
    end: int
    text: str
    numbers: tuple[int, ...]
    malformed: bool = False


def _parse_body(body: str) -> tuple[tuple[int, ...], bool]:
    found: list[int] = []
    malformed = False
    for piece in _PIECE_SEP.split(_LABEL_WORDS.sub("", body)):
        piece = piece.strip()
        ranged = _RANGE.match(piece)
        if ranged:
            low, high = int(ranged.group(1)), int(ranged.group(2))
            if low <= high and high - low < MAX_RANGE:
                found.extend(range(low, high + 1))
            else:
                malformed = True
        elif piece.isdigit():
            found.append(int(piece))
        else:
            malformed = True
    return tuple(dict.fromkeys(found)), malformed


def find_markers(text: str) -> list[Marker]:
    """Every citation marker in `text`, in order (years in brackets are skipped)."""
    markers: list[Marker] = []
    for match in MARKER.finditer(text):
        numbers_, malformed = _parse_body(match.group(1))
        if numbers_ and all(n >= YEAR_FROM for n in numbers_) and not malformed:
            continue
        markers.append(Marker(match.start(), match.end(), match.group(), numbers_, malformed))
    return markers


def strip_markers(text: str) -> str:
    """`text` without its markers (and without the space before each)."""
    pieces: list[str] = []
    cursor = 0
    for marker in find_markers(text):
        pieces.append(text[cursor : marker.start].rstrip(" "))
        cursor = marker.end
    pieces.append(text[cursor:])
    return "".join(pieces).strip()


SentenceRole = Literal["auto", "remark", "vacuous"]


@dataclass(frozen=True)
class MarkedSentence:
    """A sentence of the answer with the markers that belong to it.

    `role` is "auto" for a sentence the check classifies itself; reply.py marks a model's
    abstention and meta sentences "remark" (never a claim) and an empty claim about "the
    sources" "vacuous" (always flagged).
    """

    span: Span
    markers: tuple[Marker, ...]
    role: SentenceRole = "auto"

    @property
    def claim(self) -> str:
        """The sentence without markers or a list bullet: what is checked against sources."""
        return _BULLET.sub("", strip_markers(self.span.text)).strip()


def answer_sentences(text: str) -> list[MarkedSentence]:
    """Sentences of an answer, each with its markers.

    Markers opening a sentence ("... as shown. [2] Next ...") belong to the previous one.
    """
    markers = find_markers(text)
    spans = split_sentences(text)
    bounds = [[span.start, span.end] for span in spans]
    for index in range(1, len(bounds)):
        cursor = bounds[index][0]
        for marker in markers:
            if marker.start == cursor:
                bounds[index - 1][1] = marker.end
                cursor = marker.end
                while cursor < len(text) and text[cursor] in " \t":
                    cursor += 1
        bounds[index][0] = min(cursor, bounds[index][1])
    sentences: list[MarkedSentence] = []
    for start, end in bounds:
        if not text[start:end].strip():
            continue
        owned = tuple(m for m in markers if start <= m.start < end)
        sentences.append(MarkedSentence(Span(text[start:end], start, end), owned))
    return sentences


@dataclass(frozen=True)
class Verification:
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    invalid_markers: tuple[str, ...]


@dataclass(frozen=True)
class _SourceText:
    sentences: list[Span]  # offsets into the paper's abstract
    terms: frozenset[str]  # of the whole passage and the paper's title
    sentence_terms: list[frozenset[str]]
    whole: str  # the paper's title and the passage text


def _source_texts(sources: Mapping[int, Source]) -> dict[int, _SourceText]:
    texts: dict[int, _SourceText] = {}
    for number, source in sources.items():
        chunk = source.passage.chunk
        spans = split_sentences(chunk.text, offset=chunk.start) or [
            Span(chunk.text, chunk.start, chunk.end)
        ]
        whole = f"{source.paper.title}. {chunk.text}"
        all_terms = terms_many([whole, *(span.text for span in spans)])
        texts[number] = _SourceText(spans, all_terms[0], all_terms[1:], whole)
    return texts


def _kind(sentence: MarkedSentence, claim_terms: frozenset[str]) -> str:
    stripped = sentence.claim
    if stripped.endswith(":") or len(claim_terms) < MIN_CLAIM_TERMS:
        return "not a claim"
    if not sentence.markers and _ABOUT_SOURCES.search(stripped):
        return "about the sources"
    return "claim"


def _note(reason: UnsupportedReason, detail: str) -> str:
    return f"{REASON_LABELS[reason]}: {detail}"


def _figure_text(figure: quantities.Quantity) -> str:
    return figure.text.strip()


# The learned verdict (verdict.py) by default; the benchmark that fits it passes its own to read
# the signals.
Decide = Callable[[Mapping[str, float]], bool]


def _check(
    claim: str,
    valid: Sequence[int],
    by_number: Mapping[int, Source],
    texts: Mapping[int, _SourceText],
    scores: tuple[float, float, float],
    wanted: frozenset[str],
    weights: TermWeights,
    checks: CheckScope = "all",
    decide: Decide = verdict.supported,
    threshold: float = SUPPORT_THRESHOLD,
) -> tuple[UnsupportedReason, str] | None:
    """Why the cited sources do not support the claim, or None (see the module docstring).

    `scores` are (support, lexical coverage, best cosine).  Every rule runs; the verdict
    weighs what they found with the scores, and the first rule that fired gives the reason.
    """
    quoting = [by_number[n] for n in valid]
    if _quotes(claim, quoting) or quoted_span(claim, quoting) is not None:
        return None
    cited = [texts[n].whole for n in valid]
    cited_papers = {by_number[n].paper.id for n in valid}
    # Names are a paper's: other passages of the cited papers count as cited.
    same_paper = [
        f"{s.paper.title}. {s.paper.abstract or s.passage.chunk.text}"
        for s in by_number.values()
        if s.paper.id in cited_papers
    ]
    others = [
        (f"[{n}]", f"{s.paper.title}. {s.passage.chunk.text}")
        for n, s in sorted(by_number.items())
        if s.paper.id not in cited_papers
    ]
    found: list[tuple[str, UnsupportedReason, str]] = []  # (signal, reason, detail), in order
    missing = quantities.unmatched(claim, cited)
    stated = quantities.quantities(claim)
    elsewhere = False
    if missing:
        for label, other in others:
            given = quantities.quantities(other)
            if all(quantities.find_match(f.claim, given) for f in missing):
                figure = _figure_text(missing[0].claim)
                found.append(
                    (
                        "figure_missing",
                        "wrong_paper",
                        f"{figure} is in {label}, not in the cited source",
                    )
                )
                elsewhere = True
                break
        else:
            first = missing[0]
            nearest = f" (the source gives {_figure_text(first.nearest)})" if first.nearest else ""
            found.append(("figure_missing", "figure", f"{_figure_text(first.claim)}{nearest}"))
    name = entailment.missing_names(claim, cited + same_paper, others)
    if checks == "grounding":
        if found:
            return found[0][1], found[0][2]
        return (name.reason, name.detail) if name is not None else None
    moved = figure_binding.misbound(claim, cited)
    if moved is not None:
        found.append(("misbound", "figure", moved.detail))
    union = frozenset().union(*(texts[n].terms for n in valid))
    unseen = weights.weight("\x00")  # what a term no passage of the library uses weighs
    rules = (
        ("name_missing", name),
        ("negation", entailment.negation_flip(claim, cited)),
        ("direction", entailment.direction_flip(claim, cited)),
        ("antonym", entailment.antonym_flip(claim, cited)),
        ("swapped", entailment.swapped_choice(claim, cited)),
        ("overclaim", entailment.overclaim(claim, cited)),
        ("added", entailment.uncovered_run(claim, union, lambda t: weights.weight(t) >= unseen)),
    )
    found += [(signal, f.reason, f.detail) for signal, f in rules if f is not None]
    support, lexical, cosine = scores
    mine = coverage(wanted, union, weights)
    better = _better_source(wanted, by_number, cited_papers, weights)
    margin = max(0.0, better[1] - mine) if better is not None else 0.0
    fired = {signal for signal, _, _ in found}
    denial, turned = entailment.polarity_disagrees(claim, cited)
    signals = {
        "denial": float(denial),
        "turned": float(turned),
        "support": support,
        "lexical": lexical,
        "cosine": cosine,
        "figures": float(bool(stated)),
        "figure_missing": len(missing) / len(stated) if stated else 0.0,
        "figure_elsewhere": float(elsewhere),
        "name_elsewhere": float(name is not None and name.reason == "wrong_paper"),
        "better": margin,
        # an added run is weighed on its own (verdict.py): heavy paraphrases have such runs
        "rules": float(sum(signal != "added" for signal, _, _ in found)),
    }
    signals.update({s: float(s in fired) for s in ("misbound", *(s for s, _ in rules))})
    if decide(signals):
        return None
    # The reason: the first rule that fired; weak support before an added detail, as a claim
    # the passage barely covers has many words it never uses.
    cited_list = ", ".join(f"[{n}]" for n in valid)
    weak = f"weak support from {cited_list} ({support:.2f})"
    weakly: tuple[UnsupportedReason, str] = ("not_in_source", weak)
    if better is not None and margin >= WRONG_PAPER_MARGIN and better[1] >= 0.5:
        weakly = ("wrong_paper", f"{weak}; [{better[0]}] says it")
    ruled = [(reason, detail) for signal, reason, detail in found if signal != "added"]
    if ruled:
        return ruled[0]
    if support < threshold or not found:
        return weakly
    return found[0][1], found[0][2]


_SPACE = re.compile(r"\s+")
_LABEL_OPENING = re.compile(r"^[^:]{1,80}:\s+")  # "DataDAM: ..." as extractive answers open
MIN_QUOTE = 20


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip().rstrip(".").strip()


# "This dataset [NWPU-RESISC45] contains ...": the name the offline answerer inserts for a
# referent (referents.py) is ours, not the abstract's; a quote is a quote without it.
_INSERTED_NAME = re.compile(r"\s\[(?!\s*(?:sources?|refs?\.?|references?)?\s*\d)[^\]\n]{1,80}\]")


def _quotes(claim: str, cited: Sequence[Source]) -> bool:
    """Whether the claim is a verbatim sentence of a cited passage (with or without a leading
    "Paper: " label): a quote cannot misstate its source, whatever its words look like."""
    passages = [_flat(s.passage.chunk.text) for s in cited]
    passages += [_flat(s.paper.abstract) for s in cited if s.paper.abstract]
    for candidate in (_flat(claim), _flat(_LABEL_OPENING.sub("", claim))):
        if len(candidate) >= MIN_QUOTE and any(candidate in p for p in passages):
            return True
    return False


def quoted_span(claim: str, cited: Sequence[Source]) -> tuple[Source, int, int] | None:
    """Where in a cited abstract the claim stands word for word: (source, start, end), or None.

    The claim may open with a "Paper: " label and carry names inserted for its referents; the
    abstract's own spacing may differ (line breaks), so the match is made on words.
    """
    bare = _INSERTED_NAME.sub("", claim)
    for candidate in (_LABEL_OPENING.sub("", bare), bare):
        words = _flat(candidate).split(" ")
        if len(" ".join(words)) < MIN_QUOTE:
            continue
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        for source in cited:
            abstract, chunk = source.paper.abstract or "", source.passage.chunk
            # in the cited passage first: a sentence an abstract repeats is quoted from there
            found = pattern.search(abstract, chunk.start, chunk.end) or pattern.search(abstract)
            if found:
                return source, found.start(), found.end()
    return None


@lru_cache(maxsize=512)
def _abstract_starts(abstract: str) -> tuple[int, ...]:
    return tuple(span.start for span in split_sentences(abstract))


def abstract_sentence(abstract: str, offset: int) -> int | None:
    """1-based number of the abstract sentence holding `offset` (None outside the abstract)."""
    if not abstract or not 0 <= offset < len(abstract):
        return None
    return max(1, bisect.bisect_right(_abstract_starts(abstract), offset))


def _better_source(
    wanted: frozenset[str],
    by_number: Mapping[int, Source],
    cited_papers: set[str],
    weights: TermWeights,
) -> tuple[int, float] | None:
    """The uncited source of another paper that covers most of the claim's terms."""
    best: tuple[int, float] | None = None
    for n, source in sorted(by_number.items()):
        if source.paper.id in cited_papers:
            continue
        (present,) = terms_many([f"{source.paper.title}. {source.passage.chunk.text}"])
        score = coverage(wanted, present, weights)
        if best is None or score > best[1]:
            best = (n, score)
    return best


def verify(
    text: str,
    sources: Sequence[Source],
    *,
    embedder: Embedder,
    weights: TermWeights | None = None,
    threshold: float = SUPPORT_THRESHOLD,
    checks: CheckScope = "all",
    marked: Sequence[MarkedSentence] | None = None,
    decide: Decide | None = None,
) -> Verification:
    """Check every sentence of `text` against the sources its markers name.

    `marked` are the sentences of `text` as a reader of the reply made them out (reply.py: a
    model's markers moved to the fact they belong to, its remarks about the sources); by default
    `answer_sentences(text)`.

    `checks="grounding"` is for text litassist composes itself from already verified quotes
    (the offline comparison synthesis): its framing words ("only one paper's cells mention …")
    are ours, not a claim of the paper, so only its figures and names are checked against the
    cited sources.
    """
    weights = weights or UniformWeights()
    decide = decide or verdict.for_embedder(embedder.name)
    by_number = {source.number: source for source in sources}
    sentences = list(marked) if marked is not None else answer_sentences(text)
    claims = [s.claim for s in sentences]
    # Figures are checked as quantities; as terms they would only count "400m" against
    # "400 million".
    claim_terms = [
        frozenset(t for t in found if not t[0].isdigit()) for found in terms_many(claims)
    ]

    invalid: list[str] = []
    valid_per_sentence: list[list[int]] = []
    invalid_per_sentence: list[list[str]] = []
    for sentence in sentences:
        valid: list[int] = []
        bad: list[str] = []
        for marker in sentence.markers:
            if marker.malformed:
                bad.append(marker.text)
            for n in marker.numbers:
                if n in by_number:
                    if n not in valid:
                        valid.append(n)
                else:
                    bad.append(f"[{n}]")
        valid_per_sentence.append(valid)
        invalid_per_sentence.append(bad)
        invalid.extend(b for b in bad if b not in invalid)

    cited = {n for valid in valid_per_sentence for n in valid}
    texts = _source_texts({n: by_number[n] for n in sorted(cited)})
    to_embed = [i for i, valid in enumerate(valid_per_sentence) if valid]
    order = sorted(texts)
    passage_texts = [span.text for n in order for span in texts[n].sentences]
    claim_vectors: dict[int, np.ndarray] = {}
    passage_vectors: dict[int, np.ndarray] = {}
    if to_embed:
        matrix = embedder.embed_documents([claims[i] for i in to_embed] + passage_texts)
        for row, i in enumerate(to_embed):
            claim_vectors[i] = matrix[row]
        row = len(to_embed)
        for n in order:
            count = len(texts[n].sentences)
            passage_vectors[n] = matrix[row : row + count]
            row += count

    out_sentences: list[AnswerSentence] = []
    out_citations: list[Citation] = []
    for index, sentence in enumerate(sentences):
        wanted = claim_terms[index]
        kind = _kind(sentence, wanted)
        valid = valid_per_sentence[index]
        bad = invalid_per_sentence[index]
        span = sentence.span
        if sentence.role == "remark" and not bad:
            out_sentences.append(
                AnswerSentence(span.text, (), 0.0, True, span.start, span.end, "about the sources")
            )
            continue
        if not valid:
            if kind != "claim" and not bad:
                out_sentences.append(
                    AnswerSentence(span.text, (), 0.0, True, span.start, span.end, kind)
                )
                continue
            note: str | None = (
                f"cites {', '.join(bad)}, which is not among the sources" if bad else "no citation"
            )
            reason: UnsupportedReason | None = "unknown_source" if bad else "no_citation"
            out_sentences.append(
                AnswerSentence(span.text, (), 0.0, False, span.start, span.end, note, reason)
            )
            continue

        vector = claim_vectors[index]
        best_cosine = 0.0
        union: set[str] = set()
        quote = quoted_span(sentence.claim, [by_number[n] for n in valid])
        for n in valid:
            source = texts[n]
            sims = cosines(vector, passage_vectors[n])
            lexical = [coverage(wanted, t, weights) for t in source.sentence_terms]
            scores = [
                LEXICAL_WEIGHT * lex + (1 - LEXICAL_WEIGHT) * max(float(sim), 0.0)
                for lex, sim in zip(lexical, sims, strict=True)
            ]
            best = int(np.argmax(scores))
            passage_support = LEXICAL_WEIGHT * coverage(wanted, source.terms, weights) + (
                1 - LEXICAL_WEIGHT
            ) * max(float(sims.max()), 0.0)
            support = max(scores[best], passage_support)
            start, end = source.sentences[best].start, source.sentences[best].end
            if quote is not None and quote[0].number == n:
                # a quote points at the sentence(s) of the abstract it was taken from
                held = [sp for sp in source.sentences if sp.end > quote[1] and sp.start < quote[2]]
                start = min([quote[1], *(sp.start for sp in held)])
                end = max([quote[2], *(sp.end for sp in held)])
            passage = by_number[n].passage.chunk
            out_citations.append(
                Citation(
                    number=n,
                    paper_id=passage.paper_id,
                    chunk_id=passage.id,
                    start=start,
                    end=end,
                    support=round(support, 4),
                    supported=support >= threshold,
                    sentence=len(out_sentences),
                    abstract_sentence=abstract_sentence(by_number[n].paper.abstract, start),
                )
            )
            best_cosine = max(best_cosine, float(sims.max()))
            union |= source.terms
        covered = coverage(wanted, frozenset(union), weights)
        support = LEXICAL_WEIGHT * covered + (1 - LEXICAL_WEIGHT) * max(best_cosine, 0.0)
        failed: tuple[UnsupportedReason, str] | None = VACUOUS
        if sentence.role != "vacuous":
            failed = _check(
                sentence.claim,
                valid,
                by_number,
                texts,
                (support, covered, max(best_cosine, 0.0)),
                wanted,
                weights,
                checks,
                decide,
                threshold,
            )
        note = None
        reason = None
        if failed is not None:
            reason, note = failed[0], _note(*failed)
        if bad and note is None:
            note = f"also cites {', '.join(bad)}, which is not among the sources"
        out_sentences.append(
            AnswerSentence(
                span.text,
                tuple(valid),
                round(support, 4),
                failed is None,
                span.start,
                span.end,
                note,
                reason,
                quoted=quote is not None and failed is None,
            )
        )
    return Verification(tuple(out_sentences), tuple(out_citations), tuple(invalid))
