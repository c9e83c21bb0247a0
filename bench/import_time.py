"""import: start-up cost of the SDK generated from the GitHub spec, vs `import pydantic, httpx`.

Each run is a fresh interpreter (`python -c CODE`), timed from outside, all
commands interleaved; bytecode is warmed first. Cases (see `cases()`):

- `import PKG`                                   vs `import pydantic, httpx`
- `import PKG.types` + one model attribute        vs `import pydantic, httpx`
- `import PKG` + construct the client(s), when the package has any
                                                 vs `import pydantic, httpx` + `httpx.Client()`,
                                                 and vs `import pydantic, httpx` alone

Ratios are reported on the whole run (the target) and net of a bare
interpreter (`python -c pass`), which shows the import cost alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import py_compile
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _common as c
from .generate import SPEC, find_package, generate_sdk

NAME = "import"
TARGET = 2.0
DEFAULT_REPEAT = 15
MODEL = "Repository"  # the model accessed in the `types` case (falls back to the first one)
BARE = "pass"
BASELINE = "import pydantic, httpx"
BASELINE_MODELS = "import httpx; from pydantic import BaseModel"  # informational


@dataclass
class Case:
    label: str
    ours: str  # code run by `python -c`
    baseline: str
    target: float | None = TARGET


# Run once in a fresh interpreter: which client classes does the package export,
# and with what arguments can they be built offline? Prints JSON.
_DETECT_CLIENTS = r"""
import importlib, inspect, json, sys
pkg = importlib.import_module(sys.argv[1])
names = set(getattr(pkg, "__all__", ())) | set(dir(pkg)) | set(getattr(pkg, "_LAZY", ()))
try:  # clients defined in PKG._client, reachable or not from PKG (dir() misses lazy names)
    mod = importlib.import_module(sys.argv[1] + "._client")
    names |= {n for n, o in vars(mod).items() if inspect.isclass(o) and o.__module__ == mod.__name__}
except ImportError:
    pass
found = []
for name in sorted(names):
    if name.startswith("_"):
        continue
    try:
        obj = getattr(pkg, name)
    except Exception:
        continue
    if not inspect.isclass(obj) or issubclass(obj, BaseException):
        continue
    is_async = hasattr(obj, "__aenter__")
    if not (hasattr(obj, "__enter__") or is_async):
        continue
    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        continue
    if "api_key" not in params and "base_url" not in params:
        continue  # a context manager, but not an API client
    kwargs = {}
    for p in params.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name == "api_key" or p.default is p.empty:
            kwargs[p.name] = "bench-dummy"
    listed = name in set(getattr(pkg, "__all__", ())) | set(dir(pkg))
    entry = {"name": name, "async": is_async, "kwargs": kwargs, "listed": listed}
    try:
        client = obj(**kwargs)
        close = getattr(client, "close", None)
        if close is not None and not is_async:
            close()
    except Exception as exc:
        entry["error"] = f"{type(exc).__name__}: {exc}"
    found.append(entry)
