"""The offline synthesis of a comparison, computed from its cells (no model involved).

Without an LLM nothing can paraphrase what the papers have in common, so the synthesis states
only what the table's cells say, each sentence citing the cells it rests on:

* shared: the datasets, benchmarks and metrics (names: "CIFAR-10", "ImageNet-1K", "mAP") that
  the cells of two or more papers mention;
* distinct: the names only one paper's cells mention;
* figures: the figures each paper's Results cell gives;
* gaps: which aspects which papers' abstracts do not state (no citation: it is about the
  sources, which the verifier recognises).

Names are compared by family, so "CIFAR10/100" in one cell and "CIFAR" in another are the same
dataset and neither is said to be the only one to use it.  Enumerations ("(ii)", "I)"), the
papers' own names and generic abbreviations ("SOTA", "CNN") are not names of datasets.  When
the cells share nothing and no figure is given, only the gaps (or a sentence saying there is
nothing to compare) remain.  The sentences go through the citation verifier like any other text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.rag.aspects import aspect as aspect_spec
from assistant.text import short_title
from assistant.types import ComparisonCell, Paper

MAX_SHARED_NAMES = 4
MAX_DISTINCT_NAMES = 3
MAX_FIGURES = 3
# Aspects whose cells name datasets, benchmarks and metrics.
NAMED_ASPECTS = ("data", "results", "method", "task")
# Abbreviations of scientific prose that name no dataset or metric.
GENERIC_NAMES = frozenset(
    {
        "SOTA", "AI", "ML", "DL", "CNN", "CNNs", "DNN", "DNNs", "NN", "RNN", "GAN", "GANs",
        "NLP", "CV", "GPU", "GPUs", "CPU", "API", "URL", "NAS", "SSL", "IQA", "NR", "RGB",
        "HTML", "LLM", "LLMs", "MLLMs", "MLP", "MLPs", "ID", "IDs",
    }
)  # fmt: skip
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$", re.IGNORECASE)
# A name: a capital inside or a digit after a letter ("ImageNet-1K", "CIFAR10/100", "mAP"), or
# an acronym of two or more capitals.
_NAME = re.compile(r"(?<![\w\-])[A-Za-z][A-Za-z0-9]*(?:[\-/][A-Za-z0-9]+)*(?![\w\-])")
_SLASH_NUMBERS = re.compile(r"^([A-Za-z][A-Za-z\-]*?)-?(\d+)((?:/\d+)+)$")
_FIGURE = re.compile(
    r"(?<![\w.\-/])\d+(?:[.,]\d+)*\s?(?:%|\\%|percentage points|p\.p\.|x\b|[MBK]\b|"
    r"million|billion|thousand)"
)


@dataclass(frozen=True)
class _Name:
    surface: str  # as the cell writes it
    family: str  # what it is compared by: "cifar" for CIFAR10, CIFAR-100 and CIFAR


def _is_name(word: str) -> bool:
    """A dataset, model or metric name: "CIFAR-10", "ImageNet", "COCO", "mAP", "MobileNetV3"
    but not "Fine-grAined" or "high-Resolution" (capitals for an acronym's sake)."""
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) < 2 or _ROMAN.match(word) or word in GENERIC_NAMES:
        return False
    if re.search(r"[A-Za-z].*\d|\d.*[A-Za-z]", word):
        return any(c.isupper() for c in word)  # "ImageNet-1K", not "top-1"
    return any(_is_name_part(part) for part in re.split(r"[\-/]", word))


def _is_name_part(part: str) -> bool:
    if len(part) >= 2 and part.isupper():
        return True  # an acronym: COCO, DIOR
    if part[:1].isupper():
        return bool(re.search(r"[a-z][A-Z]", part))  # CamelCase: ImageNet, SegFormer
    return sum(c.isupper() for c in part) >= 2  # mAP, mIoU, fMRI


def _family(surface: str) -> str:
    """What a name is compared by: its letters before the first digit ("cifar" for CIFAR-100,
    "tinyimagenet" for Tiny-ImageNet and TinyImageNet)."""
    letters = re.match(r"[A-Za-z]+", surface.replace("-", ""))
    return (letters.group() if letters else surface).lower()


def cell_names(text: str, exclude: frozenset[str] = frozenset()) -> list[_Name]:
    """The names in a cell's text, first occurrence first; "CIFAR10/100" gives two."""
    found: list[_Name] = []
    seen: set[str] = set()
    for match in _NAME.finditer(text):
        word = match.group().strip("-/")
        if not _is_name(word):
            continue
        listed = _SLASH_NUMBERS.match(word)
        surfaces = (
            [f"{listed.group(1)}{n}" for n in [listed.group(2), *listed.group(3)[1:].split("/")]]
            if listed
            else [word]
        )
        for surface in surfaces:
            family = _family(surface)
            if family in exclude or surface.lower() in seen:
                continue
            seen.add(surface.lower())
            found.append(_Name(surface, family))
    return found


_CLAUSE = re.compile(r"[^,;()]+")
_CONTINUES = re.compile(r"(?:and|or|but|as well as|respectively|[a-z])")
# Where a clause turns to something other than its figure: " and for the first time ...".
_TRAILING = re.compile(r"\s+(?:and|but|while|whereas|thereby|which)\s+(?:for|is|are|was|it|the)\b")


