"""Which format a file is in: by its content first, its extension second, with a confidence.

Each format has a sniffer over the file's first 64 KB; the extension only breaks ties and
keeps a damaged file of a known type with its parser (a `.bib` with a broken entry is read
as BibTeX so the entry is reported at its line).  What no sniffer recognises is
"unrecognised" with a hint of what it looks like, and nothing is read from it: a plain-text
file is only a title/abstract listing when most of its paragraphs pair up as a short title
followed by a prose abstract, so READMEs, logs, code and other databases' exports (ProQuest,
OVID, RefWorks citation lists) never become invented papers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.sources import listing
from assistant.sources.csvfile import header_format
from assistant.sources.xmlrecords import root_tag

# Formats and the extensions that suggest them (content decides first).
EXTENSIONS: dict[str, str] = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".biblatex": "bibtex",
    ".ris": "ris",
    ".nbib": "medline",
    ".medline": "medline",
    ".isi": "wos",
    ".ciw": "wos",
    ".enw": "enw",
    ".json": "csljson",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".yaml": "cslyaml",
    ".yml": "cslyaml",
    ".xml": "xml",
    ".atom": "arxiv",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    "": "text",
}
# Extensions whose format is kept when the content is damaged or empty.
_TRUSTED = {"bibtex", "ris", "medline", "wos", "enw", "csljson", "jsonl"}


@dataclass(frozen=True)
class Detection:
    """A format (None when unrecognised), how sure, and what the file looks like."""

    format: str | None
    confidence: float
    looks_like: str = ""


def extension_format(path: Path) -> str | None:
    """The format an extension suggests (`refs.csv.scopus` counts as `.csv`)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
    return EXTENSIONS[""] if not suffixes else None


_BINARY = (
    ("%PDF", "a PDF document"),
    ("PK\x03\x04", "a ZIP archive or an Office document"),
    ("\x89PNG", "a PNG image"),
    ("\xff\xd8\xff", "a JPEG image"),
    ("ÿØÿ", "a JPEG image"),
    ("SQLite format 3", "an SQLite database"),
    ("{\\rtf", "an RTF document"),
)
_BIBTEX = re.compile(
    r"^[ \t]*@[ \t]*(?:[A-Za-z]+)[ \t]*[{(][ \t]*(?:[^\s,={}()]+[ \t]*,|\r?\n?\s*\w+\s*=)",
    re.MULTILINE,
)
_RIS = re.compile(r"^TY {1,2}-(?: |$)", re.MULTILINE)
_RIS_FIELD = re.compile(r"^[A-Z][A-Z0-9] {1,2}-(?: |$)", re.MULTILINE)
_MEDLINE = re.compile(r"^PMID- ?\d", re.MULTILINE)
_MEDLINE_FIELD = re.compile(r"^(?:TI|AB|AU|FAU|DP|JT) {0,3}- ", re.MULTILINE)
_WOS_HEADER = re.compile(r"^(?:FN (?:Clarivate|Thomson|ISI)|VR 1\.0)", re.MULTILINE)
_WOS_RECORD = re.compile(r"^PT [A-Z]\s*$", re.MULTILINE)
_WOS_FIELD = re.compile(r"^(?:TI|AU|AF|SO|PY) \S", re.MULTILINE)
_ENW = re.compile(r"^%0 \S", re.MULTILINE)
_ENW_FIELD = re.compile(r"^%[TA] \S", re.MULTILINE)
_REFWORKS = re.compile(r"^RT \S", re.MULTILINE)
_REFWORKS_FIELD = re.compile(r"^(?:T1|A1|JF|YR) \S", re.MULTILINE)
_YAML_ITEM = re.compile(r"^(?:references:\s*$|\s*- (?:id|title|type):)", re.MULTILINE)
_YAML_TITLE = re.compile(r"^\s*(?:- )?title:\s*\S", re.MULTILINE)


def detect(path: Path, head: str) -> Detection:
    """The format of `path` given its first characters `head` (see the module docstring)."""
    by_extension = extension_format(path)
    start = head.lstrip("\ufeff \t\r\n")
    for signature, what in _BINARY:
        if start.startswith(signature):
            return Detection(None, 1.0, f"binary file ({what})")
    if "\x00" in head:
        return Detection(None, 1.0, "binary file, not text")
    found = _by_content(start, head, by_extension)
    if found.format is not None:
        return found
    if by_extension in _TRUSTED and (not start or found.confidence < 0.5):
        return Detection(by_extension, 0.3, found.looks_like)
    return found


