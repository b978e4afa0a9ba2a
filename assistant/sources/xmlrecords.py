"""XML files cut into records, each parsed on its own with `defusedxml`.

The XML formats litassist reads (arXiv Atom `<entry>`, PubMed `<PubmedArticle>`, EndNote
`<record>`) are flat lists of records that never nest.  Each record's text is cut out and
parsed separately, wrapped in an element carrying the root's namespace declarations, so:

* a malformed record is one problem at its line and the others are still read;
* the document's DOCTYPE and internal subset are never parsed, and `defusedxml` refuses any
  entity declaration or external reference inside a record, so entity-expansion bombs and
  external entities (a hostile file) cannot do anything;
* each record gets the line where it starts, which ElementTree does not report.

`parse_xml_records` is the loop each format shares: its records mapped with the format's
own function, a malformed or untitled record reported at its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from assistant.types import Paper, ParseProblem, ParseResult

_ROOT_TAG = re.compile(r"<(?![?!])([\w:.-]+)((?:\s[^>]*)?)>")
_XMLNS = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class XmlRecord:
    line: int
    raw: str
    element: Element | None
    error: str | None = None


def root_tag(text: str) -> str | None:
    """The local name of the document's root element (`feed`, `PubmedArticleSet`, ...)."""
    match = _ROOT_TAG.search(_skip_prolog(text))
    return local(match.group(1)) if match else None


def _skip_prolog(text: str) -> str:
    # Skip the XML declaration, comments and the DOCTYPE (with an internal subset) cheaply.
    head = text.lstrip("\ufeff \t\r\n")
    while head.startswith("<?") or head.startswith("<!"):
        if head.startswith("<!--"):
            end = head.find("-->")
            head = head[end + 3 :] if end >= 0 else ""
        elif head.startswith("<!DOCTYPE") and "[" in head.split(">", 1)[0]:
            end = head.find("]>")
            head = head[end + 2 :] if end >= 0 else ""
        else:
            end = head.find(">")
            head = head[end + 1 :] if end >= 0 else ""
        head = head.lstrip()
    return head


def xml_records(text: str, tags: tuple[str, ...]) -> list[XmlRecord]:
    """Every `<tag>...</tag>` (any of `tags`, namespace prefix allowed) parsed on its own."""
    root = _ROOT_TAG.search(text)
    namespaces = " ".join(m.group().strip() for m in _XMLNS.finditer(root.group(2))) if root else ""
    names = "|".join(re.escape(tag) for tag in tags)
    pattern = re.compile(
        rf"<(?:[\w.-]+:)?(?:{names})(?=[\s>/])[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?(?:{names})\s*>)",
        re.DOTALL,
    )
    records: list[XmlRecord] = []
    line, position = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        raw = match.group()
        wrapped = f"<litassist-records {namespaces}>{raw}</litassist-records>"
        try:
            element = fromstring(wrapped)[0]
        except DefusedXmlException:
            records.append(XmlRecord(line, raw, None, "entity declarations are not allowed"))
        except ParseError as exc:
            where = line + (exc.position[0] - 1 if exc.position else 0)
            records.append(XmlRecord(where, raw, None, f"malformed XML: {_reason(exc)}"))
        else:
            records.append(XmlRecord(line, raw, element))
    return records


class ElementToPaper(Protocol):
    """A format's mapping of one record element (None: the record has no title)."""

    def __call__(
        self,
        element: Element,
        source_file: str,
        /,
        *,
        line: int | None = None,
        raw: str | None = None,
    ) -> Paper | None: ...


def parse_xml_records(
    text: str,
    source_file: str,
    tags: tuple[str, ...],
    noun: str,
    element_to_paper: ElementToPaper,
    *,
    refusal: Callable[[Element], str | None] | None = None,
) -> ParseResult:
    """Papers from each record of `text` (`xml_records`); bad records become problems.

    `noun` names a record in the problems ("entry", "article", "record"); `refusal`, when
    given, says why a well-formed record is not a paper (arXiv's error entries), else None.
    """
    papers: list[Paper] = []
    problems: list[ParseProblem] = []
    for record in xml_records(text, tags):
        if record.element is None:
            problems.append(
                ParseProblem(source_file, record.line, f"{noun} skipped: {record.error}")
            )
            continue
        if refusal is not None and (reason := refusal(record.element)) is not None:
            problems.append(ParseProblem(source_file, record.line, reason))
            continue
        paper = element_to_paper(record.element, source_file, line=record.line, raw=record.raw)
        if paper is None:
            problems.append(ParseProblem(source_file, record.line, f"{noun} has no title, skipped"))
        else:
            papers.append(paper)
    return ParseResult(tuple(papers), tuple(problems))


def _reason(exc: ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc)) or "syntax error"


def local(tag: str) -> str:
    """`{http://www.w3.org/2005/Atom}entry` or `atom:entry` -> `entry`."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    """Direct children named `name`, whatever their namespace."""
    return [child for child in element if local(child.tag) == name]


def child(element: Element | None, *path: str) -> Element | None:
    """The first descendant along `path` of local names, or None."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if local(c.tag) == name), None)
    return current


def first_present(*elements: Element | None) -> Element | None:
    """The first element that is not None (an Element without children is falsy: no `or`)."""
    return next((element for element in elements if element is not None), None)


def text_of(element: Element | None) -> str:
    """All text inside `element` (inline markup such as `<i>` flattened), spaces collapsed."""
    if element is None:
        return ""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()
