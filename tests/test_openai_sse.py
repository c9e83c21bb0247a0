"""Server-sent events on the SDK generated from the shared OpenAI spec, with no config.

`client.chat.completions.create(..., stream=True)` iterates typed chunks from a
local SSE server (sync and async); pyright infers `Stream[chunk]` for
`stream=True` and the JSON model otherwise.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest
from conftest import PYRIGHT, generate, import_tree, pyright

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "specs" / "openai-2025-03.yaml"
WORDS = ["Hel", "lo", " wor", "ld"]


def _chunk(i: int, text: str) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }


class _SSE(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict, str]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        _SSE.seen.append((self.path, json.loads(body), self.headers.get("accept", "")))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        for i, text in enumerate(WORDS):
            # one event split over two writes, and a comment line between events
            payload = f"data: {json.dumps(_chunk(i, text))}\n\n".encode()
            self.wfile.write(payload[:7])
            self.wfile.flush()
            self.wfile.write(payload[7:] + b": keep-alive\n")
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("openai") / "sdk"
    gen = generate(SPEC, out, "-q")
    assert gen.returncode == 0, gen.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def openai(generated: Path) -> ModuleType:
    return import_tree(generated, "openai", "openai_sse")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _SSE)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


MESSAGES = [{"role": "user", "content": "Say hello"}]


def test_stream_true_iterates_typed_chunks(openai: ModuleType, server: str) -> None:
    client = openai.OpenAI(api_key="sk-test", base_url=server)
    _SSE.seen.clear()
    with client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
        chunks = list(stream)
    assert [c.choices[0].delta.content for c in chunks] == WORDS
    assert type(chunks[0]).__name__ == "CreateChatCompletionStreamResponse"
    assert all(c.is_valid() for c in chunks)
    assert stream.response.is_closed
    path, body, accept = _SSE.seen[0]
    assert path.endswith("/chat/completions") and body["stream"] is True and accept == "text/event-stream"


async def test_async_stream_true_iterates_typed_chunks(openai: ModuleType, server: str) -> None:
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=server)
    stream = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    texts = [c.choices[0].delta.content async for c in stream]
    assert texts == WORDS
    await client.close()


USAGE = """
from typing_extensions import assert_type

from openai import AsyncOpenAI, OpenAI
from openai._streaming import AsyncStream, Stream
from openai.types.create_chat_completion_response import CreateChatCompletionResponse
from openai.types.create_chat_completion_stream_response import CreateChatCompletionStreamResponse

client = OpenAI(api_key="k")
messages = [{"role": "user", "content": "hi"}]
assert_type(
    client.chat.completions.create(model="gpt-4o", messages=messages, stream=True),
    Stream[CreateChatCompletionStreamResponse],
)
assert_type(client.chat.completions.create(model="gpt-4o", messages=messages, stream=False), CreateChatCompletionResponse)
assert_type(client.chat.completions.create(model="gpt-4o", messages=messages), CreateChatCompletionResponse)


async def main() -> None:
    stream = await AsyncOpenAI(api_key="k").chat.completions.create(model="gpt-4o", messages=messages, stream=True)
    assert_type(stream, AsyncStream[CreateChatCompletionStreamResponse])
"""


@pytest.mark.skipif(not PYRIGHT.exists(), reason="pyright is not installed: run `npm ci` (`make test` does)")
def test_pyright_infers_the_stream_and_the_model(generated: Path) -> None:
    ok = pyright(generated, "usage_stream.py", USAGE)
    # the check must be able to fail
    wrong = USAGE.replace("stream=False), CreateChatCompletionResponse)", "stream=False), Stream[int])")
    bad = pyright(generated, "usage_wrong.py", wrong)
    assert ok.returncode == 0, ok.stdout[-3000:]
    assert bad.returncode != 0 and "assert_type" in bad.stdout, bad.stdout[-3000:]
