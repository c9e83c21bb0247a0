"""A small, fast HTTP/1.1 keep-alive server for the `client` benchmark (loopback only).

Run as a script: `python bench/_http_server.py --payloads FILE [--lifetime S]`.
It binds 127.0.0.1 on a free port, prints `PORT <n>` on stdout, and serves

    GET <route prefix><id>   ->  200, the route's JSON payload with `"id"` set to <id>
    GET /__bench/stats       ->  200, {"counts": {route: requests served}, "other": n}
    anything else            ->  404 (a JSON error body)

FILE is JSON: {"<route prefix>": <payload object>, ...}, e.g. {"/v1/experiments/": {...}}.
The id is the last path segment, percent-decoded, so every response differs
and a client that parsed it can be checked against the id it asked for.

It is an asyncio.Protocol that parses just what the benchmark sends (request
line, headers, Content-Length body), so that server time dilutes the client
ratios as little as possible. It stops on SIGTERM/SIGINT, when its parent
process goes away, or after `--lifetime` seconds, whichever comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from urllib.parse import unquote

_STATUS = {200: b"OK", 400: b"Bad Request", 404: b"Not Found"}


class _State:
    def __init__(self, payloads: dict[str, dict]) -> None:
        # route prefix (bytes) -> (JSON body before the id, JSON body after the id)
        self.routes: list[tuple[bytes, bytes, bytes]] = []
        for prefix, payload in payloads.items():
            body = {"id": "\x00ID\x00", **{k: v for k, v in payload.items() if k != "id"}}
            text = json.dumps(body, separators=(",", ":"))
            head, tail = text.split(json.dumps("\x00ID\x00"))
            self.routes.append((prefix.encode(), head.encode(), tail.encode()))
        self.counts = {prefix: 0 for prefix in payloads}
        self.other = 0


def _response(status: int, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
        % (status, _STATUS.get(status, b"Error"), len(body))
    ) + body


class _Protocol(asyncio.Protocol):
    def __init__(self, state: _State) -> None:
        self.state = state
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        out = []
        close = False
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = self.buf[:end]
            lower = head.lower()
            length = 0
            i = lower.find(b"\r\ncontent-length:")
            if i >= 0:
                j = lower.find(b"\r\n", i + 2)
                length = int(lower[i + 17 : j if j >= 0 else len(lower)].strip() or 0)
            if len(self.buf) < end + 4 + length:
                break  # the body has not all arrived yet
            self.buf = self.buf[end + 4 + length :]
            if b"\r\nconnection: close" in lower:
                close = True
            out.append(self._handle(head))
            if close:
                break
        if out and self.transport is not None:
            self.transport.write(b"".join(out))
            if close:
                self.transport.close()

    def _handle(self, head: bytes) -> bytes:
        line = head.split(b"\r\n", 1)[0]
        try:
            method, target, _ = line.split(b" ", 2)
        except ValueError:
            return _response(400, b'{"error":"bad request line"}')
        path = target.split(b"?", 1)[0]
        st = self.state
        if method == b"GET":
            for prefix, before, after in st.routes:
                if path.startswith(prefix) and b"/" not in path[len(prefix) :]:
                    ident = unquote(path[len(prefix) :].decode("latin-1"))
                    st.counts[prefix.decode()] += 1
                    return _response(200, before + json.dumps(ident).encode() + after)
            if path == b"/__bench/stats":
                return _response(200, json.dumps({"counts": st.counts, "other": st.other}).encode())
        st.other += 1
        return _response(404, b'{"error":"not found"}')


async def _serve(payloads: dict[str, dict], lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    state = _State(payloads)
    server = await loop.create_server(lambda: _Protocol(state), "127.0.0.1", 0, backlog=128)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    parent = os.getppid()
    deadline = loop.time() + lifetime
    while not stop.is_set() and loop.time() < deadline and os.getppid() == parent:
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            pass
    server.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--payloads", required=True, help="JSON file: route prefix -> payload")
    p.add_argument("--lifetime", type=float, default=1800.0, help="exit after this many seconds")
    args = p.parse_args()
    with open(args.payloads) as fh:
        payloads = json.load(fh)
    asyncio.run(_serve(payloads, args.lifetime))
    return 0


if __name__ == "__main__":
    sys.exit(main())
