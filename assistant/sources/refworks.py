"""RefWorks tagged files ("RefWorks Tagged Format"): `RT Journal Article`, `T1 Title`, ...

Records start with `RT` (the reference type) and end at a blank line; a tag is two
characters and one space.  Fields: `T1` title (else `T2`), `A1` authors (else `A2`), `YR`
year (else `FD`), `JF` journal (else `JO`, `T2`), `AB` abstract, `DO` DOI, `UL`/`LK` URL.
RefWorks' other export, the "BEGIN EXPORTED REFERENCES" citation list, is not this format
and is not read.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.sources.identity import arxiv_in_urls, make_paper
from assistant.sources.tagged import REFWORKS, TaggedRecord, parse_tagged
from assistant.types import Paper, ParseResult

FORMAT = "refworks"


def parse_refworks(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Papers from RefWorks tagged text (a string, or the file's lines)."""
    return parse_tagged(text, source_file, REFWORKS, record_to_paper)


def record_to_paper(record: TaggedRecord, source_file: str) -> Paper | None:
    title = record.first("T1", "T2")
    if not title:
        return None
    urls = record.values("UL") or record.values("LK")
    arxiv = arxiv_in_urls(urls)
    return make_paper(
        title=title,
        abstract=record.first("AB"),
        authors=record.values("A1") or record.values("A2"),
        year=record.first("YR", "FD"),
        venue=record.first("JF", "JO") or (record.first("T2") if record.first("T1") else None),
        doi=record.first("DO"),
        arxiv_id=arxiv,
        url=urls[0] if urls else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=record.values("K1"),
        item_type=record.first("RT"),
        raw_entry=record.raw,
        line=record.line,
    )
