"""Raw and streaming responses: `client.x.with_raw_response.m(...)` and `with_streaming_response`."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import ParamSpec

from ._exceptions import APIResponseValidationError
from ._models import InvalidDataError, parse_json
from ._streaming import AsyncStream, Stream
from ._types import PageSpec

__all__ = ["APIResponse", "AsyncAPIResponse", "BinaryAPIResponse", "AsyncBinaryAPIResponse"]

T = TypeVar("T")
P = ParamSpec("P")

# How the method being called should return: parsed (None), "raw" or "stream".
RESPONSE_MODE: ContextVar[str | None] = ContextVar("sdk_response_mode", default=None)


@dataclass(frozen=True)
class ParseSpec:
    """What a response body becomes: `cast_to` parsed as `kind`, or a page of items."""

    cast_to: Any
    kind: str  # json | text | binary | empty | events (server-sent)
    strict: bool
    page: PageSpec | None = None
    # Builds the page object from (response, body); set by the client.
    make_page: Callable[[httpx.Response, bytes], Any] | None = None
    # Whether the client is the async one (a binary body is then an `AsyncBinaryAPIResponse`).
    asynchronous: bool = False


def parse_content(spec: ParseSpec, response: httpx.Response, content: bytes, retries_taken: int = 0) -> Any:
    """Turn a response body into what the method returns.

    A body that is not what the method declares (not JSON, or empty where a value is expected)
    is an `APIResponseValidationError` carrying the body's text, in lenient mode too: leniency is
    for JSON that does not match its schema, not for bodies that cannot be decoded.
    """
    if spec.kind == "empty":
        return None
    if spec.kind == "binary":
        binary = AsyncBinaryAPIResponse if spec.asynchronous else BinaryAPIResponse
        return binary(response, spec, retries_taken)
    if spec.kind == "text":
        return content.decode(response.encoding or "utf-8", errors="replace")
    if spec.kind == "events":  # `cast_to` is the event type
        events = AsyncStream if spec.asynchronous else Stream
        return events(spec.cast_to, response, strict=spec.strict)
    if not content:
        if spec.cast_to is object and spec.make_page is None:
            return None
        raise APIResponseValidationError(response=response, body="", message="Expected a JSON body, got an empty one")
    try:
        if spec.make_page is not None:
            return spec.make_page(response, content)
        return parse_json(spec.cast_to, content, strict=spec.strict)
    except InvalidDataError as exc:  # strict mode: JSON that does not match, or no JSON at all
        try:
            body = json.loads(content)
        except ValueError:
            raise _undecodable(response, content) from None
        raise APIResponseValidationError(response=response, body=body, message=str(exc)) from None
    except ValueError:  # not JSON at all: a page too (a list method never iterates text)
        raise _undecodable(response, content) from None


def _undecodable(response: httpx.Response, content: bytes) -> APIResponseValidationError:
    text = content.decode(response.encoding or "utf-8", errors="replace")
    media = response.headers.get("content-type", "no content type")
    shown = text if len(text) <= 200 else text[:197] + "..."
    return APIResponseValidationError(
        response=response, body=text, message=f"Expected a JSON body, got {media}: {shown!r}"
    )


class _BaseResponse:
    def __init__(self, response: httpx.Response, spec: ParseSpec, retries_taken: int) -> None:
        self.http_response = response
        self.retries_taken = retries_taken
        self._spec = spec

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.http_request.method} {self.url}>"


class APIResponse(_BaseResponse, Generic[T]):
    """The HTTP response of a call; `.parse()` gives what the method would have returned."""

    def read(self) -> bytes:
        return self.http_response.read()

    def text(self) -> str:
        self.read()
        return self.http_response.text

    def json(self) -> object:
        return json.loads(self.read())

    def parse(self) -> T:
        return parse_content(self._spec, self.http_response, self.read(), self.retries_taken)

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the body to `file`, chunk by chunk (a streamed response is never held whole)."""
        with open(file, "wb") as out:
            for chunk in self.http_response.iter_bytes():
                out.write(chunk)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        yield from self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        yield from self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        yield from self.http_response.iter_lines()

    def close(self) -> None:
        self.http_response.close()


