"""The chat client: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).

It wraps an injected `openai.OpenAI` (built with `max_retries=0`, see `wiring.make_openai_client`)
and adds what a terminal tool needs:

* retries on what can succeed on a retry (429, 5xx, a refused or dropped connection) with
  exponential backoff and jitter, honouring `retry-after-ms` / `Retry-After`; a timeout is
  retried at most once; the sleep function is injectable so tests do not wait.  We retry
  ourselves because a stream can only be retried before its first token: once text has been
  shown, a failure becomes `IncompleteStreamError` carrying the partial text.
* every wait bounded: each request connects within `connect_timeout` and may stay silent at
  most `read_timeout`; a whole call (every attempt and backoff) ends within `total_timeout`,
  with "timed out after N s".  A stream is read in a daemon thread so that the caller can give
  up at once: on `cancel` or at the deadline the stream is closed and the caller returns
  without waiting for a socket read to time out.
* a malformed stream event (garbage after `data:`, a half JSON object) ends the stream as
  incomplete: what arrived is kept (`IncompleteStreamError`).
* one-line typed errors (`LLMError` and subclasses) saying what failed and what to do;
* the API key never appears in an error: every message is scrubbed of it.
"""

from __future__ import annotations

import contextlib
import email.utils
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.errors import EndpointFailure
from assistant.redact import mask_url

if TYPE_CHECKING:
    from openai import OpenAI

Message = Mapping[str, str]

BASE_DELAY = 0.5  # seconds before the first retry; doubles each time
MAX_DELAY = 20.0
MAX_RETRY_AFTER = 60.0  # a server asking us to wait longer than this gets an error instead
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
DEFAULT_TEMPERATURE = 0.2
SERVER_MESSAGE_CHARS = 200
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_TOTAL_TIMEOUT = 90.0
MAX_TIMEOUT_RETRIES = 1  # a server that timed out twice will not answer a third time
CANCEL_POLL = 0.05  # seconds between looks at the cancel event while a stream is silent
CANCELLED = "Cancelled; the partial answer is kept."


class LLMError(EndpointFailure):
    """The LLM endpoint could not give an answer."""


class LLMNotConfiguredError(LLMError):
    pass


class LLMAuthError(LLMError):
    pass


class LLMModelNotFoundError(LLMError):
    pass


class LLMRateLimitError(LLMError):
    pass


class LLMServerError(LLMError):
    pass


class LLMTimeoutError(LLMError):
    pass


class LLMUnreachableError(LLMError):
    pass


class LLMBadRequestError(LLMError):
    pass


class IncompleteStreamError(LLMError):
    """The stream stopped before the model finished; `partial` is everything received."""

    def __init__(self, message: str, partial: str) -> None:
        super().__init__(message)
        self.partial = partial


class LLMCancelledError(IncompleteStreamError):
    """The caller cancelled the stream; `partial` is everything received until then."""


def seconds(value: float) -> str:
    """`90 s`, `1.5 s`: a duration for a message."""
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s".replace(".0 s", " s")


class _Deadline:
    """The end of a whole call: every attempt and backoff of it."""

    def __init__(self, total: float | None) -> None:
        self.total = total
        self._end = None if total is None else time.monotonic() + total

    def remaining(self) -> float:
        return float("inf") if self._end is None else self._end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0


