"""Multipart upload of a large file: the client's peak memory stays flat (the file is streamed).

The SDK generated from tests/fixtures/bodies.yaml uploads a file with `uploads.create(file=Path)`
to a local server that reads and discards the body. Each run is a fresh process whose peak RSS
the kernel reports (wait4); the baseline is the same process uploading a 1-byte file, in the same
run. The figure is the peak above that baseline, median over the runs; target: under 50 MiB for
a 200 MB file. As a check that the measure sees buffering, one run uploads the same file as
`bytes` (read whole first): its peak above the baseline must show the file's size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import _common as c

NAME = "upload"
TARGET_ABOVE_BASELINE_MIB = 50
SPEC = c.ROOT / "tests" / "fixtures" / "bodies.yaml"

# One upload in a fresh interpreter: argv = SDK root, base URL, file, how the file is given.
CLIENT = """
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
import bodies

path = Path(sys.argv[3])
file = path if sys.argv[4] == "path" else path.read_bytes()
with bodies.Bodies(base_url=sys.argv[2], max_retries=0) as client:
    upload = client.uploads.create(file=file, purpose="batch")
assert upload.bytes_ is not None and upload.bytes_ > path.stat().st_size, upload
"""


class _Sink(BaseHTTPRequestHandler):
    """Reads a request body in chunks, keeps only its length, answers it as an upload."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        left = int(self.headers.get("content-length") or 0)
        while left:
            left -= len(self.rfile.read(min(left, 1 << 20)))
        received = int(self.headers.get("content-length") or 0)
        body = json.dumps({"id": "upload-1", "bytes": received}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--upload-mb", type=int, default=200, help="upload: size of the file (default 200 MB)")


def _write_file(path: Path, size: int) -> None:
    block = bytes(range(256)) * 4096  # 1 MiB, not all zeros
    with path.open("wb") as out:
        left = size
        while left:
            left -= out.write(block[: min(left, len(block))])


def _peak(sdk: Path, url: str, file: Path, how: str) -> int:
    res = c.run_measured([sys.executable, "-c", CLIENT, str(sdk), url, str(file), how], sample_interval=None)
    if res.returncode != 0:
        raise c.BenchError(f"the upload ({how}, {file.stat().st_size} bytes) failed:\n{res.stderr_tail}")
    return res.maxrss


def run(args: argparse.Namespace) -> dict[str, Any]:
    repeat = args.repeat or 3
    size = args.upload_mb * 1000 * 1000
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        root = Path(tmp)
        gen = c.run_measured(
            [sys.executable, "-m", "generator", "generate", str(SPEC), "-o", str(root / "sdk"), "-q"],
            cwd=c.ROOT,
            sample_interval=None,
        )
        if gen.returncode != 0:
            raise c.BenchError(f"generating the SDK failed:\n{gen.stderr_tail}")
        big, small = root / "big.bin", root / "small.bin"
        _write_file(big, size)
        _write_file(small, 1)
        with _server() as url:
            runs = c.interleave(
                {
                    "baseline": lambda: _peak(root / "sdk", url, small, "path"),
                    "streamed": lambda: _peak(root / "sdk", url, big, "path"),
                },
                repeat,
                warmup=0,
                progress="upload",
            )
            buffered = _peak(root / "sdk", url, big, "bytes")
    base = statistics.median(runs["baseline"])
    above = [(peak - base) / c.MIB for peak in runs["streamed"]]
    buffered_above = (buffered - base) / c.MIB
    if buffered_above < size / c.MIB * 0.9:
        raise c.BenchError(f"a buffered upload shows only {buffered_above:.0f} MiB above the baseline")
    median_above = statistics.median(above)
    print(
        c.table(
            ["upload", "peak RSS (median)", "above baseline"],
            [
                ["1 byte (baseline)", c.fmt_mib(base), "-"],
                [
                    f"{args.upload_mb} MB from a path (streamed)",
                    c.fmt_mib(statistics.median(runs["streamed"])),
                    f"{median_above:.1f} MiB {c.verdict(median_above, TARGET_ABOVE_BASELINE_MIB)}",
                ],
                [f"{args.upload_mb} MB as bytes (check)", c.fmt_mib(buffered), f"{buffered_above:.0f} MiB"],
            ],
        )
    )
    return {
        "file_bytes": size,
        "runs": {name: [r / c.MIB for r in values] for name, values in runs.items()},
        "baseline_peak_mib": base / c.MIB,
        "above_baseline_mib": median_above,
        "above_baseline_runs_mib": above,
        "buffered_above_baseline_mib": buffered_above,
        "targets": {"above_baseline_mib": TARGET_ABOVE_BASELINE_MIB},
    }
