"""BibTeX of exactly the papers a note cites.

A paper that came from a BibTeX file is written as it went in: its original entry text
(`Paper.raw_entry`), byte for byte, unless its key had to change (another paper in the export
or the library already had it, or the entry had none), in which case only the key is rewritten.
Every other paper gets a generated entry:

* `@article` (`journal`) when the venue looks like a journal, `@inproceedings` (`booktitle`)
  when it looks like a conference, `@misc` without a venue;
* LaTeX specials escaped (`&` -> `\\&`, `%` -> `\\%`, ...); accented letters kept as UTF-8,
  which biber and bibtexparser read (classic BibTeX only sorts them oddly);
* words with capitals inside or digits protected in the title (`{DataDAM}`, `{CIFAR-10}`) so
  styles that lower-case titles keep them;
* DOIs and URLs written verbatim (biblatex reads them so), braces percent-encoded;
* arXiv ids as `eprint` + `archiveprefix = {arXiv}`.

An entry of the user's that refers to `@string` macros (`booktitle = cvpr`) needs their
definitions in the same file: `bibtex_for` puts the ones it is given (`strings`, read from the
entries' source files by `exporter.py`) before the entries; for a venue field that is a bare
macro whose definition is not at hand, it defines the macro from the paper's venue.  BibTeX's
predefined month macros (`jan` ... `dec`) need nothing.

Writing our own ~100 lines rather than bibtexparser's writer: the writer would have to be fed
a parsed library, and re-serialising the user's own entries through it would not keep them as
they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from assistant.export.keys import assign_keys
from assistant.sources.bibtex import split_concatenation
from assistant.types import Paper

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _SPECIALS))
_PROTECT = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_CONFERENCE = re.compile(
    r"\b(proc\.?|proceedings|conference|conf\.?|workshop|symposium|meeting|congress|"
    r"CVPR|ICCV|ECCV|NeurIPS|NIPS|ICML|ICLR|AAAI|IJCAI|ACL|EMNLP|NAACL|KDD|SIGIR|WACV|BMVC)\b",
    re.IGNORECASE,
)
_HEAD = re.compile(
    r"^(?P<head>\s*@\s*[A-Za-z]+\s*[{(])(?P<space>\s*)(?P<key>[^,\s{}()=]*)(?P<after>\s*)"
    r"(?P<sep>[,=]?)"
)
FIELD_INDENT = "  "
MONTHS = frozenset(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
)
VENUE_FIELDS = ("journal", "journaltitle", "booktitle")
_MACRO = re.compile(r"^[A-Za-z][\w\-:.+/]*$")


def escape_latex(text: str) -> str:
    """Text safe inside a braced BibTeX value: every LaTeX special character escaped."""
    return _SPECIAL.sub(lambda m: _SPECIALS[m.group()], text)


def _needs_protection(word: str) -> bool:
    return any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:])


def title_value(title: str) -> str:
    """The escaped title with capitalised-inside words and words with digits in braces."""
    parts = []
    for token in title.split(" "):
        lead, core, trail = _PROTECT.match(token).groups()  # type: ignore[union-attr]  # matches any string
        escaped = escape_latex(core)
        if core and _needs_protection(core):
            escaped = "{" + escaped + "}"
        parts.append(escape_latex(lead) + escaped + escape_latex(trail))
    return " ".join(parts)


def _name(author: str) -> str:
    """An author for the `author` field; a name containing ' and ' is kept whole in braces."""
    escaped = escape_latex(author)
    if re.search(r"\band\b", author, re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def verbatim_value(value: str) -> str:
    """A DOI or URL as biblatex reads it: verbatim, but with balanced braces."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def entry_type(paper: Paper) -> tuple[str, str | None]:
    """The entry type and the field its venue goes in."""
    if not paper.venue:
        return "misc", None
    if _CONFERENCE.search(paper.venue):
        return "inproceedings", "booktitle"
    return "article", "journal"


