"""BibTeX and BibLaTeX files, parsed with bibtexparser v2.

Exporter quirks handled (Zotero, Mendeley, JabRef, BibDesk, Google Scholar, BibLaTeX):

* `@string` macros, also inside `#` concatenations (bibtexparser only resolves a macro that
  is the whole value, so concatenations are resolved by `ResolveConcatenation` below);
* LaTeX accents, commands and protective braces decoded to Unicode (`{\\"u}`, `\\'{e}`,
  `{\\ss}`, `{{Deep}} Learning`, `--`); bare `%` and `&` (Mendeley) are kept literally;
* names as "Last, First" or "First Last", corporate authors in braces
  (`{Google Research {and} DeepMind}` is one author), `and others` dropped; authors are
  returned as "von Last, Jr, First" (or the single corporate name);
* capitalised field keys (BibDesk's `Author`, Mendeley's `arxivId`), duplicated fields;
* BibLaTeX `date`, `journaltitle`, `eprint` with `eprinttype`/`archivePrefix`, Mendeley's
  `arxivId`, Google Scholar's `journal = {arXiv preprint arXiv:...}`, `doi` given as a URL,
  `url` or BibDesk's `bdsk-url-1`, LaTeX escapes in URLs and DOIs (`\\_`);
* entries without a key (`@article{,` or `@article{ title = ...`): kept, citekey None;
* duplicated citekeys (bibtexparser turns them into failed blocks): both entries kept, no
  problem reported since nothing is skipped; a duplicated field keeps its last value;
* `@comment` (JabRef's `jabref-meta`, BibDesk groups), `@preamble` and text between
  entries are ignored;
* a malformed entry (unbalanced braces, missing comma, no title) is reported as a problem
  at its line and skipped; the rest of the file still parses.

`Paper.raw_entry` is the exact source text of the entry (the block's `.raw`), `line` its
1-based first line (bibtexparser's `start_line` is 0-based).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    LibraryMiddleware,
    NormalizeFieldKeys,
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
    SeparateCoAuthors,
    SplitNameParts,
)
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.middlewares.names import NameParts
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
    String,
)
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_walker_context_db
from pylatexenc.macrospec import LatexContextDb

from assistant.sources.identity import clean_keywords, make_paper, normalize_arxiv
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "bibtex"

# bibtexparser and pylatexenc log a warning per malformed block / unknown macro; we report
# those as ParseProblems, so keep them off stderr (the TUI owns the terminal).
for _name in ("bibtexparser", "pylatexenc"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_KEYLESS_ENTRY = re.compile(
    r"^([ \t]*@(?!(?:string|comment|preamble)\b)[A-Za-z]+[ \t]*\{)(?=\s*[\w\-]+\s*=)",
    re.MULTILINE | re.IGNORECASE,
)
_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]*)")
_ARXIV_TYPES = {"arxiv", "arxiv.org"}
_DATA_ONLY = {"xdata", "set"}


@dataclass
class _SourceEntry:
    """An entry as split from the file, before decoding."""

    entry: Entry
    key: str | None
    line: int  # 1-based
    raw: str


def parse_bibtex(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Parse BibTeX/BibLaTeX (a string, or the file's lines); malformed entries are problems.

    The text is cut at top-level entry boundaries and parsed in batches (`iter_bibtex`), so
    a large file is never held whole; the result is in file order.
    """
    lines = text.splitlines() if isinstance(text, str) else list(text)
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for result in iter_bibtex(lambda: iter(lines), source_file):
        papers.extend(result.papers)
        problems.extend(result.problems)
    papers.sort(key=lambda paper: paper.line or 0)
    problems.sort(key=lambda problem: problem.line or 0)
    return ParseResult(tuple(papers), tuple(problems))


BATCH_LINES = 20_000  # lines per parsed batch (cut at the next top-level entry) ...
BATCH_CHARS = 8 << 20  # ... or characters, whichever comes first
_CROSS_LINK = re.compile(
    r"\b(?:crossref|xdata)\s*=\s*(?:\{([^{}]*)\}|\"([^\"]*)\"|([\w:.\-/+]+))", re.IGNORECASE
)
_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]")


