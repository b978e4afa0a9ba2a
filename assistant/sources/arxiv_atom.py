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
from assistant.sources.xmlrecords import child, children, text_of, xml_records
from assistant.types import Paper, ParseProblem, ParseResult

FORMAT = "arxiv"


def parse_arxiv_atom(text: str, source_file: str) -> ParseResult:
    """Papers from an arXiv Atom feed; error entries and untitled entries become problems."""
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for record in xml_records(text, ("entry",)):
        if record.element is None:
            problems.append(
                ParseProblem(source_file, record.line, f"entry skipped: {record.error}")
            )
            continue
        entry_id = text_of(child(record.element, "id"))
        if "/api/errors" in entry_id:
            message = text_of(child(record.element, "summary")) or entry_id
            problems.append(ParseProblem(source_file, record.line, f"arXiv API error: {message}"))
            continue
        paper = entry_to_paper(record.element, source_file, line=record.line, raw=record.raw)
        if paper is None:
            problems.append(ParseProblem(source_file, record.line, "entry has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))


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
