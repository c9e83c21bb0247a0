"""client: per-request overhead of the generated client, over loopback HTTP/1.1 keep-alive.

Each run is REQUESTS (2,000) sequential `GET experiment by id` calls to a local
server (bench/_http_server.py, its own process, 127.0.0.1, a free port), with a
different id per call; all six loops run in this process, interleaved:

  ours_sync        Experiments(base_url=...).experiments.retrieve(id)
  raw_sync         httpx.Client().get(url) + json.loads(response.content)
  stainless_sync   braintrust_api.Braintrust(base_url=...).experiments.retrieve(id)
  ours_async / raw_async / stainless_async: the same with the async clients,
                   awaited one after another in one event loop

Ours is the experiments SDK generated from spec/experiments.yaml by the current
templates (or the committed generated/ with --client-sdk committed); the
Stainless SDK is the published `braintrust-api` package (PyPI), which calls
GET /v1/experiment/{id}. All clients are built with default settings (retries
on: max_retries=2) and a dummy API key, and kept across runs (one keep-alive
connection each). Every call's result is checked: the expected model class and
the id that was asked for; the server's request counts are checked at the end
(no retries, no 404s).

Targets: ours / raw <= 1.25x, ours / Stainless <= 1.0x (sync and async).
When one is missed (or with --profile), the sync request path is profiled.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import importlib
import io
import json
import pstats
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from . import _common as c
from .generate import generate_sdk

NAME = "client"
TARGET_RAW = 1.25  # ours / raw httpx + json.loads
TARGET_STAINLESS = 1.0  # ours / braintrust-api
DEFAULT_REPEAT = 11
REQUESTS = 2000
SPEC = c.ROOT / "spec" / "experiments.yaml"
SERVER = Path(__file__).resolve().parent / "_http_server.py"
OURS_ROUTE = "/v1/experiments/"  # base_url .../v1 + the spec's /experiments/{experiment_id}
STAINLESS_ROUTE = "/v1/experiment/"  # what braintrust_api's experiments.retrieve() calls
SERVER_LIFETIME = 1800.0  # seconds: the server exits by itself after this, whatever happens

# The same experiment, as each API describes it: 7 fields each, the same metadata.
# (The server replaces "id" with the id in the path.) Ours parses two datetimes and an
# enum; Stainless' model one datetime: if anything, ours has the heavier payload.
_METADATA = {
    "model": "gpt-4o-mini",
    "temperature": 0.2,
    "dataset": "qa-regression-v3",
    "tags": ["nightly", "regression"],
}
OURS_PAYLOAD = {
    "id": "",
    "name": "gpt-4o-mini baseline, temperature 0.2",
    "pipelineId": "6a0f3c2e-91d4-4b7a-8e15-2c9d7f4b1a60",
    "metadata": _METADATA,
    "status": "EVALUATING",
    "createdAt": "2026-11-20T10:15:30.123456Z",
    "updatedAt": "2026-11-21T08:02:11.654321Z",
}
STAINLESS_PAYLOAD = {
    "id": "",
    "name": "gpt-4o-mini baseline, temperature 0.2",
    "project_id": "6a0f3c2e-91d4-4b7a-8e15-2c9d7f4b1a60",
    "public": False,
    "metadata": _METADATA,
    "created": "2026-11-20T10:15:30.123456Z",
    "user_id": "0d6f4a1b-3c2e-4f5a-9b8c-7e6d5c4b3a21",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--requests", type=int, default=REQUESTS,
                   help=f"client: sequential requests per run (default {REQUESTS})")  # fmt: skip
    p.add_argument("--client-sdk", choices=("fresh", "committed"), default="fresh",
                   help="client: generate the experiments SDK from spec/ now (default), "
                        "or use the committed generated/")  # fmt: skip
    p.add_argument("--profile", action="store_true",
                   help="client: profile the sync request path even when targets are met")  # fmt: skip


# ---------------------------------------------------------------- the server


class Server:
    """bench/_http_server.py in its own process; stopped by PID (and it stops itself anyway)."""

    def __init__(self, payloads: dict[str, dict[str, Any]], tmp: Path) -> None:
        path = tmp / "payloads.json"
        path.write_text(json.dumps(payloads))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(SERVER),
                "--payloads",
                str(path),
                "--lifetime",
                str(SERVER_LIFETIME),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        # The server prints its port once listening; give up after 30 s.
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            self.stop()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise c.BenchError(f"the benchmark server did not start: {line!r} {err[-2000:]}")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def stats(self) -> dict[str, Any]:
        with httpx.Client() as http:
            return http.get(self.url + "/__bench/stats").json()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM to this PID only
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------- the SDKs


def load_ours(mode: str, tmp: Path) -> tuple[Any, str]:
    if mode == "committed":
        root = c.ROOT / "generated"
    else:
        root = tmp / "sdk"
        generate_sdk(SPEC, root)
    sys.path.insert(0, str(root))
    for name in [m for m in sys.modules if m == "experiments_sdk" or m.startswith("experiments_sdk.")]:
        del sys.modules[name]  # another benchmark may have imported the committed copy
    sdk = importlib.import_module("experiments_sdk")
    if not sdk.__file__.startswith(str(root)):
        raise c.BenchError(f"imported experiments_sdk from {sdk.__file__}, not {root}")
    return sdk, str(root)


def load_stainless() -> Any:
    try:
        import braintrust_api
    except ImportError as exc:
        raise c.BenchError(f"braintrust-api is not installed ({exc}): `.venv/bin/pip install -e '.[dev]'`") from None
    return braintrust_api


# ---------------------------------------------------------------- the loops


def make_cases(sdk: Any, bt: Any, base: str, ids: list[str], loop: asyncio.AbstractEventLoop):
    """name -> callable running one loop over `ids` (untimed); and the clients to close."""
    from braintrust_api.types import Experiment as TheirExperiment
    from experiments_sdk.types import Experiment as OurExperiment

    ours_url = base + "/v1"
    ours = sdk.Experiments(api_key="bench-dummy", base_url=ours_url)
    theirs = bt.Braintrust(api_key="bench-dummy", base_url=base)
    raw = httpx.Client()

    async def make_async() -> tuple[Any, Any, Any]:
        return (
            sdk.AsyncExperiments(api_key="bench-dummy", base_url=ours_url),
            bt.AsyncBraintrust(api_key="bench-dummy", base_url=base),
            httpx.AsyncClient(),
        )

    a_ours, a_theirs, a_raw = loop.run_until_complete(make_async())

    def bad(what: str, got: Any, want: str) -> c.BenchError:
        return c.BenchError(f"{what}: got {type(got).__name__} {getattr(got, 'id', got)!r}, want id {want!r}")

    def ours_sync() -> None:
        retrieve = ours.experiments.retrieve
        for i in ids:
            e = retrieve(i)
            if type(e) is not OurExperiment or e.id != i:
                raise bad("ours_sync", e, i)

    def stainless_sync() -> None:
        retrieve = theirs.experiments.retrieve
        for i in ids:
            e = retrieve(i)
            if type(e) is not TheirExperiment or e.id != i:
                raise bad("stainless_sync", e, i)

    def raw_sync() -> None:
        get = raw.get
        for i in ids:
            r = get(f"{ours_url}/experiments/{i}")
            if r.status_code != 200:
                raise bad("raw_sync", r, i)
            d = json.loads(r.content)
            if d["id"] != i:
                raise bad("raw_sync", d, i)

    async def ours_async_loop() -> None:
        retrieve = a_ours.experiments.retrieve
        for i in ids:
            e = await retrieve(i)
            if type(e) is not OurExperiment or e.id != i:
                raise bad("ours_async", e, i)

    async def stainless_async_loop() -> None:
        retrieve = a_theirs.experiments.retrieve
        for i in ids:
            e = await retrieve(i)
            if type(e) is not TheirExperiment or e.id != i:
                raise bad("stainless_async", e, i)

    async def raw_async_loop() -> None:
        get = a_raw.get
        for i in ids:
            r = await get(f"{ours_url}/experiments/{i}")
            if r.status_code != 200:
                raise bad("raw_async", r, i)
            d = json.loads(r.content)
            if d["id"] != i:
                raise bad("raw_async", d, i)

    cases: dict[str, Callable[[], None]] = {
        "ours_sync": ours_sync,
        "raw_sync": raw_sync,
        "stainless_sync": stainless_sync,
        "ours_async": lambda: loop.run_until_complete(ours_async_loop()),
        "raw_async": lambda: loop.run_until_complete(raw_async_loop()),
        "stainless_async": lambda: loop.run_until_complete(stainless_async_loop()),
    }

    def close() -> None:
        ours.close()
        theirs.close()
        raw.close()

        async def aclose() -> None:
            await a_ours.close()
            await a_theirs.close()
            await a_raw.aclose()

        loop.run_until_complete(aclose())

    checks = {
        "ours": (ours, OurExperiment),
        "stainless": (theirs, TheirExperiment),
    }
    return cases, close, checks


def check_first_calls(checks: dict[str, Any], ident: str) -> dict[str, Any]:
    """One call each before timing: the right model, the right id, every field parsed cleanly."""
    out = {}
    ours, our_cls = checks["ours"]
    e = ours.experiments.retrieve(ident)
    if type(e) is not our_cls or e.id != ident:
        raise c.BenchError(f"ours returned {e!r}")
    invalid = e.invalid_fields() if hasattr(e, "invalid_fields") else None
    if invalid:
        raise c.BenchError(f"ours parsed the payload with invalid fields: {invalid}")
    out["ours"] = {"class": f"{our_cls.__module__}.{our_cls.__name__}", "status": str(e.status)}
    theirs, their_cls = checks["stainless"]
    e2 = theirs.experiments.retrieve(ident)
    if type(e2) is not their_cls or e2.id != ident or e2.project_id != STAINLESS_PAYLOAD["project_id"]:
        raise c.BenchError(f"braintrust_api returned {e2!r}")
    out["stainless"] = {"class": f"{their_cls.__module__}.{their_cls.__name__}"}
    return out


def _timer(fn: Callable[[], None], cpu: list[float]) -> Callable[[], float]:
    """One run of `fn`: returns its wall time, appends this process's CPU time to `cpu`."""

    def run() -> float:
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        wall = time.perf_counter() - t0
        cpu.append(time.process_time() - c0)
        return wall

    return run