def referenced_keys(lines: Iterable[str]) -> set[str]:
    """Keys named by `crossref`/`xdata` fields anywhere: the entries other entries inherit from."""
    keys: set[str] = set()
    for line in lines:
        if "crossref" in line.lower() or "xdata" in line.lower():
            for match in _CROSS_LINK.finditer(line):
                value = next(group for group in match.groups() if group is not None)
                keys.update(key.strip().lower() for key in value.split(",") if key.strip())
    return keys


def split_batches(
    lines: Iterable[str], batch_lines: int = BATCH_LINES
) -> Iterator[tuple[int, str]]:
    """(0-based first line, text) of runs of whole entries, about `batch_lines` lines each
    (or `BATCH_CHARS` characters: an entry with a 4 MB abstract is one line).

    A batch ends only before a line starting an `@` block at brace depth zero, so no entry is
    cut; braces are counted outside `\\{` escapes (BibTeX values keep braces balanced).
    """
    batch: list[str] = []
    start, depth, chars = 0, 0, 0
    for number, line in enumerate(lines):
        if number == 0:
            line = line.lstrip("\ufeff")
        full = len(batch) >= batch_lines or chars >= BATCH_CHARS
        if depth <= 0 and full and _ENTRY_START.match(line):
            yield start, "\n".join(batch)
            batch, start, depth, chars = [], number, 0, 0
        batch.append(line)
        chars += len(line)
        if "{" in line or "}" in line:
            plain = line.replace("\\{", "").replace("\\}", "")
            depth += plain.count("{") - plain.count("}")
    if batch:
        yield start, "\n".join(batch)


def iter_bibtex(
    lines: Callable[[], Iterable[str]], source_file: str, batch_lines: int = BATCH_LINES
) -> Iterator[ParseResult]:
    """Parse results batch by batch; `lines()` gives the file's lines (read twice).

    The first pass only collects the keys that `crossref`/`xdata` fields name, so those
    parents are kept across batches and a child whose parent comes later (BibDesk writes
    parents last) waits for it; everything else is released batch by batch.  `@string`
    macros carry over to later batches.
    """
    state = _BibtexState(source_file, referenced_keys(lines()))
    for offset, text in split_batches(lines(), batch_lines):
        yield state.feed(text, offset)
    yield state.finish()


class _BibtexState:
    """What carries from one batch to the next: macros, crossref parents, waiting children."""

    def __init__(self, source_file: str, referenced: set[str]) -> None:
        self.source_file = source_file
        self.referenced = referenced
        self.strings: dict[str, String] = {}
        self.parents: dict[str, Entry] = {}
        self.waiting: list[tuple[_SourceEntry, Entry]] = []

    def feed(self, text: str, offset: int) -> ParseResult:
        patched, keyless_lines = _add_missing_keys(text)
        # Split only: the blocks keep their raw text and line, untouched by any middleware.
        split = bibtexparser.parse_string(patched, parse_stack=[])
        sources, problems = _collect_entries(split, keyless_lines, self.source_file, offset)
        for string in split.strings:
            self.strings.setdefault(string.key.lower(), string)
        decoded = _decode(list(self.strings.values()), [source.entry for source in sources])
        for source, entry in zip(sources, decoded, strict=True):
            if source.key and source.key.lower() in self.referenced:
                self.parents.setdefault(source.key.lower(), entry)
        ready: list[tuple[_SourceEntry, Entry]] = []
        for source, entry in zip(sources, decoded, strict=True):
            missing = [
                key for key in _links(entry) if key in self.referenced and key not in self.parents
            ]
            (self.waiting if missing else ready).append((source, entry))
        return self._papers(ready, problems)

    def finish(self) -> ParseResult:
        waiting, self.waiting = self.waiting, []
        return self._papers(waiting, [])

    def _papers(
        self, items: list[tuple[_SourceEntry, Entry]], problems: list[ParseProblem]
    ) -> ParseResult:
        parents = list(self.parents.items())
        entries = [entry for _, entry in items] + [entry for _, entry in parents]
        keys = [source.key for source, _ in items] + [key for key, _ in parents]
        inherit_fields(entries, keys)
        papers: list[Paper] = []
        for source, entry in items:
            if entry.entry_type.lower() in _DATA_ONLY:
                continue  # shared field data for other entries, not a paper
            paper = _to_paper(entry, source, self.source_file)
            if paper is None:
                name = f"entry '{source.key}'" if source.key else "entry"
                problems.append(
                    ParseProblem(self.source_file, source.line, f"{name} has no title, skipped")
                )
            else:
                papers.append(paper)
        problems.sort(key=lambda problem: problem.line or 0)
        return ParseResult(tuple(papers), tuple(problems))


