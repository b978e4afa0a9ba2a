"""A Chroma HTTP client whose every request is bounded, creating the client included.

chromadb's `HttpClient()` builds its httpx session with `timeout=None` and then, still inside
the constructor, asks the server who we are and whether the tenant exists: a server that
accepts the connection and never answers hangs it forever, before any caller could set a
timeout.  Chroma has no setting for it, and its server API class cannot be swapped for a
subclass (chromadb accepts only its own class names there).  So the constructor runs in a
daemon thread that we wait for at most `connect_timeout + read_timeout` seconds (a hung one is
left behind, blocked on a socket, and dies with the process); once built, the client's session
gets those timeouts for every later request.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import chromadb
import httpx

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.config import Settings

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 60.0


class ChromaTimeoutError(TimeoutError):
    """The server accepted the connection but did not answer within `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


def http_client(
    host: str,
    port: int,
    *,
    ssl: bool,
    settings: Settings,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> ClientAPI:
    """What `chromadb.HttpClient(host, port, ssl, settings=...)` returns, every request bounded.

    Raises `ChromaTimeoutError` when the server does not answer within the timeouts, else what
    chromadb raises (`ValueError`, httpx errors); the caller turns them into one line.
    """
    outcome: dict[str, Any] = {}

    def build() -> None:
        try:
            outcome["client"] = chromadb.HttpClient(
                host=host, port=port, ssl=ssl, settings=settings
            )
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=build, name="litassist-chroma-connect", daemon=True)
    worker.start()
    worker.join(connect_timeout + read_timeout)
    if worker.is_alive():
        raise ChromaTimeoutError(connect_timeout + read_timeout)
    if "error" in outcome:
        raise outcome["error"]
    client: ClientAPI = outcome["client"]
    set_timeouts(client, connect_timeout, read_timeout)
    return client


def set_timeouts(client: ClientAPI, connect_timeout: float, read_timeout: float) -> None:
    """Bound every later request of `client` (chromadb exposes no setting: its httpx session)."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
