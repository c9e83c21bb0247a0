"""Multipart and binary request bodies, byte for byte (templates/runtime/_files.py).

The SDK of tests/fixtures/bodies.yaml, on an httpx `MockTransport`, sync and async: a file
given as bytes, a file object, a path and a tuple; a multipart body with no file; JSON and
declared-type parts; an octet-stream body; the OpenAI SDK's `files.create`; and pyright
accepting each form of file argument.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from conftest import PYRIGHT, generate, import_tree, pyright, runtime_module

ROOT = Path(__file__).resolve().parent.parent
OPENAI = ROOT.parent / "shared" / "specs" / "openai-2025-03.yaml"

files_rt = runtime_module("_files")


def _recorder(seen: list[httpx.Request], status: Callable[[int], int] = lambda n: 200) -> Callable:
    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(status(len(seen)), json={"id": "file-1", "bytes": len(request.content)})

    return handler


def _client(sdk: ModuleType, seen: list[httpx.Request], is_async: bool, **options: object) -> object:
    transport = httpx.MockTransport(_recorder(seen))
    http = httpx.AsyncClient(transport=transport) if is_async else httpx.Client(transport=transport)
    cls = sdk.AsyncBodies if is_async else sdk.Bodies
    return cls(base_url="http://bodies.test", http_client=http, **options)


async def _call(result: object) -> object:
    return await result if hasattr(result, "__await__") else result  # type: ignore[misc]


def _parts(request: httpx.Request) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, part content type, payload) of each part, read by the stdlib's MIME parser."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    assert message.is_multipart(), request.content[:200]
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part["content-type"],
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]


def _boundary(request: httpx.Request) -> bytes:
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary="), content_type
    return content_type.split("boundary=", 1)[1].encode()


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.fixture
def upload_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"line one\nline two\n\x00\xff")
    return path


# ---------------------------------------------------------------- files


async def test_file_as_bytes_sends_these_exact_bytes(bodies: ModuleType, is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    result = await _call(client.uploads.create(file=b"\x00raw\r\n--bytes", purpose="assistants"))
    assert result.id == "file-1"
    (request,) = seen
    b = _boundary(request)
    assert request.content == (
        b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="upload"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\x00raw\r\n--bytes\r\n"
        b"--" + b + b'\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        b"--" + b + b"--\r\n"
    )
    assert request.headers["content-length"] == str(len(request.content))


async def test_file_as_file_object(bodies: ModuleType, is_async: bool, upload_file: Path) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    with upload_file.open("rb") as f:
        f.read(4)  # a file already read from is still sent whole
        await _call(client.uploads.create(file=f, purpose="batch"))
    assert _parts(seen[0]) == [
        ("file", "notes.txt", "text/plain", upload_file.read_bytes()),
        ("purpose", None, None, b"batch"),
    ]


async def test_file_as_path(bodies: ModuleType, is_async: bool, upload_file: Path) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    await _call(client.uploads.create(file=upload_file, purpose="batch"))
    assert _parts(seen[0])[0] == ("file", "notes.txt", "text/plain", upload_file.read_bytes())


async def test_file_as_tuples(bodies: ModuleType, is_async: bool, upload_file: Path) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    await _call(
        client.uploads.create(
            file=("data.jsonl", b'{"a":1}\n', "application/jsonl"),
            purpose="batch",
            attachments=[("first.bin", upload_file), ("second.txt", io.BytesIO(b"second")), b"third"],
        )
    )
    assert _parts(seen[0]) == [
        ("file", "data.jsonl", "application/jsonl", b'{"a":1}\n'),
        ("purpose", None, None, b"batch"),
        ("attachments", "first.bin", "application/octet-stream", upload_file.read_bytes()),
        ("attachments", "second.txt", "text/plain", b"second"),
        ("attachments", "upload", "application/octet-stream", b"third"),
    ]


async def test_other_parts_follow_their_encoding(bodies: ModuleType, is_async: bool) -> None:
    """An object is a JSON part; a declared `contentType` is sent; a string array repeats its part."""
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    await _call(
        client.uploads.create(
            file=b"x",
            purpose="assistants",
            metadata={"owner": "Zoë", "size": 3},
            tags=["a", "b c"],
            notes="# Notes\n\n*Zoë*",
        )
    )
    assert _parts(seen[0])[1:] == [
        ("purpose", None, None, b"assistants"),
        ("metadata", None, "application/json", b'{"owner":"Zo\\u00eb","size":3}'),  # compact JSON, as JSON bodies
        ("tags", None, None, b"a"),
        ("tags", None, None, b"b c"),
        ("notes", None, "text/markdown", "# Notes\n\n*Zoë*".encode()),
    ]


async def test_multipart_without_files_is_still_multipart(bodies: ModuleType, is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    await _call(client.profiles.create(name="Ann", age=41, admin=False))
    (request,) = seen
    b = _boundary(request)
    assert request.content == b"".join(
        b"--" + b + b'\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
        for name, value in ((b"name", b"Ann"), (b"age", b"41"), (b"admin", b"false"))
    ) + (b"--" + b + b"--\r\n")


def test_a_retry_sends_the_whole_file_again(bodies: ModuleType, upload_file: Path) -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(_recorder(seen, status=lambda n: 500 if n == 1 else 200))
    client = bodies.Bodies(base_url="http://bodies.test", http_client=httpx.Client(transport=transport))
    client.with_options(max_retries=1).uploads.create(file=upload_file, purpose="batch")
    assert len(seen) == 2
    assert [_parts(r)[0][3] for r in seen] == [upload_file.read_bytes()] * 2


# ---------------------------------------------------------------- binary bodies


@pytest.mark.parametrize("form", ["bytes", "file", "path"])
async def test_octet_stream_body_sends_the_exact_bytes(
    bodies: ModuleType, is_async: bool, upload_file: Path, form: str
) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    content = upload_file.read_bytes()
    with upload_file.open("rb") as f:
        body = {"bytes": content, "file": f, "path": upload_file}[form]
        await _call(client.blobs.update("b 1", body=body))
    (request,) = seen
    assert request.method == "PUT" and request.url.raw_path == b"/blobs/b%201"
    assert request.headers["content-type"] == "application/octet-stream"
    assert request.content == content
    assert request.headers["content-length"] == str(len(content))
    assert "transfer-encoding" not in request.headers


class _Reader:
    """A binary stream with nothing but `read` (a socket, a decompressor): its length is unknown."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


