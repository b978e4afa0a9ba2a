"""PubMed XML (`efetch.fcgi?db=pubmed&retmode=xml`, PubMed's "Save" as XML): `PubmedArticleSet`.

Each `<PubmedArticle>` (and `<PubmedBookArticle>`) is one paper: `ArticleTitle` (inline
`<i>`, `<sup>` flattened), the `AbstractText` sections (a `Label` such as "METHODS" kept as
"METHODS: ..."), `AuthorList/Author` as "LastName, ForeName" (or `CollectiveName`),
the year of `PubDate` (`Year`, else the first year of `MedlineDate` "1998 Dec-1999 Jan",
else `ArticleDate`), `Journal/Title` as the venue, the DOI from `ArticleIdList`
(`IdType="doi"`) or `ELocationID` (`EIdType="doi"`), and the PubMed page as the URL.

`parse_pubmed_xml(text, source_file)` is pure over the response text, so the PubMed API
client uses the same mapping as the ingest.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from assistant.sources.identity import make_paper, normalize_arxiv
from assistant.sources.markup import strip_markup
from assistant.sources.xmlrecords import child, children, first_present, parse_xml_records, text_of
from assistant.types import Paper, ParseResult

FORMAT = "pubmed"


def parse_pubmed_xml(text: str, source_file: str) -> ParseResult:
    """Papers from a `PubmedArticleSet` document; bad or untitled articles become problems."""
    return parse_xml_records(
        text, source_file, ("PubmedArticle", "PubmedBookArticle"), "article", article_to_paper
    )


def article_to_paper(
    element: Element,
    source_file: str | None = None,
    *,
    line: int | None = None,
    raw: str | None = None,
) -> Paper | None:
    """One `<PubmedArticle>` or `<PubmedBookArticle>` as a Paper, or None without a title."""
    citation = child(element, "MedlineCitation")
    if citation is not None:  # a journal article
        article = child(citation, "Article")
        pmid = text_of(child(citation, "PMID"))
        title_element = first_present(
            child(article, "ArticleTitle"), child(article, "VernacularTitle")
        )
        journal = child(article, "Journal")
        venue = text_of(child(journal, "Title")) or text_of(child(journal, "ISOAbbreviation"))
        year = _year(child(journal, "JournalIssue", "PubDate")) or _year(
            child(article, "ArticleDate")
        )
        holder = article
    else:  # a book or book chapter
        document = child(element, "BookDocument")
        pmid = text_of(child(document, "PMID"))
        book = child(document, "Book")
        chapter = child(document, "ArticleTitle")
        title_element = first_present(chapter, child(book, "BookTitle"))
        venue = text_of(child(book, "BookTitle")) if chapter is not None else ""
        year = _year(child(book, "PubDate"))
        holder = document
    title = strip_markup(text_of(title_element)).rstrip(".") if title_element is not None else ""
    if not title:
        return None
    doi, arxiv = _ids(element, holder)
    return make_paper(
        title=title,
        abstract=_abstract(child(holder, "Abstract")),
        authors=_authors(child(holder, "AuthorList")),
        year=year,
        venue=venue or None,
        doi=doi,
        arxiv_id=arxiv,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None,
        source_file=source_file,
        source_format=FORMAT,
        keywords=_keywords(element),
        item_type=_publication_type(holder),
        raw_entry=raw,
        line=line,
    )


def _abstract(abstract: Element | None) -> str:
    if abstract is None:
        return ""
    sections: list[str] = []
    for part in children(abstract, "AbstractText"):
        text = strip_markup(text_of(part))
        if not text:
            continue
        label = (part.get("Label") or "").strip()
        sections.append(f"{label}: {text}" if label and label.upper() != "UNLABELLED" else text)
    return " ".join(sections)


def _authors(author_list: Element | None) -> list[str]:
    if author_list is None:
        return []
    names: list[str] = []
    for author in children(author_list, "Author"):
        if author.get("ValidYN", "Y") == "N":
            continue
        collective = text_of(child(author, "CollectiveName"))
        last = text_of(child(author, "LastName"))
        first = text_of(child(author, "ForeName")) or text_of(child(author, "Initials"))
        suffix = text_of(child(author, "Suffix"))
        if last:
            names.append(", ".join(part for part in (last, suffix, first) if part))
        elif collective:
            names.append(collective)
    return names


def _year(date: Element | None) -> str | None:
    if date is None:
        return None
    return text_of(child(date, "Year")) or text_of(child(date, "MedlineDate")) or None


def _ids(element: Element, holder: Element | None) -> tuple[str | None, str | None]:
    doi: str | None = None
    arxiv: str | None = None
    for id_list in (child(element, "PubmedData", "ArticleIdList"), child(holder, "ArticleIdList")):
        for article_id in children(id_list, "ArticleId") if id_list is not None else []:
            kind = (article_id.get("IdType") or "").lower()
            if kind == "doi" and not doi:
                doi = text_of(article_id)
            elif kind == "arxiv" and not arxiv:
                arxiv = normalize_arxiv(text_of(article_id))
    if not doi and holder is not None:
        for location in children(holder, "ELocationID"):
            if (location.get("EIdType") or "").lower() == "doi":
                doi = text_of(location)
                break
    return doi, arxiv


def _keywords(element: Element) -> list[str]:
    """Author keywords (`KeywordList`), then the MeSH descriptors."""
    words = [text_of(word) for word in element.iter() if word.tag == "Keyword"]
    return words + [text_of(name) for name in element.iter() if name.tag == "DescriptorName"]


def _publication_type(holder: Element | None) -> str | None:
    types = child(holder, "PublicationTypeList")
    first = next(iter(children(types, "PublicationType")), None) if types is not None else None
    return text_of(first) or None if first is not None else None
