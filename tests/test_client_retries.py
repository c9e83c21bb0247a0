# ruff: noqa: F811  (pytest fixtures imported from client_fixtures, then requested by name)
"""Retries of the generated clients: which failures are retried, how often, how long apart,
and the headers every try carries. Sync and async; nothing really sleeps."""

from __future__ import annotations

import email.utils
import time
import uuid
from types import SimpleNamespace

import httpx
import pytest
from client_fixtures import (  # noqa: F401  (fixtures)
    PIPELINE,
    Server,
    exp_sdk,
    json_response,
    make_client,
    mode,
    paging_sdk,
    resolve,
    sleeps,
)

RETRIED = [408, 409, 429, 500, 502, 503]
NOT_RETRIED = [400, 401, 403, 404, 422]


def error(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": f"status {status}"}}, headers=headers)


# ---------------------------------------------------------------- what is retried


@pytest.mark.parametrize("status", RETRIED)
async def test_retried_status_then_success(make_client, status, sleeps):
    server = Server([error(status), error(status), json_response()])
    client = make_client(server)
    result = await resolve(client.experiments.retrieve("exp-1"))
    assert result.id == "3f9c2a7e-5b14-4d8a-9e61-7c0b2d4f8a13"
    assert len(server.requests) == 3
    assert len(sleeps.delays) == 2


@pytest.mark.parametrize("status", RETRIED)
async def test_retried_status_gives_up_after_max_retries(make_client, exp_sdk, status):
    server = Server([error(status)])
    client = make_client(server)
    with pytest.raises(exp_sdk.errors.APIStatusError) as info:
        await resolve(client.experiments.retrieve("exp-1"))
    assert info.value.status_code == status
    assert len(server.requests) == 3  # 1 + default max_retries (2)


@pytest.mark.parametrize("status", NOT_RETRIED)
async def test_not_retried_status(make_client, exp_sdk, status, sleeps):
    server = Server([error(status), json_response()])
    client = make_client(server)
    with pytest.raises(exp_sdk.errors.APIStatusError) as info:
        await resolve(client.experiments.retrieve("exp-1"))
    assert info.value.status_code == status
    assert len(server.requests) == 1
    assert sleeps.delays == []


async def test_connection_error_retried_then_raises(make_client, exp_sdk, sleeps):
    server = Server([httpx.ConnectError("connection refused")])
    client = make_client(server)
    with pytest.raises(exp_sdk.errors.APIConnectionError) as info:
        await resolve(client.experiments.retrieve("exp-1"))
    assert type(info.value) is exp_sdk.errors.APIConnectionError
    assert info.value.request.url.path.endswith("/experiments/exp-1")
    assert len(server.requests) == 3
    assert len(sleeps.delays) == 2


async def test_connection_error_then_success(make_client):
    server = Server([httpx.ConnectError("reset"), httpx.RemoteProtocolError("eof"), json_response()])
    client = make_client(server)
    raw = await resolve(client.experiments.with_raw_response.retrieve("exp-1"))
    assert raw.retries_taken == 2
    assert len(server.requests) == 3


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("busy")])
async def test_timeout_retried_then_raises(make_client, exp_sdk, exc):
    server = Server([exc])
    client = make_client(server)
    with pytest.raises(exp_sdk.errors.APITimeoutError) as info:
        await resolve(client.experiments.create(pipeline_id=PIPELINE))
    assert isinstance(info.value, exp_sdk.errors.APIConnectionError)
    assert len(server.requests) == 3


# ---------------------------------------------------------------- max_retries


@pytest.mark.parametrize(("max_retries", "tries"), [(0, 1), (1, 2), (4, 5)])
async def test_max_retries_per_client(make_client, exp_sdk, max_retries, tries):
    server = Server([error(503)])
    client = make_client(server, max_retries=max_retries)
    with pytest.raises(exp_sdk.errors.InternalServerError):
        await resolve(client.experiments.retrieve("exp-1"))
    assert len(server.requests) == tries


async def test_max_retries_default_is_two(make_client, exp_sdk):
    server = Server([error(500)])
    client = make_client(server)
    assert client.max_retries == 2 == exp_sdk.base.DEFAULT_MAX_RETRIES
    with pytest.raises(exp_sdk.errors.InternalServerError):
        await resolve(client.experiments.retrieve("exp-1"))
    assert len(server.requests) == 3


async def test_max_retries_via_with_options(make_client, exp_sdk):
    server = Server([error(500)])
    client = make_client(server)
    for options, tries in (({"max_retries": 0}, 1), ({"max_retries": 3}, 4)):
        server.requests.clear()
        with pytest.raises(exp_sdk.errors.InternalServerError):
            await resolve(client.with_options(**options).experiments.retrieve("exp-1"))
        assert len(server.requests) == tries
    server.requests.clear()
    with pytest.raises(exp_sdk.errors.InternalServerError):
        await resolve(client.experiments.retrieve("exp-1"))
    assert len(server.requests) == 3  # the original client is unchanged


