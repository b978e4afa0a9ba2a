"""One polite HTTP GET for every scholarly API: rate limit, retries, deadline, cache, errors.

`ApiClient.get_bytes(path, params)` is all the service clients use.  It

* keeps the service's rate limit (a minimum interval between requests, in this process);
* sends a User-Agent naming litassist and the user's contact e-mail (the "polite pool" of
  OpenAlex and Crossref; NCBI and arXiv ask for the same);
* retries 429, 5xx and dropped connections with exponential backoff, honouring
  `Retry-After` (seconds or an HTTP date) up to `MAX_RETRY_AFTER`; the sleep and the clocks
  are injectable so tests never wait;
* gives up on a connect after `connect_timeout` seconds and on a whole response after the
  read `deadline` (httpx's read timeout is per chunk, so a server dripping a byte at a time
  would otherwise hold us forever), and refuses bodies over `MAX_BYTES`;
* answers from the response cache when it can, and stores 200 answers in it;
* turns every failure into one typed `ScholarlyApiError` line (what, why, what to do).
  A connection that cannot be made is not retried: offline, the user hears so at once.

The retry loop is written here, like the LLM client's (`rag/llm.py`), rather than with
tenacity: the wait depends on the response's headers and the error raised at the end depends
on what failed last, which is most of the code either way.
"""

from __future__ import annotations

import email.utils
import importlib.metadata
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from assistant.errors import (
    ApiNotFoundError,
    ApiRateLimitError,
    ApiRequestError,
    ApiServerError,
    ApiTimeoutError,
    ApiUnreachableError,
)
from assistant.scholarly.cache import ResponseCache, cache_key

BASE_DELAY = 1.0  # seconds before the first retry; doubles each time
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 120.0  # a server asking us to wait longer gets an error instead
MAX_BYTES = 20 * 1024 * 1024
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
DAY = 24 * 3600.0


@dataclass(frozen=True)
class Service:
    """A scholarly API as the client needs to know it."""

    name: str  # as the user knows it: "OpenAlex"
    setting: str  # the settings key of its base URL, named in error messages
    min_interval: float  # seconds between two requests (its published rate limit)
    ttl: float = 7 * DAY  # how long an answer is reused from the cache


def user_agent(contact_email: str | None) -> str:
    try:
        version = importlib.metadata.version("litassist")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    agent = f"litassist/{version} (literature-review assistant"
    return f"{agent}; mailto:{contact_email})" if contact_email else f"{agent})"


