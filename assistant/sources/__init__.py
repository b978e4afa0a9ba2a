"""Input parsers: which files litassist reads, and turning each into `Paper`s.

Public API:

* `detect_format(path, head=None)` -> a format name (see `FORMATS`), by the content first and
  the extension second (`detect.py`); raises `UnsupportedFormatError` ("unrecognised format
  (looks like ...)") for anything else;
* `parse_file(path, limits=None)` -> `ParseResult`: size-checked, decoded (`reading.py`: BOM,
  UTF-16, a declared encoding, UTF-8 with windows-1252 for bad lines), line-oriented
  formats read line by line;
* `collect_input_files(paths)` -> the files to read (folders expanded) and, for every path
  not read, a problem saying why;
* `UnsupportedFormatError` for files of another type.

Each format has its own pure `parse_<fmt>(text, source_file)` module; the API readers
(`arxiv_atom`, `openalex`, `crossref`, `pubmed_xml`) also take decoded payloads.
"""

from __future__ import annotations

import dataclasses
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from assistant.sources.arxiv_atom import parse_arxiv_atom
from assistant.sources.bibtex import iter_bibtex, parse_bibtex
from assistant.sources.csljson import iter_csljson, parse_csljson
from assistant.sources.cslyaml import parse_cslyaml
from assistant.sources.csvfile import iter_csv, parse_csv
from assistant.sources.detect import detect
from assistant.sources.endnote_tagged import parse_endnote_tagged
from assistant.sources.endnote_xml import parse_endnote_xml
from assistant.sources.errors import SUPPORTED_FORMATS_HINT, UnsupportedFormatError
from assistant.sources.jsonl import parse_jsonl
from assistant.sources.listing import parse_listing
from assistant.sources.medline import parse_medline
from assistant.sources.pubmed_xml import parse_pubmed_xml
from assistant.sources.reading import (
    Decoding,
    InputLimits,
    InputTooLargeError,
    check_size,
    head_text,
    iter_lines,
)
from assistant.sources.refworks import parse_refworks
from assistant.sources.ris import parse_ris
from assistant.sources.wos import parse_wos
from assistant.types import Paper, ParseProblem, ParseResult

__all__ = [
    "FORMATS",
    "InputLimits",
    "UnsupportedFormatError",
    "collect_input_files",
    "detect_format",
    "iter_file",
    "parse_file",
    "read_text",
]

Parser = Callable[[Any, str], ParseResult]

PARSERS: dict[str, Parser] = {
    "bibtex": parse_bibtex,
    "ris": parse_ris,
    "wos": parse_wos,
    "medline": parse_medline,
    "enw": parse_endnote_tagged,
    "refworks": parse_refworks,
    "csljson": parse_csljson,
    "jsonl": parse_jsonl,
    "cslyaml": parse_cslyaml,
    "csv": parse_csv,
    "arxiv": parse_arxiv_atom,
    "pubmed-xml": parse_pubmed_xml,
    "endnote-xml": parse_endnote_xml,
    "listing": parse_listing,
}
FORMATS: tuple[str, ...] = tuple(PARSERS)
# Formats read as a stream, so the file is never held whole (BibTeX in batches of whole
# entries, JSON record by record, the line formats in batches of whole records, CSV row by
# row); XML and YAML are read whole, bounded by the size limit.
STREAMED = {
    "bibtex", "csljson", "ris", "wos", "medline", "enw", "refworks", "jsonl", "csv", "listing",
}  # fmt: skip


def detect_format(path: Path, head: str | None = None) -> str:
    """The format of `path` from its first characters (`head`, read when not given).

    Raises `UnsupportedFormatError` when the content is not a format litassist reads.
    """
    path = Path(path)
    if head is None:
        head = head_text(path)
    found = detect(path, head)
    if found.format is None:
        raise UnsupportedFormatError(
            path, f"unrecognised format (looks like {found.looks_like}); {SUPPORTED_FORMATS_HINT}"
        )
    return found.format


