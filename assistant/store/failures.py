"""Storage failures turned into one-line errors a user can act on.

A full disk, a read-only folder or a Chroma server that went away surface from three libraries
(sqlite3, chromadb's Rust core, httpx) as unrelated exceptions, some carrying only a message.
`classify` sorts them into a few kinds by errno, class name and message; `storage_error` and
`server_error` word the user-facing error.  Standard library only: chromadb and httpx
exceptions are recognised by name, so the SQLite catalog can use this without importing them.
"""

from __future__ import annotations

import errno
import sqlite3
from enum import Enum

from assistant.errors import LitassistError, StorageWriteError, StoreUnavailableError
from assistant.redact import mask_url


class Failure(Enum):
    FULL = "out of disk space"
    READ_ONLY = "it is read-only"
    IO = "an I/O error"
    UNAVAILABLE = "the server is not answering"
    OTHER = "an unexpected error"


_ERRNO = {
    errno.ENOSPC: Failure.FULL,
    errno.EDQUOT: Failure.FULL,
    errno.EFBIG: Failure.FULL,  # a file size limit: same remedy as a full disk
    errno.EROFS: Failure.READ_ONLY,
    errno.EACCES: Failure.READ_ONLY,
    errno.EPERM: Failure.READ_ONLY,
    errno.EIO: Failure.IO,
}

# Fragments of the messages sqlite and Chroma's Rust core use for the same conditions.
_MESSAGES = (
    ("no space left", Failure.FULL),
    ("disk is full", Failure.FULL),
    ("file too large", Failure.FULL),
    ("quota exceeded", Failure.FULL),
    ("read-only file system", Failure.READ_ONLY),
    ("readonly database", Failure.READ_ONLY),
    ("permission denied", Failure.READ_ONLY),
    ("unable to open database file", Failure.READ_ONLY),
    ("disk i/o error", Failure.IO),
    ("input/output error", Failure.IO),
)

# httpx transport errors (and Python's own) mean the server is gone, not that it refused.
_NETWORK_CLASSES = {"TransportError", "ConnectionError", "TimeoutError", "RemoteProtocolError"}


def classify(exc: BaseException) -> Failure:
    """What kind of storage failure `exc` (or the exception it wraps) is."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names = {cls.__name__ for cls in type(current).__mro__}
        if names & _NETWORK_CLASSES:
            return Failure.UNAVAILABLE
        if isinstance(current, OSError) and current.errno in _ERRNO:
            return _ERRNO[current.errno]
        text = str(current).lower()
        for fragment, kind in _MESSAGES:
            if fragment in text:
                return kind
        if "could not connect to a chroma server" in text:
            return Failure.UNAVAILABLE
        current = current.__cause__ or current.__context__
    return Failure.OTHER


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else exc.__class__.__name__


def storage_error(exc: BaseException, where: str) -> LitassistError:
    """The one-line error for a failed write to `where` (a folder, a file or a server)."""
    kind = classify(exc)
    if kind is Failure.UNAVAILABLE:
        return server_error(exc, where)
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else first_line(exc)
    if kind is Failure.FULL:
        advice = "free some space and run the command again"
    elif kind is Failure.READ_ONLY:
        advice = "make it writable (or use another --data-dir) and run the command again"
    else:
        advice = "check the disk, then run `litassist doctor`"
    what = kind.value if kind is not Failure.OTHER else "it failed"
    return StorageWriteError(
        f"Cannot write to {where}: {what} ({detail}); {advice}. "
        "Everything stored before is kept and an interrupted ingest resumes."
    )


def server_error(
    exc: BaseException, url: str, read_timeout: float | None = None
) -> StoreUnavailableError:
    url = mask_url(url)  # a server URL may carry credentials
    if _timed_out(exc):
        waited = getattr(exc, "seconds", read_timeout)  # the whole wait, when it says so
        limit = f" after {waited:g} s" if waited else ""
        return StoreUnavailableError(
            f"The Chroma server at {url} accepted the connection but did not answer (timed out"
            f"{limit}); nothing stored was lost. Check the server, or raise "
            "LITASSIST_CHROMA_TIMEOUT."
        )
    return StoreUnavailableError(
        f"The Chroma server at {url} is not answering ({exc.__class__.__name__}: "
        f"{first_line(exc)}); nothing stored was lost. Check that `chroma run` is up, then retry."
    )


def _timed_out(exc: BaseException) -> bool:
    """A read timeout anywhere in the chain (httpx's, or the openai/chromadb wrappers of it)."""
    seen: BaseException | None = exc
    while seen is not None:
        name = type(seen).__name__
        if name in ("ReadTimeout", "WriteTimeout", "PoolTimeout") or (
            isinstance(seen, TimeoutError) and name != "ConnectTimeout"
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_sqlite_write_failure(exc: sqlite3.Error) -> bool:
    return classify(exc) in (Failure.FULL, Failure.READ_ONLY, Failure.IO)
