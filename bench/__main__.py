"""`python -m bench [NAME ...] [options]`: run every benchmark, or the ones named."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

from . import _common as c

# name -> module (the module exposes NAME, run(args), and optionally add_arguments(parser))
BENCHMARKS = {
    "parse": "bench.parse",
    "generate": "bench.generate",
    "import": "bench.import_time",
    "client": "bench.client",
    "corpus": "bench.corpus",
    "sse": "bench.sse",
    "upload": "bench.upload",
}


def main(argv: list[str] | None = None) -> int:
    modules = {name: importlib.import_module(mod) for name, mod in BENCHMARKS.items()}
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")  # fmt: skip
    p.add_argument("--repeat", type=int, default=None,
                   help="runs per side (default: parse 15, generate 1, import 15 (min 10), client 11, sse 7, upload 3)")  # fmt: skip
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    for mod in modules.values():
        if hasattr(mod, "add_arguments"):
            mod.add_arguments(p)
    args = p.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    failed, missed = [], []
    for name in names:
        t0 = time.perf_counter()
        print(f"== {name} (load average {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
        try:
            payload = modules[name].run(args)
        except c.BenchError as exc:
            print(f"  FAILED, no figures reported: {exc}", file=sys.stderr)
            failed.append(name)
            continue
        payload["elapsed"] = time.perf_counter() - t0
        path = c.write_results(name, payload)
        missed += [f"{name}: {m}" for m in _misses(payload)]
        print(f"  ({payload['elapsed']:.0f} s; results in {path.relative_to(c.ROOT)})\n")
    if failed:
        print(f"benchmarks that could not measure: {', '.join(failed)}", file=sys.stderr)
        return 2
    if missed and args.strict:
        print("targets missed:\n  " + "\n  ".join(missed), file=sys.stderr)
        return 1
    return 0


def _misses(payload: dict) -> list[str]:
    out = []
    targets, ratios = payload.get("targets", {}), payload.get("ratios", {})
    for key, target in targets.items():
        if key in ratios and ratios[key]["median"] > target:
            out.append(f"{key} {ratios[key]['median']:.2f}x > {target}x")
    if "rss_mib" in targets and payload.get("ours_peak_mib", 0) > targets["rss_mib"]:
        out.append(f"peak {payload['ours_peak_mib']:.0f} MiB > {targets['rss_mib']} MiB")
    if "above_baseline_mib" in targets and payload.get("above_baseline_mib", 0) > targets["above_baseline_mib"]:
        out.append(f"{payload['above_baseline_mib']:.0f} MiB above the baseline > {targets['above_baseline_mib']} MiB")
    for case in payload.get("cases", []):
        if case.get("target") is not None and case["ratio"]["median"] > case["target"]:
            out.append(f"{case['case']} {case['ratio']['median']:.2f}x > {case['target']}x")
    return out


if __name__ == "__main__":
    sys.exit(main())