async def test_connection_error_not_retried_with_max_retries_zero(make_client, exp_sdk, sleeps):
    server = Server([httpx.ConnectError("refused")])
    client = make_client(server, max_retries=0)
    with pytest.raises(exp_sdk.errors.APIConnectionError):
        await resolve(client.experiments.retrieve("exp-1"))
    assert len(server.requests) == 1
    assert sleeps.delays == []


# ---------------------------------------------------------------- delays


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "3"}, 3.0, 3.0),
        ({"Retry-After": "0.5"}, 0.5, 0.5),
        ({"Retry-After": "60"}, 60.0, 60.0),
        ({"retry-after-ms": "250"}, 0.25, 0.25),
        ({"retry-after-ms": "1500", "Retry-After": "30"}, 1.5, 1.5),  # ms wins
        ({"Retry-After": "7", "retry-after-ms": "nonsense"}, 7.0, 7.0),
    ],
)
async def test_retry_after_honoured(make_client, sleeps, headers, low, high):
    server = Server([error(429, headers), json_response()])
    await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert len(sleeps.delays) == 1
    assert low <= sleeps.delays[0] <= high


async def test_retry_after_http_date(make_client, sleeps):
    server = Server([lambda request: error(503, {"Retry-After": http_date(5)}), json_response()])
    await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert len(sleeps.delays) == 1
    assert 3.0 < sleeps.delays[0] <= 5.0  # HTTP dates have whole seconds


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "61"},  # above the 60 s cap
        {"Retry-After": "3600"},
        {"Retry-After": "-5"},
        {"retry-after-ms": "61000"},
        {"retry-after-ms": "-1"},
        {"Retry-After": "soon"},
        {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},  # in the past
    ],
)
async def test_bad_retry_after_falls_back_to_backoff(make_client, exp_sdk, sleeps, headers):
    server = Server([error(429, headers)])
    client = make_client(server, max_retries=2)
    with pytest.raises(exp_sdk.errors.RateLimitError):
        await resolve(client.experiments.retrieve("exp-1"))
    assert len(sleeps.delays) == 2
    assert 0.375 <= sleeps.delays[0] <= 0.5
    assert 0.75 <= sleeps.delays[1] <= 1.0


async def test_retry_after_far_http_date_ignored(make_client, sleeps):
    server = Server([lambda request: error(503, {"Retry-After": http_date(3600)}), json_response()])
    await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert 0.375 <= sleeps.delays[0] <= 0.5


async def test_exponential_backoff_bounds(make_client, exp_sdk, sleeps):
    server = Server([error(500)])
    client = make_client(server, max_retries=7)
    with pytest.raises(exp_sdk.errors.InternalServerError):
        await resolve(client.experiments.retrieve("exp-1"))
    nominal = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]  # 0.5 s doubling, capped at 8 s
    assert len(sleeps.delays) == len(nominal)
    for delay, top in zip(sleeps.delays, nominal, strict=True):
        assert top * 0.75 <= delay <= top  # jitter: at most 25 % down, never up


@pytest.mark.parametrize(("rand", "factor"), [(0.0, 1.0), (0.999999, 0.75)])
async def test_backoff_jitter_extremes(make_client, exp_sdk, sleeps, monkeypatch, rand, factor):
    monkeypatch.setattr(exp_sdk.mod("_retries"), "random", SimpleNamespace(random=lambda: rand))
    server = Server([httpx.ConnectError("refused")])
    client = make_client(server, max_retries=3)
    with pytest.raises(exp_sdk.errors.APIConnectionError):
        await resolve(client.experiments.retrieve("exp-1"))
    assert sleeps.delays == pytest.approx([0.5 * factor, 1.0 * factor, 2.0 * factor], abs=1e-5)


def test_backoff_function_directly(exp_sdk):
    backoff = exp_sdk.mod("_retries").backoff_seconds
    for taken, top in [(0, 0.5), (1, 1.0), (3, 4.0), (4, 8.0), (10, 8.0)]:
        for _ in range(50):
            assert top * 0.75 <= backoff(taken, None) <= top
    assert backoff(0, httpx.Headers({"retry-after": "2"})) == 2.0
    assert exp_sdk.mod("_retries").retry_after_seconds(httpx.Headers({"retry-after": "61"})) is None
    assert exp_sdk.mod("_retries").retry_after_seconds(httpx.Headers({"retry-after": "-1"})) is None
    assert exp_sdk.mod("_retries").retry_after_seconds(httpx.Headers({"retry-after-ms": "60000"})) == 60.0


# ---------------------------------------------------------------- x-should-retry


async def test_should_retry_true_on_400_retries(make_client, exp_sdk):
    server = Server([error(400, {"x-should-retry": "true"})])
    with pytest.raises(exp_sdk.errors.BadRequestError):
        await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert len(server.requests) == 3


