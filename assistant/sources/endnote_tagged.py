"""EndNote tagged files (`.enw`, "Refer"-style export): `%0 Journal Article`, `%T Title`, ...

Records start with `%0` (the reference type) and end at a blank line.  Fields: `%T` title,
`%A` authors (one per line), `%D` year (else `%8` date), `%J` journal, else `%B` (the book
or proceedings title), `%X` abstract, `%R` DOI (also given as a URL), `%U` URL.  EndNote
writes untagged continuation lines for long abstracts.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.sources.identity import arxiv_in_urls, make_paper
from assistant.sources.tagged import ENDNOTE, TaggedRecord, parse_tagged
from assistant.types import Paper, ParseResult

FORMAT = "enw"


def parse_endnote_tagged(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Papers from EndNote tagged text (a string, or the file's lines)."""
    return parse_tagged(text, source_file, ENDNOTE, record_to_paper)


def record_to_paper(record: TaggedRecord, source_file: str) -> Paper | None:
    title = record.first("T")
    if not title:
        return None
    urls = record.values("U")
    arxiv = arxiv_in_urls(urls)
    return make_paper(
        title=title,
        abstract=record.first("X"),
        authors=record.values("A") or record.values("E"),
        year=record.first("D", "8"),
        venue=record.first("J", "B"),
        doi=record.first("R"),
        arxiv_id=arxiv,
        url=urls[0] if urls else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=record.values("K"),
        item_type=record.first("0"),
        raw_entry=record.raw,
        line=record.line,
    )
