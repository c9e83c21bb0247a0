"""sse: iterating server-sent events through the generated `Stream[T]`, against plain httpx.

A local server (its own process, 127.0.0.1, a free port) answers every GET with the same
`text/event-stream` body of EVENTS (100,000) small events, `data: {"index": n, "text": "..."}`,
followed by `data: [DONE]`. Both sides read it over loopback, interleaved, in this process:

  ours   Stream(Chunk, response) of the runtime copied into generated/: the WHATWG decoder,
         then each event validated into `Chunk` (a model of the generated SDK's base class)
  raw    httpx `response.iter_lines()`, `json.loads` of each `data:` line, until `[DONE]`

Every run's result is checked: the number of events and the last index.
Target: ours / raw <= 1.3x (wall time, median of the runs).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from typing import Any

import httpx

from . import _common as c

NAME = "sse"
TARGET = 1.3
DEFAULT_REPEAT = 7
EVENTS = 100_000
GENERATED = c.ROOT / "generated"

_SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    events = int(sys.argv[1])
    body = "".join(
        "data: " + json.dumps({"index": i, "text": "hello"}, separators=(",", ":")) + "\\n\\n" for i in range(events)
    ).encode() + b"data: [DONE]\\n\\n"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT", server.server_address[1], flush=True)
    server.serve_forever()
    """
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sse-events", type=int, default=None, help=f"sse: events per stream (default {EVENTS})")


def _runtime() -> tuple[Any, Any]:
    """`Stream` and a `Chunk` model built on the generated SDK's own model base."""
    sys.path.insert(0, str(GENERATED))
    try:
        from experiments_sdk._models import SdkModel  # type: ignore[import-not-found]
        from experiments_sdk._streaming import Stream  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(GENERATED))

    class Chunk(SdkModel):  # type: ignore[misc, valid-type]
        index: int
        text: str

    return Stream, Chunk


def run(args: argparse.Namespace) -> dict[str, Any]:
    events = getattr(args, "sse_events", None) or EVENTS
    repeat = args.repeat or DEFAULT_REPEAT
    stream_cls, chunk = _runtime()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(events)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line.startswith("PORT "):
            raise c.BenchError(f"the SSE server did not start: {line!r}")
        url = f"http://127.0.0.1:{int(line.split()[1])}/events"
        http = httpx.Client()

        def ours() -> tuple[int, int]:
            with http.stream("GET", url) as response:
                n, last = 0, -1
                for item in stream_cls(chunk, response):
                    n, last = n + 1, item.index
            return n, last

        def raw() -> tuple[int, int]:
            with http.stream("GET", url) as response:
                n, last = 0, -1
                for text in response.iter_lines():
                    if not text.startswith("data: "):
                        continue
                    data = text[6:]
                    if data == "[DONE]":
                        break
                    n, last = n + 1, json.loads(data)["index"]
            return n, last

        def timed(fn: Any) -> Any:
            def case() -> float:
                got: list[tuple[int, int]] = []
                seconds = c.timed_call(lambda: got.append(fn()))
                if got[0] != (events, events - 1):
                    raise c.BenchError(f"{fn.__name__} read {got[0]} (events, last index), not {(events, events - 1)}")
                return seconds

            return case

        print(f"sse: {events:,} events per stream, {repeat} runs per side, interleaved", flush=True)
        times = c.interleave({"ours": timed(ours), "raw": timed(raw)}, repeat, warmup=1, progress="sse")
        http.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    ours_s, raw_s = c.stats(times["ours"]), c.stats(times["raw"])
    r = c.ratio(ours_s, raw_s)
    print(
        c.table(
            ["side", "median", "min", "per event"],
            [
                [name, c.fmt_seconds(s["median"]), c.fmt_seconds(s["min"]), c.fmt_seconds(s["median"] / events)]
                for name, s in (("ours (Stream[Chunk])", ours_s), ("raw (iter_lines + json.loads)", raw_s))
            ],
        )
    )
    print(f"  ours / raw: {r['median']:.2f}x median, {r['min']:.2f}x min (target <= {TARGET}x: {c.verdict(r['median'], TARGET)})")
    return {
        "events": events,
        "repeat": repeat,
        "stats": {"ours": ours_s, "raw": raw_s},
        "ratios": {"time": r},
        "targets": {"time": TARGET},
    }
