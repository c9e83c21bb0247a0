# ruff: noqa: F811  (pytest fixtures imported from client_fixtures, then requested by name)
"""Raw (`with_raw_response`) and streaming (`with_streaming_response`) responses. Sync and async."""

from __future__ import annotations

import json

import httpx
import pytest
from client_fixtures import (  # noqa: F401  (fixtures)
    EXPERIMENT,
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


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that records whether it was read and whether it was closed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read_chunks = 0
        self.closed = False

    def __iter__(self):
        for chunk in self.chunks:
            self.read_chunks += 1
            yield chunk

    async def __aiter__(self):
        for chunk in self.chunks:
            self.read_chunks += 1
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def tracked_body(payload: object = EXPERIMENT) -> tuple[TrackedStream, Server]:
    data = json.dumps(payload).encode()
    stream = TrackedStream([data[:10], data[10:]])
    server = Server(
        [
            lambda request: httpx.Response(
                200,
                headers={"content-type": "application/json", "x-request-id": "r-1"},
                stream=stream,
            )
        ]
    )
    return stream, server


# ---------------------------------------------------------------- raw


async def test_raw_response_facts(make_client, exp_sdk, mode):
    server = Server([json_response(201, headers={"x-request-id": "r-9"})])
    client = make_client(server)
    raw = await resolve(client.experiments.with_raw_response.create(pipeline_id=PIPELINE, name="n"))
    response_class = exp_sdk.pkg.AsyncAPIResponse if mode == "async" else exp_sdk.pkg.APIResponse
    assert isinstance(raw, response_class)
    assert raw.status_code == 201
    assert raw.headers["x-request-id"] == "r-9"
    assert isinstance(raw.http_request, httpx.Request)
    assert raw.http_request.method == "POST"
    assert raw.http_request is server.last or raw.http_request.url == server.last.url
    assert raw.url.path == "/v1/experiments"
    assert raw.retries_taken == 0
    assert raw.is_closed  # read in full already
    parsed = await resolve(raw.parse())
    assert isinstance(parsed, exp_sdk.types.Experiment)
    assert parsed.id == EXPERIMENT["id"]
    assert parsed.pipeline_id == PIPELINE
    assert await resolve(raw.json()) == EXPERIMENT
    assert json.loads(await resolve(raw.text())) == EXPERIMENT


async def test_raw_response_on_nested_resource(make_client):
    server = Server([json_response(body={"row_ids": ["a", "b"]})])
    raw = await resolve(make_client(server).experiments.with_raw_response.events.insert("exp-1", events=[{"id": "a"}]))
    assert raw.status_code == 200
    assert (await resolve(raw.parse())).row_ids == ["a", "b"]
    assert server.body() == {"events": [{"id": "a"}]}


async def test_raw_mode_does_not_leak_into_later_calls(make_client, exp_sdk):
    server = Server()
    client = make_client(server)
    await resolve(client.experiments.with_raw_response.retrieve("exp-1"))
    plain = await resolve(client.experiments.retrieve("exp-1"))
    assert isinstance(plain, exp_sdk.types.Experiment)


async def test_raw_response_does_not_raise_for_success_only(make_client, exp_sdk):
    server = Server([httpx.Response(404, json={"error": {"message": "gone"}})])
    with pytest.raises(exp_sdk.errors.NotFoundError):
        await resolve(make_client(server).experiments.with_raw_response.retrieve("exp-1"))


# ---------------------------------------------------------------- streaming


async def test_streaming_body_not_read_until_asked(make_client, exp_sdk, mode):
    stream, server = tracked_body()
    client = make_client(server)
    if mode == "sync":
        with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert stream.read_chunks == 0
            assert not response.is_closed
            assert response.status_code == 200
            assert response.headers["x-request-id"] == "r-1"
            assert response.http_request.url.path == "/v1/experiments/exp-1"
            parsed = response.parse()
            assert stream.read_chunks == 2
    else:
        async with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert stream.read_chunks == 0
            assert not response.is_closed
            assert response.status_code == 200
            parsed = await response.parse()
            assert stream.read_chunks == 2
    assert isinstance(parsed, exp_sdk.types.Experiment)
    assert response.is_closed
    assert stream.closed


async def test_streaming_iter_bytes_and_lines(make_client, mode):
    stream, server = tracked_body()
    client = make_client(server)
    expected = json.dumps(EXPERIMENT).encode()
    if mode == "sync":
        with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert b"".join(response.iter_bytes()) == expected
    else:
        async with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert b"".join([c async for c in response.iter_bytes()]) == expected
    assert stream.closed

    lines = [b"first\n", b"second\nthi", b"rd\n"]
    server.replies = [lambda r: httpx.Response(200, stream=TrackedStream(lines))]
    if mode == "sync":
        with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert list(response.iter_lines()) == ["first", "second", "third"]
    else:
        async with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            assert [line async for line in response.iter_lines()] == ["first", "second", "third"]


async def test_streaming_closed_when_block_raises(make_client, mode):
    stream, server = tracked_body()
    client = make_client(server)
    with pytest.raises(KeyError):
        if mode == "sync":
            with client.experiments.with_streaming_response.retrieve("exp-1") as response:
                raise KeyError("boom")
        else:
            async with client.experiments.with_streaming_response.retrieve("exp-1") as response:
                raise KeyError("boom")
    assert response.is_closed
    assert stream.closed
    assert stream.read_chunks == 0


async def test_streaming_closed_without_reading(make_client, mode):
    stream, server = tracked_body()
    client = make_client(server)
    if mode == "sync":
        with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            pass
    else:
        async with client.experiments.with_streaming_response.retrieve("exp-1") as response:
            pass
    assert response.is_closed
    assert stream.closed
    assert stream.read_chunks == 0


async def test_streaming_does_not_send_until_entered(make_client, mode):
    server = Server()
    client = make_client(server)
    manager = client.experiments.with_streaming_response.retrieve("exp-1")
    assert server.requests == []
    if mode == "sync":
        with manager as response:
            assert response.status_code == 200
    else:
        async with manager as response:
            assert response.status_code == 200
    assert len(server.requests) == 1


async def test_streaming_mode_does_not_leak_into_later_calls(make_client, exp_sdk, mode):
    _stream, server = tracked_body()
    client = make_client(server)
    if mode == "sync":
        with client.experiments.with_streaming_response.retrieve("exp-1"):
            pass
    else:
        async with client.experiments.with_streaming_response.retrieve("exp-1"):
            pass
    server.replies = [json_response()]
    assert isinstance(await resolve(client.experiments.retrieve("exp-1")), exp_sdk.types.Experiment)


async def test_streaming_list(make_client, mode):
    server = Server([json_response(body={"data": [EXPERIMENT], "next_cursor": None})])
    client = make_client(server)
    if mode == "sync":
        with client.experiments.with_streaming_response.list(limit=1) as response:
            page = response.parse()
    else:
        async with client.experiments.with_streaming_response.list(limit=1) as response:
            page = await response.parse()
    assert [e.id for e in page.items] == [EXPERIMENT["id"]]
    assert response.is_closed
