"""Plain-text paper listings: a title line, a blank line, the abstract paragraph, repeated.

This is what you get when copying a paper feed (e.g. Hugging Face daily papers) into a text
file.  Quirks handled:

* page chrome before the first paper ("Subscribe", a date, ...) is dropped *generically*: a
  paper is a short title paragraph immediately followed by a long abstract paragraph, and
  short paragraphs that are not followed by an abstract are not papers;
* CRLF line ends, trailing spaces, a missing final newline;
* abstracts wrapped over several lines (a paragraph is a run of non-blank lines);
* a title with no abstract after it (e.g. the orphan last line) is reported and skipped.

A listing has no markers, so it is only read when it clearly is one: `listing_confidence`
is the share of paragraphs (after the page chrome) that pair up as a clean title -- starting
with a letter, digit or quote, no URL, no `Field: value` or `key=value` label, no code or log
punctuation -- followed by a prose abstract.  Below `MIN_CONFIDENCE` the file is not a
listing (a README, a log, a ProQuest or OVID export) and nothing is read from it; inside a
listing, a pair whose title is not clean is reported and skipped, never stored.

There is no library for this ad-hoc format, so the paragraph pairing is hand-written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.sources.identity import make_paper
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "listing"

MAX_TITLE_CHARS = 300
MIN_ABSTRACT_WORDS = 25
MIN_ABSTRACT_CHARS = 150


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank lines, joined with spaces; `line` is its first line (1-based)."""

    line: int
    text: str
    line_count: int


def split_paragraphs(text: str | Iterable[str]) -> list[Paragraph]:
    """Paragraphs of `text` (or its lines); a line of only whitespace separates paragraphs."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = 0
    lines = text.splitlines() if isinstance(text, str) else text
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            paragraphs.append(Paragraph(start, " ".join(current), len(current)))
            current = []
    if current:
        paragraphs.append(Paragraph(start, " ".join(current), len(current)))
    return paragraphs


MIN_CONFIDENCE = 0.6
MAX_CHROME_PARAGRAPHS = 15

_TITLE_START = re.compile(r"^[\w\"'“‘(\[¿¡«]")
_FIELD_LABEL = re.compile(
    r"^(?:title|authors?|abstract|source|publication(?: info| title| year)?|database|links?|"
    r"url|doi|issn|isbn|date|year|subjects?|keywords?|language|document type|publisher|"
    r"accession number|copyright|volume|issue|pages?|citation|record|notes?)\s*:",
    re.IGNORECASE,
)
_NOT_TITLE = re.compile(
    r"://|^www\.|^[\w ]{1,30}=\S|[{};]\s*$|\(\)|==|=>|->|^\d+\.?\s*$|"
    r"\bdoi:|\((?:1[89]|20)\d\d[a-z]?\)|\bpp\.\s*\d|"  # a formatted citation, not a title
    r"^\[?\d{4}-\d\d-\d\d[ T]\d\d:|^(?:def|class|import|from|return|if|for)\s"
)


def looks_like_title(paragraph: Paragraph) -> bool:
    return paragraph.line_count <= 3 and len(paragraph.text) < MAX_TITLE_CHARS


def is_clean_title(text: str) -> bool:
    """A paper title, not a URL, a `Field:` label, a `key=value` line, code or a log line."""
    return (
        bool(_TITLE_START.match(text))
        and not _FIELD_LABEL.match(text)
        and not _NOT_TITLE.search(text)
        and len(re.findall(r"[^\W\d_]{2,}", text)) >= 1
    )


def is_prose(text: str) -> bool:
    """Mostly letters and spaces (an abstract), not a block of fields, code or numbers."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return False
    letters = sum(c.isalpha() for c in visible)
    return letters / len(visible) >= 0.6 and len(_FIELD_LABEL.findall(text)) == 0


def listing_confidence(text: str) -> float:
    """How surely `text` is a title/abstract listing: the share of paired paragraphs."""
    paragraphs = split_paragraphs(text)
    if len(text) >= 60000 and len(paragraphs) > 1:
        paragraphs = paragraphs[:-1]  # the last one may be cut by the read
    first = next(
        (
            i
            for i in range(min(len(paragraphs), MAX_CHROME_PARAGRAPHS + 1))
            if starts_pair(paragraphs, i)
        ),
        None,
    )
    if first is None:
        return 0.0
    index, paired = first, 0
    while index < len(paragraphs):
        if starts_pair(paragraphs, index):
            paired += 2
            index += 2
        else:
            index += 1
    considered = len(paragraphs) - first
    if considered == paired + 1 and looks_like_title(paragraphs[-1]):
        considered -= 1  # an orphan title at the end (a cut-off copy) is not counted against
    return paired / considered if considered else 0.0


def looks_like_abstract(paragraph: Paragraph) -> bool:
    text = paragraph.text
    return len(text.split()) >= MIN_ABSTRACT_WORDS or len(text) >= MIN_ABSTRACT_CHARS


def starts_pair(paragraphs: list[Paragraph], index: int) -> bool:
    """True when paragraphs[index] and the next one form a (title, abstract) pair."""
    if index + 1 >= len(paragraphs):
        return False
    title, abstract = paragraphs[index], paragraphs[index + 1]
    if not (looks_like_title(title) and looks_like_abstract(abstract)):
        return False
    if not (is_clean_title(title.text) and is_prose(abstract.text)):
        return False
    if len(abstract.text) < 2 * len(title.text):  # two prose paragraphs, not title + abstract
        return False
    # A long title right after an orphan title must not be taken for that orphan's
    # abstract: if the candidate abstract itself starts a pair with a longer paragraph,
    # it is the next paper's title.
    after = paragraphs[index + 2] if index + 2 < len(paragraphs) else None
    return not (
        after is not None
        and abstract.line_count == 1
        and looks_like_title(abstract)
        and looks_like_abstract(after)
        and len(after.text) > 2 * len(abstract.text)
    )


def parse_listing(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Parse a plain listing into papers (title + abstract, `line` = the title's line)."""
    paragraphs = split_paragraphs(text)
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if starts_pair(paragraphs, index):
            papers.append(_paper(paragraph, paragraphs[index + 1], source_file))
            index += 2
            continue
        # Before the first paper, unpaired paragraphs are page chrome and dropped silently.
        if papers and looks_like_title(paragraph):
            problems.append(
                ParseProblem(
                    source_file,
                    paragraph.line,
                    f"title without an abstract after it, skipped: {paragraph.text[:80]!r}",
                )
            )
        elif papers:
            problems.append(
                ParseProblem(source_file, paragraph.line, "paragraph without a title, skipped")
            )
        index += 1
    return ParseResult(tuple(papers), tuple(problems))


def _paper(title: Paragraph, abstract: Paragraph, source_file: str) -> Paper:
    return make_paper(
        title=title.text,
        abstract=abstract.text,
        source_file=source_file,
        source_format=FORMAT,
        line=title.line,
    )
