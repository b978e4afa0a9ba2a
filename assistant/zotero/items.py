"""What litassist keeps of a Zotero item, whichever way it was read (database or local API).

`ZoteroItem` is the reader's own small record: the fields of a regular item that litassist
uses, its creators in order with their type, its tags and collection paths, the citation key
and where that key came from, and the Zotero identity (`ZoteroRef`: library and item key) with
the modification stamps a re-sync compares.  `to_paper()` turns it into the project's `Paper`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal

from assistant.sources.identity import make_paper
from assistant.types import Paper

FORMAT = "zotero"

CitekeySource = Literal["zotero", "extra", "better-bibtex"]

# Creator types that never stand for the work's authors (Zotero's creatorTypes).
SECONDARY_CREATORS = frozenset(
    {
        "editor",
        "seriesEditor",
        "translator",
        "contributor",
        "reviewedAuthor",
        "bookAuthor",
        "commenter",
        "castMember",
        "guest",
        "cosponsor",
        "counsel",
        "wordsBy",
        "attorneyAgent",
    }
)


@dataclass(frozen=True, order=True)
class ZoteroRef:
    """A Zotero item's identity: its library (`user`, `group:<groupID>`) and its 8-char key.

    Item keys are unique per library, not globally, so both are kept.  The library is named as
    Zotero's web API names it (not by the local database's row id) so the database reader and
    the local-API client give the same ref for the same item.
    """

    library: str
    key: str

    def __str__(self) -> str:
        return f"{self.library}/{self.key}"


@dataclass(frozen=True)
class ZoteroCreator:
    """One creator as Zotero stores it: two fields (last, first) or one (an institution)."""

    last: str
    first: str = ""
    creator_type: str = "author"

    @property
    def name(self) -> str:
        """`Last, First` (the project's author form), or the single-field name as is."""
        if self.first and self.last:
            return f"{self.last}, {self.first}"
        return self.last or self.first


@dataclass(frozen=True)
class UnchangedItem:
    """An item the reader did not rebuild: its stamp matched the one the last sync stored.

    Only what a sync needs of it besides the stored state: its labels, for `--collection` and
    `--tag` selections.
    """

    ref: ZoteroRef
    tags: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()


@dataclass(frozen=True)
class ZoteroItem:
    """A regular Zotero item (never a note, attachment or annotation, never trashed)."""

    ref: ZoteroRef
    item_type: str
    title: str
    creators: tuple[ZoteroCreator, ...] = ()
    date: str | None = None  # Zotero's stored form, e.g. "2021-03-00 March 2021"
    year: int | None = None
    abstract: str = ""
    venue: str | None = None  # publication, proceedings, book or website title
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    extra: str = ""
    tags: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()  # full paths, "Parent/Child", sorted
    citekey: str | None = None
    citekey_source: CitekeySource | None = None
    date_modified: str | None = None
    version: int = 0
    source_file: str | None = field(default=None, compare=False)
    # The reader's cheap change stamp (see `reader.item_stamp`); None when unsettled.
    stamp: str | None = field(default=None, compare=False)

    @property
    def authors(self) -> tuple[str, ...]:
        """The creators a citation names: authors; else the item's primary creators
        (inventor, programmer, presenter, ...); else its editors."""
        for wanted in (
            lambda c: c.creator_type == "author",
            lambda c: c.creator_type not in SECONDARY_CREATORS,
            lambda c: c.creator_type == "editor",
        ):
            names = tuple(c.name for c in self.creators if wanted(c) and c.name)
            if names:
                return names
        return ()

    @property
    def fingerprint(self) -> str:
        """Hash of everything litassist stores from the item.

        A re-sync compares this, not only `date_modified`: a Better BibTeX key lives in another
        database and a renamed collection or tag changes what we store without touching the
        item's own modification time.
        """
        digest = hashlib.sha256(self._canonical().encode("utf-8"))
        return digest.hexdigest()[:32]

    @property
    def paper_id(self) -> str:
        """The id `to_paper()` gives, without building the paper: only the title and the
        identifiers enter it (`make_paper`'s rules, so the two cannot disagree)."""
        return make_paper(title=self.title, doi=self.doi, arxiv_id=self.arxiv_id, url=self.url).id

    def to_json(self) -> str:
        """The item as a JSON object (kept as the paper's `raw_entry`)."""
        return self._canonical()

    def _canonical(self) -> str:
        data = {
            "library": self.ref.library,
            "key": self.ref.key,
            "itemType": self.item_type,
            "title": self.title,
            "creators": [[c.creator_type, c.last, c.first] for c in self.creators],
            "date": self.date,
            "abstract": self.abstract,
            "venue": self.venue,
            "doi": self.doi,
            "arxiv": self.arxiv_id,
            "url": self.url,
            "extra": self.extra,
            "tags": list(self.tags),
            "collections": list(self.collections),
            "citekey": self.citekey,
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def to_paper(self) -> Paper:
        """The item as a `Paper` (identity rules from `make_paper`, like every parser)."""
        paper = make_paper(
            title=self.title,
            abstract=self.abstract,
            authors=self.authors,
            year=self.year,
            venue=self.venue,
            doi=self.doi,
            arxiv_id=self.arxiv_id,
            url=self.url,
            source_file=self.source_file,
            source_format=FORMAT,
            citekey=self.citekey,
            raw_entry=self.to_json(),
            item_type=self.item_type,
        )
        # Zotero has no keywords of its own: its tags are the user's labels (`Paper.tags`).
        return dataclasses.replace(
            paper, tags=self.tags, collections=self.collections, origin=self.origin
        )

    @property
    def origin(self) -> str:
        """The paper's `origin`: `zotero:<library>/<key>`, how a re-sync finds it again."""
        return f"{FORMAT}:{self.ref}"
