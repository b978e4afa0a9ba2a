"""Secrets kept out of what is shown or stored: credentials in URLs, the API key in answers.

* `mask_url`: `https://user:pw@host/v1?api_key=abc&x=1` -> `https://***@host/v1?api_key=***&x=1`:
  the userinfo and the values of key-like query parameters (`api_key`, `key`, `token`,
  `access_token`, `sig`, ...) are masked; the rest stays readable (it says where we connect).
* `mask_urls_in`: the same for every URL inside a line of text (an error message quoting one).
* `redact`: a secret's every occurrence replaced by as many `*` (so offsets into the text,
  which citations and sentences carry, stay valid).

Pure functions, standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
MIN_SECRET_CHARS = 8  # shorter "keys" (`not-needed`-like placeholders aside) are not secrets
SECRET_PARAMS = frozenset(
    {
        "api_key",
        "apikey",
        "api-key",
        "key",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "auth",
        "authorization",
        "password",
        "passwd",
        "pwd",
        "secret",
        "client_secret",
        "sig",
        "signature",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "session",
        "sessionid",
    }
)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>)\]]+")


def _secret_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in SECRET_PARAMS or lowered.endswith(("_key", "_token", "_secret", "-key"))


def mask_url(url: str) -> str:
    """`url` with its credentials and key-like query values masked (unchanged if none)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL we can take apart: nothing to mask reliably
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_secret_param(name) for name, _ in pairs):
            query = urlencode(
                [(name, MASK if _secret_param(name) else value) for name, value in pairs],
                safe="*",
            )
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_urls_in(text: str) -> str:
    """Every URL in `text` passed through `mask_url`."""
    if "://" not in text:
        return text

    def masked(match: re.Match[str]) -> str:
        url = match.group(0)
        cut = len(url.rstrip(".,;:!?"))  # sentence punctuation after a URL is not part of it
        return mask_url(url[:cut]) + url[cut:]

    return _URL.sub(masked, text)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with each secret (of at least `MIN_SECRET_CHARS`) replaced by as many `*`."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_CHARS and secret in text:
            text = text.replace(secret, "*" * len(secret))
    return text
