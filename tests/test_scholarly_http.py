"""The shared API client: rate limit, Retry-After, timeouts, deadline, offline, cache."""

from __future__ import annotations

import email.utils
from pathlib import Path

import httpx
import pytest
import respx

from assistant.errors import (
    ApiNotFoundError,
    ApiRateLimitError,
    ApiRequestError,
    ApiServerError,
    ApiTimeoutError,
    ApiUnreachableError,
)
from assistant.scholarly.cache import ResponseCache
from assistant.scholarly.http import ApiClient, Service, retry_after_seconds

BASE = "http://api.test/v1"
SERVICE = Service("TestAPI", "test_url", min_interval=0.0, ttl=60.0)


class FakeTime:
    """Monotonic and wall clocks that only move when we sleep (or `tick` says so)."""

    def __init__(self, tick: float = 0.0) -> None:
        self.now = 1_000_000.0
        self.tick = tick
        self.sleeps: list[float] = []

    def clock(self) -> float:
        self.now += self.tick
        return self.now

    def wall(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make(time: FakeTime, **kwargs) -> ApiClient:
    options = {"sleep": time.sleep, "clock": time.clock, "wall_clock": time.wall}
    return ApiClient(kwargs.pop("service", SERVICE), BASE, **options, **kwargs)


def test_429_waits_as_long_as_retry_after_says() -> None:
    time = FakeTime()
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "7"}),
                httpx.Response(200, json={"ok": True}),
            ]
        )
        assert make(time).get_json("works") == {"ok": True}
    assert route.call_count == 2
    assert time.sleeps == [7.0]


def test_retry_after_as_an_http_date() -> None:
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 12, usegmt=True)
    assert retry_after_seconds(httpx.Headers({"Retry-After": header}), now) == pytest.approx(12)
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"}), now) is None
    assert retry_after_seconds(httpx.Headers({}), now) is None


def test_a_wait_longer_than_we_accept_is_an_error_at_once() -> None:
    time = FakeTime()
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            return_value=httpx.Response(429, headers={"Retry-After": "3600"})
        )
        with pytest.raises(ApiRateLimitError, match="asks to wait 3600 s"):
            make(time).get_json("works")
    assert route.call_count == 1 and time.sleeps == []


def test_5xx_backs_off_then_gives_up_with_one_line() -> None:
    time = FakeTime()
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            return_value=httpx.Response(503, text="Service Unavailable")
        )
        with pytest.raises(ApiServerError) as caught:
            make(time, max_retries=3).get_json("works")
    assert route.call_count == 4
    assert len(time.sleeps) == 3 and time.sleeps[0] < time.sleeps[1] < time.sleeps[2]
    assert str(caught.value) == (
        "TestAPI failed (HTTP 503, 4 tries: Service Unavailable); retry later."
    )


def test_persistent_429_says_what_to_do() -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/works").mock(return_value=httpx.Response(429))
        with pytest.raises(ApiRateLimitError, match="wait a minute and retry"):
            make(FakeTime(), max_retries=1).get_json("works")


def test_a_5xx_then_success_is_transparent() -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/works").mock(
            side_effect=[httpx.Response(502), httpx.Response(200, json=[1])]
        )
        assert make(FakeTime()).get_json("works") == [1]


def test_a_connection_dropped_mid_response_is_retried() -> None:
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            side_effect=[httpx.RemoteProtocolError("peer closed"), httpx.Response(200, json=[2])]
        )
        assert make(FakeTime()).get_json("works") == [2]
    assert route.call_count == 2


def test_timeouts_are_retried_then_reported() -> None:
    time = FakeTime()
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(ApiTimeoutError, match="did not answer within 30 s"):
            make(time, max_retries=2).get_json("works")
    assert route.call_count == 3


def test_a_dripping_response_hits_the_read_deadline() -> None:
    time = FakeTime(tick=4.0)  # every look at the clock is four seconds later
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            side_effect=lambda request: httpx.Response(200, content=iter([b"[1", b",2", b"]"]))
        )
        with pytest.raises(ApiTimeoutError):
            make(time, deadline=5.0, max_retries=1).get_json("works")
    assert route.call_count == 2


