"""Cited notes in Markdown: an answer, a whole conversation, or a comparison.

A note is YAML front matter (title, date, question, tags, and where it came from), the text with
its citations, the quoted supporting passages, the statements the verifier could not support,
and a reference list (authors, year, title, venue, DOI/URL).  Two citation styles:

* `footnote`: a `[^1]` footnote at each paper's first citation and `[^1]: reference`
  definitions, numbered by first citation; a later citation of the same paper is a plain `[1]`
  (pandoc would number every reuse of `[^1]` as a new note); renders in Obsidian, GitHub and
  most Markdown tools;
* `pandoc`: `[@key]` / `[@a; @b]` citations whose keys are those of the exported `.bib`
  (`bibtex.bibtex_for` with the same `keys`), so the text drops into a Pandoc or Quarto
  manuscript; the front matter names the `.bib` when one is given.  `pandoc --citeproc` then
  renders it cleanly: the title once (from the front matter, no heading repeats it), a paper
  named once where the note names it (a narrative `@key`, not a label and a citation), and one
  reference list, citeproc's, placed under "References" by a `::: {#refs}` block.

Citations are per paper: the answer's `[n]` markers point at passages, and every passage of one
paper becomes the same reference.  A marker that resolves to no source is dropped (the verifier
has already flagged its sentence, which is listed under "Unsupported statements").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from assistant.badges import sentence_badge
from assistant.export.keys import keys_for
from assistant.export.references import markdown_text, reference_line
from assistant.formats import CitationStyle
from assistant.rag.aspects import aspect as aspect_spec
from assistant.rag.citations import find_markers, strip_markers
from assistant.text import paper_label
from assistant.types import (
    Answer,
    AnswerSentence,
    Citation,
    Comparison,
    Conversation,
    Paper,
    Source,
)

Style = CitationStyle
DEFAULT_TAGS = ("litassist",)
_PANDOC_SIMPLE_KEY = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&\-+?<>~/]*[A-Za-z0-9_])?$")
NOT_STATED = "*not stated*"


# ---- citations --------------------------------------------------------------------------------
@dataclass
class References:
    """The papers a note cites, in order of first citation, and how to cite each."""

    style: Style
    keys: Mapping[str, str] = field(default_factory=dict)  # paper id -> citekey (pandoc)
    papers: list[Paper] = field(default_factory=list)
    _labels: dict[str, str] = field(default_factory=dict)
    _noted: set[str] = field(default_factory=set)  # footnotes already placed

    def add(self, paper: Paper) -> str:
        if paper.id not in self._labels:
            self.papers.append(paper)
            label = self.keys[paper.id] if self.style == "pandoc" else str(len(self.papers))
            self._labels[paper.id] = label
        return self._labels[paper.id]

    def cite(self, papers: Sequence[Paper]) -> str:
        """`[^1][^2]` or `[@a; @b]` for these papers (registered on first use)."""
        labels = list(dict.fromkeys(self.add(p) for p in papers))
        if not labels:
            return ""
        if self.style == "pandoc":
            return "[" + "; ".join(pandoc_key(label) for label in labels) + "]"
        pieces = [f"[{label}]" if label in self._noted else f"[^{label}]" for label in labels]
        self._noted.update(labels)
        return "".join(pieces)

    def named(self, paper: Paper) -> str:
        """The paper named in the text with its citation: `Kingma & Ba (2015) [^1]`, or the
        narrative citation `@key` that pandoc renders as `Kingma & Ba (2015)`."""
        if self.style == "pandoc":
            return pandoc_key(self.add(paper))
        return f"{markdown_text(paper_label(paper))} {self.cite([paper])}"

    def label(self, paper: Paper) -> str:
        return self._labels[paper.id]


def pandoc_key(key: str) -> str:
    """`@key`, or `@{key}` for keys pandoc would otherwise cut at their punctuation."""
    return f"@{key}" if _PANDOC_SIMPLE_KEY.match(key) else f"@{{{key}}}"


def rewrite_markers(text: str, sources: Mapping[int, Source], refs: References) -> str:
    """`text` with its `[n]` markers replaced by the citations of their papers.

    Adjacent markers (`[1][3]`, `[1] [3]`) become one citation, so two passages of one paper
    give one reference and several papers one pandoc group.
    """
    groups: list[tuple[int, int, list[int]]] = []  # (start, end, source numbers)
    for marker in find_markers(text):
        if groups and not text[groups[-1][1] : marker.start].strip():
            start, _, numbers = groups[-1]
            groups[-1] = (start, marker.end, numbers + list(marker.numbers))
        else:
            groups.append((marker.start, marker.end, list(marker.numbers)))
    pieces: list[str] = []
    cursor = 0
    for start, end, numbers in groups:
        papers = [sources[n].paper for n in numbers if n in sources]
        replacement = refs.cite(papers)
        before = text[cursor:start]
        pieces.append(before if replacement else before.rstrip(" "))
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


# ---- pieces of a note -------------------------------------------------------------------------
def front_matter(values: Mapping[str, object]) -> str:
    import yaml

    shown = {k: v for k, v in values.items() if v not in (None, "", [], ())}
    body = yaml.safe_dump(shown, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{body}---\n"


def _date(moment: datetime | None) -> date:
    return (moment or datetime.now()).date()


def _tags(extra: Iterable[str], *defaults: str) -> list[str]:
    tags = [*DEFAULT_TAGS, *defaults]
    for tag in extra:
        cleaned = re.sub(r"\s+", "-", tag.strip())
        if cleaned:
            tags.append(cleaned)
    return list(dict.fromkeys(tags))


def _quote(text: str) -> str:
    return "> " + markdown_text(text)


def _passages_section(quotes: Sequence[tuple[Paper, str, str]], refs: References) -> list[str]:
    """`quotes` are (paper, what of it, quoted text); one block per paper and quote, headed by
    the paper named with its citation (and what the quote is for, if anything)."""
    if not quotes:
        return []
    lines = ["## Supporting passages", ""]
    seen: set[tuple[str, str]] = set()
    for paper, what, text in quotes:
        if (paper.id, text) in seen or not text.strip():
            continue
        seen.add((paper.id, text))
        tail = f", {markdown_text(what)}" if what else ""
        lines.append(f"**{refs.named(paper)}{tail}**")
        lines.append("")
        lines.append(_quote(text))
        lines.append("")
    return lines


def _unsupported_section(items: Sequence[tuple[str, str | None]]) -> list[str]:
    if not items:
        return []
    lines = ["## Unsupported statements", ""]
    lines.append("The citation check could not confirm these against the cited passages:")
    lines.append("")
    for text, note in items:
        reason = f" ({markdown_text(note)})" if note else ""
        lines.append(f"- {markdown_text(strip_markers(text))}{reason}")
    lines.append("")
    return lines


def _references_section(refs: References) -> list[str]:
    if not refs.papers:
        return []
    lines = ["## References", ""]
    if refs.style == "pandoc":  # citeproc's list goes here, from the .bib: the only one
        return [*lines, "::: {#refs}", ":::", ""]
    for paper in refs.papers:
        lines.append(f"[^{refs.label(paper)}]: {reference_line(paper)}")
        lines.append("")
    return lines


def _title_lines(title: str, style: Style) -> list[str]:
    """The note's heading; none in pandoc style, where the front matter's title is shown."""
    return [] if style == "pandoc" else [f"# {markdown_text(title)}", ""]


def _finish(head: str, lines: list[str]) -> str:
    text = "\n".join(lines).rstrip() + "\n"
    return head + "\n" + re.sub(r"\n{3,}", "\n\n", text)


def _citation_badge(answer: Answer, citation: Citation) -> str:
    """`quoted, abstract sentence 3` for a quote; the check's verdict for a written sentence."""
    if 0 <= citation.sentence < len(answer.sentences):
        badge = sentence_badge(answer, citation.sentence)
        if badge.kind == "quote":
            where = citation.abstract_sentence
            return f"quoted, abstract sentence {where}" if where else "quoted"
        if badge.kind != "remark":
            return badge.label
    return f"support {citation.support:.2f}"


