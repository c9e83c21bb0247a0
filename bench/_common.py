"""Shared helpers: interleaved timing, statistics, process-tree memory, tables, results."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the repository
RESULTS = Path(__file__).resolve().parent / "results"
VENV_BIN = Path(sys.executable).parent  # `.venv/bin` when run as `.venv/bin/python -m bench`
MIB = 1024 * 1024


class BenchError(Exception):
    """The benchmark would measure the wrong thing (or ours failed): no figures are reported."""


# ---------------------------------------------------------------- statistics


def stats(samples: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "runs": list(samples),
    }


def ratio(ours: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, float]:
    """ours / baseline, on medians and on minimums."""
    return {"median": ours["median"] / base["median"], "min": ours["min"] / base["min"]}


# ---------------------------------------------------------------- timing


def interleave(
    cases: Mapping[str, Callable[[], float]],
    repeat: int,
    warmup: int = 1,
    progress: str = "",
) -> dict[str, list[float]]:
    """Run every case `repeat` times, alternating them: A B, B A, A B, ...

    Each callable performs one run and returns the seconds it measured (so a
    case can time a subprocess, or exclude its own setup). Reversing the order
    every round keeps slow drifts (thermal, other tenants) from favouring one side.
    """
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            cases[name]()
    out: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeat):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            out[name].append(cases[name]())
        if progress and sys.stderr.isatty():
            print(f"\r  {progress}: {i + 1}/{repeat}", end="", file=sys.stderr, flush=True)
    if progress and sys.stderr.isatty():
        print("\r" + " " * (len(progress) + 20) + "\r", end="", file=sys.stderr, flush=True)
    return out


def timed_call(fn: Callable[[], Any], gc_off: bool = False) -> float:
    """Seconds for one in-process call; garbage from earlier runs is collected first.

    The cyclic GC stays on (as in an application) unless `gc_off`: allocating
    many containers triggers collections whose cost grows with the heap, which
    both sides pay and which dilutes ratios.
    """
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


# ---------------------------------------------------------------- processes and memory


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces or parentheses.
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    """Current RSS summed over `root` and all its descendants (Linux /proc)."""
    kids = _children_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_bytes(pid)
        todo.extend(kids.get(pid, ()))
    return total


@dataclass
class ProcResult:
    returncode: int
    wall: float  # seconds, spawn to exit
    maxrss: int  # bytes: largest single process of the tree (wait4 rusage: child + waited descendants)
    tree_peak: int  # bytes: largest sampled sum over the live tree (sampled every `interval`)
    cpu: float = 0.0  # seconds, user + system, of the process and its waited descendants
    stderr_tail: str = ""


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    sample_interval: float | None = 0.05,
) -> ProcResult:
    """Run `cmd` once: wall time, peak RSS of its largest process, sampled peak of the whole tree.

    `maxrss` comes from wait4() (the kernel's exact figure, equivalent to
    getrusage(RUSAGE_CHILDREN) in a fresh process); it is per process, so a
    tool that keeps its own memory while a subprocess runs (sdksmith while
    ruff formats) can use more at once: `tree_peak` samples that sum.
    """
    err_path = RESULTS / f".stderr-{os.getpid()}.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
                done.wait(sample_interval)

        sampler = None
        if sample_interval:
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        if sampler is not None:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    tail = err_path.read_text(errors="replace")[-2000:]
    err_path.unlink(missing_ok=True)
    # ru_maxrss is in KiB on Linux.
    cpu = rusage.ru_utime + rusage.ru_stime
    return ProcResult(proc.returncode, wall, rusage.ru_maxrss * 1024, max(peak, 0), cpu, tail)


# ---------------------------------------------------------------- environment


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def environment() -> dict[str, Any]:
    """What the figures depend on. Others edit the tree concurrently: record its state too."""
    import pydantic
    import pydantic_core

    dirty = [line for line in _git("status", "--porcelain").splitlines() if line]
    return {
        "python": sys.version.split()[0],
        "pydantic": pydantic.VERSION,
        "pydantic_core": pydantic_core.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "git_head": _git("rev-parse", "--short", "HEAD"),
        "git_dirty_paths": len(dirty),
        "runtime_sha": {
            "templates/runtime/_models.py": sha256(ROOT / "templates/runtime/_models.py"),
            "generated/experiments_sdk/_models.py": sha256(ROOT / "generated/experiments_sdk/_models.py"),
        },
    }


# ---------------------------------------------------------------- output


def fmt_seconds(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def fmt_mib(b: float) -> str:
    return f"{b / MIB:.0f} MiB"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISS"


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    body = {"benchmark": name, "time": stamp, "environment": environment(), **payload}
    text = json.dumps(body, indent=2, default=str) + "\n"
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(text)
    (RESULTS / f"{name}-latest.json").write_text(text)
    return path
