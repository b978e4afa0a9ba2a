"""Citation keys for exported papers: the user's own where they have one, else generated.

A paper ingested with a usable key (a BibTeX entry's key, a CSL-JSON/CSV citekey) keeps it, so
a note's `[@key]` matches the user's existing bibliography.  Others get a key in the common
`surname + year + first title word` shape (`lecun2015deep`), ASCII, lower case; with no author
the first title word stands in for the surname (`datadam2023efficient`).

Keys are unique among the papers given *and* the `context` (the whole library, when the caller
has it): two papers wanting the same key are served in paper-id order, the first keeps it and
the others get `a`, `b`, ... appended.  Disambiguating against the whole library rather than
the exported few is what makes a key stable: the same paper gets the same key in every export.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from string import ascii_lowercase

from assistant.text import first_surname
from assistant.types import Paper

# Characters BibTeX, biber and pandoc all accept in a key.
VALID_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:.\-/+]*$")
_STOP = "a an the on of in for to and with via from towards toward is are how what when do does"
TITLE_STOP_WORDS = frozenset(
    f"{_STOP} by at as into its their using we our your can not".split(" ")
)
MAX_WORD_CHARS = 20


def _ascii_letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _title_words(title: str) -> list[str]:
    words = [_ascii_letters(w) for w in re.split(r"[\s:;,.!?()\[\]{}\"'/—–-]+", title)]
    return [w[:MAX_WORD_CHARS] for w in words if w and w not in TITLE_STOP_WORDS]


def generated_key(paper: Paper) -> str:
    """`surname + year + first title word`, e.g. `lecun2015deep`."""
    words = _title_words(paper.title)
    surname = _ascii_letters(first_surname(paper.authors))[:MAX_WORD_CHARS]
    if not surname and words:
        surname = words.pop(0)
    year = str(paper.year) if paper.year else ""
    word = next((w for w in words if w != surname), "")
    key = f"{surname}{year}{word}"
    if not key or not key[0].isalnum():
        key = f"paper{key}"
    return key


def own_key(paper: Paper) -> str | None:
    """The key the user gave this paper, if it is usable as a BibTeX and pandoc key."""
    key = (paper.citekey or "").strip()
    return key if key and VALID_KEY.match(key) else None


def _suffixes() -> Iterable[str]:
    yield from ascii_lowercase
    for first in ascii_lowercase:
        for second in ascii_lowercase:
            yield first + second


def _unique(base: str, taken: set[str]) -> str:
    """`base`, or `base` + a suffix, not in `taken` (compared case-insensitively, as BibTeX)."""
    if base.lower() not in taken:
        return base
    for suffix in _suffixes():
        if (base + suffix).lower() not in taken:
            return base + suffix
    raise ValueError(f"too many papers want the key {base!r}")  # 702 collisions: not real


def assign_keys(papers: Sequence[Paper], *, context: Iterable[Paper] = ()) -> dict[str, str]:
    """paper id -> key for `papers`, unique within `papers` and `context` together."""
    everyone: dict[str, Paper] = {p.id: p for p in context}
    everyone.update((p.id, p) for p in papers)
    ordered = sorted(everyone.values(), key=lambda p: p.id)
    keys: dict[str, str] = {}
    taken: set[str] = set()
    # The user's own keys first: a generated key never pushes one aside.
    for paper in ordered:
        key = own_key(paper)
        if key is not None:
            keys[paper.id] = _unique(key, taken)
            taken.add(keys[paper.id].lower())
    for paper in ordered:
        if paper.id not in keys:
            keys[paper.id] = _unique(generated_key(paper), taken)
            taken.add(keys[paper.id].lower())
    return {p.id: keys[p.id] for p in papers}


def keys_for(papers: Sequence[Paper], keys: Mapping[str, str] | None) -> dict[str, str]:
    """`keys` when given (checked to cover `papers`), else keys assigned among `papers`."""
    if keys is None:
        return assign_keys(papers)
    missing = [p.id for p in papers if p.id not in keys]
    if missing:
        raise ValueError(f"no citation key for {missing[0]}")
    return {p.id: keys[p.id] for p in papers}
