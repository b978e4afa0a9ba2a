"""arXiv API responses: Atom feeds of `<entry>` elements (export.arxiv.org/api/query).

Fields: `<title>` and `<summary>` (wrapped over lines in the feed, spaces collapsed), the
arXiv id from `<id>` (`http://arxiv.org/abs/1605.08386v1`, version dropped), `<author><name>`,
the year of `<published>` (the first version, not `<updated>`), `<arxiv:doi>` (or a
`<link title="doi">`), `<arxiv:journal_ref>` as the venue (else "arXiv").  The API reports a
bad query as an entry whose id is `https://arxiv.org/api/errors#...`: that is a problem, not
a paper.

`parse_arxiv_atom(text, source_file)` is pure over the response text, so the arXiv API
client calls it for what it fetches as well as the ingest does for a saved `.xml`/`.atom`.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from assistant.sources.identity import make_paper, normalize_arxiv
from assistant.sources.markup import strip_markup
from assistant.sources.xmlrecords import child, children, parse_xml_records, text_of
from assistant.types import Paper, ParseResult

FORMAT = "arxiv"


def parse_arxiv_atom(text: str, source_file: str) -> ParseResult:
    """Papers from an arXiv Atom feed; error entries and untitled entries become problems."""
    return parse_xml_records(
        text, source_file, ("entry",), "entry", entry_to_paper, refusal=_api_error
    )


def _api_error(entry: Element) -> str | None:
    """The message of an arXiv API error entry (its id is under `/api/errors`), else None."""
    entry_id = text_of(child(entry, "id"))
    if "/api/errors" not in entry_id:
        return None
    return f"arXiv API error: {text_of(child(entry, 'summary')) or entry_id}"


def entry_to_paper(
    entry: Element,
    source_file: str | None = None,
    *,
    line: int | None = None,
    raw: str | None = None,
) -> Paper | None:
    """One Atom `<entry>` as a Paper, or None when it has no title."""
    title = strip_markup(text_of(child(entry, "title")))
    if not title:
        return None
    entry_id = text_of(child(entry, "id"))
    doi = text_of(child(entry, "doi")) or _doi_link(entry)
    abs_url = next(
        (
            link.get("href", "")
            for link in children(entry, "link")
            if link.get("rel") == "alternate" and link.get("href")
        ),
        entry_id or None,
    )
    return make_paper(
        title=title,
        abstract=strip_markup(text_of(child(entry, "summary"))),
        authors=[text_of(child(author, "name")) for author in children(entry, "author")],
        year=text_of(child(entry, "published")) or text_of(child(entry, "updated")),
        venue=text_of(child(entry, "journal_ref")) or "arXiv",
        doi=doi or None,
        arxiv_id=normalize_arxiv(entry_id),
        url=abs_url,
        source_file=source_file,
        source_format=FORMAT,
        raw_entry=raw,
        line=line,
    )


def _doi_link(entry: Element) -> str | None:
    for link in children(entry, "link"):
        if link.get("title") == "doi" and link.get("href"):
            return link.get("href")
    return None
