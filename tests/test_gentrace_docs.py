"""The calls Gentrace's own SDK documentation shows work on the SDK generated from its spec, with no config.

The documentation (shared/seeds, Gentrace's experiments page) shows, in Python:
`from gentrace import init, experiments`, `init(api_key=...)`, then
`await experiments.list()`, `experiments.list(pipeline_id=...)`,
`experiments.create(pipeline_id=..., name=..., metadata={...})`,
`experiments.retrieve("id")` and `experiments.update("id", name=..., metadata=...,
status="EVALUATING")`, reading `.data`, `.name`, `.metadata` and `.pipeline_id`.
They run here against Prism serving the same spec.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import generate

from generator.testing.mock import PrismServer

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "specs" / "gentrace.json"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
UUID = "5e3b2f4c-7d1a-4f0e-9c2b-1a2b3c4d5e6f"

DOC_CALLS = textwrap.dedent(
    f"""
    import asyncio, os, sys
    from gentrace import init, experiments

    async def main() -> None:
        init(api_key=os.environ["GENTRACE_API_KEY"], base_url=sys.argv[1])
        experiment_list = await experiments.list()
        for experiment in experiment_list.data:
            print("listed", experiment.name, experiment.metadata)
        experiment_list = await experiments.list(pipeline_id="{UUID}")
        assert isinstance(experiment_list.data, list)
        experiment = await experiments.create(
            pipeline_id="{UUID}",
            name="Prompt optimization experiment",
            metadata={{"temperature": 0.7, "model": "gpt-4o"}},
        )
        print("created", experiment.id, experiment.name)
        experiment = await experiments.retrieve("{UUID}")
        print("retrieved", experiment.pipeline_id)
        experiment = await experiments.update(
            "{UUID}",
            name="Updated experiment name",
            metadata={{"version": 2}},
            status="EVALUATING",
        )
        print("updated", experiment.id, experiment.validate() is experiment)

    asyncio.run(main())
    """
)


@pytest.mark.skipif(not PRISM.exists(), reason="Prism is not installed: run `npm ci` (`make test` does)")
def test_the_documented_calls_run_against_prism(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    gen = generate(SPEC, out, "-q")
    assert gen.returncode == 0, gen.stderr
    assert (out / "gentrace" / "__init__.py").is_file(), sorted(p.name for p in out.iterdir())
    with PrismServer(out / "tests" / "spec.json", prism=str(PRISM)) as server:
        env = {**os.environ, "PYTHONPATH": str(out), "GENTRACE_API_KEY": "gentrace-test-key"}
        run = subprocess.run(
            [sys.executable, "-c", DOC_CALLS, server.base_url],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines if not line.startswith("listed")] == ["created", "retrieved", "updated"]
    assert lines[-1].endswith("True"), lines