def _claims_unsupported(sentences: Sequence[AnswerSentence]) -> list[tuple[str, str | None]]:
    return [(s.text, s.note) for s in sentences if not s.supported]


# ---- answers and conversations ----------------------------------------------------------------
def _cited_papers(answers: Sequence[Answer]) -> list[Paper]:
    found: dict[str, Paper] = {}
    for answer in answers:
        by_number = {s.number: s for s in answer.sources}
        for citation in answer.citations:
            source = by_number.get(citation.number)
            if source is not None:
                found.setdefault(source.paper.id, source.paper)
    return list(found.values())


def cited_papers(answers: Sequence[Answer]) -> list[Paper]:
    """The papers these answers cite (each once), in order of first citation."""
    return _cited_papers(answers)


def _answers_note(
    answers: Sequence[Answer],
    *,
    title: str,
    created_at: datetime | None,
    style: Style,
    tags: Iterable[str],
    keys: Mapping[str, str] | None,
    bibliography: str | None,
    origin: Mapping[str, object],
) -> str:
    refs = References(style, keys_for(_cited_papers(answers), keys) if style == "pandoc" else {})
    lines = _title_lines(title, style)
    quotes: list[tuple[Paper, str, str]] = []
    unsupported: list[tuple[str, str | None]] = []
    for answer in answers:
        sources = {s.number: s for s in answer.sources}
        if " ".join(answer.question.split()) != " ".join(title.split()):
            lines += [f"## {markdown_text(answer.question)}", ""]  # (the title says it if same)
        lines += [rewrite_markers(answer.text, sources, refs).strip(), ""]
        if not answer.complete:
            lines += [f"*Incomplete answer: {markdown_text(answer.error or 'cut off')}*", ""]
        if answer.standalone_query and answer.standalone_query != answer.question:
            lines += [f"*Searched as: {markdown_text(answer.standalone_query)}*", ""]
        for citation in answer.citations:
            source = sources.get(citation.number)
            if source is not None:
                quote = source.paper.abstract[citation.start : citation.end]
                quotes.append((source.paper, _citation_badge(answer, citation), quote))
        unsupported += _claims_unsupported(answer.sentences)
    lines += _passages_section(quotes, refs)
    lines += _unsupported_section(unsupported)
    lines += _references_section(refs)
    first = answers[0] if answers else None
    models = sorted({a.model for a in answers if a.model})
    head = front_matter(
        {
            "title": title,
            "date": _date(created_at),
            "question": first.question if first else None,
            "questions": [a.question for a in answers] if len(answers) > 1 else None,
            "tags": _tags(tags),
            **origin,
            "mode": first.mode if first else None,
            "model": models[0] if len(models) == 1 else (models or None),
            "bibliography": bibliography if style == "pandoc" else None,
        }
    )
    return _finish(head, lines)


