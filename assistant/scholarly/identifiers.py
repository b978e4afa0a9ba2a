"""What the user typed after `litassist add`: a DOI, arXiv id, PubMed id, OpenAlex id, or a URL
naming one of those.  Pure: `parse_identifier(text) -> ScholarlyId`.

Recognised (case-insensitive where the scheme is):

* DOI: `10.1038/nature14539`, `doi:10.1038/...`, `https://doi.org/10.1038/...` (also dx.doi.org);
  arXiv's own DOIs (`10.48550/arXiv.2103.00020`) become arXiv ids;
* arXiv: `2103.00020`, `2103.00020v2`, `arXiv:2103.00020`, old style `hep-th/9901001`,
  `https://arxiv.org/abs/...`, `/pdf/....pdf`, `export.arxiv.org` (the version is dropped);
* PubMed: `pmid:31452104`, `PMID 31452104`, a bare number, `https://pubmed.ncbi.nlm.nih.gov/
  31452104/`, `https://www.ncbi.nlm.nih.gov/pubmed/31452104`;
* OpenAlex: `W2741809807`, `https://openalex.org/W2741809807`, `.../works/W2741809807`,
  `api.openalex.org/works/W...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlparse

from assistant.errors import UnknownIdentifierError
from assistant.sources.identity import normalize_arxiv, normalize_doi

IdKind = Literal["doi", "arxiv", "pubmed", "openalex"]

_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z\-]+(\.[a-z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)
_PMID = re.compile(r"^(?:pmid\s*:?\s*)?(\d{1,9})$", re.IGNORECASE)
_OPENALEX = re.compile(r"^(W\d{2,12})$", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/\S+")
_BARE_HOST = re.compile(r"^[a-z0-9\-]+(\.[a-z0-9\-]+)*\.(org|gov|com|net|edu)/", re.IGNORECASE)


@dataclass(frozen=True)
class ScholarlyId:
    kind: IdKind
    value: str  # normalised: a lowercase DOI, an arXiv id without version, digits, W...

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def parse_identifier(text: str) -> ScholarlyId:
    """The identifier in `text`; raises `UnknownIdentifierError` with what is accepted."""
    raw = unquote(text.strip()).strip().rstrip("/")
    if not raw:
        raise _unknown(text)
    if "://" in raw or _BARE_HOST.match(raw):
        found = _from_url(raw if "://" in raw else f"https://{raw}")
        if found:
            return found
        raise _unknown(text)
    lowered = raw.lower()
    if lowered.startswith("arxiv:"):
        return _arxiv(raw[6:].strip()) or _raise(text)
    if lowered.startswith(("doi:", "10.")):
        return _doi(raw) or _raise(text)
    openalex = _OPENALEX.match(raw)
    if openalex:
        return ScholarlyId("openalex", openalex.group(1).upper())
    pmid = _PMID.match(raw)
    if pmid:
        return ScholarlyId("pubmed", pmid.group(1))
    found = _arxiv(raw)
    if found:
        return found
    raise _unknown(text)


def _doi(text: str) -> ScholarlyId | None:
    doi = normalize_doi(text)
    if not doi:
        return None
    arxiv = normalize_arxiv(doi)  # 10.48550/arxiv.* is an arXiv id in DOI form
    return ScholarlyId("arxiv", arxiv) if arxiv else ScholarlyId("doi", doi)


def _arxiv(text: str) -> ScholarlyId | None:
    match = _ARXIV_NEW.match(text) or _ARXIV_OLD.match(text)
    if not match:
        return None
    return ScholarlyId("arxiv", match.group(1) if "/" not in text else match.group(1).lower())


def _from_url(url: str) -> ScholarlyId | None:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower().removeprefix("www.")
    path = parsed.path.strip("/")
    if host in ("doi.org", "dx.doi.org"):
        return _doi(path)
    if host.endswith("arxiv.org"):
        match = re.match(r"^(?:abs|pdf|html)/(.+?)(?:\.pdf)?$", path)
        return _arxiv(match.group(1)) if match else None
    if host == "pubmed.ncbi.nlm.nih.gov":
        return _pmid(path)
    if host == "ncbi.nlm.nih.gov" and path.startswith("pubmed/"):
        return _pmid(path.removeprefix("pubmed/"))
    if host in ("openalex.org", "api.openalex.org"):
        last = path.rsplit("/", 1)[-1]
        return ScholarlyId("openalex", last.upper()) if _OPENALEX.match(last) else None
    found = _DOI_IN_TEXT.search(url)  # a publisher URL carrying the DOI in its path
    return _doi(found.group(0)) if found else None


def _pmid(text: str) -> ScholarlyId | None:
    return ScholarlyId("pubmed", text) if text.isdigit() else None


def _unknown(text: str) -> UnknownIdentifierError:
    return UnknownIdentifierError(
        f"'{text.strip()}' is not a DOI, arXiv id, PubMed id, OpenAlex id or a URL naming one "
        "(e.g. 10.1038/nature14539, arXiv:2103.00020, pmid:31452104, W2741809807)."
    )


def _raise(text: str) -> ScholarlyId:
    raise _unknown(text)
