"""Zotero 7's local API through respx: paging, collections, skips and one-line errors."""

from __future__ import annotations

import httpx
import pytest
import respx

from assistant.errors import ZoteroReadError
from assistant.zotero import ZoteroLocalApi, ZoteroRef

BASE = "http://localhost:23119/api"


def _entry(data: dict) -> dict:
    # The web API v3 envelope, cut down to what the reader uses and a little more.
    return {"key": data["key"], "version": data.get("version", 1), "meta": {}, "data": data}


ARTICLE = {
    "key": "LF4MJWZK",
    "version": 4348,
    "itemType": "journalArticle",
    "title": "Real-Time Rendering: Ray Tracing",
    "creators": [
        {"creatorType": "author", "firstName": "Tomas", "lastName": "Akenine-Moller"},
        {"creatorType": "author", "name": "Khronos Group"},
        {"creatorType": "editor", "firstName": "Eric", "lastName": "Haines"},
    ],
    "abstractNote": "",
    "publicationTitle": "Graphics Journal",
    "date": "2018-08-06",
    "DOI": "10.1201/9781315365459",
    "citationKey": "",
    "extra": "Citation Key: akenine2018",
    "tags": [{"tag": "rendering"}, {"tag": "auto", "type": 1}],
    "collections": ["QVK3WHF2"],
    "relations": {},
    "dateAdded": "2026-02-16T02:13:13Z",
    "dateModified": "2026-02-16T02:13:32Z",
}


def _routes(mock: respx.MockRouter, pages: list[list[dict]], collections: list[dict]) -> None:
    responses = [httpx.Response(200, json=page) for page in pages]
    mock.get(f"{BASE}/users/0/items/top").mock(side_effect=responses)
    # `Total-Results` ends the collection list after one full page.
    mock.get(f"{BASE}/users/0/collections").mock(
        return_value=httpx.Response(
            200,
            json=[_entry(c) for c in collections],
            headers={"Total-Results": str(len(collections))},
        )
    )


def test_reads_items_page_by_page(monkeypatch) -> None:
    monkeypatch.setattr("assistant.zotero.local_api.PAGE_SIZE", 2)
    note = {"key": "NOTE2345", "itemType": "note", "note": "<p>hi</p>"}
    trashed = {"key": "TRSH2345", "itemType": "book", "title": "Gone", "deleted": 1}
    preprint = {
        "key": "PREP2345",
        "itemType": "preprint",
        "title": "A Preprint",
        "archiveID": "arXiv:2103.00020",
        "repository": "arXiv",
        "collections": ["UNKNOWN1"],
    }
    collections = [
        {"key": "BXHE5XUF", "name": "Maths", "parentCollection": False},
        {"key": "QVK3WHF2", "name": "Variational Calculus", "parentCollection": "BXHE5XUF"},
    ]
    with respx.mock(assert_all_called=True) as mock:
        _routes(
            mock,
            [[_entry(ARTICLE), _entry(note)], [_entry(trashed), _entry(preprint)], []],
            collections,
        )
        read = ZoteroLocalApi(BASE).read()
        starts = [
            call.request.url.params["start"]
            for call in mock.calls
            if call.request.url.path.endswith("items/top")
        ]
        assert all(c.request.headers["Zotero-API-Version"] == "3" for c in mock.calls)

    assert starts == ["0", "2", "4"]
    assert read.source == BASE
    assert read.skipped == {"attachments and notes": 1, "in the trash": 1, "without a title": 0}
    article, preprint_item = read.items
    assert article.ref == ZoteroRef("user", "LF4MJWZK")
    assert article.authors == ("Akenine-Moller, Tomas", "Khronos Group")
    assert (article.year, article.venue, article.doi) == (
        2018,
        "Graphics Journal",
        "10.1201/9781315365459",
    )
    assert (article.citekey, article.citekey_source) == ("akenine2018", "extra")
    assert article.tags == ("auto", "rendering")
    assert article.collections == ("Maths/Variational Calculus",)
    assert article.version == 4348
    assert (preprint_item.arxiv_id, preprint_item.collections) == ("2103.00020", ())
    assert preprint_item.to_paper().id == "arxiv:2103.00020"


def test_a_server_ignoring_start_does_not_loop(monkeypatch) -> None:
    monkeypatch.setattr("assistant.zotero.local_api.PAGE_SIZE", 1)
    with respx.mock() as mock:
        mock.get(f"{BASE}/users/0/collections").mock(return_value=httpx.Response(200, json=[]))
        items = mock.get(f"{BASE}/users/0/items/top").mock(
            return_value=httpx.Response(200, json=[_entry(ARTICLE)])
        )
        read = ZoteroLocalApi(BASE).read()
    assert len(read.items) == 1 and items.call_count == 2


def test_same_item_gives_same_fingerprint_as_the_database_would() -> None:
    # The database reader and the API reader share `build_item`: same fields, same fingerprint.
    from assistant.zotero.local_api import item_from_json

    once = item_from_json(ARTICLE, {"QVK3WHF2": "Maths/Variational Calculus"})
    twice = item_from_json(dict(ARTICLE), {"QVK3WHF2": "Maths/Variational Calculus"})
    assert once is not None and twice is not None
    assert once.fingerprint == twice.fingerprint
    changed = item_from_json({**ARTICLE, "title": "Other"}, {})
    assert changed is not None and changed.fingerprint != once.fingerprint


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(403, text="Local API is not enabled"), "switched off: enable Settings"),
        (httpx.Response(404, text="Not found"), "needs Zotero 7"),
        (httpx.Response(500, text="boom"), "HTTP 500"),
        (httpx.Response(200, text="<html>"), "invalid JSON"),
        (httpx.Response(200, json={"not": "a list"}), "other than a JSON list"),
        (httpx.ConnectError("refused"), "Cannot reach Zotero's local API .*start Zotero 7"),
        (httpx.ReadTimeout("slow"), "did not answer in time"),
    ],
)
def test_failures_are_one_line_errors(response, message) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/users/0/collections")
        if isinstance(response, Exception):
            route.mock(side_effect=response)
        else:
            route.mock(return_value=response)
        with pytest.raises(ZoteroReadError, match=message) as caught:
            ZoteroLocalApi(BASE).read()
    assert "\n" not in str(caught.value)
