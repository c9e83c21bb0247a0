"""Server-sent events: `Stream[T]` / `AsyncStream[T]` iterate the typed events of a `text/event-stream` body.

Parsing follows the WHATWG event-stream rules: lines end in CR, LF or CRLF (also
when split across chunks); `data` lines join with newlines; `event`, `id` and
`retry` set the event's fields; lines starting with `:` are comments; a blank
line dispatches the event. One leniency: a last event that the server did not
end with a blank line is still delivered (many servers omit it). The data
`[DONE]` ends the stream. The decoder is written here, not taken from a
library, because a generated SDK depends on httpx and pydantic only.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from pydantic import ValidationError

from ._exceptions import APIError
from ._models import json_validator, parse_json, parse_python

__all__ = ["ServerSentEvent", "SSEDecoder", "Stream", "AsyncStream"]

T = TypeVar("T")

DONE = "[DONE]"


@dataclass(slots=True)
class ServerSentEvent:
    data: str = ""
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


class SSEDecoder:
    """Bytes in (any chunking), events out."""

    def __init__(self) -> None:
        self._buffer = ""
        self._pending_cr = False
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._decoder = _utf8_decoder()
        self._started = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events completed by `chunk`."""
        text = self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")  # a byte-order mark opening the stream is not data
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]  # the LF of a CRLF split across chunks
        self._pending_cr = text.endswith("\r")
        events: list[ServerSentEvent] = []
        lines = (self._buffer + text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._buffer = lines.pop()  # an unfinished line waits for the next chunk
        for line in lines:
            # `data` lines (most of a stream) are handled here, without a call per line.
            if line.startswith("data:"):
                self._data.append(line[6:] if line.startswith("data: ") else line[5:])
                continue
            event = self._dispatch() if not line else self._line(line)
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[ServerSentEvent]:
        """The events left at the end of the stream (a last line, a last event with no blank line)."""
        events = self.feed(b"")
        rest, self._buffer = self._buffer, ""
        if rest:
            event = self._line(rest)
            if event is not None:
                events.append(event)
        event = self._dispatch()
        if event is not None:
            events.append(event)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry":
            if value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, self._data = self._data, []
        event_type, self._event = self._event, None  # `id` and `retry` carry over to later events
        if not data:  # no `data` line: nothing to dispatch (WHATWG)
            return None
        return ServerSentEvent("\n".join(data), event_type, self._id, self._retry)


def _utf8_decoder() -> Any:
    import codecs

    return codecs.getincrementaldecoder("utf-8")(errors="replace")


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


async def aiter_events(chunks: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.close():
        yield event


def _error_of(event: ServerSentEvent, response: httpx.Response) -> APIError | None:
    """The API's error class for an event that carries an error (`event: error`, or `{"error": …}`)."""
    body: Any = None
    try:
        body = event.json() if event.data else None
    except ValueError:
        body = event.data
    if event.event == "error" or (isinstance(body, dict) and body.get("error") is not None):
        detail = body.get("error", body) if isinstance(body, dict) else body
        message = detail.get("message") if isinstance(detail, dict) else None
        return APIError(str(message or detail or "error event in the stream"), response.request, body=body)
    return None


class _StreamBase(Generic[T]):
    def __init__(self, cast_to: Any, response: httpx.Response, *, strict: bool = False) -> None:
        self._cast_to = cast_to
        self.response = response
        self._strict = strict
        self._validate = json_validator(cast_to)

    def _convert(self, event: ServerSentEvent) -> T:
        text = event.data
        # Only an `error` event or data naming `"error"` can carry one: the rest skip a JSON decode.
        if event.event == "error" or '"error"' in text:
            error = _error_of(event, self.response)
            if error is not None:
                raise error
        try:
            return self._validate(text)  # valid JSON of the declared type: pydantic reads the text itself
        except ValidationError:
            pass
        try:
            return parse_json(self._cast_to, text, strict=self._strict)  # lenient, or strict's own error
        except ValidationError:
            pass  # not JSON at all (strict errors are InvalidDataError): the event's text as it is
        return parse_python(self._cast_to, text, strict=self._strict)


class Stream(_StreamBase[T]):
    """The typed events of a streamed response; closes the connection when done, on `close()`, or on exit."""

    def __iter__(self) -> Iterator[T]:
        try:
            for event in iter_events(self.response.iter_bytes()):
                if event.data == DONE:
                    break
                yield self._convert(event)
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStream(_StreamBase[T]):
    """`Stream`, for the async client: `async for chunk in stream`."""

    async def __aiter__(self) -> AsyncIterator[T]:
        try:
            async for event in aiter_events(self.response.aiter_bytes()):
                if event.data == DONE:
                    break
                yield self._convert(event)
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