# ---------------------------------------------------------------- profiling


def profile_sync(case: Callable[[], None], sdk_root: str, top: int = 18) -> dict[str, Any]:
    """cProfile of one ours_sync loop: top own-time functions, and cumulative time of the
    main stages of the request path (per request)."""
    prof = cProfile.Profile()
    prof.enable()
    case()
    prof.disable()
    text = io.StringIO()
    st = pstats.Stats(prof, stream=text)
    st.sort_stats("tottime").print_stats(top)
    raw: dict[Any, Any] = st.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, _, tt, _) in raw.values())

    def where(key: tuple[str, int, str]) -> str:
        file, line, func = key
        if file.startswith(sdk_root):
            file = "experiments_sdk" + file[len(sdk_root) + len("/experiments_sdk") :]
        elif "site-packages/" in file:
            file = file.split("site-packages/", 1)[1]
        return f"{file}:{line}({func})" if line else func

    top_own = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    own = [[where(k), v[1], v[2]] for k, v in top_own]
    # Cumulative time (and calls) of the main stages of the request path. A name matched
    # in several places is summed, so keep to functions that do not call each other.
    stage_names = [
        ("experiments_sdk", "retrieve"), ("experiments_sdk", "path_template"),
        ("experiments_sdk", "_send"), ("experiments_sdk", "_build_request"),
        ("httpx/_client.py", "build_request"), ("httpx/_urlparse.py", "urlparse"),
        ("httpx/_client.py", "_merge_headers"), ("experiments_sdk", "_encode_query"),
        ("httpx/_client.py", "send"), ("h11/_headers.py", "normalize_and_validate"),
        ("experiments_sdk", "_log_response"), ("experiments_sdk", "parse_content"),
        ("httpx/_models.py", "read"),
    ]  # fmt: skip
    stages = []
    for mod, func in stage_names:
        hits = [v for k, v in raw.items() if k[2] == func and mod in where(k)]
        if hits:
            stages.append([f"{mod}:{func}", sum(v[1] for v in hits), sum(v[3] for v in hits)])
    return {"text": text.getvalue(), "total_s": total, "own": own, "stages": stages}


