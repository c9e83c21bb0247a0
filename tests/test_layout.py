"""The layout stays readable: stages import only earlier stages, the runtime has no cycle, files stay small.

`lint-imports` (import-linter, contracts in pyproject.toml) is the check; these
tests run it on the tree, and on a copy with a wrong import planted to show
that it would fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MAX_LINES = 650


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` run in `root` (a checkout: pyproject.toml, generator/, templates/)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "templates")])}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_import_layers_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("generator/ir/model.py", "from ..python import render as _render  # noqa\n", "each stage imports only"),
        ("generator/spec/loader.py", "from .. import cli as _cli  # noqa\n", "each stage imports only"),
        ("generator/output/writer.py", "from ..ir import naming as _naming  # noqa\n", "output writes bytes"),
        ("templates/runtime/_types.py", "from . import _base_client as _client  # noqa\n", "runtime: layered"),
        ("templates/runtime/_models.py", "from ._response import APIResponse as _R  # noqa\n", "runtime: layered"),
    ],
)
def test_a_wrong_import_breaks_the_check(tmp_path: Path, module: str, planted: str, contract: str) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "generator", copy / "generator", ignore=shutil.ignore_patterns("__pycache__", "_templates"))
    shutil.copytree(ROOT / "templates", copy / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / module
    target.write_text(target.read_text() + "\n" + planted)
    result = _lint_imports(copy)
    assert result.returncode != 0, result.stdout[-2000:]
    assert "1 broken" in result.stdout, result.stdout[-3000:]
    report = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in report, result.stdout[-3000:]
    importer = ".".join(Path(module).with_suffix("").parts[1 if module.startswith("templates") else 0 :])
    assert f"{importer} ->" in report, report


def test_runtime_has_no_import_cycle() -> None:
    sys.path.insert(0, str(ROOT / "templates"))
    try:
        graph = grimp.build_graph("runtime", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT / "templates"))
    modules = sorted(m for m in graph.modules if m != "runtime")
    assert "runtime._types" in modules and "runtime._base_client" in modules
    cycles = [
        (a, b)
        for a in modules
        for b in modules
        if a < b and graph.chain_exists(importer=a, imported=b) and graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


def test_no_file_is_too_long() -> None:
    files = [*ROOT.joinpath("generator").rglob("*.py"), *ROOT.joinpath("templates", "runtime").glob("*.py")]
    assert len(files) > 20
    long = {str(f.relative_to(ROOT)): n for f in files if (n := len(f.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_architecture_md_matches_the_tree() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    named = set(re.findall(r"`((?:generator|templates)/[\w./]+)`", text))
    assert named, "ARCHITECTURE.md names no paths"
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert missing == [], f"ARCHITECTURE.md names paths that do not exist: {missing}"
    stages = sorted(
        f"generator/{d.name}/" for d in (ROOT / "generator").iterdir() if d.is_dir() and (d / "__init__.py").exists()
    )
    unmentioned = [s for s in stages if s not in named]
    assert unmentioned == [], f"packages missing from ARCHITECTURE.md: {unmentioned}"
    runtime = sorted(f"templates/runtime/{f.name}" for f in (ROOT / "templates" / "runtime").glob("_*.py"))
    assert [r for r in runtime if r not in named and not r.endswith("__init__.py")] == []
