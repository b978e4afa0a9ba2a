"""The offline synthesis of a comparison, computed from its cells (no model involved).

Without an LLM nothing can paraphrase what the papers have in common, so the synthesis says
only what the table shows, in three kinds of sentence:

* shared: per aspect, the distinctive words (datasets, techniques, ...) that the cells of
  several papers have in common, citing each of those cells' passages;
* differing: per aspect, the words only one paper's cell has, per paper, cited;
* gaps: which aspects which papers' abstracts do not state (no citation: it is about the
  sources, which the verifier recognises).

Words are compared as index terms (stemmed, stop words dropped) and ranked by their weight
(idf over the library).  Only *names* count as differences: words with a digit, a capital
inside or a hyphen ("CIFAR-10", "ImageNet", "DataDAM", "global-to-local"), which in abstracts
are datasets, methods, models and metrics; ordinary words shared by several cells count too
when they are long and not generic ("distillation", "attention").  A rarer word is not a
better one in general ("respectively" is rare), which is why ordinary words never count as a
difference.  The sentences go through the citation verifier like any other text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.rag.aspects import aspect as aspect_spec
from assistant.rag.scoring import TermWeights, terms_many
from assistant.text import short_title
from assistant.types import ComparisonCell, Paper

MAX_SHARED_WORDS = 3
MAX_DISTINCT_WORDS = 3
MIN_ORDINARY_LENGTH = 8  # an ordinary (lower-case) word shorter than this is never shared
# Words of scientific prose that say nothing about what papers have in common.
GENERIC_WORDS = (
    "paper work study approach method methods model models result results propose proposed "
    "present show shows demonstrate new novel use using used based dataset datasets data task "
    "tasks problem performance train training learn learning experiment experiments achieve "
    "achieves improve improves effective efficient existing previous prior state-of-the-art "
    "state art also well however large address addresses introduce introduces simple various "
    "several significant significantly different including include challenge challenges "
    "specifically furthermore moreover extensive outperform outperforms highest current "
    "published demonstrate demonstrates provide provides enable enables further across within "
    "without between compared compare approaches techniques technique framework network "
    "networks accuracy benchmark benchmarks evaluate evaluation analysis first second finally"
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-^]*[A-Za-z0-9]|[A-Za-z]")
_NAME_LIKE = re.compile(r"\d|.[A-Z]|-")


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset().union(*terms_many(GENERIC_WORDS.split()))


def is_name(word: str) -> bool:
    """A dataset, method, model or metric name rather than an ordinary word."""
    return bool(_NAME_LIKE.search(word)) or (len(word) >= 2 and word.isupper())


def cell_words(text: str) -> dict[str, str]:
    """term -> the word as the cell writes it ("CIFAR-10" for cifar10), first occurrence."""
    words = [w for w in _WORD.findall(text) if not w.replace("-", "").isdigit()]
    keys = terms_many([w.replace("-", "") for w in words])
    found: dict[str, str] = {}
    generic = _generic()
    for word, key in zip(words, keys, strict=True):
        if len(key) != 1 or word.lower() in GENERIC_WORDS.split():
            continue
        (term,) = key
        if term in generic or term in found:
            continue
        if is_name(word) or (len(word) >= MIN_ORDINARY_LENGTH and not word.endswith("ly")):
            found[term] = word
    return found


def _markers(cell: ComparisonCell) -> str:
    return "".join(f"[{n}]" for n in cell.citations)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _shared_sentence(
    label: str, cells: Sequence[ComparisonCell], names: dict[str, str], weights: TermWeights
) -> str | None:
    words = {cell.paper_id: cell_words(cell.text) for cell in cells}
    holders: dict[str, list[ComparisonCell]] = {}
    for cell in cells:
        for term in words[cell.paper_id]:
            holders.setdefault(term, []).append(cell)
    shared = [t for t, held in holders.items() if len(held) >= 2]
    if not shared:
        return None
    shared.sort(key=lambda t: (-len(holders[t]), -weights.weight(t), t))
    # Every paper named must mention every word listed: add a word only when all of the
    # papers holding the first one hold it too.
    top = [shared[0]]
    group = holders[shared[0]]
    for term in shared[1:]:
        if len(top) == MAX_SHARED_WORDS:
            break
        if all(cell in holders[term] for cell in group):
            top.append(term)
    order = list(words[group[0].paper_id])
    surface = [words[group[0].paper_id][t] for t in sorted(top, key=order.index)]
    who = _join([f"{names[c.paper_id]} {_markers(c)}" for c in group])
    both = "both" if len(group) == 2 else "all"
    return f"On {label}, {who} {both} mention {_join(surface)}."


def _distinct_sentence(
    label: str, cells: Sequence[ComparisonCell], names: dict[str, str], weights: TermWeights
) -> str | None:
    words = {cell.paper_id: cell_words(cell.text) for cell in cells}
    parts: list[str] = []
    for cell in cells:
        others = set().union(*(words[c.paper_id] for c in cells if c is not cell))
        named = terms_many([names[cell.paper_id]])[0]  # "FYI mentions FYI" says nothing
        own = [
            t
            for t, word in words[cell.paper_id].items()
            if t not in others and t not in named and is_name(word)
        ]
        if not own:
            continue
        own.sort(key=lambda t: (-weights.weight(t), t))
        order = list(words[cell.paper_id])  # first occurrence order: reads like the cell
        picked = sorted(own[:MAX_DISTINCT_WORDS], key=order.index)
        surface = [words[cell.paper_id][t] for t in picked]
        parts.append(f"{names[cell.paper_id]} mentions {_join(surface)} {_markers(cell)}")
    if not parts:
        return None
    return f"On {label}, only " + "; only ".join(parts) + "."


def _gaps_sentence(
    aspects: Sequence[str], cells: Sequence[ComparisonCell], names: dict[str, str], count: int
) -> str | None:
    gaps: list[str] = []
    for name in aspects:
        missing = [c.paper_id for c in cells if c.aspect == name and not c.stated]
        if not missing:
            continue
        label = aspect_spec(name).label.lower()
        if len(missing) == count:
            gaps.append(f"{label} (any paper)")
        else:
            gaps.append(f"{label} ({', '.join(names[p] for p in missing)})")
    if not gaps:
        return None
    return "Not stated in the abstracts: " + "; ".join(gaps) + "."


def extractive_synthesis(
    papers: Sequence[Paper],
    aspects: Sequence[str],
    cells: Sequence[ComparisonCell],
    *,
    weights: TermWeights,
) -> str:
    """Shared and differing words per aspect, then the gaps; every claim cites its cells."""
    names = {paper.id: short_title(paper.title) for paper in papers}
    sentences: list[str] = []
    for name in aspects:
        stated = [c for c in cells if c.aspect == name and c.stated and c.citations]
        if len(stated) < 2:
            continue
        label = aspect_spec(name).label.lower()
        for sentence in (
            _shared_sentence(label, stated, names, weights),
            _distinct_sentence(label, stated, names, weights),
        ):
            if sentence:
                sentences.append(sentence)
    gaps = _gaps_sentence(aspects, cells, names, len(papers))
    if gaps:
        sentences.append(gaps)
    if not sentences:
        return "The abstracts do not state enough about these aspects to compare the papers."
    return " ".join(sentences)