async def test_a_stream_of_unknown_length_is_sent_chunked(bodies: ModuleType, is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, is_async)
    data = b"0123456789" * 20_000
    await _call(client.blobs.update("b1", body=_Reader(data)))
    (request,) = seen
    assert request.content == data
    assert request.headers["transfer-encoding"] == "chunked" and "content-length" not in request.headers


# ---------------------------------------------------------------- the runtime's file source


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to count open files")
def test_a_path_is_opened_on_first_read_and_closed_at_its_end(tmp_path: Path) -> None:
    path = tmp_path / "late.bin"
    before = _open_fds()
    source = files_rt.FileSource(path)  # the file need not exist yet: nothing is opened
    path.write_bytes(b"a" * 200_000)
    assert _open_fds() == before
    assert source.seek(0, os.SEEK_END) == 200_000 and _open_fds() == before  # the length, unopened
    chunks = list(source)
    assert b"".join(chunks) == b"a" * 200_000 and len(chunks) > 1  # read in chunks
    assert _open_fds() == before


def test_a_file_of_the_wrong_kind_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="A file must be bytes, a binary file object or a path, not str"):
        files_rt.multipart_parts({"file": "name.txt"}, ["file"], {})


# ---------------------------------------------------------------- OpenAI, no config


@pytest.fixture(scope="module")
def openai(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("openai") / "sdk"
    gen = generate(OPENAI, out, "-q")
    assert gen.returncode == 0, gen.stderr[-3000:]
    return import_tree(out, "openai", "openai_files")


async def test_openai_file_upload(openai: ModuleType, is_async: bool, tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"prompt": "hi"}\n')
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(
        lambda r: (
            (r.read(), seen.append(r))
            and httpx.Response(
                200,
                json={
                    "id": "file-abc",
                    "object": "file",
                    "bytes": 17,
                    "created_at": 1,
                    "filename": "train.jsonl",
                    "purpose": "assistants",
                    "status": "uploaded",
                },
            )
        )
    )
    http = httpx.AsyncClient(transport=transport) if is_async else httpx.Client(transport=transport)
    client = (openai.AsyncOpenAI if is_async else openai.OpenAI)(
        api_key="sk-test", base_url="http://openai.test/v1", http_client=http
    )
    result = await _call(client.files.create(file=path, purpose="assistants"))
    assert result.id == "file-abc" and result.filename == "train.jsonl"
    (request,) = seen
    assert request.method == "POST" and request.url.path == "/v1/files"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert _parts(request) == [
        ("file", "train.jsonl", "application/octet-stream", b'{"prompt": "hi"}\n'),
        ("purpose", None, None, b"assistants"),
    ]


# ---------------------------------------------------------------- pyright

USAGE = """
import io
from pathlib import Path

from typing_extensions import assert_type

from bodies import BinaryAPIResponse, Bodies, FileTypes
from bodies.types.upload import Upload

client = Bodies()
path = Path("notes.txt")
with open(path, "rb") as f:
    assert_type(client.uploads.create(file=f, purpose="batch"), Upload)
client.uploads.create(file=b"bytes", purpose="batch")
client.uploads.create(file=path, purpose="batch")
client.uploads.create(file=io.BytesIO(b"x"), purpose="batch")
client.uploads.create(file=("a.txt", b"x"), purpose="batch")
client.uploads.create(file=("a.txt", path, "text/plain"), purpose="batch", attachments=[b"x", path])
client.blobs.update("b", body=path)
client.blobs.update("b", body=b"x")
assert_type(client.blobs.retrieve("b"), BinaryAPIResponse)
file: FileTypes = (None, b"x")
"""


@pytest.mark.skipif(not PYRIGHT.exists(), reason="pyright is not installed: run `npm ci` (`make test` does)")
def test_pyright_accepts_bytes_files_paths_and_tuples(bodies_generated: Path) -> None:
    ok = pyright(bodies_generated, "usage_files.py", USAGE)
    # the check must be able to fail
    bad = pyright(
        bodies_generated, "usage_files_wrong.py", USAGE + 'client.uploads.create(file="notes.txt", purpose="batch")\n'
    )
    assert ok.returncode == 0, ok.stdout[-3000:]
    assert bad.returncode != 0 and "Argument of type \"Literal['notes.txt']\"" in bad.stdout, bad.stdout[-3000:]