class _StreamReader:
    """One streamed request, opened and read in a daemon thread.

    The caller takes chunks with `next` and may `abandon` the request at any moment: a socket
    read cannot be interrupted from another thread (closing the response does not wake it; it
    ends at its read timeout), so the caller stops waiting at once and the thread finishes on
    its own, discarding what it reads.
    """

    def __init__(self, open_stream: Callable[[], Any]) -> None:
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._abandoned = threading.Event()
        self._stream: Any = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, args=(open_stream,), name="litassist-llm-stream", daemon=True
        )
        self._thread.start()

    def _run(self, open_stream: Callable[[], Any]) -> None:
        try:
            stream = open_stream()
        except BaseException as exc:  # handed to the caller, who decides what it means
            self._queue.put(("error", exc))
            return
        with self._lock:
            self._stream = stream
        try:
            if self._abandoned.is_set():
                return
            for chunk in stream:
                if self._abandoned.is_set():
                    return
                self._queue.put(("chunk", chunk))
            self._queue.put(("end", None))
        except BaseException as exc:
            # Past the response headers, anything but the client's own errors is an event it
            # could not decode (garbage after `data:`, half a JSON object).
            api = isinstance(exc, Exception) and _is_api_error(exc)
            self._queue.put(("error" if api else "malformed", exc))
        finally:
            self._close()

    def next(self, timeout: float) -> tuple[str, Any]:
        """`("chunk", chunk)`, `("end", None)`, `("error", exc)` or `("malformed", exc)`;
        `queue.Empty` when nothing came within `timeout` seconds (`inf`: wait as long)."""
        if timeout == float("inf"):  # no total deadline: the read timeout still bounds it
            return self._queue.get()
        return self._queue.get(timeout=max(timeout, 0.0))

    def abandon(self) -> None:
        self._abandoned.set()
        self._close()

    def _close(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            # Closing a half-read response may fail; there is nothing left to keep.
            with contextlib.suppress(Exception):
                stream.close()


_KEY_LIKE = re.compile(r"\b(sk|pk|rk|key)-[A-Za-z0-9_\-]{8,}")
_USERINFO = re.compile(r"//[^/@\s]+@")


class LLMClient:
    """Chat completions with retries; `stream_chat` yields text pieces, `complete` returns text."""

    def __init__(
        self,
        client: OpenAI,
        model: str,
        *,
        max_retries: int = 3,
        temperature: float | None = DEFAULT_TEMPERATURE,
        max_tokens: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
        read_timeout: float | None = None,
        connect_timeout: float | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self.max_retries = max_retries
        self.total_timeout = total_timeout
        client_timeout = getattr(client, "timeout", None)
        read = getattr(client_timeout, "read", client_timeout)
        self.read_timeout = read_timeout or (read if isinstance(read, int | float) else None)
        self.connect_timeout = connect_timeout or DEFAULT_CONNECT_TIMEOUT
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._sleep = sleep
        self._jitter = jitter

    # ---- public ---------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        """The base URL, without any credentials in it."""
        return mask_url(_USERINFO.sub("//", str(self._client.base_url))).rstrip("/")

    def stream_chat(
        self, messages: Sequence[Message], *, cancel: threading.Event | None = None
    ) -> Iterator[str]:
        """Yield the answer's text as it arrives.

        Raises a typed `LLMError` if nothing could be received; `IncompleteStreamError` (with the
        partial text) if the stream broke off, sent a malformed event, ended without the model
        finishing, stopped at the token limit or ran out of `total_timeout`;
        `LLMCancelledError` as soon as `cancel` is set (the stream is closed at once).
        """
        deadline = _Deadline(self.total_timeout)
        attempt = timeouts = 0
        while True:
            received: list[str] = []
            reader = _StreamReader(
                lambda: self._create(messages, stream=True, timeout=self._timeout(deadline))
            )
            finish: str | None = None
            failure: BaseException | None = None
            try:
                while True:
                    kind, value = self._next(reader, deadline, cancel, received)
                    if kind == "end":
                        break
                    if kind != "chunk":
                        failure = value
                        break
                    try:
                        pieces, reason = _chunk_text(value)
                    except (AttributeError, TypeError, ValueError) as exc:
                        kind, failure = "malformed", exc
                        break
                    for piece in pieces:
                        received.append(piece)
                        yield piece
                    finish = reason or finish
            finally:
                reader.abandon()
            partial = "".join(received)
            if failure is not None:
                if kind == "malformed":
                    raise IncompleteStreamError(
                        self._scrub(
                            f"The answer stream from {self.endpoint} sent a malformed event "
                            f"({_first_line(failure)}); the partial answer is kept."
                        ),
                        partial,
                    ) from failure
                if not isinstance(failure, Exception) or not _is_api_error(failure):
                    raise failure
                if received:
                    raise IncompleteStreamError(
                        self._scrub(
                            f"The answer from {self.endpoint} was cut off "
                            f"({self._describe(failure)}); the partial answer is kept."
                        ),
                        partial,
                    ) from failure
                attempt, timeouts = self._retry_or_raise(failure, attempt, timeouts, deadline)
                continue
            if finish is None:
                raise IncompleteStreamError(
                    f"The answer stream from {self.endpoint} ended before the model finished; "
                    "the partial answer is kept.",
                    partial,
                )
            if finish in ("length", "content_filter"):
                why = "the token limit" if finish == "length" else "the endpoint's content filter"
                raise IncompleteStreamError(
                    f"The answer stopped at {why}; the partial answer is kept.", partial
                )
            return

    def complete(self, messages: Sequence[Message], *, json_schema: dict | None = None) -> str:
        """The whole reply at once; with `json_schema`, ask for JSON matching it."""
        extra: dict[str, Any] = {}
        if json_schema is not None:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": str(json_schema.get("title", "response")),
                    "schema": json_schema,
                },
            }
        deadline = _Deadline(self.total_timeout)
        attempt = timeouts = 0
        while True:
            if deadline.expired():
                raise self._timed_out(deadline, attempt)
            try:
                response = self._create(
                    messages, stream=False, timeout=self._timeout(deadline), **extra
                )
            except Exception as exc:
                if not _is_api_error(exc):
                    raise
                attempt, timeouts = self._retry_or_raise(exc, attempt, timeouts, deadline)
                continue
            if not response.choices:
                raise LLMServerError(f"The LLM endpoint at {self.endpoint} returned no answer.")
            return response.choices[0].message.content or ""

    # ---- bounded waits --------------------------------------------------------------------
    def _timeout(self, deadline: _Deadline) -> Any:
        """This attempt's httpx timeout: connect and read, neither past the deadline."""
        import httpx

        remaining = max(deadline.remaining(), 0.01)
        read = min(self.read_timeout or remaining, remaining)
        return httpx.Timeout(read, connect=min(self.connect_timeout, remaining))

    def _next(
        self,
        reader: _StreamReader,
        deadline: _Deadline,
        cancel: threading.Event | None,
        received: list[str],
    ) -> tuple[str, Any]:
        """The reader's next item, or raise when cancelled or out of time (at once)."""
        while True:
            if cancel is not None and cancel.is_set():
                raise LLMCancelledError(CANCELLED, "".join(received))
            remaining = deadline.remaining()
            if remaining <= 0:
                if received:
                    raise IncompleteStreamError(
                        f"The answer from {self.endpoint} timed out after "
                        f"{seconds(deadline.total or 0)}; the partial answer is kept.",
                        "".join(received),
                    )
                raise self._timed_out(deadline, 0)
            wait = min(remaining, CANCEL_POLL) if cancel is not None else remaining
            try:
                return reader.next(wait)
            except queue.Empty:
                continue

    def _timed_out(self, deadline: _Deadline, attempt: int) -> LLMTimeoutError:
        tries = f" ({attempt + 1} attempts)" if attempt else ""
        return LLMTimeoutError(
            f"The LLM endpoint at {self.endpoint} did not answer: timed out after "
            f"{seconds(deadline.total or 0)}{tries}; check the server, or raise "
            "LITASSIST_ANSWER_TIMEOUT."
        )

    # ---- internals ------------------------------------------------------------------------
    def _create(self, messages: Sequence[Message], *, stream: bool, **extra: Any) -> Any:
        options: dict[str, Any] = dict(extra)
        if self.temperature is not None:
            options["temperature"] = self.temperature
        if self.max_tokens is not None:
            options["max_tokens"] = self.max_tokens
        try:
            return self._client.chat.completions.create(
                model=self.model,
                messages=list(messages),  # type: ignore[arg-type]  # role/content dicts, as the API takes
                stream=stream,
                **options,
            )
        except Exception as exc:
            # Some models (OpenAI's reasoning ones) accept no temperature: drop it, once.
            if (
                self.temperature is not None
                and getattr(exc, "status_code", None) == 400
                and "temperature" in str(exc).lower()
            ):
                self.temperature = None
                return self._create(messages, stream=stream, **extra)
            raise

    def _retry_or_raise(
        self, exc: Exception, attempt: int, timeouts: int, deadline: _Deadline
    ) -> tuple[int, int]:
        """Sleep and return the next (attempt, timeouts so far), or raise the typed error."""
        import openai

        timed_out = isinstance(exc, openai.APITimeoutError)
        if timed_out and deadline.expired():
            raise self._timed_out(deadline, attempt) from exc
        if (
            self._retryable(exc)
            and attempt < self.max_retries
            and not (timed_out and timeouts >= MAX_TIMEOUT_RETRIES)
        ):
            delay = self._delay(exc, attempt)
            if delay is not None and delay < deadline.remaining():
                self._sleep(delay)
                return attempt + 1, timeouts + timed_out
        raise self._translate(exc, attempt) from exc

    def _retryable(self, exc: Exception) -> bool:
        import httpx
        import openai

        status = getattr(exc, "status_code", None)
        if status is not None:
            return status in RETRYABLE_STATUS or status >= 500
        if isinstance(exc, openai.APITimeoutError):
            return True
        if isinstance(exc, openai.APIConnectionError):
            # A refused connection may be a server restarting: worth a retry.  An unknown host
            # (or any other failure to connect) will not heal in a second.
            if _caused_by(exc, (ConnectionRefusedError,)):
                return True
            return not _caused_by(exc, (httpx.ConnectError,)) and not _connect_error_2(exc)
        return False

    def _delay(self, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before retry `attempt + 1`; None when the server wants too long."""
        asked = _retry_after(getattr(getattr(exc, "response", None), "headers", None))
        if asked is not None:
            return asked if asked <= MAX_RETRY_AFTER else None
        ceiling = min(MAX_DELAY, BASE_DELAY * 2**attempt)
        return ceiling * (0.5 + 0.5 * self._jitter())

    def _translate(self, exc: Exception, attempt: int) -> LLMError:
        import openai

        where = self.endpoint
        tries = f" after {attempt + 1} attempts" if attempt else ""
        server = self._server_message(exc)
        status = getattr(exc, "status_code", None)
        if isinstance(exc, openai.AuthenticationError) or status == 401:
            error: LLMError = LLMAuthError(
                f"The LLM endpoint at {where} rejected the API key (HTTP 401); "
                "check OPENAI_API_KEY."
            )
        elif isinstance(exc, openai.PermissionDeniedError) or status == 403:
            error = LLMAuthError(
                f"The LLM endpoint at {where} refused access (HTTP 403{server}); check the API "
                "key's permissions for this model."
            )
        elif status == 404 or getattr(exc, "code", None) == "model_not_found":
            if getattr(exc, "code", None) == "model_not_found" or "model" in str(exc).lower():
                error = LLMModelNotFoundError(
                    f"Model {self.model!r} is not available at {where}; set LITASSIST_MODEL "
                    "to a model the endpoint serves."
                )
            else:
                error = LLMModelNotFoundError(
                    f"The LLM endpoint at {where} has no chat completions route (HTTP 404); "
                    "check OPENAI_BASE_URL (it usually ends in /v1)."
                )
        elif status == 429:
            error = LLMRateLimitError(
                f"The LLM endpoint at {where} is rate limiting requests (HTTP 429{server})"
                f"{tries}; wait a little and try again."
            )
        elif status is not None and status >= 500:
            error = LLMServerError(
                f"The LLM endpoint at {where} failed with HTTP {status}{server}{tries}; "
                "try again later."
            )
        elif status is not None:
            error = LLMBadRequestError(
                f"The LLM endpoint at {where} rejected the request (HTTP {status}{server})."
            )
        elif isinstance(exc, openai.APITimeoutError):
            limit = f" after {seconds(self.read_timeout)}" if self.read_timeout else ""
            error = LLMTimeoutError(
                f"The LLM endpoint at {where} accepted the connection but did not answer: timed "
                f"out{limit}{f' ({attempt + 1} attempts)' if attempt else ''}; check the server, "
                "or raise LITASSIST_TIMEOUT."
            )
        elif isinstance(exc, openai.APIConnectionError):
            error = LLMUnreachableError(
                f"Cannot reach the LLM endpoint at {where}{tries}; check OPENAI_BASE_URL and "
                "that the server is running."
            )
        else:
            error = LLMError(f"The LLM endpoint at {where} failed: {self._describe(exc)}.")
        error.args = (self._scrub(str(error)),)
        return error

    def _describe(self, exc: Exception) -> str:
        status = getattr(exc, "status_code", None)
        text = str(getattr(exc, "message", "") or exc).splitlines()[0] if str(exc) else ""
        text = text[:SERVER_MESSAGE_CHARS]
        base = f"HTTP {status}" if status else exc.__class__.__name__
        return self._scrub(f"{base}: {text}" if text else base)

    def _server_message(self, exc: Exception) -> str:
        body = getattr(exc, "body", None)
        message = None
        if isinstance(body, dict):
            message = body.get("message") or (body.get("error") or {}).get("message")
            if message is None and isinstance(body.get("error"), str):
                message = body["error"]
        elif isinstance(body, str):
            message = body
        if not message:
            return ""
        first = " ".join(str(message).split())[:SERVER_MESSAGE_CHARS]
        return f": {self._scrub(first)}"

    def _scrub(self, text: str) -> str:
        key = getattr(self._client, "api_key", None)
        if isinstance(key, str) and len(key) >= 4:
            text = text.replace(key, "***")
        return _KEY_LIKE.sub(r"\1-***", text)


def _chunk_text(chunk: Any) -> tuple[list[str], str | None]:
    """The text pieces and the finish reason of one stream chunk (raises on a malformed one)."""
    pieces: list[str] = []
    finish: str | None = None
    for choice in chunk.choices or ():
        piece = choice.delta.content if choice.delta else None
        if piece:
            if not isinstance(piece, str):
                raise TypeError(f"delta content is {type(piece).__name__}, not text")
            pieces.append(piece)
        if choice.finish_reason:
            finish = str(choice.finish_reason)
    return pieces, finish


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return (
        f"{exc.__class__.__name__}: {text[:SERVER_MESSAGE_CHARS]}" if text else type(exc).__name__
    )


def _is_api_error(exc: Exception) -> bool:
    import openai

    return isinstance(exc, openai.APIError)


def _caused_by(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, kinds):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _connect_error_2(exc: BaseException) -> bool:
    """The same check for the `httpx2` transport the openai package uses by default."""
    try:
        import httpx2
    except ImportError:  # pragma: no cover - depends on the openai version
        return False
    return _caused_by(exc, (httpx2.ConnectError,))


def _retry_after(headers: Any) -> float | None:
    """Seconds from `retry-after-ms` or `Retry-After` (seconds or an HTTP date), if given."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
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
    return max(0.0, when.timestamp() - time.time())
