"""Which item a figure is stated for, so a figure moved to the wrong item is caught.

quantities.py checks that a claim's figure occurs in the cited passage; it cannot see that
"SVT-H-L reaches 85.2%" takes the 85.2% the source gives SVT-H-B, or that "0.76 on MBConv and
0.78 on NATS-Bench" swaps the pair the source states with "respectively".  Here each figure of
a source sentence with two or more figures gets its *owners*, the names it is stated for:

* "A and B reach X and Y, respectively" / "X and Y on A and B, respectively": the i-th figure
  of the coordinated run owns the names of the i-th coordinated item;
* "X on A", "X for A", "X under A": a figure followed closely by a preposition owns the names
  after it, up to the next figure or clause break;
* otherwise ("A reaches X", "while B reaches Y") it owns the names before it, back to the
  previous figure or clause break.

Names every figure of the sentence shares ("mAP" in "7.06 mAP for NuImages and 12.9 mAP for
COCO") own nothing.  A claim's figure is misbound only on clear evidence: the source gives it
owners, none of them is near the figure in the claim, and a name that is near it owns another
figure of the same kind in the same source sentence.  Pure functions of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.rag import entailment
from assistant.rag.quantities import Quantity, quantities, value_matches
from assistant.rag.sentences import split_sentences

_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
# What may stand between two figures of one coordinated run ("6.5% and 4.1%", "1, 2, and 3").
_COORDINATION = re.compile(r"^\s*(?:,|,?\s*(?:and|or)|/)\s*$", re.I)
_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", re.I)
# A figure followed this closely by one of these is stated for what follows ("4.1% on X").
_PREPOSITIONS = frozenset(
    ("on", "for", "in", "at", "over", "under", "against", "with", "than", "compared", "versus")
)
_LEAD = 3  # words after a figure within which the preposition must come
_STRONG_BREAK = re.compile(r"[;:]|[.!?](?:\s|$)")


@dataclass(frozen=True)
class Owned:
    """A figure of a source sentence and the normalised names it is stated for."""

    figure: Quantity
    owners: frozenset[str]
    sentence: int  # which source sentence it is in


@dataclass(frozen=True)
class Misbound:
    """A claim figure the source states for another item."""

    figure: Quantity
    claim_names: tuple[str, ...]  # near the figure in the claim
    source_owner: str  # what the source states this figure for

    @property
    def detail(self) -> str:
        near = self.claim_names[0]
        return f"{self.figure.text.strip()} is for {self.source_owner} in the source, not {near}"


def _names(text: str) -> list[tuple[str, int]]:
    """Name-like words of `text` with their offsets (entailment's definition of a name)."""
    return entailment.name_spans(text)


def _keys(names: Sequence[str]) -> frozenset[str]:
    return frozenset(k for k in (_key(n) for n in names) if k)


def _key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    plural = re.search(r"[a-z]s$", name) is not None  # "NuImages", not "SVT-H-S"
    return key[:-1] if plural and len(key) > 3 else key


def _in(text: str, names: list[tuple[str, int]], start: int, end: int) -> list[str]:
    return [n for n, at in names if start <= at < end]


def _clause_start(text: str, before: int, floor: int) -> int:
    cut = floor
    for match in entailment.CLAUSE_BREAK.finditer(text, floor, before):
        cut = match.end()
    return cut


def _clause_end(text: str, after: int, ceiling: int) -> int:
    match = entailment.CLAUSE_BREAK.search(text, after, ceiling)
    return match.start() if match else ceiling


def _runs(text: str, figures: Sequence[Quantity]) -> list[list[int]]:
    """Indices of coordinated figure runs of one kind ("0.78 and 0.76")."""
    runs: list[list[int]] = []
    current = [0] if figures else []
    for i in range(1, len(figures)):
        gap = text[figures[i - 1].end : figures[i].start]
        if figures[i].kind == figures[i - 1].kind and _COORDINATION.match(gap):
            current.append(i)
        else:
            runs.append(current)
            current = [i]
    if current:
        runs.append(current)
    return [r for r in runs if len(r) >= 2]


def _respectively(text: str, figures: Sequence[Quantity]) -> dict[int, list[str]]:
    """Owners from "..., respectively": the i-th figure of a run owns the i-th item."""
    word = _RESPECTIVELY.search(text)
    if word is None:
        return {}
    names = _names(text)
    out: dict[int, list[str]] = {}
    for run in _runs(text, figures):
        first, last = figures[run[0]], figures[run[-1]]
        if last.end > word.start():
            continue
        # Items after the run ("6.5% and 4.1% on CIFAR100 and ImageNet-1K, respectively"),
        # or before it ("SVT-H-B and SVT-H-L reach 85.2% and 85.7%, respectively").
        after = text[last.end : word.start()]
        head = _STRONG_BREAK.search(text, 0, first.start)
        before_from = head.end() if head else 0
        before = text[before_from : first.start]
        for offset, item_text in ((last.end, after), (before_from, before)):
            parts = [p for p in _ITEM_SPLIT.split(item_text.strip(" ,")) if p.strip()]
            if len(parts) != len(run):
                continue
            if offset == last.end:
                # "0.78 and 0.76 Spearman correlation on A and on B": the words before the
                # first item's preposition say what the figures measure, for every item.
                lead = re.search(r"\b(?:" + "|".join(_PREPOSITIONS) + r")\b", parts[0], re.I)
                if lead and lead.start() > 0:
                    parts[0] = parts[0][lead.start() :]
            owners: list[list[str]] = []
            cursor = offset
            for part in parts:
                at = text.find(part, cursor)
                owners.append(_in(text, names, at, at + len(part)))
                cursor = at + len(part)
            if all(owners):
                out.update({index: own for index, own in zip(run, owners, strict=True)})
                break
    return out


def source_owners(passages: Sequence[str]) -> list[Owned]:
    """Every figure of the passages' multi-figure sentences with the names it is stated for."""
    out: list[Owned] = []
    number = 0
    for passage in passages:
        for span in split_sentences(passage):
            number += 1
            text = span.text
            figures = quantities(text)
            if len(figures) < 2:
                continue
            names = _names(text)
            bound = _respectively(text, figures)
            owners: list[list[str]] = []
            for i, figure in enumerate(figures):
                if i in bound:
                    owners.append(bound[i])
                    continue
                upper = figures[i + 1].start if i + 1 < len(figures) else len(text)
                lower = figures[i - 1].end if i else 0
                end = _clause_end(text, figure.end, upper)
                lead = re.findall(r"[A-Za-z][\w-]*", text[figure.end : end])[:_LEAD]
                if any(w.lower() in _PREPOSITIONS for w in lead):
                    owners.append(_in(text, names, figure.end, end))
                else:
                    start = _clause_start(text, figure.start, lower)
                    owners.append(_in(text, names, start, figure.start))
            shared = _shared([_keys(o) for o in owners if o])
            for figure, own in zip(figures, owners, strict=True):
                out.append(Owned(figure, _keys(own) - shared, number))
    return out


def _shared(sets: Sequence[frozenset[str]]) -> frozenset[str]:
    if len(sets) < 2:
        return frozenset()
    common = set(sets[0])
    for other in sets[1:]:
        common &= other
    return frozenset(common)


def misbound(claim: str, passages: Sequence[str]) -> Misbound | None:
    """A claim figure whose nearby names own another figure, not this one, in the source."""
    figures = quantities(claim)
    if not figures:
        return None
    owned = source_owners(passages)
    if not owned:
        return None
    names = _names(claim)
    for i, figure in enumerate(figures):
        # The names of the figure's own clause: in "43.1% mAP on COCO, 4.0% above the state of
        # the art", COCO is the 43.1%'s, not the 4.0%'s.
        lower = _clause_start(claim, figure.start, figures[i - 1].end if i else 0)
        upper = _clause_end(
            claim, figure.end, figures[i + 1].start if i + 1 < len(figures) else len(claim)
        )
        near = _in(claim, names, lower, upper)
        near_keys = _keys(near)
        if not near_keys:
            continue
        mine = [o for o in owned if value_matches(figure, o.figure)]
        if not mine or not all(o.owners for o in mine):
            continue
        if any(o.owners & near_keys for o in mine):
            continue
        sentences = {o.sentence for o in mine}
        rivals = [
            o
            for o in owned
            if o.sentence in sentences
            and o.figure.kind == figure.kind
            and not value_matches(figure, o.figure)
            and o.owners & near_keys
        ]
        if rivals:
            wrong = [n for n in near if _key(n) in rivals[0].owners]
            owner = _display(mine[0], passages)
            return Misbound(figure, tuple(wrong or near), owner)
    return None


def _display(owned: Owned, passages: Sequence[str]) -> str:
    """One owner of a source figure as the source writes it."""
    for passage in passages:
        for name, _ in _names(passage):
            if _key(name) in owned.owners:
                return name
    return sorted(owned.owners)[0]