def _links(entry: Entry) -> list[str]:
    keys: list[str] = []
    for link in ("crossref", "xdata"):
        field = entry.get(link)
        if field is not None and isinstance(field.value, str):
            keys.extend(key.strip().lower() for key in field.value.split(",") if key.strip())
    return keys


# --- splitting ---------------------------------------------------------------------------


def _add_missing_keys(text: str) -> tuple[str, set[int]]:
    """Insert an empty key into `@article{ title = ...`, which bibtexparser rejects.

    Returns the patched text and the 0-based lines patched (only a "," is inserted right
    after the "{", so lines do not move and the raw text is restored by removing it).
    """
    lines: set[int] = set()

    def insert_comma(match: re.Match[str]) -> str:
        lines.add(text.count("\n", 0, match.start()))
        return match.group(1) + ","

    return _KEYLESS_ENTRY.sub(insert_comma, text), lines


def _collect_entries(
    split: Library, keyless_lines: set[int], source_file: str, offset: int = 0
) -> tuple[list[_SourceEntry], list[ParseProblem]]:
    entries: list[_SourceEntry] = []
    problems: list[ParseProblem] = []
    for block in split.blocks:
        if isinstance(block, Entry | DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            entry = block if isinstance(block, Entry) else block.ignore_error_block
            if isinstance(entry, Entry):  # not a duplicated @string (the first one wins)
                entries.append(_source_entry(entry, keyless_lines, offset))
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_failed_block_problem(block, source_file, offset))
    return entries, problems


def _source_entry(entry: Entry, keyless_lines: set[int], offset: int = 0) -> _SourceEntry:
    start = entry.start_line or 0
    raw = entry.raw or ""
    if start in keyless_lines:
        raw = raw.replace("{,", "{", 1)
    key = entry.key.strip() or None
    return _SourceEntry(entry=entry, key=key, line=offset + start + 1, raw=raw)


def _failed_block_problem(
    block: ParsingFailedBlock, source_file: str, offset: int = 0
) -> ParseProblem:
    reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
    head = _ENTRY_HEAD.match((block.raw or "").lstrip())
    if head and head.group(1).lower() not in {"string", "comment", "preamble"}:
        what = f"entry '{head.group(2)}'" if head.group(2) else "entry"
    elif head:
        what = f"@{head.group(1).lower()} block"
    else:
        what = "block"
    line = offset + (block.start_line or 0) + 1
    return ParseProblem(source_file, line, f"malformed {what} skipped: {reason.strip()}")


# --- crossref / xdata --------------------------------------------------------------------

# Fields a child never takes from its `crossref` parent: its own identity and text (a
# proceedings' DOI or abstract is not the paper's), and names (the parent's editors are not
# the paper's authors).  The parent's `title` becomes the child's `booktitle`.
_NOT_INHERITED = {
    "doi", "url", "abstract", "eprint", "eprinttype", "archiveprefix", "ids", "crossref",
    "xref", "xdata", "file", "note", "keywords", "author", "editor", "title", "subtitle",
    "key", "label", "entryset", "pages",
}  # fmt: skip


def inherit_fields(entries: list[Entry], keys: list[str | None]) -> None:
    """Fill each entry's missing fields from its `crossref` and `xdata` parents, in place."""
    by_key = {key.lower(): entry for key, entry in zip(keys, entries, strict=True) if key}
    for entry in entries:
        parents: list[tuple[str, Entry]] = []
        for link in ("crossref", "xdata"):
            field = entry.get(link)
            if field is None or not isinstance(field.value, str):
                continue
            for key in field.value.split(","):
                parent = by_key.get(key.strip().lower())
                if parent is not None and parent is not entry:
                    parents.append((link, parent))
        for link, parent in parents:
            for field in parent.fields:
                target = field.key
                if link == "crossref" and field.key in ("title", "booktitle"):
                    target = "booktitle"
                elif field.key in _NOT_INHERITED:
                    continue
                if entry.get(target) is None:
                    entry.set_field(Field(target, field.value))


