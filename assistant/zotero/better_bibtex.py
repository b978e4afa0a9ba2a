"""Citation keys from Better BibTeX's own database, `better-bibtex.sqlite` in Zotero's folder.

Two layouts exist.  Better BibTeX 6.7.x and later keep a plain table

    citationkey(itemID, itemKey, libraryID, citationKey, pinned[, lastPinned])

older releases a LokiJS collection: one row of the `better-bibtex` table named
`better-bibtex.citekey` whose `data` is JSON, `{"data": [{"itemID", "itemKey", "libraryID",
"citekey", "pinned"}, ...]}`.  Both give `(libraryID, itemKey) -> key`, keyed by the local
database's library row id, as Zotero's own `items` table is.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from assistant.errors import ZoteroReadError
from assistant.zotero.database import open_snapshot

FILENAME = "better-bibtex.sqlite"

CitekeyMap = dict[tuple[int, str], str]


def read_better_bibtex(path: Path) -> CitekeyMap:
    """The keys in `path`; empty when the file does not exist (Better BibTeX not installed).

    Raises `ZoteroReadError` when the file exists but cannot be read.
    """
    if not Path(path).is_file():
        return {}
    with open_snapshot(path, what="Better BibTeX database") as conn:
        try:
            return citekeys_from_connection(conn)
        except (sqlite3.Error, ValueError, TypeError, KeyError) as exc:
            raise ZoteroReadError(
                f"Cannot read citation keys from {path}: {exc}. Zotero's own keys and keys "
                "pinned in Extra still work; update Better BibTeX to fix its database."
            ) from exc


def citekeys_from_connection(conn: sqlite3.Connection) -> CitekeyMap:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "citationkey" in tables:
        rows = conn.execute("SELECT libraryID, itemKey, citationKey FROM citationkey")
        return {(int(lib), str(key)): str(cite) for lib, key, cite in rows if key and cite}
    if "better-bibtex" in tables:
        row = conn.execute(
            "SELECT data FROM `better-bibtex` WHERE name = 'better-bibtex.citekey'"
        ).fetchone()
        if row is None:
            return {}
        keys: CitekeyMap = {}
        for entry in json.loads(row[0]).get("data", []):
            if entry.get("itemKey") and entry.get("citekey"):
                keys[(int(entry["libraryID"]), str(entry["itemKey"]))] = str(entry["citekey"])
        return keys
    return {}