async def test_should_retry_true_then_success(make_client):
    server = Server([error(400, {"x-should-retry": "true"}), json_response()])
    raw = await resolve(make_client(server).experiments.with_raw_response.retrieve("exp-1"))
    assert raw.status_code == 200
    assert raw.retries_taken == 1


async def test_should_retry_false_on_500_does_not(make_client, exp_sdk, sleeps):
    server = Server([error(500, {"x-should-retry": "false"}), json_response()])
    with pytest.raises(exp_sdk.errors.InternalServerError):
        await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert len(server.requests) == 1
    assert sleeps.delays == []


# ---------------------------------------------------------------- headers on each try


async def test_retry_count_header_on_successive_tries(make_client):
    server = Server([error(500), error(502), json_response()])
    await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert [r.headers["x-sdk-retry-count"] for r in server.requests] == ["0", "1", "2"]


async def test_retry_count_header_zero_without_retry(make_client):
    server = Server()
    await resolve(make_client(server).experiments.create(pipeline_id=PIPELINE))
    assert server.last.headers.get_list("x-sdk-retry-count") == ["0"]


async def test_idempotency_key_same_across_retries_of_one_call(make_client):
    server = Server([error(500), httpx.ConnectError("x"), json_response()])
    await resolve(make_client(server).experiments.create(pipeline_id=PIPELINE))
    keys = [r.headers.get("Idempotency-Key") for r in server.requests]
    assert len(keys) == 3
    assert keys[0] and keys.count(keys[0]) == 3


@pytest.mark.parametrize("call", ["create", "update", "delete", "insert"])
async def test_idempotency_key_on_every_non_get_method_and_differs_between_calls(make_client, call):
    server = Server([json_response(body={"id": "x", "deleted": True, "row_ids": []})])
    client = make_client(server)
    calls = {
        "create": lambda: client.experiments.create(pipeline_id=PIPELINE),
        "update": lambda: client.experiments.update("exp-1", name="n"),
        "delete": lambda: client.experiments.delete("exp-1"),
        "insert": lambda: client.experiments.events.insert("exp-1", events=[]),
    }
    await resolve(calls[call]())
    await resolve(calls[call]())
    first, second = (r.headers.get_list("Idempotency-Key") for r in server.requests)
    assert len(first) == 1 and len(second) == 1
    assert first != second
    assert server.requests[0].method != "GET"


async def test_no_idempotency_key_on_get(make_client):
    server = Server([error(500), json_response(body={"data": [], "next_cursor": None})])
    client = make_client(server)
    await resolve(client.experiments.list())
    await resolve(client.experiments.retrieve("exp-1"))
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.method == "GET"
        assert "idempotency-key" not in request.headers


async def test_user_idempotency_key_wins_and_is_sent_once(make_client):
    server = Server([error(500), json_response()])
    client = make_client(server)
    await resolve(client.experiments.create(pipeline_id=PIPELINE, extra_headers={"idempotency-key": "mine-1"}))
    assert [r.headers.get_list("Idempotency-Key") for r in server.requests] == [
        ["mine-1"],
        ["mine-1"],
    ]


# ---------------------------------------------------------------- retries_taken


@pytest.mark.parametrize("failures", [0, 1, 2])
async def test_retries_taken_on_raw_response(make_client, failures):
    server = Server([error(503)] * failures + [json_response()])
    raw = await resolve(make_client(server).experiments.with_raw_response.create(pipeline_id=PIPELINE))
    assert raw.retries_taken == failures
    assert raw.status_code == 200
    assert raw.http_request.headers["x-sdk-retry-count"] == str(failures)


async def test_retries_taken_on_streaming_response(make_client, mode):
    server = Server([error(429, {"retry-after-ms": "10"}), json_response()])
    client = make_client(server)
    if mode == "sync":
        with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert response.retries_taken == 1
    else:
        async with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert response.retries_taken == 1


async def test_request_body_resent_on_every_try(make_client):
    server = Server([error(500), error(500), json_response()])
    await resolve(make_client(server).experiments.create(pipeline_id=PIPELINE, name="n"))
    bodies = [server.body(i) for i in range(3)]
    assert bodies == [{"name": "n", "pipelineId": PIPELINE}] * 3


def test_idempotency_keys_look_unique(exp_sdk):
    options = exp_sdk.base.RequestOptions(method="post", url="/x")
    client = exp_sdk.Experiments(api_key="k", base_url="http://h")
    keys = {client._idempotency_key(options) for _ in range(100)}
    assert len(keys) == 100
    assert all(k and str(uuid.UUID(k.split("sdk-retry-")[-1])) for k in keys)
    assert client._idempotency_key(exp_sdk.base.RequestOptions(method="get", url="/x")) is None
    client.close()
