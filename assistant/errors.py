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


class EndpointFailure(LitassistError):
    """The LLM endpoint gave no (whole) answer; the offline extractive mode still can.

    The front ends offer it: the CLI names `--mode extractive`, the TUI a key.
    """


class ZoteroReadError(LitassistError):
    """A Zotero database (or Zotero's local API) could not be read; nothing was changed."""


class ScholarlyApiError(LitassistError):
    """A scholarly API (OpenAlex, Crossref, arXiv, PubMed, Semantic Scholar) gave no answer.

    Subclasses say why; the message names the service, the reason and what to do.  Raised
    before anything is stored, so a failed fetch changes nothing.
    """


class ApiUnreachableError(ScholarlyApiError):
    """No connection (offline, DNS failure, refused)."""


class ApiTimeoutError(ScholarlyApiError):
    """The service did not answer within the connect timeout or the read deadline."""


class ApiRateLimitError(ScholarlyApiError):
    """Still rate-limited (429) after the retries, or asked to wait longer than we will."""


class ApiServerError(ScholarlyApiError):
    """5xx after the retries, or an answer that is not what the API documents."""


class ApiRequestError(ScholarlyApiError):
    """The service refused the request (4xx other than 404 and 429)."""


class ApiNotFoundError(ScholarlyApiError):
    """The service has no record for the identifier (404, or an empty result)."""


class UnknownIdentifierError(LitassistError):
    """Text that is not a DOI, arXiv id, PubMed id, OpenAlex id or a URL naming one."""
