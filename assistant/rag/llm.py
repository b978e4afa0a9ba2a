"""The chat client: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp, LM Studio).

It wraps an injected `openai.OpenAI` (built with `max_retries=0`, see `wiring.make_openai_client`)
and adds what a terminal tool needs:

* retries on 429, 5xx, timeouts and dropped connections, with exponential backoff and jitter,
  honouring `retry-after-ms` / `Retry-After`; the sleep function is injectable so tests do not
  wait.  We retry ourselves because a stream can only be retried before its first token: once
  text has been shown, a failure becomes `IncompleteStreamError` carrying the partial text.
* one-line typed errors (`LLMError` and subclasses) saying what failed and what to do;
* the API key never appears in an error: every message is scrubbed of it.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.errors import LitassistError

if TYPE_CHECKING:
    from openai import OpenAI

Message = Mapping[str, str]

BASE_DELAY = 0.5  # seconds before the first retry; doubles each time
MAX_DELAY = 20.0
MAX_RETRY_AFTER = 60.0  # a server asking us to wait longer than this gets an error instead
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
DEFAULT_TEMPERATURE = 0.2
SERVER_MESSAGE_CHARS = 200


class LLMError(LitassistError):
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
    ) -> None:
        self._client = client
        self.model = model
        self.max_retries = max_retries
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._sleep = sleep
        self._jitter = jitter

    # ---- public ---------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        """The base URL, without any credentials in it."""
        return _USERINFO.sub("//", str(self._client.base_url)).rstrip("/")

    def stream_chat(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield the answer's text as it arrives.

        Raises a typed `LLMError` if nothing could be received; `IncompleteStreamError` (with the
        partial text) if the stream broke off, ended without the model finishing, or stopped at
        the token limit.
        """
        attempt = 0
        while True:
            received: list[str] = []
            try:
                stream = self._create(messages, stream=True)
                finish: str | None = None
                try:
                    for chunk in stream:
                        for choice in chunk.choices or ():
                            piece = choice.delta.content if choice.delta else None
                            if piece:
                                received.append(piece)
                                yield piece
                            if choice.finish_reason:
                                finish = choice.finish_reason
                finally:
                    stream.close()
            except Exception as exc:
                if not _is_api_error(exc):
                    raise
                if received:
                    raise IncompleteStreamError(
                        self._scrub(
                            f"The answer from {self.endpoint} was cut off "
                            f"({self._describe(exc)}); the partial answer is kept."
                        ),
                        "".join(received),
                    ) from exc
                attempt = self._retry_or_raise(exc, attempt)
                continue
            if finish is None:
                raise IncompleteStreamError(
                    f"The answer stream from {self.endpoint} ended before the model finished; "
                    "the partial answer is kept.",
                    "".join(received),
                )
            if finish in ("length", "content_filter"):
                why = "the token limit" if finish == "length" else "the endpoint's content filter"
                raise IncompleteStreamError(
                    f"The answer stopped at {why}; the partial answer is kept.",
                    "".join(received),
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
        attempt = 0
        while True:
            try:
                response = self._create(messages, stream=False, **extra)
            except Exception as exc:
                if not _is_api_error(exc):
                    raise
                attempt = self._retry_or_raise(exc, attempt)
                continue
            if not response.choices:
                raise LLMServerError(f"The LLM endpoint at {self.endpoint} returned no answer.")
            return response.choices[0].message.content or ""

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

    def _retry_or_raise(self, exc: Exception, attempt: int) -> int:
        """Sleep and return the next attempt number, or raise the typed error for `exc`."""
        if self._retryable(exc) and attempt < self.max_retries:
            delay = self._delay(exc, attempt)
            if delay is not None:
                self._sleep(delay)
                return attempt + 1
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
            # A refused connection or an unknown host will not heal in a second.
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
            timeout = getattr(self._client, "timeout", None)
            limit = f" within {timeout:g} s" if isinstance(timeout, int | float) else ""
            error = LLMTimeoutError(
                f"The LLM endpoint at {where} did not answer{limit}{tries}; check the server "
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
