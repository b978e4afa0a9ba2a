"""PubMed/MEDLINE tagged files (`.nbib`, PubMed's "Send to: Citation manager", `.medline`).

Records start with `PMID- `; a tag is up to four characters padded to `TAG - `, long values
continue on lines indented by six spaces.  Fields: `TI` (else `BTI`, a book title), `AB`,
authors from `FAU` ("Müller, Anna K") else `AU` ("Müller AK"), else `CN` (a collective name),
the year of `DP` ("2019 Aug 21", "1998 Dec-1999 Jan"), the venue from `JT` (else `TA`), the
DOI from `LID`/`AID` values tagged `[doi]`.  A record without a title is reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.sources.identity import make_paper
from assistant.sources.tagged import MEDLINE, TaggedRecord, parse_tagged
from assistant.types import Paper, ParseResult

FORMAT = "medline"


def parse_medline(text: str | Iterable[str], source_file: str) -> ParseResult:
    """Papers from MEDLINE text (a string, or the file's lines)."""
    return parse_tagged(text, source_file, MEDLINE, record_to_paper)


def record_to_paper(record: TaggedRecord, source_file: str) -> Paper | None:
    title = (record.first("TI", "BTI") or "").rstrip(".")
    if not title:
        return None
    authors = record.values("FAU") or record.values("AU")
    authors = authors + [name for name in record.values("CN") if name not in authors]
    pmid = record.first("PMID")
    return make_paper(
        title=title,
        abstract=record.first("AB"),
        authors=authors,
        year=record.first("DP", "DEP", "DA"),
        venue=record.first("JT", "TA"),
        doi=_doi(record),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=record.values("OT") + record.values("MH"),
        item_type=record.first("PT"),
        raw_entry=record.raw,
        line=record.line,
    )


def _doi(record: TaggedRecord) -> str | None:
    for tag in ("LID", "AID"):
        for value in record.values(tag):
            if value.endswith("[doi]"):
                return value.removesuffix("[doi]").strip()
    return None