class ApiClient:
    """GETs against one service's base URL (see the module docstring)."""

    def __init__(
        self,
        service: Service,
        base_url: str,
        *,
        contact_email: str | None = None,
        cache: ResponseCache | None = None,
        client: httpx.Client | None = None,
        connect_timeout: float = 5.0,
        deadline: float = 30.0,
        max_retries: int = 3,
        secret_params: frozenset[str] = frozenset(),
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.deadline = deadline
        self.max_retries = max_retries
        self._secret_params = secret_params
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._next_turn = 0.0
        self._headers = {"User-Agent": user_agent(contact_email), **(headers or {})}
        timeout = httpx.Timeout(min(deadline, 30.0), connect=connect_timeout)
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=True)

    def close(self) -> None:
        self._client.close()

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        body = self.get_bytes(path, params)
        try:
            return json.loads(body)
        except ValueError as exc:
            raise ApiServerError(
                f"{self.service.name} sent a reply that is not JSON for {path}; retry later, "
                f"or check {self.service.setting} ({self.base_url})."
            ) from exc

    def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """`get_json` for endpoints documented to answer with a JSON object."""
        payload = self.get_json(path, params)
        if not isinstance(payload, dict):
            raise ApiServerError(
                f"{self.service.name} answered {path} with JSON that is not an object; retry "
                f"later, or check {self.service.setting} ({self.base_url})."
            )
        return payload

    def get_text(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        return self.get_bytes(path, params).decode("utf-8", errors="replace")

    def get_bytes(self, path: str, params: Mapping[str, Any] | None = None) -> bytes:
        url = f"{self.base_url}/{path.lstrip('/')}"
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        public = {k: v for k, v in query.items() if k not in self._secret_params}
        key = cache_key(url, public)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        body = self._fetch_with_retries(url, query, path)
        if self.cache is not None:
            self.cache.put(key, url, body, self.service.ttl)
        return body

    def _fetch_with_retries(self, url: str, query: dict[str, str], path: str) -> bytes:
        name = self.service.name
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            self._wait_turn()
            try:
                status, headers, body = self._fetch(url, query)
            except httpx.ConnectError as exc:
                raise ApiUnreachableError(
                    f"Cannot reach {name} at {self.base_url} ({_reason(exc)}): check the "
                    f"network, or point {self.service.setting} at a reachable mirror."
                ) from exc
            except (httpx.TimeoutException, _DeadlineExceeded) as exc:
                if last:
                    raise ApiTimeoutError(
                        f"{name} did not answer within {self.deadline:.0f} s "
                        f"({self.max_retries + 1} tries); retry later."
                    ) from exc
                self._sleep(self._backoff(attempt))
                continue
            except httpx.TransportError as exc:  # dropped mid-response, protocol error
                if last:
                    raise ApiServerError(
                        f"{name} dropped the connection ({_reason(exc)}) "
                        f"{self.max_retries + 1} times; retry later."
                    ) from exc
                self._sleep(self._backoff(attempt))
                continue
            if status == 200:
                return body
            if status == 404:
                raise ApiNotFoundError(f"{name} has no record for {path} (HTTP 404).")
            if status in RETRYABLE:
                asked = retry_after_seconds(headers, self._wall_clock())
                if asked is not None and asked > MAX_RETRY_AFTER:
                    raise ApiRateLimitError(
                        f"{name} asks to wait {asked:.0f} s before the next request (HTTP "
                        f"{status}); try again later."
                    )
                if last:
                    raise self._final_error(status, body)
                self._sleep(asked if asked is not None else self._backoff(attempt))
                continue
            raise ApiRequestError(
                f"{name} refused the request for {path} (HTTP {status}"
                f"{_server_message(body)}); check {self.service.setting} ({self.base_url})."
            )
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _final_error(self, status: int, body: bytes) -> ApiRateLimitError | ApiServerError:
        tries = self.max_retries + 1
        if status == 429:
            return ApiRateLimitError(
                f"{self.service.name} is rate-limiting us (HTTP 429, {tries} tries"
                f"{_server_message(body)}); wait a minute and retry, or set a contact e-mail."
            )
        return ApiServerError(
            f"{self.service.name} failed (HTTP {status}, {tries} tries"
            f"{_server_message(body)}); retry later."
        )

    def _fetch(self, url: str, query: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        started = self._clock()
        with self._client.stream("GET", url, params=query, headers=self._headers) as response:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                if self._clock() - started > self.deadline:
                    raise _DeadlineExceeded
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ApiServerError(
                        f"{self.service.name} sent more than {MAX_BYTES // 2**20} MB for one "
                        "request; refusing it. Ask for fewer results (-n)."
                    )
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)

    def _wait_turn(self) -> None:
        now = self._clock()
        if self._next_turn > now:
            self._sleep(self._next_turn - now)
            now = self._next_turn
        self._next_turn = now + self.service.min_interval

    def _backoff(self, attempt: int) -> float:
        delay = min(MAX_DELAY, BASE_DELAY * 2.0**attempt)
        return delay * (0.8 + 0.4 * random.random())  # jitter, so parallel clients spread out


class _DeadlineExceeded(Exception):
    """The whole response took longer than the read deadline."""


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds asked by `Retry-After` (a number or an HTTP date), None when absent or bad."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__


def _server_message(body: bytes) -> str:
    text = " ".join(body[:300].decode("utf-8", errors="replace").split())
    return f": {text[:120]}" if text else ""
