"""Paper identity: normalised DOI, arXiv id and title, and the stable paper id built from them.

The id is `doi:<doi>` when a DOI is known (other than arXiv's own 10.48550/arXiv.* DOI), else
`arxiv:<id>` (version dropped), else
`title:<hash>` of the normalised title, so the same paper exported by two tools gets the
same id and is stored once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from assistant.sources.markup import fix_mojibake
from assistant.types import Paper

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def normalize_doi(value: str | None) -> str | None:
    """`https://doi.org/10.1000/ABC.` -> `10.1000/abc`; None when it is not a DOI."""
    if not value:
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".,;")
    doi = doi.lower()
    return doi if _DOI_SHAPE.match(doi) else None


def normalize_arxiv(value: str | None) -> str | None:
    """Find an arXiv id in an id, a URL or an `arXiv:` note; the version suffix is dropped."""
    if not value:
        return None
    text = value.strip()
    doi = normalize_doi(text)
    if doi:
        match = _ARXIV_DOI.match(doi)
        if not match:
            return None
        text = match.group(1)
    if "arxiv" not in text.lower() and not re.fullmatch(r"[\w.\-/]+", text):
        return None
    found = _ARXIV_NEW.search(text)
    if found:
        return found.group(1)
    found = _ARXIV_OLD.search(text)
    return found.group(1).lower() if found else None


def arxiv_in_urls(urls: Iterable[str]) -> str | None:
    """The arXiv id of the first arxiv.org URL among a record's links (None: none, or that one
    names no id)."""
    return next((normalize_arxiv(url) for url in urls if "arxiv.org" in url.lower()), None)


def normalize_title(title: str) -> str:
    """Casefolded, accents stripped, punctuation and LaTeX braces removed, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", title)
    no_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"\w+", no_marks.casefold())
    return " ".join(words)


def title_hash(title: str) -> str:
    return hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:16]


def paper_id(doi: str | None, arxiv_id: str | None, title: str) -> str:
    # arXiv's own DOI (10.48550/arXiv.*) only restates the arXiv id: use `arxiv:` so a preprint
    # exported with that DOI (Zotero) and one exported with only the eprint id (BibDesk) match.
    if doi and not (arxiv_id and _ARXIV_DOI.match(doi)):
        return f"doi:{doi}"
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"title:{title_hash(title)}"


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str | None) -> str:
    """Whitespace collapsed to single spaces; None becomes ''.

    A lone surrogate (JSON's `"\\ud800"` decodes to one) cannot be stored as UTF-8: it becomes
    U+FFFD.  Mojibake (UTF-8 read as Latin-1 somewhere upstream, `RamÃ­rez`) is undone.
    """
    if not value:
        return ""
    # split/join rather than re.sub(r"\s+"): the same result, ten times faster on the
    # multi-megabyte abstracts some exports carry (they are cut later, after parsing).
    text = " ".join(value.split())
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return fix_mojibake(text)


def clean_raw(value: str | None) -> str | None:
    """The original entry text, with lone surrogates replaced so it can be stored."""
    if value is None or not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub("\ufffd", value)


def make_paper(
    *,
    title: str,
    abstract: str | None = None,
    authors: tuple[str, ...] | list[str] = (),
    year: int | str | None = None,
    venue: str | None = None,
    doi: str | None = None,
    arxiv_id: str | None = None,
    url: str | None = None,
    source_file: str | None = None,
    source_format: str | None = None,
    citekey: str | None = None,
    raw_entry: str | None = None,
    line: int | None = None,
    keywords: Iterable[str] = (),
    item_type: str | None = None,
) -> Paper:
    """Build a `Paper` with normalised identifiers and its stable id.

    Every parser goes through here, so identity rules live in one place.  An arXiv id is
    also looked for in the DOI (10.48550/arXiv.*) and the URL when not given.
    """
    clean_title = clean_text(title)
    norm_doi = normalize_doi(doi)
    norm_arxiv = normalize_arxiv(arxiv_id) if arxiv_id else None
    if not norm_arxiv and norm_doi:
        norm_arxiv = normalize_arxiv(norm_doi)
    if not norm_arxiv and url and "arxiv.org" in url.lower():
        norm_arxiv = normalize_arxiv(url)
    if not norm_doi and url:
        norm_doi = normalize_doi(url) if "doi.org/" in url.lower() else None
    return Paper(
        id=paper_id(norm_doi, norm_arxiv, clean_title),
        title=clean_title,
        abstract=clean_text(abstract),
        authors=tuple(a for a in (clean_text(x) for x in authors) if a),
        year=parse_year(year),
        venue=clean_text(venue) or None,
        doi=norm_doi,
        arxiv_id=norm_arxiv,
        url=clean_text(url) or None,
        source_file=source_file,
        source_format=source_format,
        citekey=citekey,
        raw_entry=clean_raw(raw_entry),
        line=line,
        keywords=clean_keywords(keywords),
        item_type=clean_text(item_type) or None,
    )


def clean_keywords(values: Iterable[str], separators: str = ";") -> tuple[str, ...]:
    """Keywords cleaned, each value also split at `separators`, repeats (any case) dropped."""
    found: dict[str, str] = {}
    for value in values:
        for part in re.split(f"[{re.escape(separators)}]", value) if separators else [value]:
            word = clean_text(part).strip(" ,.")
            if word and word.casefold() not in found:
                found[word.casefold()] = word
    return tuple(found.values())


def parse_year(value: int | str | None) -> int | None:
    """The first plausible 4-digit year in `value` (`2021`, `'2021-03-04'`, `'{2021}'`)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    found = re.search(r"(?<!\d)(1\d{3}|2\d{3})(?!\d)", str(value))
    return int(found.group(1)) if found else None