def generated_entry(paper: Paper, key: str) -> str:
    kind, venue_field = entry_type(paper)
    fields: list[tuple[str, str]] = [("title", title_value(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(_name(a) for a in paper.authors)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if venue_field and paper.venue:
        fields.append((venue_field, escape_latex(paper.venue)))
    if paper.doi:
        fields.append(("doi", verbatim_value(paper.doi)))
    if paper.url:
        fields.append(("url", verbatim_value(paper.url)))
    if paper.arxiv_id:
        fields.append(("eprint", verbatim_value(paper.arxiv_id)))
        fields.append(("archiveprefix", "arXiv"))
    if paper.abstract:
        fields.append(("abstract", escape_latex(paper.abstract)))
    body = ",\n".join(f"{FIELD_INDENT}{name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}"


def with_key(raw_entry: str, key: str) -> str:
    """The original entry text with its key set to `key` (inserted when it had none)."""
    match = _HEAD.match(raw_entry)
    if match is None:
        raise ValueError("not a BibTeX entry")
    if match.group("sep") == "=":  # `@article{ title = ...`: no key at all
        return raw_entry[: match.end("head")] + f"{key}," + raw_entry[match.end("head") :]
    if match.group("key") == key:
        return raw_entry
    return raw_entry[: match.start("key")] + key + raw_entry[match.end("key") :]


def is_bibtex_sourced(paper: Paper) -> bool:
    return (
        paper.source_format == "bibtex"
        and bool(paper.raw_entry)
        and (_HEAD.match(paper.raw_entry or "") is not None)
    )


def bibtex_entry(paper: Paper, key: str) -> str:
    """One entry: the user's own (key adjusted if needed) or a generated one."""
    if is_bibtex_sourced(paper):
        return with_key((paper.raw_entry or "").strip("\n"), key)
    return generated_entry(paper, key)


def macros_used(raw_entry: str) -> list[tuple[str, str, bool]]:
    """(field, macro name lower-cased, whether it is the field's whole value) for every
    `@string` macro an entry's values refer to."""
    import bibtexparser

    found: list[tuple[str, str, bool]] = []
    for entry in bibtexparser.parse_string(raw_entry, parse_stack=[]).entries:
        for field in entry.fields:
            if not isinstance(field.value, str):
                continue
            parts = split_concatenation(field.value)
            for part in parts:
                name = part.strip().lower()
                if _MACRO.match(part.strip()) and name not in MONTHS:
                    found.append((field.key.lower(), name, len(parts) == 1))
    return found


def string_definitions(papers: Sequence[Paper], strings: Mapping[str, str]) -> list[str]:
    """The `@string` blocks the user's entries among `papers` need, in order of first use."""
    blocks: dict[str, str] = {}
    for paper in papers:
        if not is_bibtex_sourced(paper):
            continue
        for field, name, whole in macros_used(paper.raw_entry or ""):
            if name in blocks:
                continue
            if name in strings:
                blocks[name] = strings[name].strip()
            elif field in VENUE_FIELDS and paper.venue and whole:
                blocks[name] = f"@string{{{name} = {{{escape_latex(paper.venue)}}}}}"
    return list(blocks.values())


def bibtex_for(
    papers: Sequence[Paper],
    *,
    keys: Mapping[str, str] | None = None,
    context: Iterable[Paper] = (),
    strings: Mapping[str, str] | None = None,
) -> str:
    """A .bib text with one entry per paper (duplicates dropped), in the order given.

    `keys` (paper id -> key) are the keys a Markdown note cites; without them keys are
    assigned here, unique among `papers` and `context`.  `strings` maps lower-cased macro
    names to their `@string{...}` definitions, as found in the entries' source files.
    """
    unique = list({p.id: p for p in papers}.values())
    keys = dict(keys) if keys is not None else assign_keys(unique, context=context)
    blocks = string_definitions(unique, strings or {})
    blocks += [bibtex_entry(paper, keys[paper.id]) for paper in unique]
    return "\n\n".join(blocks) + "\n" if blocks else ""
