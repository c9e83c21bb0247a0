"""generate: sdksmith vs datamodel-codegen on the GitHub spec: wall time and peak memory.

Ours:      sdksmith generate SPEC -o TMP/sdk -q
Baseline:  datamodel-codegen --input SPEC --input-file-type openapi
               --output-model-type pydantic_v2.BaseModel --output TMP/x.py

Each run is a fresh process into a fresh directory. Memory: `maxrss` is the
largest single process (wait4 rusage, i.e. getrusage(RUSAGE_CHILDREN));
`tree peak` is the sampled sum over the live process tree (sdksmith keeps its
own memory while ruff formats the output, so the two can add up).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import _common as c

NAME = "generate"
SPEC = Path("/work/shared/specs/github.json")
TARGET_TIME = 0.1  # ours / datamodel-codegen wall time
TARGET_RSS_MIB = 400
DEFAULT_REPEAT = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--spec", type=Path, default=SPEC, help="generate/import: the spec to use")


def _tool(name: str) -> str:
    path = c.VENV_BIN / name
    if not path.exists():
        found = shutil.which(name)
        if not found:
            raise c.BenchError(f"{name} not found next to {c.VENV_BIN} nor on PATH")
        return found
    return str(path)


def find_package(out: Path) -> str:
    """The import name of the SDK sdksmith wrote into `out` (it is derived from the spec)."""
    pkgs = sorted(
        p.name for p in out.iterdir() if p.is_dir() and (p / "__init__.py").exists() and (p / "types").is_dir()
    )
    if len(pkgs) != 1:
        raise c.BenchError(f"expected one generated package in {out}, found {pkgs}")
    return pkgs[0]


def generate_sdk(spec: Path, out: Path) -> c.ProcResult:
    res = c.run_measured([_tool("sdksmith"), "generate", str(spec), "-o", str(out), "-q"])
    if res.returncode != 0:
        raise c.BenchError(f"sdksmith generate failed ({res.returncode}):\n{res.stderr_tail}")
    return res


def _check_ours(out: Path) -> dict[str, Any]:
    pkg = find_package(out)
    modules = list((out / pkg / "types").glob("*.py"))
    classes = sum(p.read_text().count("\nclass ") for p in modules)
    if len(modules) < 100 or classes < 100:
        raise c.BenchError(f"sdksmith wrote only {len(modules)} modules / {classes} classes")
    return {"package": pkg, "modules": len(modules), "classes": classes}


def _check_theirs(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise c.BenchError(f"datamodel-codegen wrote nothing at {path}")
    text = path.read_text()
    classes = text.count("\nclass ")
    if classes < 100:
        raise c.BenchError(f"datamodel-codegen wrote only {classes} classes")
    return {"classes": classes, "bytes": len(text)}


def run(args: argparse.Namespace) -> dict[str, Any]:
    spec: Path = args.spec
    repeat = args.repeat or DEFAULT_REPEAT
    if not spec.exists():
        raise c.BenchError(f"spec not found: {spec}")
    print(f"generate: {spec} ({spec.stat().st_size / c.MIB:.1f} MiB); {repeat} run(s) each, no warm-up")
    runs: dict[str, list[c.ProcResult]] = {"ours": [], "datamodel-codegen": []}
    checks: dict[str, Any] = {}

    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        counter = [0]

        def fresh() -> Path:
            counter[0] += 1
            d = Path(tmp) / f"run{counter[0]}"
            d.mkdir()
            return d

        def ours() -> float:
            d = fresh()
            res = generate_sdk(spec, d / "sdk")
            checks["ours"] = _check_ours(d / "sdk")
            shutil.rmtree(d)
            runs["ours"].append(res)
            return res.wall

        def theirs() -> float:
            d = fresh()
            res = c.run_measured(
                [
                    _tool("datamodel-codegen"),
                    "--input", str(spec),
                    "--input-file-type", "openapi",
                    "--output-model-type", "pydantic_v2.BaseModel",
                    "--output", str(d / "x.py"),
                ]
            )  # fmt: skip
            if res.returncode != 0:
                raise c.BenchError(f"datamodel-codegen failed ({res.returncode}):\n{res.stderr_tail}")
            checks["datamodel-codegen"] = _check_theirs(d / "x.py")
            shutil.rmtree(d)
            runs["datamodel-codegen"].append(res)
            return res.wall

        # Baseline first in round one: it is the long one, and the order alternates after.
        c.interleave({"datamodel-codegen": theirs, "ours": ours}, repeat, warmup=0, progress="generate")

    s = {
        name: {
            "wall": c.stats([r.wall for r in rs]),
            "cpu": c.stats([r.cpu for r in rs]),
            "maxrss": c.stats([r.maxrss for r in rs]),
            "tree_peak": c.stats([r.tree_peak for r in rs]),
        }
        for name, rs in runs.items()
    }
    r_time = c.ratio(s["ours"]["wall"], s["datamodel-codegen"]["wall"])
    r_cpu = c.ratio(s["ours"]["cpu"], s["datamodel-codegen"]["cpu"])
    ours_peak = max(s["ours"]["maxrss"]["max"], s["ours"]["tree_peak"]["max"]) / c.MIB
    rows = []
    for name in ("datamodel-codegen", "ours"):
        st = s[name]
        rows.append(
            [
                name + (" (baseline)" if name != "ours" else ""),
                c.fmt_seconds(st["wall"]["median"]),
                c.fmt_seconds(st["wall"]["min"]),
                f"{r_time['median']:.3f}x" if name == "ours" else "",
                c.fmt_seconds(st["cpu"]["median"]),
                f"{r_cpu['median']:.3f}x" if name == "ours" else "",
                c.fmt_mib(st["maxrss"]["max"]),
                c.fmt_mib(st["tree_peak"]["max"]),
            ]
        )
    print(
        c.table(
            [
                "tool",
                "wall med",
                "wall min",
                "wall ratio",
                "cpu med",
                "cpu ratio",
                "maxrss",
                "tree peak",
            ],
            rows,
        )
    )
    print(
        f"  targets: wall time <= {TARGET_TIME}x: {c.verdict(r_time['median'], TARGET_TIME)}"
        f" (cpu time: {c.verdict(r_cpu['median'], TARGET_TIME)}); "
        f"peak <= {TARGET_RSS_MIB} MiB: {c.verdict(ours_peak, TARGET_RSS_MIB)} ({ours_peak:.0f} MiB); "
        f"ours wrote {checks['ours']['modules']} modules / {checks['ours']['classes']} classes "
        f"(package {checks['ours']['package']}), datamodel-codegen "
        f"{checks['datamodel-codegen']['classes']} classes"
    )
    return {
        "spec": str(spec),
        "repeat": repeat,
        "stats": s,
        "ratios": {"time": r_time, "cpu_time": r_cpu},
        "ours_peak_mib": ours_peak,
        "targets": {"time": TARGET_TIME, "rss_mib": TARGET_RSS_MIB},
        "outputs": checks,
    }