# ---------------------------------------------------------------- run


def run(args: argparse.Namespace) -> dict[str, Any]:
    repeat = args.repeat or DEFAULT_REPEAT
    n = args.requests
    bt = load_stainless()
    with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"client: loading the experiments SDK ({args.client_sdk}) ...", flush=True)
        sdk, sdk_root = load_ours(args.client_sdk, tmp)
        server = Server({OURS_ROUTE: OURS_PAYLOAD, STAINLESS_ROUTE: STAINLESS_PAYLOAD}, tmp)
        loop = asyncio.new_event_loop()
        close: Callable[[], None] | None = None
        try:
            ids = [f"exp-{k:06d}-3f9c2a7e" for k in range(n)]
            cases, close, checks = make_cases(sdk, bt, server.url, ids, loop)
            first = check_first_calls(checks, "exp-check")
            print(
                f"  server pid {server.proc.pid} on {server.url}; {n} requests per run; "
                f"{len(cases)} loops x {repeat} runs, interleaved (+1 warm-up)",
                flush=True,
            )
            cpu: dict[str, list[float]] = {name: [] for name in cases}
            times = c.interleave(
                {name: _timer(f, cpu[name]) for name, f in cases.items()},
                repeat,
                warmup=1,
                progress="client",
            )
            served = server.stats()
            # Our route: ours + raw, sync + async; theirs: sync + async; + the first checks.
            want = {
                OURS_ROUTE: 4 * n * (repeat + 1) + 1,
                STAINLESS_ROUTE: 2 * n * (repeat + 1) + 1,
            }
            if served["counts"] != want or served["other"]:
                raise c.BenchError(f"server saw {served}, expected {want} (retries? wrong paths?)")
            # interleave() ran a warm-up call first: keep the last `repeat` CPU samples.
            s = {name: {**c.stats(t), "cpu": c.stats(cpu[name][-repeat:])} for name, t in times.items()}
            pairs = {
                f"{side}_vs_{base}": (f"ours_{side}", f"{base}_{side}")
                for side in ("sync", "async")
                for base in ("raw", "stainless")
            }
            ratios = {k: c.ratio(s[a], s[b]) for k, (a, b) in pairs.items()}
            ratios_cpu = {k: c.ratio(s[a]["cpu"], s[b]["cpu"]) for k, (a, b) in pairs.items()}
            # Each round ran every loop once, back to back: the median of the per-round
            # ratios cancels slow drifts in load that the ratio of medians does not.
            ratios_paired = {
                k: statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))
                for k, (a, b) in pairs.items()
            }
            targets = {k: TARGET_RAW if k.endswith("raw") else TARGET_STAINLESS for k in pairs}
            missed = [k for k, t in targets.items() if ratios[k]["median"] > t]
            profile = None
            if missed or args.profile:
                profile = profile_sync(cases["ours_sync"], sdk_root)
            runtime_sha = c.sha256(Path(sdk_root) / "experiments_sdk" / "_base_client.py")
        finally:
            if close is not None:
                close()
            loop.close()
            server.stop()
            if sdk_root in sys.path:
                sys.path.remove(sdk_root)

    per_req = {
        name: {
            "median": st["median"] / n,
            "min": st["min"] / n,
            "cpu_median": st["cpu"]["median"] / n,
            "cpu_min": st["cpu"]["min"] / n,
        }
        for name, st in s.items()
    }
    rows = []
    for side in ("sync", "async"):
        for who in ("raw", "stainless", "ours"):
            name = f"{who}_{side}"
            st, pr = s[name], per_req[name]
            cells = [name, c.fmt_seconds(st["median"]), c.fmt_seconds(st["min"]),
                     f"{pr['median'] * 1e6:.0f} µs", f"{pr['cpu_median'] * 1e6:.0f} µs"]  # fmt: skip
            if who == "ours":
                for base in ("raw", "stainless"):
                    key = f"{side}_vs_{base}"
                    r, rc, t = ratios[key], ratios_cpu[key], targets[key]
                    cells.append(
                        f"{r['median']:.2f}x / {r['min']:.2f}x (cpu {rc['median']:.2f}x) "
                        f"<= {t} {c.verdict(r['median'], t)}"
                    )
            else:
                cells += ["", ""]
            rows.append(cells)
    headers = ["loop", "median", "min", "wall/req", "cpu/req", "vs raw: med / min", "vs stainless"]
    print(c.table(headers, rows))
    over = {
        side: [(per_req[f"ours_{side}"][k] - per_req[f"raw_{side}"][k]) * 1e6 for k in ("median", "cpu_median")]
        for side in ("sync", "async")
    }
    print(
        "  wall time of each loop (the targets), and this process's CPU time (user+sys; "
        "the server runs apart, so this is the client's own work, less sensitive to load)"
    )
    print(
        f"  ours over raw httpx + json.loads, per request: sync {over['sync'][0]:+.0f} µs wall / "
        f"{over['sync'][1]:+.0f} µs cpu, async {over['async'][0]:+.0f} µs wall / "
        f"{over['async'][1]:+.0f} µs cpu; the server counted every request (no retries, no 404s)"
    )
    print(
        "  paired (median of per-round ratios, wall): "
        + ", ".join(f"{k.replace('_vs_', ' vs ')} {v:.2f}x" for k, v in ratios_paired.items())
    )
    if profile is not None:
        why = f"targets missed: {', '.join(missed)}" if missed else "--profile"
        print(f"  profile of one ours_sync loop ({why}; cProfile inflates Python-heavy code):")
        for name, calls, cum in profile["stages"]:
            print(f"    {cum / n * 1e6:7.1f} µs/request cumulative, {calls / n:4.1f} calls/request  {name}")
        print("    top own time:")
        for where, calls, tt in profile["own"][:12]:
            print(f"    {tt / n * 1e6:7.1f} µs/request own, {calls / n:5.1f} calls/request  {where}")

    return {
        "requests": n,
        "repeat": repeat,
        "sdk": args.client_sdk,
        "spec": str(SPEC),
        "runtime_sha": runtime_sha,
        "stainless": {"package": "braintrust-api", "version": bt.__version__},
        "httpx": httpx.__version__,
        "payload_bytes": {
            "ours": len(json.dumps(OURS_PAYLOAD, separators=(",", ":"))),
            "stainless": len(json.dumps(STAINLESS_PAYLOAD, separators=(",", ":"))),
        },
        "first_calls": first,
        "stats": s,
        "per_request_s": per_req,
        "ratios": ratios,
        "ratios_cpu": ratios_cpu,
        "ratios_paired": ratios_paired,
        "targets": targets,
        "profile": profile,
    }
