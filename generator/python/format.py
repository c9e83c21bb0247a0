"""Format the whole output once with ruff: fix (imports, unused names) then format.

Generated code that ruff cannot format (or Python cannot compile) is an sdksmith
bug, never the user's: `GeneratedCodeError` (exit 3) names the file, the line and
ruff's message, and the class or function it sits in, for the pipeline to trace
back to the spec.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def _ruff() -> list[str]:
    try:
        from ruff.__main__ import find_ruff_bin

        return [find_ruff_bin()]
    except ImportError:
        return [sys.executable, "-m", "ruff"]


@dataclass
class GeneratedCodeError(Exception):
    """ruff (or Python) rejected code sdksmith generated: an sdksmith bug (exit 3)."""

    message: str  # ruff's (or the compiler's) message
    file: str | None = None  # relative to the output directory
    line: int | None = None
    text: str | None = None  # the offending line
    near: str | None = None  # the enclosing class or function, when known
    pointer: str | None = None  # the spec location that produced it, when known

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file or "generated code"
        out = f"{where}: generated code does not compile: {self.message}"
        if self.text is not None:
            out += f"\n    {self.text.strip()}"
        if self.near:
            out += f"\n    in {self.near}"
        if self.pointer:
            out += f", generated from {self.pointer}"
        return out


_DEFINITION = re.compile(r"^\s*(?:async\s+)?(class|def)\s+(\S+?)\s*[(:]")


def _enclosing(lines: list[str], line: int) -> str | None:
    """The nearest class or function defined at or before 1-based `line`, e.g. `class Foo`."""
    for text in reversed(lines[:line]):
        match = _DEFINITION.match(text)
        if match:
            return f"{match.group(1)} {match.group(2)}"
    return None


def _locate(root: Path, ruff_message: str) -> GeneratedCodeError:
    """The first generated file Python cannot compile, with ruff's message (or the compiler's)."""
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(errors="replace")
        try:
            compile(source, str(path), "exec", dont_inherit=True)
        except SyntaxError as exc:
            rel = path.relative_to(root).as_posix()
            lines = source.splitlines()
            line, message = exc.lineno or 1, exc.msg
            # ruff's own words for it: `error: Failed to parse <rel>:<line>:<column>: <message>`
            ruff_said = re.search(rf"{re.escape(rel)}:(\d+):\d+: (.+)", ruff_message)
            if ruff_said:
                line, message = int(ruff_said.group(1)), ruff_said.group(2)
            text = lines[line - 1] if 0 < line <= len(lines) else None
            return GeneratedCodeError(message.strip(), rel, line, text, _enclosing(lines, line))
    return GeneratedCodeError(ruff_message or "ruff failed without a message")


def format_tree(root: Path) -> None:
    """ruff check --fix (import sorting, unused imports) and ruff format over `root`."""
    config = Path(__file__).parent / "ruff_generated.toml"
    base = [*_ruff()]
    steps = [
        [*base, "check", "--fix-only", "--config", str(config), "--no-cache", "."],
        [*base, "format", "--config", str(config), "--no-cache", "."],
    ]
    for cmd in steps:
        proc = subprocess.run([*cmd, "--quiet"], cwd=root, capture_output=True, text=True)
        if proc.returncode != 0:
            # --quiet hides why: ask again, aloud.
            loud = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
            detail = "\n".join(line for line in (loud.stderr + loud.stdout).splitlines() if line.strip())
            raise _locate(root, detail)