def test_offline_is_one_clear_line_without_retrying() -> None:
    time = FakeTime()
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            side_effect=httpx.ConnectError("Name or service not known")
        )
        with pytest.raises(ApiUnreachableError) as caught:
            make(time).get_json("works")
    assert route.call_count == 1 and time.sleeps == []
    assert str(caught.value) == (
        "Cannot reach TestAPI at http://api.test/v1 (Name or service not known): check the "
        "network, or point test_url at a reachable mirror."
    )


def test_client_errors_are_not_retried() -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/missing").mock(return_value=httpx.Response(404))
        mock.get(f"{BASE}/bad").mock(
            return_value=httpx.Response(400, json={"error": "Invalid filter"})
        )
        mock.get(f"{BASE}/html").mock(return_value=httpx.Response(200, text="<html>"))
        client = make(FakeTime())
        with pytest.raises(ApiNotFoundError, match="no record for missing"):
            client.get_json("missing")
        with pytest.raises(ApiRequestError, match="Invalid filter"):
            client.get_json("bad")
        with pytest.raises(ApiServerError, match="not JSON"):
            client.get_json("html")


def test_an_oversized_body_is_refused(monkeypatch) -> None:
    monkeypatch.setattr("assistant.scholarly.http.MAX_BYTES", 10)
    with respx.mock() as mock:
        mock.get(f"{BASE}/big").mock(return_value=httpx.Response(200, content=b"x" * 50))
        with pytest.raises(ApiServerError, match="more than"):
            make(FakeTime()).get_bytes("big")


def test_requests_keep_the_rate_limit() -> None:
    time = FakeTime()
    service = Service("Slow", "slow_url", min_interval=3.0)
    with respx.mock() as mock:
        mock.get(f"{BASE}/q").mock(return_value=httpx.Response(200, text="ok"))
        client = make(time, service=service)
        for n in range(3):
            client.get_text("q", {"n": n})
    assert time.sleeps == [3.0, 3.0]


def test_user_agent_carries_the_contact_email() -> None:
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/q").mock(return_value=httpx.Response(200, text="ok"))
        make(FakeTime(), contact_email="me@uni.example").get_text("q")
    agent = route.calls[0].request.headers["User-Agent"]
    assert agent.startswith("litassist/") and "mailto:me@uni.example" in agent


def test_cache_hits_expiry_and_secrets(tmp_path: Path) -> None:
    time = FakeTime()
    cache = ResponseCache(tmp_path / "api-cache.sqlite", clock=time.wall)
    client = make(time, cache=cache, secret_params=frozenset({"api_key"}))
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(return_value=httpx.Response(200, json={"n": 1}))
        assert client.get_json("works", {"q": "a", "api_key": "one"}) == {"n": 1}
        assert client.get_json("works", {"api_key": "two", "q": "a"}) == {"n": 1}  # cache hit
        assert route.call_count == 1
        assert route.calls[0].request.url.params["api_key"] == "one"  # sent, never a key part
        client.get_json("works", {"q": "b"})
        assert route.call_count == 2
        time.now += 61  # past the service's ttl
        client.get_json("works", {"q": "a"})
        assert route.call_count == 3


def test_failures_are_not_cached(tmp_path: Path) -> None:
    client = make(FakeTime(), cache=ResponseCache(tmp_path / "c.sqlite"), max_retries=0)
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(
            side_effect=[httpx.Response(500), httpx.Response(200, text="fine")]
        )
        with pytest.raises(ApiServerError):
            client.get_text("works")
        assert client.get_text("works") == "fine"
    assert route.call_count == 2


def test_a_damaged_cache_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "api-cache.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    client = make(FakeTime(), cache=ResponseCache(path))
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/works").mock(return_value=httpx.Response(200, text="ok"))
        assert client.get_text("works") == "ok"
        assert client.get_text("works") == "ok"
    assert route.call_count == 1
    assert (tmp_path / "api-cache.sqlite.corrupt").read_bytes().startswith(b"this is not")
