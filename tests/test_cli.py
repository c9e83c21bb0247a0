"""The command line: drift check, determinism, help, derived names, hand-written files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    BRAINTRUST,
    COMMITTED,
    REPO,
    SPEC,
    SPEC_CONFIG,
    generate,
    import_tree,
    sdksmith,
    tree_bytes,
)

MANIFEST = ".sdksmith-manifest"


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    """spec/experiments.yaml and its sdksmith.yaml, copied to a temporary directory."""
    shutil.copy(SPEC, tmp_path / SPEC.name)
    shutil.copy(SPEC_CONFIG, tmp_path / SPEC_CONFIG.name)
    return tmp_path / SPEC.name


def test_check_passes_on_the_committed_tree():
    """The drift check CI relies on: generated/ is exactly what spec/ generates."""
    result = sdksmith("check", "spec/experiments.yaml", "-o", "generated", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout
    # `make check` runs the installed script; it must agree.
    script = Path(sys.executable).parent / "sdksmith"
    argv = [script, "check", "spec/experiments.yaml", "-o", "generated", "-q"]
    assert subprocess.run(argv, cwd=REPO, check=False).returncode == 0


def _listed(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.strip() for line in result.stdout.splitlines()[1:] if line.strip()}


def test_check_reports_drift_after_a_spec_edit(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "generated"
    shutil.copytree(COMMITTED, out, symlinks=True)
    before = tree_bytes(out)
    # Whatever drift the committed tree has is test_check_passes_on_the_committed_tree's
    # business; here only what the edit adds to it counts.
    baseline = _listed(sdksmith("check", spec_copy, "-o", out, "-q", cwd=tmp_path))
    text = spec_copy.read_text()
    old = "description: Identifier of the experiment."
    assert old in text
    spec_copy.write_text(text.replace(old, "description: Identifier of the experiment (edited)."))
    result = sdksmith("check", spec_copy, "-o", out, "-q", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    added = _listed(result) - baseline
    assert "experiments_sdk/types/experiment.py (differs)" in added, added
    assert all(line.endswith(" (differs)") for line in added), added  # nothing missing or removed
    carriers = {rel for rel, content in before.items() if b"Identifier of the experiment." in content}
    assert {line.removesuffix(" (differs)") for line in added} <= carriers, added
    assert tree_bytes(out) == before  # check never writes
    # After generating, the check passes again.
    assert sdksmith("generate", spec_copy, "-o", out, "-q").returncode == 0
    assert sdksmith("check", spec_copy, "-o", out, "-q").returncode == 0


def test_check_lists_missing_extra_and_changed_files(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert generate(spec_copy, out).returncode == 0
    (out / "experiments_sdk" / "types" / "error.py").unlink()
    (out / "README.md").write_text("edited\n")
    (out / "experiments_sdk" / "lib" / "mine.py").write_text("# mine\n")  # hand-written: not drift
    (out / "NOTES.txt").write_text("mine\n")
    manifest = out / MANIFEST
    manifest.write_text(manifest.read_text() + "experiments_sdk/types/gone.py\n")
    (out / "experiments_sdk" / "types" / "gone.py").write_text("")
    result = sdksmith("check", spec_copy, "-o", out, "-q")
    assert result.returncode == 1
    listed = sorted(line.strip() for line in result.stdout.splitlines()[1:] if line.strip())
    assert listed == sorted(
        [
            "experiments_sdk/types/error.py (missing)",
            "README.md (differs)",
            f"{MANIFEST} (differs)",
            "experiments_sdk/types/gone.py (would be removed)",
        ]
    ), listed


def test_check_on_a_missing_directory_says_so_in_one_line(spec_copy: Path, tmp_path: Path):
    result = sdksmith("check", spec_copy, "-o", tmp_path / "nothing-here")
    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == [
        f"sdksmith: {tmp_path / 'nothing-here'} does not exist: `sdksmith generate` would create it"
    ]


def test_check_prints_a_unified_diff_of_what_generate_would_change(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert generate(spec_copy, out).returncode == 0
    readme = out / "README.md"
    original = readme.read_text()
    first = original.splitlines()[0]
    readme.write_text(original.replace(first, first + " (edited by hand)", 1))
    (out / "experiments_sdk" / "types" / "error.py").unlink()
    result = sdksmith("check", spec_copy, "-o", out)
    assert result.returncode == 1
    diff = result.stdout
    assert "--- a/README.md\n+++ b/README.md\n" in diff, diff
    assert f"\n-{first} (edited by hand)\n+{first}\n" in diff, diff
    assert "--- /dev/null\n+++ b/experiments_sdk/types/error.py\n" in diff, diff
    # Applied with `patch`, the diff makes the tree what `generate` writes.
    body = diff.split("\n", 1)[1]
    subprocess.run(["patch", "-p1", "-s"], input=body, text=True, cwd=out, check=True)
    assert sdksmith("check", spec_copy, "-o", out, "-q").returncode == 0


def test_version():
    result = sdksmith("--version")
    assert result.returncode == 0 and re.fullmatch(r"sdksmith \S+\n", result.stdout), result.stdout


def test_generate_into_a_new_repository_keeps_its_files(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "repo"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / ".gitignore").write_text("__pycache__/\n")
    (out / ".vscode").mkdir()
    (out / ".vscode" / "settings.json").write_text("{}\n")
    result = generate(spec_copy, out)
    assert result.returncode == 0, result.stderr
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (out / ".gitignore").read_text() == "__pycache__/\n"
    assert (out / ".vscode" / "settings.json").exists()
    assert (out / MANIFEST).exists()
    # Anything else in a folder with no manifest is still refused.
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    refused = generate(spec_copy, other)
    assert refused.returncode == 2 and "refusing to overwrite" in refused.stderr


def test_renaming_the_spec_file_changes_nothing(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert generate(spec_copy, out).returncode == 0
    renamed = spec_copy.with_name("openapi.yaml")
    spec_copy.rename(renamed)
    result = sdksmith("check", renamed, "-o", out, "-q")
    assert result.returncode == 0, result.stdout


def test_two_generations_are_byte_identical(spec_copy: Path, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b" / "nested" / "out"
    assert generate(spec_copy, a).returncode == 0
    assert generate(spec_copy, b).returncode == 0
    first = tree_bytes(a)
    assert first == tree_bytes(b)
    assert sdksmith("generate", spec_copy, "-o", a).returncode == 0  # regenerating in place
    assert tree_bytes(a) == first
    # What `generate` writes is what generated/ holds (same spec, same config).
    listed = (COMMITTED / MANIFEST).read_text().splitlines()
    committed = {rel: (COMMITTED / rel).read_bytes() for rel in [MANIFEST, *listed] if rel and not rel.startswith("#")}
    hand_written = {"experiments_sdk/lib/__init__.py"}  # the seed: written once, then the user's
    assert {rel: v for rel, v in first.items() if rel not in hand_written} == committed


def test_generation_does_not_depend_on_hash_seeds(tmp_path: Path):
    """The 238-schema Braintrust spec, generated under two hash seeds: byte-identical."""
    trees = []
    for seed in ("1", "12345"):
        out = tmp_path / f"seed{seed}"
        result = sdksmith("generate", BRAINTRUST, "-o", out, "-q", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        trees.append(tree_bytes(out))
    assert trees[0] == trees[1]


def test_generated_files_name_only_the_spec_file(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert generate(spec_copy, out).returncode == 0
    for rel, content in tree_bytes(out).items():
        assert str(tmp_path).encode() not in content, rel
        assert b"/work/" not in content, rel


def test_help():
    top = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, check=False)
    assert top.returncode == 0
    assert "generate" in top.stdout and "check" in top.stdout
    assert top.stdout.startswith("usage: sdksmith")
    for command in ("generate", "check"):
        result = sdksmith(command, "--help")
        assert result.returncode == 0, result.stderr
        for option in ("SPEC", "-o DIR", "--output", "--config", "--quiet"):
            assert option in result.stdout, (command, option)
    script = subprocess.run(
        [Path(sys.executable).parent / "sdksmith", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert script.returncode == 0 and script.stdout == top.stdout


def test_usage_errors_exit_2_without_traceback(tmp_path: Path):
    for argv in (
        [],
        ["generate"],
        ["generate", "x.yaml"],
        ["frobnicate"],
        ["check", "x.yaml", "-o"],
    ):
        result = sdksmith(*argv, cwd=tmp_path)
        assert result.returncode == 2, argv
        assert "usage:" in result.stderr and "Traceback" not in result.stderr, argv


def test_no_config_derives_names(tmp_path: Path):
    shutil.copy(SPEC, tmp_path / "experiments.yaml")  # no sdksmith.yaml beside it
    out = tmp_path / "out"
    result = generate(tmp_path / "experiments.yaml", out)
    assert result.returncode == 0, result.stderr
    # "Experiments API" -> package `experiments`, distribution `experiments`.
    assert (out / "experiments" / "__init__.py").is_file()
    assert not (out / "experiments_sdk").exists()
    pyproject = (out / "pyproject.toml").read_text()
    assert re.search(r'^name = "experiments"$', pyproject, re.MULTILINE), pyproject
    assert re.search(r'^version = "1\.0\.0"$', pyproject, re.MULTILINE)
    pkg = import_tree(out, "experiments", "experiments__derived")
    assert pkg.__version__ == "1.0.0"
    event = pkg.types.ExperimentEvent.from_dict({"id": "e"})
    assert event.invalid_fields()  # the models work under the derived name


def test_explicit_config_flag(spec_copy: Path, tmp_path: Path):
    config = tmp_path / "other.yaml"
    config.write_text("package_name: custom_pkg\ndistribution_name: custom-dist\nversion: 9.9.9\n")
    out = tmp_path / "out"
    result = generate(spec_copy, out, "--config", config)
    assert result.returncode == 0, result.stderr
    assert (out / "custom_pkg" / "types" / "experiment.py").is_file()
    pyproject = (out / "pyproject.toml").read_text()
    assert 'name = "custom-dist"' in pyproject and 'version = "9.9.9"' in pyproject


def test_hand_written_files_survive_regeneration(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert generate(spec_copy, out).returncode == 0
    mine = {
        "experiments_sdk/lib/__init__.py": b"from .helpers import shout\n",  # the seed is the user's now
        "experiments_sdk/lib/helpers.py": b"def shout(s):\n    return s.upper()\n",
        "experiments_sdk/lib/data/table.csv": b"a,b\n1,2\n",
        "NOTES.md": b"# my notes\n",
        "experiments_sdk/custom_patch.py": b"PATCHED = True\n",
        "scripts/run.sh": b"#!/bin/sh\necho hi\n",
    }
    for rel, content in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)
    # Regenerate from an edited spec, so generated files do change.
    spec_copy.write_text(spec_copy.read_text().replace("Identifier of the experiment.", "Identifier (v2)."))
    result = sdksmith("generate", spec_copy, "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    after = tree_bytes(out)
    for rel, content in mine.items():
        assert after.get(rel) == content, rel
    assert b"Identifier (v2)." in after["experiments_sdk/types/experiment.py"]
    manifest = set((out / MANIFEST).read_text().splitlines())
    assert not any(rel in manifest for rel in mine)
    assert sdksmith("check", spec_copy, "-o", out, "-q").returncode == 0  # hand-written files are not drift


def test_files_no_longer_generated_are_removed(tmp_path: Path):
    spec = tmp_path / "api.yaml"
    base = (
        "openapi: 3.1.0\ninfo: {title: Shrink, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\ncomponents:\n  schemas:\n"
        "    Keep:\n      type: object\n      properties:\n        a: {type: string}\n"
    )
    spec.write_text(base + "    Drop:\n      type: object\n      properties:\n        b: {type: string}\n")
    out = tmp_path / "out"
    assert generate(spec, out).returncode == 0
    assert (out / "shrink" / "types" / "drop.py").is_file()
    spec.write_text(base)
    assert generate(spec, out).returncode == 0
    assert not (out / "shrink" / "types" / "drop.py").exists()
    assert (out / "shrink" / "types" / "keep.py").is_file()
    assert "shrink/types/drop.py" not in (out / MANIFEST).read_text()


def test_generate_refuses_a_non_empty_directory_without_manifest(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "important.txt").write_text("do not lose me\n")
    before = tree_bytes(out)
    result = sdksmith("generate", spec_copy, "-o", out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert re.search(r"^error: \S*out#: .*\.sdksmith-manifest", result.stderr, re.MULTILINE), result.stderr
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([spec_copy.name, "sdksmith.yaml", "out"])


def test_generate_into_an_empty_directory_is_fine(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    assert generate(spec_copy, out).returncode == 0
    assert (out / MANIFEST).is_file()


def test_generate_refuses_a_hand_written_file_where_a_generated_one_goes(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert generate(spec_copy, out).returncode == 0
    manifest = out / MANIFEST
    lines = manifest.read_text().splitlines()
    manifest.write_text("\n".join(x for x in lines if x != "experiments_sdk/types/error.py") + "\n")
    (out / "experiments_sdk" / "types" / "error.py").write_text("# mine now\n")
    before = tree_bytes(out)
    result = sdksmith("generate", spec_copy, "-o", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error.py" in result.stderr
    assert tree_bytes(out) == before


def test_output_path_that_is_a_file(spec_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.write_text("a file\n")
    result = sdksmith("generate", spec_copy, "-o", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert out.read_text() == "a file\n"


def test_spec_without_paths_generates(tmp_path: Path):
    """A spec that only declares schemas (`paths: {}`) is valid OpenAPI and gives a models-only SDK."""
    spec = tmp_path / "models.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: Models Only, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Thing:\n      type: object\n      properties:\n        a: {type: integer}\n"
    )
    out = tmp_path / "out"
    result = generate(spec, out)
    assert result.returncode == 0, result.stderr
    pkg = import_tree(out, "models_only", "models_only__nopaths")
    assert pkg.types.Thing.from_dict({"a": 1}).a == 1
