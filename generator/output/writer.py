"""Write the generated tree atomically, keeping every hand-written file.

The output directory holds a manifest (`.sdksmith-manifest`) of the files
sdksmith wrote. On regeneration, files in the old manifest are replaced or
removed; files not in it (hand-written ones, and everything under the
package's `lib/`) are carried over untouched. The new tree is assembled
beside the output directory and swapped in with renames, so a failed run
leaves the output directory exactly as it was.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SpecError

MANIFEST = ".sdksmith-manifest"
# What a new repository or an editor puts in a folder before any code: generating there is fine.
_SCAFFOLDING = frozenset({".git", ".gitignore", ".gitattributes", ".github", ".vscode", ".idea", ".DS_Store"})


def read_manifest(out: Path) -> set[str] | None:
    path = out / MANIFEST
    if not path.is_file():
        return None
    return {line for line in path.read_text().splitlines() if line and not line.startswith("#")}


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    for folder in sorted({(root / rel).parent for rel in files}):
        folder.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        (root / rel).write_bytes(content)


def _read_tree(root: Path, rels: list[str]) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in rels}


def _scratch_parent() -> str | None:
    """Where formatting happens: RAM (`/dev/shm`) when there is one, else the system's temp dir.
    The files are read back, so the scratch tree need not share a file system with the output."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def render_to_bytes(files: dict[str, str], formatter: Callable[[Path], None]) -> dict[str, bytes]:
    """Write `files` in a scratch directory, format them there, and return the result."""
    with tempfile.TemporaryDirectory(prefix="sdksmith-render-", dir=_scratch_parent()) as tmp:
        root = Path(tmp)
        _write_files(root, {rel: text.encode() for rel, text in files.items()})
        formatter(root)
        return _read_tree(root, sorted(files))


def _manifest_bytes(rels: list[str]) -> bytes:
    lines = ["# Files written by sdksmith; anything not listed here is yours and is kept."]
    return ("\n".join(lines + sorted(rels)) + "\n").encode()


def write_tree(out: Path, generated: dict[str, bytes], seeds: dict[str, bytes]) -> None:
    """Replace the generated files under `out`, keeping hand-written files.

    `seeds` are starter files (such as `lib/__init__.py`) written only where no
    file exists yet; they belong to the user from then on.
    """
    out = out.resolve()
    old_manifest = read_manifest(out)
    if out.exists() and not out.is_dir():
        raise SpecError.one(str(out), "", "output path exists and is not a directory")
    if out.exists() and old_manifest is None and any(p.name not in _SCAFFOLDING for p in out.iterdir()):
        raise SpecError.one(
            str(out), "", f"output directory is not empty and has no {MANIFEST}: refusing to overwrite it"
        )
    files = dict(generated)
    files[MANIFEST] = _manifest_bytes(list(generated))
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=parent))
    try:
        _write_files(staging, files)
        if out.exists():
            for path in sorted(out.rglob("*")):
                rel = path.relative_to(out).as_posix()
                if path.is_dir() or rel in (old_manifest or set()) or rel == MANIFEST:
                    continue
                if rel in files:
                    raise SpecError.one(
                        str(path), "", "a hand-written file stands where sdksmith now generates one; move it"
                    )
                dest = staging / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
        for rel, content in seeds.items():
            if not (staging / rel).exists():
                _write_files(staging, {rel: content})
        if out.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.rmdir(backup)
            os.rename(out, backup)
            try:
                os.rename(staging, out)
            except OSError:
                os.rename(backup, out)
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.rename(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class Drift:
    """One file whose content on disk is not what `generate` would write."""

    rel: str
    status: str  # "differs", "missing" or "would be removed"
    on_disk: bytes | None
    expected: bytes | None

    def unified(self) -> str:
        """The change `generate` would make, as a unified diff (what `git diff` and `ruff --diff` show)."""
        before = (self.on_disk or b"").decode(errors="replace").splitlines(keepends=True)
        after = (self.expected or b"").decode(errors="replace").splitlines(keepends=True)
        old_label = f"a/{self.rel}" if self.on_disk is not None else "/dev/null"
        new_label = f"b/{self.rel}" if self.expected is not None else "/dev/null"
        lines = difflib.unified_diff(before, after, old_label, new_label)
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def diff_tree(out: Path, generated: dict[str, bytes]) -> list[Drift]:
    """Files that differ between `out` and what would be generated (hand-written files ignored)."""
    out = out.resolve()
    old = read_manifest(out) or set()
    expected = dict(generated)
    expected[MANIFEST] = _manifest_bytes(list(generated))
    differing = []
    for rel in sorted(set(expected) | old):
        path = out / rel
        on_disk = path.read_bytes() if path.is_file() else None
        if rel not in expected:
            differing.append(Drift(rel, "would be removed", on_disk, None))
        elif on_disk is None:
            differing.append(Drift(rel, "missing", None, expected[rel]))
        elif on_disk != expected[rel]:
            differing.append(Drift(rel, "differs", on_disk, expected[rel]))
    return differing
