"""Errors a user can act on: each carries a one-line message that says what failed and what to do.

The CLI and the TUI print `str(error)` and nothing else; tracebacks are for bugs only.
"""

from __future__ import annotations


class LitassistError(Exception):
    """Base of every user-facing error."""


class LibraryNotFoundError(LitassistError):
    """No library in the data folder yet."""


class LibraryCorruptError(LitassistError):
    """The data folder exists but cannot be read."""


class EmbedderMismatchError(LitassistError):
    """The library was built with another embedder than the one configured."""


class LibraryBusyError(LitassistError):
    """Another process holds the library's write lock."""


class PaperNotFoundError(LitassistError):
    """An id given by the user matches no paper."""


class StorageWriteError(LitassistError):
    """The library's storage refused a write (disk full, read-only folder, I/O error).

    Raised before anything already stored is touched; re-running after fixing the cause resumes.
    """


class StoreUnavailableError(LitassistError):
    """The Chroma server did not answer (down, unreachable, or gone away mid-request)."""