def read_text(path: Path) -> tuple[str, list[ParseProblem]]:
    """The text of `path` with newlines normalised to `\\n`, and a problem if not UTF-8."""
    decoding = Decoding("utf-8")
    text = "\n".join(iter_lines(Path(path), decoding))
    return text, decoding.problems(str(path))


def parse_file(path: Path, limits: InputLimits | None = None) -> ParseResult:
    """Read and parse one file; `source_file` is `str(path)` as given.

    Raises `UnsupportedFormatError` for a file litassist does not read; a file that cannot
    be read, or is over the size limit, gives a result with one problem and no papers.
    """
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for result in iter_file(path, limits):
        papers.extend(result.papers)
        problems.extend(result.problems)
    return ParseResult(tuple(papers), tuple(problems))


# Where a record starts, for the line formats read in batches of whole records.
_RECORD_START: dict[str, re.Pattern[str]] = {
    "ris": re.compile(r"^TY {1,2}-"),
    "wos": re.compile(r"^PT "),
    "medline": re.compile(r"^PMID-"),
    "enw": re.compile(r"^%0"),
    "refworks": re.compile(r"^RT "),
    "jsonl": re.compile(r""),
}
BATCH_LINES = 20_000
BATCH_CHARS = 8 << 20  # a run also ends past this many characters (one-line huge abstracts)


def iter_file(path: Path, limits: InputLimits | None = None) -> Iterator[ParseResult]:
    """`parse_file` batch by batch, so a large file is never held whole (see `STREAMED`).

    Line formats are cut into runs of whole records of about `BATCH_LINES` lines, each
    parsed as it is read; BibTeX is cut at top-level entries (`bibtex.iter_bibtex`); CSV is
    read row by row; the other formats are read whole (they are bounded by the size limit).
    """
    source_file = str(path)
    path = Path(path)
    limits = limits or InputLimits.from_env()
    decoding = Decoding("utf-8")
    found_any = False
    try:
        check_size(path, limits)
        fmt = detect_format(path)
        for result in _parse_batches(path, fmt, source_file, decoding):
            found_any = found_any or bool(result.papers or result.problems)
            yield result
    except InputTooLargeError as exc:
        yield ParseResult((), (ParseProblem(source_file, None, str(exc)),))
        return
    except OSError as exc:
        reason = exc.strerror or str(exc)
        yield ParseResult((), (ParseProblem(source_file, None, f"cannot read file: {reason}"),))
        return
    problems = decoding.problems(source_file)
    if not found_any and not problems:
        problems.append(ParseProblem(source_file, None, f"no papers found (read as {fmt})"))
    if problems:
        yield ParseResult((), tuple(problems))


def _parse_batches(
    path: Path, fmt: str, source_file: str, decoding: Decoding
) -> Iterator[ParseResult]:
    if fmt == "bibtex":
        yield from iter_bibtex(lambda: iter_lines(path, decoding), source_file)
    elif fmt == "csv":
        yield from _batched(iter_csv(iter_lines(path, decoding), source_file))
    elif fmt == "csljson":
        yield from _batched(iter_csljson(_blocks(iter_lines(path, decoding)), source_file))
    elif fmt in _RECORD_START:
        parser = PARSERS[fmt]
        for offset, lines in _record_runs(iter_lines(path, decoding), _RECORD_START[fmt]):
            yield _shift(parser(lines, source_file), offset)
    else:
        source: Any = iter_lines(path, decoding)
        if fmt not in STREAMED:
            source = "\n".join(source)
        yield PARSERS[fmt](source, source_file)


def _blocks(lines: Iterable[str], size: int = 1 << 20) -> Iterator[str]:
    """The text of `lines` in blocks of about `size` characters (for the JSON reader)."""
    block: list[str] = []
    length = 0
    for line in lines:
        block.append(line)
        length += len(line) + 1
        if length >= size:
            yield "\n".join(block) + "\n"
            block, length = [], 0
    if block:
        yield "\n".join(block)


