"""The server-sent-events decoder and `Stream[T]` of the runtime (templates/runtime/_streaming.py).

The decoder is fed the same stream cut into chunks at every byte, so a line
ending, a multi-byte character or a CRLF split across chunks is covered.
"""

from __future__ import annotations

import json

import httpx
import pytest
from conftest import runtime_module

rt = runtime_module("_streaming")


def _events(raw: bytes, *, chunk: int | None = None) -> list:
    sizes = [chunk] if chunk else range(1, len(raw) + 1)
    results = []
    for size in sizes:
        decoder = rt.SSEDecoder()
        events = []
        for i in range(0, len(raw), size):
            events += decoder.feed(raw[i : i + size])
        events += decoder.close()
        results.append(events)
    first = results[0]
    assert all(r == first for r in results), "chunking changed the events"
    return first


def test_multi_line_data_joins_with_newlines() -> None:
    (event,) = _events(b"data: first\ndata: second\n\n")
    assert event.data == "first\nsecond"


def test_crlf_and_cr_line_endings_at_any_split() -> None:
    events = _events(b"data: a\r\n\r\ndata: b\r\rdata: c\n\n")
    assert [e.data for e in events] == ["a", "b", "c"]


def test_comments_are_ignored_and_a_space_after_the_colon_is_dropped() -> None:
    events = _events(b": keep-alive\n:\ndata:no-space\n\ndata:  two spaces\n\n")
    assert [e.data for e in events] == ["no-space", " two spaces"]


def test_event_id_and_retry_fields() -> None:
    events = _events(b"event: delta\nid: 7\nretry: 1500\ndata: x\n\ndata: y\n\nretry: soon\nid\ndata: z\n\n")
    assert (events[0].event, events[0].id, events[0].retry) == ("delta", "7", 1500)
    # `id` and `retry` last for later events; an empty `id` resets it; a non-numeric retry is ignored.
    assert (events[1].event, events[1].id, events[1].retry) == (None, "7", 1500)
    assert (events[2].id, events[2].retry) == ("", 1500)


def test_no_data_no_event() -> None:
    assert _events(b"event: ping\n\n: only a comment\n\n") == []
    (event,) = _events(b"data\n\n")  # a `data` field with no value is an empty event
    assert event.data == ""


def test_a_last_event_without_a_blank_line_is_still_delivered() -> None:
    events = _events(b"data: one\n\ndata: two")
    assert [e.data for e in events] == ["one", "two"]


def test_unicode_split_across_chunks_and_a_leading_bom() -> None:
    (event,) = _events("\ufeffdata: grüße ✓\n\n".encode())
    assert event.data == "grüße ✓"


# ---------------------------------------------------------------- Stream[T]


def _response(body: bytes) -> httpx.Response:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return client.send(client.build_request("GET", "http://sse.test/"), stream=True)


STREAM = b'data: {"n": 1}\n\ndata: {"n": 2}\n\ndata: [DONE]\n\ndata: {"n": 3}\n\n'


def test_stream_yields_typed_events_until_done_and_closes() -> None:
    response = _response(STREAM)
    with rt.Stream(dict[str, int], response) as stream:
        assert [chunk["n"] for chunk in stream] == [1, 2]
    assert response.is_closed


async def test_async_stream_yields_typed_events_until_done() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=STREAM)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        response = await client.send(client.build_request("GET", "http://sse.test/"), stream=True)
        async with rt.AsyncStream(dict[str, int], response) as stream:
            assert [chunk["n"] async for chunk in stream] == [1, 2]
        assert response.is_closed


@pytest.mark.parametrize(
    "body",
    [
        b'event: error\ndata: {"message": "overloaded"}\n\n',
        b'data: {"n": 1}\n\ndata: {"error": {"message": "overloaded", "type": "server_error"}}\n\n',
    ],
)
def test_an_error_event_raises_the_api_error(body: bytes) -> None:
    stream = rt.Stream(dict[str, object], _response(body))
    with pytest.raises(rt.APIError, match="overloaded") as info:
        list(stream)
    assert info.value.body is not None and json.dumps(info.value.body)
    assert stream.response.is_closed
