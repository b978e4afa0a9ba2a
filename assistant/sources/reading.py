"""Reading input files as text: encodings, size limits and line-by-line streaming.

Encodings, in order: a BOM (UTF-8, UTF-16, UTF-32); UTF-16 without a BOM (NUL bytes every
other byte); an encoding the file declares (JabRef's `% Encoding: windows-1252`, an XML
declaration's `encoding="ISO-8859-1"`); else UTF-8, where a line that is not valid UTF-8 is
read as windows-1252 (a superset of Latin-1's printable range: bytes 0x80-0x9F are "–", "’",
"€"... in the files that contain them, never C1 control characters) and reported once.

Files are read line by line (`iter_lines`), so a line-oriented format never holds its whole
file; `read_text` joins the lines for the formats that need the whole document.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.types import ParseProblem

HEAD_BYTES = 65536
DEFAULT_MAX_INPUT_MB = 512
DEFAULT_MAX_ABSTRACT_CHARS = 100_000

_DECLARED = re.compile(
    rb"""(?:^%\s*Encoding:\s*([\w.:-]+)|<\?xml[^>]*encoding=["']([\w.:-]+)["'])""",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class InputLimits:
    """How much input one ingest accepts (settings `max_input_mb`, `max_abstract_chars`)."""

    max_input_bytes: int = DEFAULT_MAX_INPUT_MB * 1024 * 1024
    max_abstract_chars: int = DEFAULT_MAX_ABSTRACT_CHARS

    @classmethod
    def from_env(cls) -> InputLimits:
        """Limits from `LITASSIST_MAX_INPUT_MB` / `LITASSIST_MAX_ABSTRACT_CHARS` when set."""
        return cls.of(
            _env_int("LITASSIST_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB),
            _env_int("LITASSIST_MAX_ABSTRACT_CHARS", DEFAULT_MAX_ABSTRACT_CHARS),
        )

    @classmethod
    def of(cls, max_input_mb: float, max_abstract_chars: int) -> InputLimits:
        return cls(int(max_input_mb * 1024 * 1024), int(max_abstract_chars))


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


class InputTooLargeError(Exception):
    def __init__(self, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(
            f"file too large ({size / 2**20:.0f} MB, the limit is {limit / 2**20:.0f} MB); "
            "split it, or raise the limit with LITASSIST_MAX_INPUT_MB"
        )


@dataclass
class Decoding:
    """The encoding chosen for a file and the lines that were not valid in it."""

    encoding: str
    fallback_lines: list[int] = field(default_factory=list)

    def problems(self, source_file: str) -> list[ParseProblem]:
        if not self.fallback_lines:
            return []
        first, count = self.fallback_lines[0], len(self.fallback_lines)
        more = f" and {count - 1} more line(s)" if count > 1 else ""
        return [
            ParseProblem(
                source_file,
                first,
                f"not valid UTF-8{more}; read as windows-1252 (check accents)",
            )
        ]


def choose_encoding(head: bytes) -> str:
    """The encoding of a file, from its first bytes."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return name
    sample = head[:4096]
    if len(sample) >= 4:
        odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
        even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
        if odd_nuls > 0.4 and even_nuls < 0.05:
            return "utf-16-le"
        if even_nuls > 0.4 and odd_nuls < 0.05:
            return "utf-16-be"
    declared = _DECLARED.search(head[:4096])
    if declared:
        name = (declared.group(1) or declared.group(2)).decode("ascii", "replace")
        try:
            canonical = codecs.lookup(name).name
        except LookupError:
            return "utf-8"
        if canonical in {"latin-1", "iso8859-1"}:
            return "cp1252"  # what "Latin-1" files with 0x80-0x9F bytes really are
        return canonical
    return "utf-8"


def head_text(path: Path, size: int = HEAD_BYTES) -> str:
    """The first `size` bytes of `path` as text (for detection); '' when unreadable."""
    try:
        with path.open("rb") as handle:
            data = handle.read(size)
    except OSError:
        return ""
    encoding = choose_encoding(data)
    if encoding.startswith("utf-8"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 3:  # a character cut by the read
                return data[: exc.start].decode(encoding)
            return data.decode("cp1252", errors="replace_with_latin1")
    return data.decode(encoding, errors="replace")


def check_size(path: Path, limits: InputLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_input_bytes:
        raise InputTooLargeError(size, limits.max_input_bytes)


def iter_lines(path: Path, decoding: Decoding | None = None) -> Iterator[str]:
    """The lines of `path` without their line ends (CRLF, LF or lone CR), decoded."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        encoding = choose_encoding(head)
        if decoding is not None:
            decoding.encoding = encoding
        handle.seek(0)
        if not encoding.startswith("utf-8"):
            text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
            for raw in text:
                yield from _split_line(raw)
            return
        fallback = decoding.fallback_lines if decoding is not None else []
        for number, raw_bytes in enumerate(handle, start=1):
            line = _decode_line(raw_bytes, encoding, fallback, number)
            if number == 1:
                line = line.lstrip("\ufeff")
            yield from _split_line(line)


def _split_line(line: str) -> Iterator[str]:
    line = line.removesuffix("\n").removesuffix("\r")
    if "\r" in line:  # old Mac line ends
        yield from line.split("\r")
    else:
        yield line


def _decode_line(raw: bytes, encoding: str, fallback: list[int], number: int) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        fallback.append(number)
        return raw.decode("cp1252", errors="replace_with_latin1")


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as Latin-1.
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("latin-1"), error.end


codecs.register_error("replace_with_latin1", _latin1_for_undefined)


def read_text(path: Path, decoding: Decoding | None = None) -> str:
    """The whole text of `path`, lines joined with `\\n`."""
    return "\n".join(iter_lines(path, decoding))
