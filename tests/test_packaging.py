"""A non-editable install carries the templates: generate from the built wheel, outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_generates_the_same_sdk_from_any_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("sdksmith-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    assert "generator/_templates/sdk/types_module.py.j2" in names
    assert "generator/_templates/runtime/_models.py" in names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "sdk"
    # Only the unpacked wheel on the path (and the venv's dependencies): not the checkout.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "generator",
            "generate",
            str(ROOT / "spec" / "experiments.yaml"),
            "-o",
            str(out),
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    where = subprocess.run(
        [sys.executable, "-P", "-c", "import generator, sys; print(generator.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert where.stdout.startswith(str(site)), where.stdout
    check = subprocess.run(
        [sys.executable, "-P", "-m", "generator", "check", str(ROOT / "spec" / "experiments.yaml"), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
    )
    assert check.returncode == 0, check.stdout
    for rel in ("experiments_sdk/types/experiment_event.py", "experiments_sdk/_models.py", "README.md"):
        assert (out / rel).read_bytes() == (ROOT / "generated" / rel).read_bytes(), rel
