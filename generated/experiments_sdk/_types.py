"""The plain value types every layer of the runtime shares.

`NOT_GIVEN` (an argument not passed), the request-option and page-spec records
the clients and pages pass around, and the record of a field that failed
validation (`InvalidDataError`). Imports nothing else of the runtime.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Optional, Union

import httpx
from typing_extensions import TypedDict

__all__ = [
    "SdkError",
    "NOT_GIVEN",
    "NotGiven",
    "Omit",
    "omit",
    "given",
    "Timeout",
    "FileContent",
    "FileTypes",
    "Headers",
    "Query",
    "Body",
    "RequestOptions",
    "CallOptions",
    "PageSpec",
    "InvalidDataError",
    "MissingFieldsError",
]

# A field absent from the JSON (as opposed to present as `null`).
MISSING: Any = object()


class SdkError(Exception):
    """Base of every error the SDK raises; the package exports it under the client's name
    (`GentraceError`)."""


class NotGiven:
    """An argument that was not passed (as opposed to `None`, which sends `null`)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


class Omit:
    """A header value that removes the header, a client default included, from one call:
    `extra_headers={"User-Agent": omit}`."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "omit"


omit = Omit()


def given(value: object) -> bool:
    """A value the caller passed: not None, not NOT_GIVEN (the default of every parameter)."""
    return value is not None and not isinstance(value, NotGiven)


Timeout = Union[float, httpx.Timeout, None]
# What a file argument takes: its bytes, a binary file object or a path (opened when sent), alone
# or as (filename, content) / (filename, content, content type).
FileContent = Union[bytes, IO[bytes], "os.PathLike[str]"]
FileTypes = Union[
    FileContent, tuple[Optional[str], FileContent], tuple[Optional[str], FileContent, Optional[str]]
]
Headers = Mapping[str, Union[str, NotGiven, Omit]]
Query = Mapping[str, object]
Body = object


@dataclass(frozen=True)
class RequestOptions:
    method: str
    url: str
    query: Mapping[str, object] | None = None
    headers: Mapping[str, object] | None = None
    cookies: Mapping[str, object] | None = None
    json: object = NOT_GIVEN
    form: Mapping[str, object] | None = None
    # Property -> (style, explode) where a form body's spec declares its encoding.
    form_encoding: Mapping[str, Sequence[object]] = field(default_factory=dict)
    # A multipart body's parts; which of them are files, and the content type of the others
    # where it is not plain text (JSON for objects).
    files: Mapping[str, object] | None = None
    file_fields: Sequence[str] = ()
    part_types: Mapping[str, str] = field(default_factory=dict)
    # A binary body: bytes, a binary file object or a path (streamed, never read whole).
    content: object = None
    # Wire name -> (style, explode) for query parameters that are not form/explode.
    query_styles: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    extra_headers: Headers | None = None
    extra_query: Query | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: Timeout | NotGiven = NOT_GIVEN
    # The operation's own security requirement (alternatives of scheme names; `()`: none), when
    # it differs from the API's.
    security: tuple[tuple[str, ...], ...] | None = None


class CallOptions(TypedDict, total=False):
    """`options=` of `client.get(path, ...)` and its siblings (every key optional)."""

    headers: Headers
    params: Query
    extra_body: Mapping[str, object]
    timeout: Timeout


@dataclass(frozen=True)
class PageSpec:
    scheme: str
    items: str | None = None
    cursor_param: str | None = None
    cursor_field: str | None = None
    limit_param: str | None = None
    id_field: str = "id"


class Bad:
    """A field that failed validation: where, what was expected, what came."""

    __slots__ = ("path", "expected", "raw", "reason")

    def __init__(self, path: str, expected: str, raw: Any, reason: str) -> None:
        self.path, self.expected, self.raw, self.reason = path, expected, raw, reason

    def describe(self) -> str:
        if self.raw is MISSING:
            return f"{self.path}: required field is missing (expected {self.expected})"
        shown = json.dumps(self.raw, default=str)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{self.path}: expected {self.expected}, received {shown} ({self.reason})"

    def __eq__(self, other: object) -> bool:
        # Where the model sits (the path) is not part of its value.
        return isinstance(other, Bad) and self.raw == other.raw

    def __repr__(self) -> str:
        return f"Invalid({'<missing>' if self.raw is MISSING else repr(self.raw)})"

    __hash__ = None  # type: ignore[assignment]


class InvalidDataError(SdkError, ValueError):
    """A field's value does not match its declared type (or a required field is missing).

    `path` is where the field sits (`events[3].metrics.start`), `expected`
    the declared type, `received` the JSON value as received.
    """

    def __init__(self, problems: list[Bad]) -> None:
        self.problems = problems
        first = problems[0]
        self.path, self.expected, self.received = first.path, first.expected, first.raw
        lines = [p.describe() for p in problems]
        super().__init__(
            lines[0]
            if len(lines) == 1
            else f"{len(lines)} invalid fields:\n  " + "\n  ".join(lines)
        )


class MissingFieldsError(SdkError, ValueError):
    """`Builder.build()` was called without every required field set."""

    def __init__(self, model: str, missing: list[str]) -> None:
        self.model, self.missing = model, missing
        super().__init__(f"{model}: missing required field(s): {', '.join(missing)}")