def answer_note(
    answer: Answer,
    *,
    style: Style = "footnote",
    title: str | None = None,
    tags: Iterable[str] = (),
    keys: Mapping[str, str] | None = None,
    bibliography: str | None = None,
) -> str:
    """One answer as a note; `keys` (paper id -> citekey) must match the exported .bib."""
    return _answers_note(
        [answer],
        title=title or answer.question,
        created_at=answer.created_at,
        style=style,
        tags=tags,
        keys=keys,
        bibliography=bibliography,
        origin={"conversation": answer.conversation_id},
    )


def conversation_note(
    conversation: Conversation,
    *,
    style: Style = "footnote",
    tags: Iterable[str] = (),
    keys: Mapping[str, str] | None = None,
    bibliography: str | None = None,
) -> str:
    """Every turn of a conversation, one section per question, one reference list."""
    return _answers_note(
        conversation.turns,
        title=conversation.title,
        created_at=conversation.created_at,
        style=style,
        tags=tags,
        keys=keys,
        bibliography=bibliography,
        origin={"conversation": conversation.id},
    )


# ---- comparisons ------------------------------------------------------------------------------
def comparison_papers(comparison: Comparison) -> list[Paper]:
    """The papers a comparison note cites: every row (its label cites its paper)."""
    return list(comparison.papers)


