"""Plain-text paper listings: a title line, a blank line, the abstract paragraph, repeated.

This is what you get when copying a paper feed (e.g. Hugging Face daily papers) into a text
file.  Quirks handled:

* page chrome before the first paper ("Subscribe", a date, ...) is dropped *generically*: a
  paper is a short title paragraph immediately followed by a long abstract paragraph, and
  short paragraphs that are not followed by an abstract are not papers;
* CRLF line ends, trailing spaces, a missing final newline;
* abstracts wrapped over several lines (a paragraph is a run of non-blank lines);
* a title with no abstract after it (e.g. the orphan last line) is reported and skipped.

There is no library for this ad-hoc format, so the paragraph pairing is hand-written.
"""

from __future__ import annotations

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


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of `text`; any line made only of whitespace separates paragraphs."""
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
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


def looks_like_title(paragraph: Paragraph) -> bool:
    return paragraph.line_count <= 3 and len(paragraph.text) < MAX_TITLE_CHARS


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


def parse_listing(text: str, source_file: str) -> ParseResult:
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