class AsyncAPIResponse(_BaseResponse, Generic[T]):
    """The async twin of `APIResponse`."""

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def text(self) -> str:
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        return json.loads(await self.read())

    async def parse(self) -> T:
        return parse_content(self._spec, self.http_response, await self.read(), self.retries_taken)

    async def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the body to `file`, chunk by chunk (a streamed response is never held whole)."""
        with open(file, "wb") as out:
            async for chunk in self.http_response.aiter_bytes():
                out.write(chunk)

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in self.http_response.aiter_bytes(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        async for chunk in self.http_response.aiter_text(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        async for line in self.http_response.aiter_lines():
            yield line

    async def close(self) -> None:
        await self.http_response.aclose()


class BinaryAPIResponse(APIResponse[bytes]):
    """A binary body (a file, an image, audio): `.read()`, `.iter_bytes()`, `.text()`,
    `.write_to_file(path)`. Through `with_streaming_response` the body is not read beforehand,
    so `.iter_bytes()` and `.write_to_file()` stream it."""

    def parse(self) -> bytes:
        return self.read()


class AsyncBinaryAPIResponse(AsyncAPIResponse[bytes]):
    """The async twin of `BinaryAPIResponse`."""

    async def parse(self) -> bytes:
        return await self.read()


# ---------------------------------------------------------------- method wrappers


def to_raw_response_wrapper(func: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """`func`, returning the read `APIResponse` instead of the parsed value."""

    @wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RESPONSE_MODE.set("raw")
        try:
            return func(*args, **kwargs)  # type: ignore[return-value]
        finally:
            RESPONSE_MODE.reset(token)

    return wrapped


def async_to_raw_response_wrapper(func: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[AsyncAPIResponse[T]]]:
    @wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[T]:
        token = RESPONSE_MODE.set("raw")
        try:
            return await func(*args, **kwargs)  # type: ignore[return-value]
        finally:
            RESPONSE_MODE.reset(token)

    return wrapped


class _StreamedCall(AbstractContextManager["APIResponse[T]"]):
    def __init__(self, call: Callable[[], Any]) -> None:
        self._call = call
        self._response: APIResponse[T] | None = None

    def __enter__(self) -> APIResponse[T]:
        token = RESPONSE_MODE.set("stream")
        try:
            self._response = self._call()
        finally:
            RESPONSE_MODE.reset(token)
        assert self._response is not None
        return self._response

    def __exit__(self, *exc: object) -> None:
        if self._response is not None:
            self._response.close()


class _AsyncStreamedCall(AbstractAsyncContextManager["AsyncAPIResponse[T]"]):
    def __init__(self, call: Callable[[], Awaitable[Any]]) -> None:
        self._call = call
        self._response: AsyncAPIResponse[T] | None = None

    async def __aenter__(self) -> AsyncAPIResponse[T]:
        token = RESPONSE_MODE.set("stream")
        try:
            self._response = await self._call()
        finally:
            RESPONSE_MODE.reset(token)
        assert self._response is not None
        return self._response

    async def __aexit__(self, *exc: object) -> None:
        if self._response is not None:
            await self._response.close()


def to_streamed_response_wrapper(func: Callable[P, T]) -> Callable[P, AbstractContextManager[APIResponse[T]]]:
    """`func`, returning a context manager over the unread response (closed on exit)."""

    @wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AbstractContextManager[APIResponse[T]]:
        return _StreamedCall(lambda: func(*args, **kwargs))

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[T]],
) -> Callable[P, AbstractAsyncContextManager[AsyncAPIResponse[T]]]:
    @wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AbstractAsyncContextManager[AsyncAPIResponse[T]]:
        return _AsyncStreamedCall(lambda: func(*args, **kwargs))

    return wrapped
