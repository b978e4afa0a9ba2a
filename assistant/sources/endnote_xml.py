"""EndNote XML exports (`<xml><records><record>...`), also written by Zotero and Mendeley.

Every text value may be wrapped in `<style face="normal" font="default" size="100%">`
elements (EndNote X and later) or given directly (older versions); the text is taken whole.
Fields: `titles/title` (else `titles/secondary-title` for a book), `contributors/authors/
author`, `dates/year`, the venue from `periodical/full-title` or `titles/secondary-title`,
`abstract`, `electronic-resource-num` (the DOI), `urls/related-urls/url`.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from assistant.sources.identity import arxiv_in_urls, make_paper, normalize_doi
from assistant.sources.markup import strip_markup
from assistant.sources.xmlrecords import child, children, parse_xml_records, text_of
from assistant.types import Paper, ParseResult

FORMAT = "endnote-xml"


def parse_endnote_xml(text: str, source_file: str) -> ParseResult:
    """Papers from an EndNote XML document; bad or untitled records become problems."""
    return parse_xml_records(text, source_file, ("record",), "record", record_to_paper)


def record_to_paper(
    record: Element, source_file: str, *, line: int | None = None, raw: str | None = None
) -> Paper | None:
    titles = child(record, "titles")
    title = strip_markup(text_of(child(titles, "title")))
    secondary = strip_markup(text_of(child(titles, "secondary-title")))
    if not title:
        title, secondary = secondary, ""
    if not title:
        return None
    authors_element = child(record, "contributors", "authors")
    authors = (
        [text_of(author) for author in children(authors_element, "author")]
        if authors_element is not None
        else []
    )
    urls = [text_of(url) for url in record.iter() if url.tag == "url"]
    resource = text_of(child(record, "electronic-resource-num"))
    arxiv = arxiv_in_urls(urls)
    return make_paper(
        title=title,
        abstract=strip_markup(text_of(child(record, "abstract"))),
        authors=authors,
        year=text_of(child(record, "dates", "year")) or None,
        venue=text_of(child(record, "periodical", "full-title")) or secondary or None,
        doi=resource if normalize_doi(resource) else None,
        arxiv_id=arxiv,
        url=urls[0] if urls else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=_keywords(child(record, "keywords")),
        item_type=_ref_type(child(record, "ref-type")),
        raw_entry=raw,
        line=line,
    )


def _keywords(keywords: Element | None) -> list[str]:
    return [text_of(word) for word in children(keywords, "keyword")] if keywords is not None else []


def _ref_type(ref_type: Element | None) -> str | None:
    """`<ref-type name="Journal Article">17</ref-type>`: the name, else EndNote's number."""
    if ref_type is None:
        return None
    return ref_type.get("name") or text_of(ref_type) or None