def _table_cell(text: str) -> str:
    return markdown_text(text).replace("\n", " ")


def comparison_question(comparison: Comparison) -> str:
    if comparison.topic:
        return comparison.topic
    names = "; ".join(paper_label(p) for p in comparison.papers)
    return f"Compare {names}"


def comparison_note(
    comparison: Comparison,
    *,
    style: Style = "footnote",
    tags: Iterable[str] = (),
    keys: Mapping[str, str] | None = None,
    bibliography: str | None = None,
) -> str:
    """The table (rows cite their paper, cells their passages), the synthesis, the rest."""
    papers = comparison_papers(comparison)
    refs = References(style, keys_for(papers, keys) if style == "pandoc" else {})
    sources = {s.number: s for s in comparison.sources}
    labels = [aspect_spec(name).label for name in comparison.aspects]
    lines = _title_lines(comparison.title, style)
    how = f"LLM ({comparison.model})" if comparison.mode == "llm" else "offline (extractive)"
    lines += [
        f"{len(papers)} papers compared on {', '.join(a.lower() for a in labels)}; {how}. "
        "Each cell cites its own paper's abstract.",
        "",
    ]
    lines.append("| Paper | " + " | ".join(_table_cell(label) for label in labels) + " |")
    lines.append("| --- " * (len(labels) + 1) + "|")
    quotes: list[tuple[Paper, str, str]] = []
    unsupported: list[tuple[str, str | None]] = []
    for paper in papers:
        row = [refs.named(paper)]
        for name, label in zip(comparison.aspects, labels, strict=True):
            cell = comparison.cell(paper.id, name)
            if cell is None or not cell.stated:
                row.append(NOT_STATED)
                continue
            cited = [sources[n].paper for n in cell.citations if n in sources]
            text = f"{_table_cell(cell.text)} {refs.cite(cited)}".strip()
            if not cell.supported:
                text += " *(unsupported)*"
                unsupported.append(
                    (f"{paper_label(paper)}, {label.lower()}: {cell.text}", cell.note)
                )
            row.append(text)
            for citation in cell.evidence:
                quote = paper.abstract[citation.start : citation.end]
                quotes.append((paper, label.lower(), quote))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines += ["## Synthesis", "", rewrite_markers(comparison.synthesis, sources, refs).strip(), ""]
    if comparison.mode == "extractive":
        lines += [
            "*Computed offline from the table: names the papers' cells share or only one has, "
            "per aspect, and what the abstracts do not state.*",
            "",
        ]
    for citation in comparison.synthesis_citations:
        source = sources.get(citation.number)
        if source is not None:
            quote = source.paper.abstract[citation.start : citation.end]
            quotes.append((source.paper, "synthesis", quote))
    unsupported += _claims_unsupported(comparison.synthesis_sentences)
    lines += _passages_section(quotes, refs)
    lines += _unsupported_section(unsupported)
    lines += _references_section(refs)
    head = front_matter(
        {
            "title": comparison.title,
            "date": _date(comparison.created_at),
            "question": comparison_question(comparison),
            "tags": _tags(tags, "comparison"),
            "comparison": comparison.id,
            "aspects": list(comparison.aspects),
            "mode": comparison.mode,
            "model": comparison.model,
            "bibliography": bibliography if style == "pandoc" else None,
        }
    )
    return _finish(head, lines)
