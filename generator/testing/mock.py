"""Prism, the mock server built from an OpenAPI document: find it, start it, stop it.

`sdksmith mock SPEC` runs it in the foreground; the contract tests of every
generated SDK start one per test session (this file is copied into their
`tests/` as `_prism.py`, so it uses the standard library only).

Prism is run as the installed binary (`node_modules/.bin/prism`), never
through npx: npx leaves an orphaned node process behind when it is killed.
It is stopped by PID, SIGTERM first, then SIGKILL; on Linux it also gets
SIGTERM if the process that started it dies without stopping it.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

__all__ = ["PrismError", "PrismServer", "find_prism", "free_port", "node_available"]

PRISM_ENV = "PRISM_BIN"
_BIN = Path("node_modules") / ".bin" / "prism"


class PrismError(RuntimeError):
    """Prism could not be found, or exited / did not answer while starting."""


def _die_with_parent() -> None:
    """In the child, before exec (Linux): SIGTERM when the parent dies, however it dies (a test
    run killed by a timeout must not leave Prism behind)."""
    try:
        libc: Any = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def node_available() -> bool:
    return shutil.which("node") is not None


def find_prism(start_dirs: Iterable[Path] = ()) -> str | None:
    """The prism executable: $PRISM_BIN, else node_modules/.bin/prism in or above a start dir, else on PATH."""
    configured = os.environ.get(PRISM_ENV)
    if configured:
        return configured
    seen: set[Path] = set()
    for start in [*start_dirs, Path.cwd()]:
        for directory in [start.resolve(), *start.resolve().parents]:
            if directory in seen:
                break
            seen.add(directory)
            candidate = directory / _BIN
            if candidate.is_file():
                return str(candidate)
    return shutil.which("prism")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class PrismServer:
    """One `prism mock SPEC` process on `host:port` (a free port unless given)."""

    def __init__(
        self,
        spec: str | Path,
        *,
        prism: str,
        host: str = "127.0.0.1",
        port: int | None = None,
        startup_timeout: float = 60.0,
        extra_args: Iterable[str] = (),
        passthrough: bool = False,
    ) -> None:
        self.spec = Path(spec)
        self.prism = prism
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.extra_args = list(extra_args)
        self.passthrough = passthrough  # let Prism print to our stdout instead of capturing it
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        return [
            self.prism,
            "mock",
            str(self.spec),
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-v",
            "warn",
            *self.extra_args,
        ]

    def output(self) -> str:
        """What Prism printed so far."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def start(self) -> str:
        """Start Prism and wait until it answers; the base URL. A port taken meanwhile is retried."""
        fixed_port = self.port is not None
        for attempt in range(3):
            if not fixed_port:
                self.port = free_port(self.host)
            try:
                self._start_once()
                return self.base_url
            except PrismError:
                if fixed_port or attempt == 2 or "EADDRINUSE" not in self.output():
                    raise
        raise AssertionError("unreachable")

    def _start_once(self) -> None:
        self.close()
        self._log = None if self.passthrough else tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT if self._log is not None else None,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
            )
        except OSError as exc:
            raise PrismError(f"cannot run {self.prism}: {exc}") from None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self.process.poll()
            if code is not None:
                output = self.output()
                self.process = None
                raise PrismError(f"Prism exited with status {code} while starting:\n{output}")
            if self._answers():
                return
            if time.monotonic() > deadline:
                output = self.output()
                self.stop()
                raise PrismError(f"Prism did not answer within {self.startup_timeout:.0f} s:\n{output}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        """Whether anything answers HTTP on the port (any status counts)."""
        try:
            with urllib.request.urlopen(self.base_url + "/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM the process, SIGKILL it if it is still there after `grace` seconds."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.kill(process.pid, signal.SIGTERM)
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass

    def wait(self) -> int:
        """Block until Prism exits; its exit status."""
        if self.process is None:
            return 0
        return self.process.wait()

    def close(self) -> None:
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> PrismServer:  # noqa: PYI034
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