# --- decoding ----------------------------------------------------------------------------


class ResolveConcatenation(LibraryMiddleware):
    """Resolve `a # " b" # {c}` values: quoted and braced parts, numbers and @string macros.

    bibtexparser's `ResolveStringReferencesMiddleware` only replaces a macro that is the whole
    value.  Must run before `RemoveEnclosingMiddleware` (parts still carry their enclosing).
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    def transform(self, library: Library) -> Library:
        macros = {string.key.lower(): string.value for string in library.strings}
        for entry in library.entries:
            for field in entry.fields:
                if isinstance(field.value, str) and len(split_concatenation(field.value)) > 1:
                    field.value = "{" + resolve_value(field.value, macros) + "}"
        return library


def split_concatenation(value: str) -> list[str]:
    """The parts of a BibTeX value joined by `#` outside braces and quotes."""
    if "#" not in value:
        return [value.strip()]
    parts: list[str] = []
    depth, in_quotes, start = 0, False, 0
    for index, char in enumerate(value):
        escaped = index > 0 and value[index - 1] == "\\"
        if char == "{" and not escaped:
            depth += 1
        elif char == "}" and not escaped:
            depth -= 1
        elif char == '"' and depth == 0 and not escaped:
            in_quotes = not in_quotes
        elif char == "#" and depth == 0 and not in_quotes:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return parts


def resolve_value(value: str, macros: dict[str, str], depth: int = 0) -> str:
    """The text of an un-enclosed BibTeX value: parts unwrapped, macros expanded."""
    pieces: list[str] = []
    for part in split_concatenation(value):
        if len(part) >= 2 and (part[0], part[-1]) in {("{", "}"), ('"', '"')}:
            pieces.append(part[1:-1])
        elif part.lower() in macros and depth < 10:
            pieces.append(resolve_value(macros[part.lower()], macros, depth + 1))
        else:  # a number, or an undefined macro (e.g. `jan`): kept as written
            pieces.append(part)
    return "".join(pieces)


# An accent command with its letter: `\~n`, `\'{i}`, `\v s`, `{\"u}` (the braces kept).
_NAME_ACCENT = re.compile(r"\\(?:[`'^\"~=.]\s*|[uvHckrbdt](?:\s+|(?=\{)))(?:\{\w\}|\w)")


class DecodeNameAccents(LibraryMiddleware):
    """Decode LaTeX accents in author/editor lists before the names are split.

    `SeparateCoAuthors`/`SplitNameParts` treat `~` as a tie (a space), so `Brise\\~no-Garc\\'ia`
    would become "Brise no-García".  Only accent commands are decoded here: braces (which
    protect corporate names like `{Google Research {and} DeepMind}`) are left for the name
    splitter.
    """

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)

    def transform(self, library: Library) -> Library:
        for entry in library.entries:
            for name in ("author", "editor"):
                field = entry.get(name)
                if field is not None and isinstance(field.value, str) and "\\" in field.value:
                    field.value = _NAME_ACCENT.sub(
                        lambda match: latex_to_text(match.group()), field.value
                    )
        return library


def _parse_stack() -> list[Middleware]:
    return [
        NormalizeFieldKeys(),
        ResolveStringReferencesMiddleware(),
        ResolveConcatenation(),
        RemoveEnclosingMiddleware(),
        DecodeNameAccents(),
        SeparateCoAuthors(),
        SplitNameParts(),
    ]


def _decode(strings: list[String], entries: list[Entry]) -> list[Entry]:
    """Run the middleware stack over `entries`, returned in the same order.

    Keys are temporarily replaced by their index: duplicated and empty keys would otherwise
    turn entries into `DuplicateBlockKeyBlock`s, which middlewares skip.  No LaTeX decoding
    middleware here: `LatexDecodingMiddleware` decodes every field, and LaTeX treats `%` as a
    comment, which truncates URLs such as `a%20b`; prose fields are decoded in `_to_paper`.
    """
    for index, entry in enumerate(entries):
        entry.key = str(index)
    library = Library([*strings, *entries], fail_on_duplicate_key=False)
    for middleware in _parse_stack():
        library = middleware.transform(library)
    by_index: dict[str, Entry] = {}
    for block in library.blocks:
        if isinstance(block, MiddlewareErrorBlock) and isinstance(block.ignore_error_block, Entry):
            block = block.ignore_error_block  # e.g. a name SplitNameParts rejects
        if isinstance(block, Entry):
            by_index[block.key] = block
    return [by_index[str(index)] for index in range(len(entries))]


@lru_cache(maxsize=1)
def _latex_decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category(
        "litassist-bibtex", prepend=True, macros=[MacroTextSpec("url", simplify_repl="%s")]
    )
    return LatexNodes2Text(latex_context=context, math_mode="text")


@lru_cache(maxsize=1)
def _parse_context() -> LatexContextDb:
    # Built once: LatexWalker otherwise rebuilds the default context for every value.
    return get_default_walker_context_db()


# What pylatexenc would change besides braces; values without it skip the (slow) parser.
_LATEX_MARKUP = re.compile(r"[\\$~]|--|``|''")


# pylatexenc takes ~50 µs a character: a 100,000-character abstract would take seconds and a
# 20 MB one hours.  Longer values are decoded island by island (only the words that carry
# markup go through pylatexenc) and cut to MAX_FIELD_CHARS first; ingest cuts abstracts
# further to its configured length.
LONG_VALUE_CHARS = 4000
MAX_FIELD_CHARS = 1_000_000


def latex_to_text(value: str) -> str:
    """LaTeX markup to plain Unicode; bare `%` and `&` are literal in BibTeX values."""
    if not _LATEX_MARKUP.search(value):  # e.g. Zotero's `{Deep} {Learning}`
        return value.replace("{", "").replace("}", "")
    if len(value) > LONG_VALUE_CHARS:
        return _decode_islands(value[:MAX_FIELD_CHARS])
    return _decode_whole(value)


def _decode_islands(value: str) -> str:
    """Decode only the words with markup (a brace group or `$...$` math kept whole)."""
    pieces: list[str] = []
    position, length = 0, len(value)
    while position < length:
        found = _LATEX_MARKUP.search(value, position)
        if found is None:
            pieces.append(_strip_braces(value[position:]))
            break
        start = max(position, value.rfind(" ", position, found.start()) + 1)
        pieces.append(_strip_braces(value[position:start]))
        depth = value.count("{", start, found.start()) - value.count("}", start, found.start())
        in_math, end = False, found.start()
        while end < length:
            char = value[end]
            if char == "\\":
                end += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == "$":
                in_math = not in_math
            elif char.isspace() and depth <= 0 and not in_math:
                break
            end += 1
        pieces.append(_decode_whole(value[start:end]))
        position = end
    return "".join(pieces)


def _strip_braces(text: str) -> str:
    return text.replace("{", "").replace("}", "")


# Math sub- and superscripts (`Cu$_2$O`, `$^{13}$C`, `$\\alpha_{s}$`): pylatexenc keeps the `_2`
# and `^{13}`; Zotero writes the Unicode forms (Cu₂O), so do we, and drop the marker where a
# character has no such form.
_SUBSCRIPTS = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUPERSCRIPTS = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", strict=True))
_SCRIPT = re.compile(r"([_^])\s*(?:\{([^{}$]*)\}|([^\s{}$\\]))")
_MATH = re.compile(r"(?<!\\)\$([^$]*)\$")


def _script(match: re.Match[str]) -> str:
    table = _SUBSCRIPTS if match.group(1) == "_" else _SUPERSCRIPTS
    text = match.group(2) if match.group(2) is not None else match.group(3)
    if text and all(char in table for char in text):
        text = "".join(table[char] for char in text)
    # `{}` ends a preceding macro's name (`\\alpha_s`) without printing anything.
    after_macro = re.search(r"\\[A-Za-z]+$", match.string[: match.start()])
    return ("{}" if after_macro else "") + (text or "")


def math_scripts(value: str) -> str:
    """`$_2$` -> `₂` and `$^{13}$` -> `¹³` inside math; other math is left to pylatexenc."""
    if "$" not in value or not any(mark in value for mark in "_^"):
        return value
    return _MATH.sub(lambda m: "$" + _SCRIPT.sub(_script, m.group(1)) + "$", value)


def _decode_whole(value: str) -> str:
    value = math_scripts(value)
    escaped = re.sub(r"(?<!\\)([%&])", r"\\\1", value)
    try:
        return _latex_decoder().latex_to_text(escaped, latex_context=_parse_context())
    except Exception:  # pylatexenc can choke on odd input; fall back to stripped braces
        return re.sub(r"[{}]", "", value)


def verbatim(value: str) -> str:
    """A URL/DOI/eprint value: `\\url{}` unwrapped, `\\_`-style escapes and braces removed."""
    text = re.sub(r"\\url\s*\{(.*)\}", r"\1", value.strip())
    text = re.sub(r"\\([_%&#$~])", r"\1", text)
    return text.replace("{", "").replace("}", "").strip()


def _field(entry: Entry, *names: str) -> str | None:
    for name in names:
        field = entry.get(name)
        if field is not None and isinstance(field.value, str) and field.value.strip():
            return field.value
    return None


def _authors(entry: Entry) -> tuple[str, ...]:
    field = entry.get("author") or entry.get("editor")
    if field is None:
        return ()
    value = field.value
    names = value if isinstance(value, list) else [value]
    authors: list[str] = []
    for name in names:
        text = _format_name(name) if isinstance(name, NameParts) else latex_to_text(str(name))
        if text and text.strip().lower() != "others":
            authors.append(text)
    return tuple(authors)


def _format_name(name: NameParts) -> str:
    decoded = NameParts(
        first=[latex_to_text(part) for part in name.first],
        von=[latex_to_text(part) for part in name.von],
        last=[latex_to_text(part) for part in name.last],
        jr=[latex_to_text(part) for part in name.jr],
    )
    return decoded.merge_last_name_first


def _arxiv_id(entry: Entry) -> str | None:
    eprint_type = (_field(entry, "eprinttype", "archiveprefix") or "").strip().lower()
    eprint = _field(entry, "eprint")
    if eprint and (not eprint_type or eprint_type in _ARXIV_TYPES):
        found = normalize_arxiv(verbatim(eprint))
        if found:
            return found
    for name in ("arxivid", "arxiv"):  # Mendeley's `arxivId`
        value = _field(entry, name)
        if value and (found := normalize_arxiv(verbatim(value))):
            return found
    for name in ("journal", "howpublished", "note", "number"):  # "arXiv preprint arXiv:..."
        value = _field(entry, name)
        if value and "arxiv" in value.lower() and (found := normalize_arxiv(verbatim(value))):
            return found
    return None


def _to_paper(entry: Entry, source: _SourceEntry, source_file: str) -> Paper | None:
    title = latex_to_text(_field(entry, "title") or "").strip()
    if not title:
        return None
    subtitle = latex_to_text(_field(entry, "subtitle") or "").strip()
    if subtitle:  # BibLaTeX keeps "Title: Subtitle" in two fields
        title = f"{title.rstrip(':').rstrip()}: {subtitle}"
    venue = _field(entry, "journal", "journaltitle", "booktitle", "eventtitle", "series")
    doi = _field(entry, "doi")
    url = _field(entry, "url", "bdsk-url-1")
    return make_paper(
        title=title,
        abstract=latex_to_text(_field(entry, "abstract") or ""),
        authors=_authors(entry),
        year=_field(entry, "year", "date"),
        venue=latex_to_text(venue) if venue else None,
        doi=verbatim(doi) if doi else None,
        arxiv_id=_arxiv_id(entry),
        url=verbatim(url) if url else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=clean_keywords([latex_to_text(_field(entry, "keywords") or "")], ",;"),
        item_type=entry.entry_type.lower(),
        citekey=source.key,
        raw_entry=source.raw,
        line=source.line,
    )