def _record_runs(lines: Iterable[str], start: re.Pattern[str]) -> Iterator[tuple[int, list[str]]]:
    """(lines before the run, the run) of about `BATCH_LINES` lines or `BATCH_CHARS` characters,
    cut where a record starts."""
    run: list[str] = []
    first, chars = 0, 0
    for number, line in enumerate(lines):
        if (len(run) >= BATCH_LINES or chars >= BATCH_CHARS) and start.match(line):
            yield first, run
            run, first, chars = [], number, 0
        run.append(line)
        chars += len(line)
    if run:
        yield first, run


def _shift(result: ParseResult, offset: int) -> ParseResult:
    """A batch's lines counted from the start of the file, not of the batch."""
    if not offset:
        return result
    return ParseResult(
        tuple(
            dataclasses.replace(paper, line=paper.line + offset) if paper.line else paper
            for paper in result.papers
        ),
        tuple(
            dataclasses.replace(problem, line=problem.line + offset) if problem.line else problem
            for problem in result.problems
        ),
    )


def _batched(items: Iterable[Paper | ParseProblem], size: int = 2000) -> Iterator[ParseResult]:
    """Papers and problems in results of at most `size` papers or about `BATCH_CHARS` of text."""
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    chars = 0
    for item in items:
        if isinstance(item, ParseProblem):
            problems.append(item)
            continue
        papers.append(item)
        chars += len(item.abstract) + len(item.raw_entry or "")
        if len(papers) >= size or chars >= BATCH_CHARS:
            yield ParseResult(tuple(papers), tuple(problems))
            papers, problems, chars = [], [], 0
    if papers or problems:
        yield ParseResult(tuple(papers), tuple(problems))


def collect_input_files(paths: Iterable[Path]) -> tuple[list[Path], list[ParseProblem]]:
    """The readable files among `paths`, folders expanded recursively, without duplicates.

    Every path not read is a problem saying why: missing, not a regular file (a FIFO, a
    device), or not a format litassist reads -- inside folders too, except hidden files and
    folders (`.git/`, `.DS_Store`), which are skipped silently.
    """
    files: list[Path] = []
    problems: list[ParseProblem] = []
    seen: set[Path] = set()

    def consider(file: Path) -> None:
        try:
            detect_format(file)
        except UnsupportedFormatError as exc:
            problems.append(ParseProblem(str(file), None, exc.reason))
            return
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            files.append(file)

    for path in map(Path, paths):
        kind = _kind(path)
        if kind == "dir":
            for file, reason in _walk(path):
                if reason:
                    problems.append(ParseProblem(str(file), None, reason))
                else:
                    consider(file)
        elif kind == "file":
            consider(path)
        elif kind == "missing":
            problems.append(ParseProblem(str(path), None, "no such file or folder"))
        else:
            problems.append(ParseProblem(str(path), None, _not_regular(kind)))
    return files, problems


def _kind(path: Path) -> str:
    """ "file", "dir", "missing", or the kind of special file; never opens the path."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _not_regular(kind: str) -> str:
    if kind.startswith("unreadable"):
        return kind
    return f"not a regular file ({kind}); litassist reads files and folders"


def _walk(folder: Path) -> list[tuple[Path, str | None]]:
    """Non-hidden files under `folder`, sorted, with a reason for special files.

    Symlinked folders are not followed (no loops).
    """
    found: list[tuple[Path, str | None]] = []
    try:
        children = sorted(folder.iterdir(), key=lambda child: child.name)
    except OSError as exc:
        return [(folder, f"cannot list folder: {exc.strerror or exc}")]
    for child in children:
        if child.name.startswith("."):
            continue
        kind = _kind(child)
        if kind == "dir":
            if not child.is_symlink():
                found.extend(_walk(child))
        elif kind == "file":
            found.append((child, None))
        elif kind != "missing":
            found.append((child, _not_regular(kind)))
    return found
