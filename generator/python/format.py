"""Format the whole output once with ruff: fix (imports, unused names) then format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..errors import SpecError


def _ruff() -> list[str]:
    try:
        from ruff.__main__ import find_ruff_bin

        return [find_ruff_bin()]
    except ImportError:
        return [sys.executable, "-m", "ruff"]


def format_tree(root: Path) -> None:
    """ruff check --fix (import sorting, unused imports) and ruff format over `root`."""
    config = Path(__file__).parent / "ruff_generated.toml"
    base = [*_ruff()]
    steps = [
        [*base, "check", "--fix-only", "--quiet", "--config", str(config), "--no-cache", "."],
        [*base, "format", "--quiet", "--config", str(config), "--no-cache", "."],
    ]
    for cmd in steps:
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[:5]
            raise SpecError.one(str(root), "", "ruff failed on generated code: " + " | ".join(detail))