def figure_clause(text: str) -> str | None:
    """The clause of a cell's text that gives its first figure ("improvements of up to 6.5%
    and 4.1% on CIFAR100 and ImageNet-1K"), read back to where the clause's sentence part
    starts (not "and MTT by more than 4% ..." but "The proposed model outperforms ... like
    SRe^2L, TESLA, and MTT by more than 4% ..."), cut after its last figure's phrase ("... on
    ImageNet-1K/21K", not "... and for the first time"), and widened to the next clause when
    very short."""
    clauses = [m.group().strip() for m in _CLAUSE.finditer(text) if m.group().strip()]
    for index, clause in enumerate(clauses):
        if not _FIGURE.search(clause):
            continue
        start = index
        # "..., TESLA, and MTT by more than 4%": the clause ends a list of one- or two-word
        # items; the figure belongs to the whole list and the clause that opens it.
        if _CONTINUES.match(clause):
            while start > 0 and len(clauses[start - 1].split()) <= 2:
                start -= 1
            if start < index and start > 0:
                start -= 1
        clause = ", ".join(clauses[start : index + 1])
        last = list(_FIGURE.finditer(clause))[-1]
        tail = _TRAILING.search(clause, last.end())
        if tail:
            clause = clause[: tail.start()]
        if len(clause.split()) < 4 and index + 1 < len(clauses):
            clause = f"{clause}, {clauses[index + 1]}"
        return clause.rstrip(".")
    return None


def cell_figures(text: str) -> list[str]:
    """Figures with a unit or scale ("6.5%", "9x", "1.4B") in a cell's text, in order."""
    figures: list[str] = []
    for match in _FIGURE.finditer(text):
        figure = match.group().strip()
        if figure not in figures:
            figures.append(figure)
    return figures


def _markers(cells: Sequence[ComparisonCell]) -> str:
    numbers: list[int] = []
    for cell in cells:
        numbers.extend(n for n in cell.citations if n not in numbers)
    return "".join(f"[{n}]" for n in numbers)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _own_words(paper: Paper) -> frozenset[str]:
    """Families of the words of a paper's short name: "FYI mentions FYI" says nothing."""
    return frozenset(_family(w) for w in re.findall(r"[A-Za-z][\w\-]*", short_title(paper.title)))


def extractive_synthesis(
    papers: Sequence[Paper],
    aspects: Sequence[str],
    cells: Sequence[ComparisonCell],
) -> str:
    """Shared and distinct names, each paper's figures, then the gaps; every claim cited."""
    names = {paper.id: short_title(paper.title) for paper in papers}
    own = frozenset().union(*(_own_words(p) for p in papers)) if papers else frozenset()
    stated = [c for c in cells if c.stated and c.citations]
    named_cells = [c for c in stated if c.aspect in NAMED_ASPECTS and c.aspect in aspects]
    per_paper: dict[str, dict[str, _Name]] = {p.id: {} for p in papers}
    holders: dict[str, list[ComparisonCell]] = {}
    for cell in named_cells:
        for name in cell_names(cell.text, own):
            per_paper[cell.paper_id].setdefault(name.family, name)
            cited = holders.setdefault(name.family, [])
            if all(c.paper_id != cell.paper_id for c in cited):
                cited.append(cell)
    sentences: list[str] = []

    shared = [f for f, held in holders.items() if len(held) >= 2]
    if shared:
        # Group the shared names by the papers that share them, largest group first.
        groups: dict[tuple[str, ...], list[str]] = {}
        for family in shared:
            key = tuple(sorted({c.paper_id for c in holders[family]}))
            groups.setdefault(key, []).append(family)
        for key, families in sorted(groups.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            families = families[:MAX_SHARED_NAMES]
            shown = [min((per_paper[p][f].surface for p in key), key=len) for f in families]
            who = _join(
                [
                    f"{names[p]} {_markers([c for c in holders[families[0]] if c.paper_id == p])}"
                    for p in key
                ]
            )
            both = "both" if len(key) == 2 else "all"
            sentences.append(f"{who} {both} mention {_join(shown)}.")

    distinct: list[str] = []
    for paper in papers:
        alone = [
            per_paper[paper.id][f].surface
            for f in per_paper[paper.id]
            if len(holders.get(f, [])) == 1
        ][:MAX_DISTINCT_NAMES]
        if alone:
            cited = holders[_family(alone[0])]
            distinct.append(f"{names[paper.id]} {_join(alone)} {_markers(cited)}")
    if distinct:
        sentences.append(
            "Only one paper's cells mention each of these: " + "; ".join(distinct) + "."
        )

    if "results" in aspects:
        reported = []
        for paper in papers:
            found = next(
                (c for c in stated if c.paper_id == paper.id and c.aspect == "results"), None
            )
            clause = figure_clause(found.text) if found else None
            if found and clause:
                reported.append(f'{names[paper.id]}, "{clause}" {_markers([found])}')
        if reported:
            sentences.append("Figures in the results cells: " + "; ".join(reported) + ".")

    gaps = _gaps_sentence(aspects, cells, names, len(papers))
    if gaps:
        sentences.append(gaps)
    if not sentences:
        return "The abstracts do not state enough about these aspects to compare the papers."
    return " ".join(sentences)


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
