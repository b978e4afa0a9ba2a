"""Input parsers: which files litassist reads, and turning each into `Paper`s.

Public API:

* `detect_format(path, head=None)` -> "bibtex" | "ris" | "csljson" | "jsonl" | "csv" |
  "listing", from the extension and the first characters of the file;
* `parse_file(path)` -> `ParseResult`, reading UTF-8 (BOM tolerated; UTF-16 with a BOM;
  else Latin-1 with a problem note);
* `collect_input_files(paths)` -> the files to read (folders expanded) and the problems;
* `UnsupportedFormatError` for files of another type.

Each format has its own pure `parse_<fmt>(text, source_file)` module.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.sources.bibtex import parse_bibtex
from assistant.sources.csljson import parse_csljson
from assistant.sources.csvfile import parse_csv
from assistant.sources.errors import SUPPORTED_FORMATS_HINT, UnsupportedFormatError
from assistant.sources.jsonl import parse_jsonl
from assistant.sources.listing import parse_listing
from assistant.sources.ris import parse_ris
from assistant.types import ParseProblem, ParseResult

__all__ = [
    "FORMATS",
    "UnsupportedFormatError",
    "collect_input_files",
    "detect_format",
    "parse_file",
    "read_text",
]

Parser = Callable[[str, str], ParseResult]

PARSERS: dict[str, Parser] = {
    "bibtex": parse_bibtex,
    "ris": parse_ris,
    "csljson": parse_csljson,
    "jsonl": parse_jsonl,
    "csv": parse_csv,
    "listing": parse_listing,
}
FORMATS: tuple[str, ...] = tuple(PARSERS)

_EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".json": "csljson",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "listing",
    ".text": "listing",
    ".md": "listing",
    "": "listing",  # no extension: decided by the content, else a plain listing
}
# Text types whose content can reveal another format (a `.txt` RIS export, ...).
_SNIFFED_TEXT = {"bibtex", "ris", "listing"}
_SNIFFED_JSON = {"csljson", "jsonl"}
_RIS_START = re.compile(r"^(?:TY|PT)  - ", re.MULTILINE)
_HEAD_CHARS = 8192


def detect_format(path: Path, head: str | None = None) -> str:
    """The format of `path`, from its extension refined by its first characters (`head`).

    `head` is read from the file when not given (and the file exists).  Raises
    `UnsupportedFormatError` for other file types.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    by_extension = _EXTENSIONS.get(suffix)
    if by_extension is None:
        raise UnsupportedFormatError(
            path, f"unsupported file type ({suffix}); {SUPPORTED_FORMATS_HINT}"
        )
    if head is None:
        head = _read_head(path)
    start = head.lstrip("\ufeff \t\r\n")
    if by_extension in _SNIFFED_TEXT:
        return _sniff_text(start, by_extension, path)
    if by_extension in _SNIFFED_JSON:
        return _sniff_json(start, by_extension)
    return by_extension


def _sniff_text(start: str, by_extension: str, path: Path) -> str:
    if start.startswith("@") or (start.startswith("%") and "\n@" in start):
        return "bibtex"  # JabRef files may start with a `% Encoding: UTF-8` comment
    if _RIS_START.match(start):
        return "ris"
    if by_extension == "listing" and "\x00" in start:
        raise UnsupportedFormatError(path, f"binary file, not text; {SUPPORTED_FORMATS_HINT}")
    return by_extension


def _sniff_json(start: str, by_extension: str) -> str:
    if start.startswith("["):
        return "csljson"
    if start.startswith("{"):
        first_line = start.split("\n", 1)[0]
        try:
            complete = isinstance(json.loads(first_line), dict)
        except json.JSONDecodeError:
            complete = False
        # One whole object on the first line is JSON Lines; a pretty-printed object is not.
        return "jsonl" if complete else "csljson"
    return by_extension


def _read_head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(_HEAD_CHARS)
    except OSError:
        return ""
    text, _ = _decode(data)
    return text


def _decode(data: bytes) -> tuple[str, int | None]:
    """Bytes as text; the second value is the line of the first non-UTF-8 byte, if any."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return data.decode("latin-1"), data.count(b"\n", 0, exc.start) + 1


def read_text(path: Path) -> tuple[str, list[ParseProblem]]:
    """The text of `path` with newlines normalised to `\\n`, and a problem if not UTF-8."""
    data = Path(path).read_bytes()
    text, bad_line = _decode(data)
    problems: list[ParseProblem] = []
    if bad_line is not None:
        problems.append(
            ParseProblem(str(path), bad_line, "not valid UTF-8; read as Latin-1 (check accents)")
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), problems


def parse_file(path: Path) -> ParseResult:
    """Read and parse one file; `source_file` is `str(path)` as given.

    Raises `UnsupportedFormatError` for a file type litassist does not read; a file that
    cannot be read gives a result with one problem and no papers.
    """
    source_file = str(path)
    try:
        text, problems = read_text(Path(path))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ParseResult((), (ParseProblem(source_file, None, f"cannot read file: {reason}"),))
    fmt = detect_format(Path(path), head=text[:_HEAD_CHARS])
    result = PARSERS[fmt](text, source_file)
    if not result.papers and not result.problems and not problems:
        problems.append(ParseProblem(source_file, None, f"no papers found (read as {fmt})"))
    return ParseResult(result.papers, (*problems, *result.problems))


def collect_input_files(paths: Iterable[Path]) -> tuple[list[Path], list[ParseProblem]]:
    """The supported files among `paths`, folders expanded recursively, without duplicates.

    Inside folders, hidden files and folders and files of other types are skipped silently;
    a named path that does not exist or has an unsupported type is a problem.
    """
    files: list[Path] = []
    problems: list[ParseProblem] = []
    seen: set[Path] = set()

    def add(file: Path) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            files.append(file)

    for path in map(Path, paths):
        if path.is_dir():
            for file in _walk(path):
                add(file)
        elif path.is_file():
            try:
                detect_format(path)
            except UnsupportedFormatError as exc:
                problems.append(ParseProblem(str(path), None, exc.reason))
                continue
            add(path)
        else:
            problems.append(ParseProblem(str(path), None, "no such file"))
    return files, problems


def _walk(folder: Path) -> list[Path]:
    """Supported, non-hidden files under `folder`, sorted, symlinked folders not followed."""
    found: list[Path] = []
    try:
        children = sorted(folder.iterdir(), key=lambda child: child.name)
    except OSError:
        return found
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            if not child.is_symlink():
                found.extend(_walk(child))
        elif child.is_file() and _is_supported(child):
            found.append(child)
    return found


def _is_supported(path: Path) -> bool:
    if not path.suffix:  # README, LICENSE, Makefile...: only read when named explicitly
        return False
    try:
        detect_format(path)
    except UnsupportedFormatError:
        return False
    return True
