"""A real OpenAlex stand-in on a local socket: `/works?filter=title.search:...`, `/works?search=`,
and `/works/<id>`, serving work objects shaped like OpenAlex's (id, doi, display_name,
publication_year and date, authorships with authors and institutions, primary_location with
its source, cited_by_count, abstract_inverted_index, type).

Built from a list of papers: each gets a record with a year and authors derived from its title
(deterministic), so a test or benchmark can check that enrichment filled them.  Started and
stopped by its user (`with OpenAlexServer(papers) as server: server.url`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from assistant.scholarly.enrich import normalise_title
from assistant.types import Paper

SURNAMES = ["Zhang", "Müller", "García", "Okafor", "Tanaka", "Novak", "Silva", "Kowalski"]
GIVEN = ["Wei", "Anna", "Luis", "Chidi", "Yuki", "Petra", "João", "Marta"]
VENUES = ["CVPR", "NeurIPS", "ICCV", "Nature Methods", "TPAMI", "ECCV"]


def openalex_work(paper: Paper, n: int = 0) -> dict[str, Any]:
    """An OpenAlex work for `paper`: its year and authors when it has them (the real record
    agrees with a correct file), else ones derived from the title; always a venue and a DOI
    of the server's own, so a test sees that what a paper has is not overwritten."""
    title, abstract = paper.title, paper.abstract
    seed = int(hashlib.sha256(title.encode("utf-8")).hexdigest()[:8], 16)
    year = paper.year or 2015 + seed % 10
    authors = [
        (GIVEN[(seed >> (3 * k)) % len(GIVEN)], SURNAMES[(seed >> (5 * k)) % len(SURNAMES)])
        for k in range(2 + seed % 2)
    ]
    if paper.authors:
        authors = [
            (name.split(", ", 1)[1], name.split(", ", 1)[0]) if ", " in name else ("", name)
            for name in paper.authors
        ]
    work_id = f"W{4000000000 + n}"
    words = abstract.split()
    inverted: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        inverted.setdefault(word, []).append(position)
    return {
        "id": f"https://openalex.org/{work_id}",
        "doi": f"https://doi.org/10.5555/served.{n}",
        "title": title,
        "display_name": title,
        "publication_year": year,
        "publication_date": f"{year}-06-01",
        "ids": {"openalex": f"https://openalex.org/{work_id}"},
        "type": "article",
        "primary_location": {
            "is_oa": False,
            "landing_page_url": f"https://example.org/{work_id}",
            "source": {
                "id": f"https://openalex.org/S{100 + seed % 6}",
                "display_name": VENUES[seed % len(VENUES)],
                "type": "conference",
            },
        },
        "authorships": [
            {
                "author_position": "first" if k == 0 else "middle",
                "author": {
                    "id": f"https://openalex.org/A{seed % 100000 + k}",
                    "display_name": f"{given} {family}".strip(),
                },
                "institutions": [{"display_name": "University of Somewhere", "type": "education"}],
                "raw_author_name": f"{given} {family}".strip(),
            }
            for k, (given, family) in enumerate(authors)
        ],
        "cited_by_count": seed % 500,
        "abstract_inverted_index": inverted or None,
    }


class OpenAlexServer:
    def __init__(self, papers: Iterable[Paper]) -> None:
        self.works = [openalex_work(p, n) for n, p in enumerate(papers)]
        self.requests = 0
        by_title = {normalise_title(w["display_name"]): w for w in self.works}
        by_id = {w["id"].rsplit("/", 1)[-1]: w for w in self.works}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the http.server API's name
                outer.requests += 1
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                path = url.path.rstrip("/")
                if path.startswith("/works/"):
                    work = by_id.get(path.rsplit("/", 1)[-1])
                    self._send(200 if work else 404, work or {"error": "not found"})
                    return
                if path != "/works":
                    self._send(404, {"error": "not found"})
                    return
                wanted = params.get("filter", "")
                results: list[dict[str, Any]] = []
                if wanted.startswith("title.search:"):
                    # Real title search ranks by words: the same title, or any sharing 3 words.
                    words = set(normalise_title(wanted.removeprefix("title.search:")).split())
                    exact = by_title.get(" ".join(normalise_title(wanted[13:]).split()))
                    results = [exact] if exact else []
                    results += [
                        w
                        for t, w in by_title.items()
                        if w is not exact and len(words & set(t.split())) >= 3
                    ][:4]
                elif "search" in params:
                    words = set(normalise_title(params["search"]).split())
                    results = [w for t, w in by_title.items() if words & set(t.split())]
                limit = int(params.get("per_page", 25))
                self._send(200, {"meta": {"count": len(results)}, "results": results[:limit]})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> OpenAlexServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
