"""From Zotero's field names and values to a `ZoteroItem`: one mapping for both readers.

The database reader and the local-API client both end with a dict of Zotero field names
(`title`, `publicationTitle`, `DOI`, `extra`, ...) to values; `build_item` turns that into a
`ZoteroItem`, so the two paths cannot drift apart.  Pure functions only.

Zotero stores type-specific fields under their own names (a case's title is `caseName`, a
conference paper's venue `proceedingsTitle`), so the title and the venue are looked for in
order.  Identifiers Zotero has no field for on some item types are read from Extra, where
Zotero itself and Better BibTeX put them ("DOI: ...", "arXiv: ...", "Citation Key: ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from assistant.sources.identity import normalize_arxiv, normalize_doi, parse_year
from assistant.zotero.items import CitekeySource, ZoteroCreator, ZoteroItem, ZoteroRef

# Types that are never papers: skipped by both readers.
NON_REGULAR_TYPES = frozenset({"note", "attachment", "annotation"})

TITLE_FIELDS = ("title", "caseName", "nameOfAct", "subject")
VENUE_FIELDS = (
    "publicationTitle",
    "proceedingsTitle",
    "bookTitle",
    "conferenceName",
    "websiteTitle",
    "blogTitle",
    "forumTitle",
    "encyclopediaTitle",
    "dictionaryTitle",
    "programTitle",
    "repository",  # a preprint's server ("arXiv")
    "university",  # a thesis
    "institution",  # a report
)
# The fields the readers need (the database reader fetches only these).
WANTED_FIELDS = frozenset(
    {*TITLE_FIELDS, *VENUE_FIELDS, "date", "abstractNote", "DOI", "url", "extra"}
    | {"archiveID", "citationKey", "number"}
)

_EXTRA_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z .\-]*?)\s*:\s*(.+?)\s*$")
# Better BibTeX's pinned key in Extra, and its older `bibtex: key` form.
_CITEKEY_LABELS = ("citation key", "bibtex")


def extra_values(extra: str | None) -> dict[str, str]:
    """`Key: value` lines of an Extra field, keys lowercased; the first of each key wins."""
    values: dict[str, str] = {}
    for line in (extra or "").splitlines():
        match = _EXTRA_LINE.match(line)
        if match:
            values.setdefault(match.group(1).strip().lower(), match.group(2))
    return values


def citekey_from_extra(extra: str | None) -> str | None:
    values = extra_values(extra)
    for label in _CITEKEY_LABELS:
        key = values.get(label, "").strip()
        if key and " " not in key:
            return key
    return None


def clean_text(value: str | None) -> str:
    """Whitespace collapsed, like `identity.clean_text`, but with `str.split`: a 5,000-item
    library has 5,000 abstracts, and the regex there was most of the read time."""
    return " ".join(value.split()) if value else ""


def first_value(fields: Mapping[str, str], names: Iterable[str]) -> str | None:
    for name in names:
        value = clean_text(fields.get(name))
        if value:
            return value
    return None


def label_set(labels: Iterable[str]) -> tuple[str, ...]:
    """Tags or collection paths as an item keeps them: distinct, non-empty, sorted."""
    return tuple(sorted({label for label in labels if label}))


def build_item(
    *,
    ref: ZoteroRef,
    item_type: str,
    fields: Mapping[str, str],
    creators: Iterable[ZoteroCreator] = (),
    tags: Iterable[str] = (),
    collections: Iterable[str] = (),
    better_bibtex_key: str | None = None,
    date_modified: str | None = None,
    version: int = 0,
    source_file: str | None = None,
) -> ZoteroItem | None:
    """The `ZoteroItem` for one regular item, or None when it has no title (nothing to cite)
    or is a note, attachment or annotation.

    The citation key: Zotero's own `citationKey` field, else a key pinned in Extra, else the
    one Better BibTeX keeps in its database (it mirrors pinned keys, so Extra agrees with it
    unless its database is stale).
    """
    if item_type in NON_REGULAR_TYPES:
        return None
    title = first_value(fields, TITLE_FIELDS)
    if not title:
        return None
    extra = fields.get("extra") or ""
    from_extra = extra_values(extra)
    citekey, source = _citekey(fields, extra, better_bibtex_key)
    return ZoteroItem(
        ref=ref,
        item_type=item_type,
        title=title,
        creators=tuple(creators),
        date=clean_text(fields.get("date")) or None,
        year=parse_year(fields.get("date")),
        abstract=clean_text(fields.get("abstractNote")),
        venue=first_value(fields, VENUE_FIELDS),
        doi=normalize_doi(fields.get("DOI")) or normalize_doi(from_extra.get("doi")),
        arxiv_id=_arxiv(fields, from_extra),
        url=clean_text(fields.get("url")) or None,
        extra=extra,
        tags=label_set(tags),
        collections=label_set(collections),
        citekey=citekey,
        citekey_source=source,
        date_modified=date_modified,
        version=version,
        source_file=source_file,
    )


def _citekey(
    fields: Mapping[str, str], extra: str, better_bibtex_key: str | None
) -> tuple[str | None, CitekeySource | None]:
    native = clean_text(fields.get("citationKey"))
    if native:
        return native, "zotero"
    pinned = citekey_from_extra(extra)
    if pinned:
        return pinned, "extra"
    if better_bibtex_key:
        return better_bibtex_key, "better-bibtex"
    return None, None


def _arxiv(fields: Mapping[str, str], extra: Mapping[str, str]) -> str | None:
    """A preprint's `archiveID` ("arXiv:2101.00001"), an `arXiv:` number, or an Extra line.

    A DOI of 10.48550/arXiv.* or an arxiv.org URL is found later by `make_paper`.
    """
    for value in (fields.get("archiveID"), fields.get("number")):
        if value and "arxiv" in value.lower():
            found = normalize_arxiv(value)
            if found:
                return found
    noted = extra.get("arxiv")
    return normalize_arxiv(f"arXiv:{noted}") if noted else None