def _by_content(start: str, head: str, by_extension: str | None) -> Detection:
    if re.match(r"<[A-Za-z?!]", start):
        return _sniff_xml(start)
    if start[:1] in "[{":
        return _sniff_json(start, by_extension)
    if _BIBTEX.search(head):
        return Detection("bibtex", 0.95)
    if _MEDLINE.search(head) and _MEDLINE_FIELD.search(head):
        return Detection("medline", 0.95)
    if _RIS.search(head) and len(_RIS_FIELD.findall(head[:8192])) >= 2:
        return Detection("ris", 0.95)
    if (_WOS_HEADER.search(head) or _WOS_RECORD.search(head)) and _WOS_FIELD.search(head):
        return Detection("wos", 0.95)
    if _ENW.search(head) and _ENW_FIELD.search(head):
        return Detection("enw", 0.9)
    if _REFWORKS.search(head) and _REFWORKS_FIELD.search(head):
        return Detection("refworks", 0.9)
    yaml_context = by_extension == "cslyaml" or start.startswith("---") or "references:" in head
    if yaml_context and _YAML_ITEM.search(head) and _YAML_TITLE.search(head):
        return Detection("cslyaml", 0.85)
    table = _sniff_csv(start, by_extension)
    if table.format is not None or by_extension == "csv":
        return table
    return _sniff_text(head)


def _sniff_xml(start: str) -> Detection:
    root = (root_tag(start) or "").lower()
    if root == "feed" and ("<entry" in start or "arxiv" in start.lower()):
        return Detection("arxiv", 0.95)
    if root in {"pubmedarticleset", "pubmedarticle", "pubmedbookarticle"}:
        return Detection("pubmed-xml", 0.95)
    if root in {"xml", "records", "record"} and "<record" in start:
        return Detection("endnote-xml", 0.9)
    if root == "html" or start[:15].lower().startswith("<!doctype html"):
        return Detection(None, 0.9, "an HTML page")
    return Detection(None, 0.8, f"XML with a <{root or '?'}> root, not a known bibliography")


def _sniff_json(start: str, by_extension: str | None) -> Detection:
    if start.startswith("{"):
        end = _first_value_end(start)
        if end is not None:
            rest = start[end:].lstrip(" \t\r")
            if rest.startswith("\n") and rest.lstrip().startswith("{"):
                return Detection("jsonl", 0.95)
        if by_extension == "jsonl":
            return Detection("jsonl", 0.8)
    cut = len(start) >= 60000  # a head cut inside the first record proves nothing
    if not cut and not re.search(r'"(?:title|primary_title|display_name)"\s*:', start, re.I):
        return Detection(None, 0.7, 'JSON without paper records (no "title" key)')
    return Detection("csljson", 0.9)


def _first_value_end(text: str) -> int | None:
    """The end of the first JSON value in `text` when it closes there, else None."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[{}\[\]]', text):
        char = match.group()[0]
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return match.end()
    return None


def _sniff_csv(start: str, by_extension: str | None) -> Detection:
    first_line = start.split("\n", 1)[0]
    if not any(sep in first_line for sep in ",\t;"):
        return Detection(None, 0.0, "")
    try:
        header = next(csv.reader([first_line], delimiter=_delimiter(first_line)))
    except (csv.Error, StopIteration):
        return Detection(None, 0.0, "")
    dialect = header_format(header)
    if dialect is not None:
        return Detection("csv", 0.9)
    if by_extension == "csv":
        columns = ", ".join(name.strip() for name in header[:6])
        return Detection(None, 0.8, f"a table without a title column (columns: {columns})")
    return Detection(None, 0.0, "")


def _delimiter(line: str) -> str:
    return max(",\t;", key=line.count)


_PROQUEST = re.compile(r"^(?:Title|Author|Publication info|Links|Database): ", re.MULTILINE)
_OVID = re.compile(r"^(?:VN|DB|AN|TI|AU) +- ", re.MULTILINE)
_LOG = re.compile(r"^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d|^(?:INFO|DEBUG|WARN|ERROR)\b", re.MULTILINE)
_CODE = re.compile(r"^\s*(?:def |class |import |from \S+ import|function |#include|package )")


def _sniff_text(head: str) -> Detection:
    if "BEGIN EXPORTED REFERENCES" in head:  # RefWorks' formatted citation list
        return Detection(None, 0.9, _looks_like(head))
    confidence = listing.listing_confidence(head)
    if confidence >= listing.MIN_CONFIDENCE:
        return Detection("listing", confidence)
    return Detection(None, confidence, _looks_like(head))


def _looks_like(head: str) -> str:
    if "BEGIN EXPORTED REFERENCES" in head:
        return "a RefWorks citation list, not a reference export"
    if len(_PROQUEST.findall(head)) >= 2:
        return "a ProQuest export (export as RIS instead)"
    if "Character Set=" in head or len(_OVID.findall(head)) >= 3:
        return "an OVID export (export as RIS instead)"
    if len(_LOG.findall(head)) >= 3:
        return "a log file"
    if sum(bool(_CODE.match(line)) for line in head.splitlines()[:200]) >= 2:
        return "source code"
    if re.search(r"^#{1,6} \S", head, re.MULTILINE):
        return "a Markdown document"
    if not head.strip():
        return "an empty file"
    return "plain text that is not a title/abstract listing"
