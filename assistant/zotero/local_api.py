"""The second way in: Zotero 7's local API (`http://localhost:23119/api/`, web API v3 JSON).

Used when the database file cannot be read (another machine's Zotero folder, a sandboxed
install).  Zotero serves the user library as `users/0`; only GET exists, without
authentication, and it must be switched on in Zotero (Settings > Advanced > "Allow other
applications on this computer to communicate with Zotero"), else it answers 403.

A plain httpx client rather than pyzotero: pyzotero 1.16 pins `bibtexparser<2` (litassist
uses 2.x) and brings its own HTTP stack, which respx would not mock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from assistant.errors import ZoteroReadError
from assistant.zotero.fields import NON_REGULAR_TYPES, build_item
from assistant.zotero.items import ZoteroCreator, ZoteroItem, ZoteroRef
from assistant.zotero.reader import ZoteroRead

DEFAULT_URL = "http://localhost:23119/api"
PAGE_SIZE = 100  # the API's maximum `limit`
TIMEOUT = httpx.Timeout(30.0, connect=3.0)
MAX_PAGES = 10_000  # a runaway paging loop stops here (a million items)


class ZoteroLocalApi:
    """Reads the user library from a running Zotero; `client` is injectable for tests."""

    def __init__(self, base_url: str = DEFAULT_URL, *, client: httpx.Client | None = None):
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=TIMEOUT)

    def close(self) -> None:
        self._client.close()

    def read(self) -> ZoteroRead:
        """Every regular, untrashed top-level item of the user library."""
        collections = self._collection_paths()
        items: list[ZoteroItem] = []
        skipped = {"attachments and notes": 0, "in the trash": 0, "without a title": 0}
        for entry in self._pages("users/0/items/top"):
            data = entry.get("data") or {}
            if data.get("itemType") in NON_REGULAR_TYPES:
                skipped["attachments and notes"] += 1
                continue
            if data.get("deleted"):
                skipped["in the trash"] += 1
                continue
            item = item_from_json(data, collections, source=self.base_url)
            if item is None:
                skipped["without a title"] += 1
            else:
                items.append(item)
        items.sort(key=lambda item: item.ref)
        return ZoteroRead(source=self.base_url, items=tuple(items), skipped=skipped)

    def _collection_paths(self) -> dict[str, str]:
        parents: dict[str, tuple[str, str | None]] = {}
        trashed: set[str] = set()
        for entry in self._pages("users/0/collections"):
            data = entry.get("data") or {}
            key = data.get("key")
            if not key:
                continue
            parent = data.get("parentCollection") or None  # `false` for a top-level one
            parents[key] = (str(data.get("name") or ""), parent)
            if data.get("deleted"):
                trashed.add(key)
        paths: dict[str, str] = {}
        for key in parents:
            names: list[str] = []
            current: str | None = key
            seen: set[str] = set()
            while current in parents and current not in seen:
                if current in trashed:
                    names = []
                    break
                seen.add(current)
                name, current = parents[current]
                names.append(name.replace("/", "∕"))
            if names:
                paths[key] = "/".join(reversed(names))
        return paths

    def _pages(self, path: str) -> Iterator[dict[str, Any]]:
        """Every entry of a paged list; stops at `Total-Results`, a short page, or a page that
        brings no new key (a server ignoring `start` must not make us loop)."""
        start = 0
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            response = self._get(path, {"format": "json", "limit": PAGE_SIZE, "start": start})
            page = _json(response, self.base_url, path)
            if not isinstance(page, list):
                raise ZoteroReadError(
                    f"Zotero's local API at {self.base_url} answered {path} with something "
                    "other than a JSON list; update Zotero to version 7 or later."
                )
            entries = [entry for entry in page if isinstance(entry, dict)]
            keys = {str(entry.get("key")) for entry in entries}
            if entries and keys <= seen:
                return
            seen |= keys
            yield from entries
            start += len(page)
            total = response.headers.get("Total-Results", "")
            if len(page) < PAGE_SIZE or (total.isdigit() and start >= int(total)):
                return

    def _get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        url = f"{self.base_url}/{path}"
        try:
            response = self._client.get(url, params=params, headers={"Zotero-API-Version": "3"})
        except httpx.TimeoutException as exc:
            raise ZoteroReadError(
                f"Zotero's local API at {self.base_url} did not answer in time; is Zotero busy? "
                "Retry in a moment."
            ) from exc
        except httpx.TransportError as exc:
            raise ZoteroReadError(
                f"Cannot reach Zotero's local API at {self.base_url} ({type(exc).__name__}): "
                "start Zotero 7, or read the database file instead with --zotero-dir."
            ) from exc
        if response.status_code == 403:
            raise ZoteroReadError(
                f"Zotero's local API at {self.base_url} is switched off: enable Settings > "
                "Advanced > 'Allow other applications on this computer to communicate with Zotero'."
            )
        if response.status_code == 404:
            raise ZoteroReadError(
                f"Zotero at {self.base_url} has no local API ({path} not found): it needs "
                "Zotero 7 or later."
            )
        if response.status_code >= 400:
            raise ZoteroReadError(
                f"Zotero's local API at {self.base_url} answered HTTP {response.status_code} "
                f"for {path}; retry, or read the database file with --zotero-dir."
            )
        return response


def _json(response: httpx.Response, base_url: str, path: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise ZoteroReadError(
            f"Zotero's local API at {base_url} sent invalid JSON for {path}; retry."
        ) from exc


def item_from_json(
    data: dict[str, Any], collection_paths: dict[str, str], *, source: str | None = None
) -> ZoteroItem | None:
    """One web-API item `data` object as a `ZoteroItem` (None for a note, attachment or an
    item without a title)."""
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    creators = []
    for creator in data.get("creators") or []:
        if not isinstance(creator, dict):
            continue
        kind = str(creator.get("creatorType") or "author")
        if creator.get("name"):
            creators.append(ZoteroCreator(str(creator["name"]).strip(), "", kind))
        elif creator.get("lastName") or creator.get("firstName"):
            last = str(creator.get("lastName") or "").strip()
            first = str(creator.get("firstName") or "").strip()
            creators.append(ZoteroCreator(last or first, first if last else "", kind))
    tags = [str(t.get("tag")) for t in data.get("tags") or [] if isinstance(t, dict)]
    collections = [
        collection_paths[k] for k in data.get("collections") or [] if k in collection_paths
    ]
    return build_item(
        ref=ZoteroRef("user", str(data.get("key") or "")),
        item_type=str(data.get("itemType") or "document"),
        fields=fields,
        creators=creators,
        tags=tags,
        collections=collections,
        date_modified=fields.get("dateModified"),
        version=int(data.get("version") or 0),
        source_file=source,
    )
