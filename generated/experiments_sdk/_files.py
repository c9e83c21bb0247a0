"""Request bodies made of files: multipart parts and binary bodies.

httpx encodes multipart bodies and streams file objects in chunks; this module only turns what a
caller passes for a file (bytes, a binary file object, a path, or a `(filename, content[, type])`
tuple) into what httpx takes, so that nothing is read into memory whole: a path becomes a
`FileSource`, opened on the first read and closed at its end. Imports nothing else of the runtime.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Optional

__all__ = ["AsyncFileSource", "FileSource", "binary_content", "multipart_parts"]

CHUNK_SIZE = 64 * 1024


class FileSource:
    """A file's content, read in chunks as it is sent.

    A path is opened on the first read and closed when the read reaches its end (so a retry opens
    it again); its length comes from the file system, so httpx can send a `Content-Length`. A file
    object is rewound first: every try of a request sends it whole.
    """

    def __init__(self, file: IO[bytes] | os.PathLike[str]) -> None:
        self._path: str | None = None
        self._file: Optional[IO[bytes]] = None
        if isinstance(file, os.PathLike):
            self._path = os.fspath(file)
            self.name = Path(self._path).name
        else:
            self._file = file
            self.name = Path(str(getattr(file, "name", "upload"))).name
            if getattr(file, "seekable", lambda: False)():
                file.seek(0)

    def _opened(self) -> IO[bytes]:
        if self._file is None:
            assert self._path is not None
            self._file = open(self._path, "rb")  # noqa: SIM115 - closed at the end of the read
        return self._file

    def length(self) -> int | None:
        """The bytes left to send, when known without reading (a pipe's are not)."""
        if self._file is None and self._path is not None:
            return os.path.getsize(self._path)
        try:
            return os.fstat(self._opened().fileno()).st_size - self.tell()
        except (AttributeError, OSError, ValueError):
            return None

    def tell(self) -> int:
        return 0 if self._file is None else self._file.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if self._file is None and self._path is not None:
            # not opened yet: the start and the end are known without opening it
            if whence == os.SEEK_END:
                return os.path.getsize(self._path) + offset
            if whence != os.SEEK_CUR and offset == 0:
                return 0
        return self._opened().seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        chunk = self._opened().read(size)
        if not chunk and self._path is not None:
            self.close()
        return chunk

    def close(self) -> None:
        """Close a file this source opened (a caller's file object stays open)."""
        if self._path is not None and self._file is not None:
            self._file.close()
            self._file = None

    def __iter__(self) -> Iterator[bytes]:
        chunk = self.read(CHUNK_SIZE)
        while chunk:
            yield chunk
            chunk = self.read(CHUNK_SIZE)


class AsyncFileSource:
    """A `FileSource` as an async body (httpx's async client takes only async iterables)."""

    def __init__(self, source: FileSource) -> None:
        self._source = source

    def length(self) -> int | None:
        return self._source.length()

    def tell(self) -> int:
        return self._source.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._source.seek(offset, whence)

    async def aread(self, size: int = -1) -> bytes:
        return self._source.read(size)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._source:
            yield chunk


def _content(value: Any) -> Any:
    """A file's content as httpx's multipart encoder takes it."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, os.PathLike) or hasattr(value, "read"):
        return FileSource(value)
    raise TypeError(
        f"A file must be bytes, a binary file object or a path, not {type(value).__name__}"
    )


def _file_part(value: Any) -> tuple[Optional[str], Any] | tuple[Optional[str], Any, Optional[str]]:
    if isinstance(value, tuple):
        if len(value) == 2:
            return value[0], _content(value[1])
        if len(value) == 3:
            return value[0], _content(value[1]), value[2]
        raise TypeError("A file tuple is (filename, content) or (filename, content, content_type)")
    content = _content(value)
    # a path or a file object is sent under its own name; bytes alone under a generic one
    return (content.name if isinstance(content, FileSource) else "upload"), content


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def multipart_parts(
    values: Mapping[str, object], file_fields: Collection[str], part_types: Mapping[str, str]
) -> list[tuple[str, Any]]:
    """The parts of a multipart body, in order, as httpx's `files=` takes them.

    `values` are JSON-ready data, except the files (`file_fields`), which are what the caller
    passed. A file array sends one part per file under the same name. Other parts: per their
    content type in `part_types` (a JSON type: the value as JSON), else as text, an array of
    scalars as one part per item.
    """
    parts: list[tuple[str, Any]] = []
    for name, value in values.items():
        if value is None:
            continue
        if name in file_fields:
            items = value if isinstance(value, list) else [value]
            parts.extend((name, _file_part(item)) for item in items)
            continue
        content_type = part_types.get(name)
        if content_type is not None and _is_json(content_type):
            parts.append(
                (name, (None, json.dumps(value, separators=(",", ":")).encode(), content_type))
            )
        elif isinstance(value, list) and content_type is None:
            parts.extend((name, (None, _text(item).encode())) for item in value if item is not None)
        else:
            parts.append((name, (None, _text(value).encode(), content_type)))
    return parts


def binary_content(value: object, asynchronous: bool) -> Any:
    """A binary request body as httpx's `content=` takes it: bytes as they are, a file object or
    a path as a source read in chunks while it is sent."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, os.PathLike) or hasattr(value, "read"):
        source = FileSource(value)  # type: ignore[arg-type]
        return AsyncFileSource(source) if asynchronous else source
    raise TypeError(
        f"A binary body must be bytes, a binary file object or a path, not {type(value).__name__}"
    )