print(json.dumps(found))
"""


def detect_clients(cwd: Path, pkg: str) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-c", _DETECT_CLIENTS, pkg],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise c.BenchError(f"`import {pkg}` failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def pick_model(cwd: Path, pkg: str) -> str:
    code = f"import {pkg}.types as t; print('{MODEL}' if '{MODEL}' in t.__all__ else t.__all__[0])"
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise c.BenchError(f"`import {pkg}.types` failed:\n{proc.stderr[-2000:]}")
    return proc.stdout.strip()


def cases(pkg: str, model: str, clients: list[dict[str, Any]]) -> tuple[list[Case], list[str]]:
    """The measured cases; adding one is one `Case(...)` line."""
    out = [
        Case(f"import {pkg}", f"import {pkg}", BASELINE),
        Case(
            f"import {pkg}.types + .{model}",
            f"import {pkg}.types; {pkg}.types.{model}",
            BASELINE,
        ),
    ]
    # `import pydantic` is lazy: it does not load pydantic.main (BaseModel) until used,
    # which any module defining a model does. Same ours, against that floor:
    out.append(
        Case(
            f"import {pkg}.types + .{model} vs BaseModel loaded",
            f"import {pkg}.types; {pkg}.types.{model}",
            BASELINE_MODELS,
            target=None,
        )
    )
    notes: list[str] = []
    usable = [cl for cl in clients if "error" not in cl]
    hidden = [cl["name"] for cl in clients if not cl.get("listed", True)]
    if hidden:
        notes.append(f"{', '.join(hidden)} not listed by dir({pkg}) / {pkg}.__all__ (lazy names)")
    for cl in clients:
        if "error" in cl:
            notes.append(f"client {cl['name']} found but could not be built offline: {cl['error']}")
    for cl in usable:
        http = "httpx.AsyncClient()" if cl["async"] else "httpx.Client()"
        args = ", ".join(f"{k}={v!r}" for k, v in cl["kwargs"].items())
        out.append(
            Case(
                f"import + {cl['name']}({args})",
                f"import {pkg}; {pkg}.{cl['name']}({args})",
                f"{BASELINE}; {http}",
            )
        )
        # The same command against the bare baseline (the client target as first stated:
        # import + construct <= 2x `import pydantic, httpx`). No extra runs: both
        # commands are already measured.
        out.append(
            Case(
                f"import + {cl['name']}({args}) vs bare import",
                f"import {pkg}; {pkg}.{cl['name']}({args})",
                BASELINE,
            )
        )
    if not usable:
        notes.append(f"no client class exported by {pkg} yet: the import + construct-client case is skipped")
    return out, notes


_LOADED = (
    "import sys; exec(sys.argv[1]); print('\\n'.join(m.__file__ for n, m in list(sys.modules.items())"
    " if n.split('.')[0] == sys.argv[2] and getattr(m, '__file__', None)))"
)


def precompile(cwd: Path, pkg: str, codes: list[str]) -> int:
    """Write .pyc for every module of `pkg` that `codes` import, as an installed package has.

    Site-packages (pydantic, httpx) were byte-compiled at install time, but this
    environment may set PYTHONDONTWRITEBYTECODE, so the freshly generated SDK
    would otherwise be compiled from source on every run.
    """
    files: set[str] = set()
    for code in codes:
        proc = subprocess.run(
            [sys.executable, "-c", _LOADED, code, pkg],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise c.BenchError(f"`python -c {code!r}` failed:\n{proc.stderr[-2000:]}")
        files.update(line for line in proc.stdout.splitlines() if line)
    for f in files:
        py_compile.compile(f, doraise=True)
        if not Path(importlib.util.cache_from_source(f)).exists():
            raise c.BenchError(f"no bytecode written for {f}")
    return len(files)


def _runner(code: str, cwd: Path, cpu: list[float]) -> Any:
    """One fresh interpreter per call: returns its wall time, appends its CPU time (user+sys) to `cpu`."""
    cmd = [sys.executable, "-c", code]

    def run() -> float:
        res = c.run_measured(cmd, cwd=cwd, sample_interval=None)
        if res.returncode != 0:
            raise c.BenchError(f"`python -c {code!r}` failed:\n{res.stderr_tail}")
        cpu.append(res.cpu)
        return res.wall

    return run


def importtime_top(cwd: Path, code: str, top: int = 8) -> dict[str, Any]:
    """One `-X importtime` run: cumulative µs per top-level package, and the slowest modules (self)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    per_pkg: dict[str, int] = {}
    mods: list[tuple[int, str]] = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (x.strip() for x in line[len("import time:") :].split("|"))
        per_pkg[name.split(".")[0]] = per_pkg.get(name.split(".")[0], 0) + int(self_us)
        mods.append((int(self_us), name))
    return {
        "self_us_by_package": dict(sorted(per_pkg.items(), key=lambda kv: -kv[1])[:top]),
        "slowest_modules_self_us": [[n, us] for us, n in sorted(mods, reverse=True)[:top]],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    repeat = max(args.repeat or DEFAULT_REPEAT, 10)
    spec: Path = getattr(args, "spec", SPEC)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        out = Path(tmp) / "sdk"
        print(f"import: generating the SDK from {spec} ...", flush=True)
        generate_sdk(spec, out)
        pkg = find_package(out)
        model = pick_model(out, pkg)
        clients = detect_clients(out, pkg)
        measured, notes = cases(pkg, model, clients)
        for note in notes:
            print(f"  note: {note}")

        commands = {"bare": BARE}
        for case in measured:
            commands.setdefault(case.ours, case.ours)
            commands.setdefault(case.baseline, case.baseline)
        compiled = precompile(out, pkg, [case.ours for case in measured])
        cpu: dict[str, list[float]] = {code: [] for code in commands.values()}
        runners = {code: _runner(code, out, cpu[code]) for code in commands.values()}
        print(
            f"  package {pkg} ({compiled} modules imported, byte-compiled first); "
            f"{len(runners)} commands x {repeat} fresh interpreters, interleaved",
            flush=True,
        )
        times = c.interleave(runners, repeat, warmup=2, progress="import")
        profile = importtime_top(out, measured[1].ours)

    # interleave() ran warm-up calls too: keep the last `repeat` CPU samples.
    s = {code: {**c.stats(t), "cpu": c.stats(cpu[code][-repeat:])} for code, t in times.items()}
    bare, bare_cpu = s[BARE]["median"], s[BARE]["cpu"]["median"]
    headers = ["case", "median", "min", "ratio med", "ratio min", "net med", "cpu ratio", "target"]

    def timing(label: str, st: dict[str, Any]) -> list[str]:
        return [label, c.fmt_seconds(st["median"]), c.fmt_seconds(st["min"])]

    rows = [timing(f"bare interpreter: python -c {BARE}", s[BARE]) + [""] * 5]
    results, seen_baselines = [], set()
    for case in measured:
        o, b = s[case.ours], s[case.baseline]
        r = c.ratio(o, b)
        net = (o["median"] - bare) / max(b["median"] - bare, 1e-9)
        r_cpu = o["cpu"]["median"] / b["cpu"]["median"]
        net_cpu = (o["cpu"]["median"] - bare_cpu) / max(b["cpu"]["median"] - bare_cpu, 1e-9)
        if case.baseline not in seen_baselines:
            seen_baselines.add(case.baseline)
            rows.append(timing(f"baseline: {case.baseline}", b) + [""] * 5)
        target = "(info)" if case.target is None else (f"<= {case.target}x {c.verdict(r['median'], case.target)}")
        rows.append(
            timing(case.label, o) + [f"{r['median']:.2f}x", f"{r['min']:.2f}x", f"{net:.2f}x", f"{r_cpu:.2f}x", target]
        )
        results.append(
            {"case": case.label, "ours": case.ours, "baseline": case.baseline, "ratio": r,
             "ratio_net_of_bare_interpreter": net, "ratio_cpu": r_cpu,
             "ratio_cpu_net_of_bare_interpreter": net_cpu, "target": case.target}
        )  # fmt: skip
    print(c.table(headers, rows))
    print(
        "  ratio: wall time of the whole `python -c` run (the target); net: minus the bare "
        "interpreter; cpu: user+sys time (less sensitive to other load)"
    )
    by_pkg = ", ".join(f"{k} {v / 1e3:.0f} ms" for k, v in profile["self_us_by_package"].items())
    print(f"  -X importtime ({measured[1].label}), self time by package: {by_pkg}")
    return {
        "package": pkg,
        "model": model,
        "repeat": repeat,
        "clients": clients,
        "notes": notes,
        "precompiled_modules": compiled,
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "stats": s,
        "cases": results,
        "importtime": profile,
    }
