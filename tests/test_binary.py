"""Binary responses (`application/octet-stream`, `image/*` …) are response objects, never decoded text.

The SDK of tests/fixtures/bodies.yaml on an httpx `MockTransport`, sync and async:
`.read()`, `.iter_bytes()`, `.text()`, `.write_to_file(path)`, and the streamed variant
(`with_streaming_response`), which writes the body to a file as it arrives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

PAYLOAD = bytes(range(256)) * 64  # not UTF-8: a decoded str could not give it back


class _Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body sent in chunks, recording how many the server has sent."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.sent = chunks, 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.sent += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.sent += 1
            yield chunk


def _client(sdk: ModuleType, is_async: bool, stream: _Chunks | None = None, media: str = "application/octet-stream"):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if stream is not None:
            return httpx.Response(200, headers={"content-type": media}, stream=stream)
        return httpx.Response(200, headers={"content-type": media}, content=PAYLOAD)

    transport = httpx.MockTransport(handler)
    http = httpx.AsyncClient(transport=transport) if is_async else httpx.Client(transport=transport)
    client = (sdk.AsyncBodies if is_async else sdk.Bodies)(base_url="http://bodies.test", http_client=http)
    return client, seen


def test_octet_stream_response_reads_iterates_and_writes(bodies: ModuleType, tmp_path: Path) -> None:
    client, seen = _client(bodies, False)
    response = client.blobs.retrieve("b1")
    assert type(response).__name__ == "BinaryAPIResponse" and isinstance(response, bodies.BinaryAPIResponse)
    assert response.read() == PAYLOAD
    assert b"".join(response.iter_bytes()) == PAYLOAD
    assert response.text() == PAYLOAD.decode("utf-8", errors="replace")
    response.write_to_file(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == PAYLOAD
    assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
    assert seen[0].headers["accept"] == "application/octet-stream"


async def test_async_octet_stream_response(bodies: ModuleType, tmp_path: Path) -> None:
    client, _ = _client(bodies, True)
    response = await client.blobs.retrieve("b1")
    assert isinstance(response, bodies.AsyncBinaryAPIResponse)
    assert await response.read() == PAYLOAD
    assert b"".join([chunk async for chunk in response.iter_bytes()]) == PAYLOAD
    await response.write_to_file(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == PAYLOAD


def test_image_response_is_binary_too(bodies: ModuleType) -> None:
    client, seen = _client(bodies, False, media="image/png")
    response = client.images.retrieve("i1")
    assert isinstance(response, bodies.BinaryAPIResponse) and response.read() == PAYLOAD
    assert seen[0].headers["accept"] == "image/png"


def test_streamed_variant_writes_the_body_as_it_arrives(bodies: ModuleType, tmp_path: Path) -> None:
    stream = _Chunks([PAYLOAD[:1000], PAYLOAD[1000:5000], PAYLOAD[5000:]])
    client, _ = _client(bodies, False, stream)
    with client.blobs.with_streaming_response.retrieve("b1") as response:
        assert stream.sent == 0  # nothing is read before the caller asks
        response.write_to_file(tmp_path / "out.bin")
        assert stream.sent == 3
    assert response.is_closed
    assert (tmp_path / "out.bin").read_bytes() == PAYLOAD


async def test_async_streamed_variant_iterates_chunks(bodies: ModuleType) -> None:
    stream = _Chunks([b"one", b"two", b"three"])
    client, _ = _client(bodies, True, stream)
    async with client.blobs.with_streaming_response.retrieve("b1") as response:
        assert stream.sent == 0
        assert [chunk async for chunk in response.iter_bytes()] == [b"one", b"two", b"three"]
    assert response.is_closed


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_raw_response_parses_to_the_binary_response(bodies: ModuleType, is_async: bool) -> None:
    client, _ = _client(bodies, is_async)
    raw = client.blobs.with_raw_response.retrieve("b1")
    raw = await raw if is_async else raw
    parsed = await raw.parse() if is_async else raw.parse()
    assert isinstance(parsed, bodies.AsyncBinaryAPIResponse if is_async else bodies.BinaryAPIResponse)
    content = await parsed.read() if is_async else parsed.read()
    assert content == PAYLOAD
