"""The contract tests sdksmith generates, run as a user runs them: pytest in a subprocess.

- `generated/` (the committed SDK) passes its contract tests against Prism (sync and async,
  loose and strict), and again with Node absent from PATH, where the in-process mock serves;
- SDKs generated from the real specs in /work/shared/specs (Gentrace, Braintrust) pass theirs
  against Prism for every operation but those their config skips (tests/fixtures/*.sdksmith.yaml);
- the contract tests can fail: a client broken on purpose (a renamed required body property,
  a wrong path) fails them against Prism, the failure showing Prism's `sl-violations`;
- the generated test code is ruff- and pyright-clean; `sdksmith mock` serves a spec.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
GENERATED = REPO / "generated"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_SPECS = Path(os.environ.get("SDKSMITH_SHARED", REPO.parent / "shared")) / "specs"
PRISM = REPO / "node_modules" / ".bin" / "prism"
PYRIGHT = REPO / "node_modules" / ".bin" / "pyright"
RUFF_CONFIG = REPO / "generator" / "python" / "ruff_generated.toml"

HAVE_PRISM = PRISM.is_file() and shutil.which("node") is not None
needs_prism = pytest.mark.skipif(not HAVE_PRISM, reason="Prism is not installed: run `npm ci` (`make test` does)")

# Real specs: (spec file, config, package, the clients to run). Braintrust has 151 operations:
# every one runs, sync with loose and async with strict validation (all four take ~3x longer).
REAL_SPECS = {
    "gentrace": (
        "gentrace.json",
        "gentrace.sdksmith.yaml",
        "gentrace",
        "sync-loose,sync-strict,async-loose,async-strict",
    ),
    "braintrust": (
        "braintrust.json",
        "braintrust.sdksmith.yaml",
        "braintrust",
        "sync-loose,async-strict",
    ),
}


def _env_prefix(package: str) -> str:
    return package.upper()


def run_contract_tests(
    sdk: Path,
    package: str,
    *args: str,
    mock: str = "prism",
    matrix: str | None = None,
    no_node: bool = False,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """`pytest tests` in the SDK's directory, in a subprocess, with the given mock server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PRISM_BIN"))}
    prism = os.environ.get("PRISM_BIN") or str(PRISM)
    prefix = _env_prefix(package)
    for key in list(env):
        if key.startswith(f"{prefix}_TEST_"):
            del env[key]
    env[f"{prefix}_TEST_MOCK"] = mock
    env["PRISM_BIN"] = prism
    if matrix:
        env[f"{prefix}_TEST_MATRIX"] = matrix
    if no_node:
        env["PATH"] = str(Path(sys.executable).parent)  # the venv's python and nothing else: no node
        del env["PRISM_BIN"]
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests",
        "-rs",
        "--tb=short",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(sdk),
        "-c",
        str(sdk / "pyproject.toml"),
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        *args,
    ]
    return subprocess.run(cmd, cwd=sdk, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _summary(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    last = (result.stdout.strip().splitlines() or [""])[-1]
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|skipped|errors?|deselected)", last)}


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout (tail)\n{result.stdout[-8000:]}\n--- stderr (tail)\n{result.stderr[-3000:]}"


def _generate(spec: Path, out: Path, config: Path | None = None) -> Path:
    cmd = [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), "-q"]
    if config is not None:
        cmd += ["--config", str(config)]
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return out


def _operations(spec: dict) -> list[str]:
    methods = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
    return [
        op.get("operationId", f"{m} {p}")
        for p, item in spec["paths"].items()
        for m, op in item.items()
        if m in methods and isinstance(op, dict)
    ]


def _tested_operations(tests_dir: Path) -> list[str]:
    """The sync `test_method_<name>` functions: one per operation of the SDK."""
    found = []
    for module in sorted(tests_dir.glob("test_*.py")):
        text = module.read_text()
        found += [
            f"{module.stem}.{name}"
            for name in re.findall(r"^    def test_method_(\w+)\(self, client: _Client\)", text, re.MULTILINE)
            if not name.endswith("_with_all_params")
        ]
    return found


# ---------------------------------------------------------------- generated/


def test_generated_sdk_has_contract_tests() -> None:
    tests = GENERATED / "tests"
    for name in (
        "conftest.py",
        "_mock.py",
        "_contract.py",
        "_prism.py",
        "_synth.py",
        "spec.json",
        "__init__.py",
    ):
        assert (tests / name).is_file(), f"generated/tests/{name} is missing: run `make generate`"
    spec = json.loads((tests / "spec.json").read_text())
    assert len(_tested_operations(tests)) == len(_operations(spec))


@needs_prism
def test_generated_contract_tests_pass_against_prism() -> None:
    result = run_contract_tests(GENERATED, "experiments_sdk")
    assert result.returncode == 0, _explain(result)
    assert "contract tests: Prism" in result.stdout, result.stdout[:2000]
    counts = _summary(result)
    assert counts.get("passed", 0) >= 100 and not counts.get("failed"), result.stdout[-2000:]


def test_generated_contract_tests_pass_without_node() -> None:
    """With no node on PATH the same tests run against the in-process mock, and pass."""
    result = run_contract_tests(GENERATED, "experiments_sdk", mock="auto", no_node=True)
    assert result.returncode == 0, _explain(result)
    assert "contract tests: the in-process mock" in result.stdout, result.stdout[:2000]
    assert _summary(result).get("passed", 0) >= 100, result.stdout[-2000:]


def test_generated_tree_is_ruff_clean() -> None:
    """All of generated/: the package, its hand-written lib/ and its contract tests."""
    from ruff.__main__ import find_ruff_bin

    ruff = find_ruff_bin()
    for cmd in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run(
            [ruff, *cmd[:1], "--config", str(RUFF_CONFIG), *cmd[1:]],
            cwd=GENERATED,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_generated_tree_is_pyright_clean() -> None:
    """All of generated/ (the package, lib/ and tests), as its pyproject.toml configures pyright."""
    result = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "experiments_sdk", "tests"],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    assert "0 errors" in result.stdout


# ---------------------------------------------------------------- real specs


@needs_prism
@pytest.mark.parametrize("name", sorted(REAL_SPECS))
def test_real_spec_contract_tests_pass_against_prism(name: str, tmp_path: Path) -> None:
    spec_file, config, package, matrix = REAL_SPECS[name]
    spec = SHARED_SPECS / spec_file
    if not spec.is_file():
        pytest.skip(f"{spec} is not there")
    sdk = _generate(spec, tmp_path / "sdk", FIXTURES / config)
    tested = _tested_operations(sdk / "tests")
    assert len(tested) == len(_operations(json.loads(spec.read_text()))), "an operation has no contract tests"
    started = time.monotonic()
    result = run_contract_tests(sdk, package, matrix=matrix)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, _explain(result)
    counts = _summary(result)
    assert counts.get("passed", 0) > 0 and not counts.get("failed"), result.stdout[-3000:]
    # Skips come from the config only, each with its reason.
    skipped = re.findall(r"^SKIPPED \[\d+\] [^:]+:\d+: (.*)$", result.stdout, re.MULTILINE)
    skipped = [s for s in skipped if not s.startswith("got empty parameter set")]  # a client left out of the matrix
    configured = yaml.safe_load((FIXTURES / config).read_text()).get("skip") or {}
    assert all(any(reason.strip() == str(r).strip() for r in configured.values()) for reason in skipped), skipped
    print(f"{name}: {counts} in {elapsed:.0f} s; {len(configured)} operation(s) skipped by config")


# ---------------------------------------------------------------- the tests can fail


def _break(sdk: Path) -> None:
    """Two client bugs: `createExperiment` sends `pipeline_id` for the required `pipelineId`,
    and `insertExperimentEvents` posts to `/experiments/{id}/event` instead of `/events`."""
    experiments = sdk / "experiments_sdk" / "resources" / "experiments.py"
    text = experiments.read_text()
    renamed, n = re.subn(r'(json=\{[^}]*)"pipelineId": pipeline_id', r'\1"pipeline_id": pipeline_id', text)
    assert n == 2, "the generated client changed: update this test"
    experiments.write_text(renamed)
    events = sdk / "experiments_sdk" / "resources" / "experiments_events.py"
    post = re.compile(r'(method="post",\s*url=path_template\(\s*"/experiments/\{experiment_id\}/)events"')
    wrong, n = post.subn(r'\1event"', events.read_text())
    assert n == 2, "the generated client changed: update this test"
    events.write_text(wrong)


@needs_prism
def test_contract_tests_fail_on_a_broken_client(tmp_path: Path) -> None:
    sdk = _generate(REPO / "spec" / "experiments.yaml", tmp_path / "sdk")
    _break(sdk)
    result = run_contract_tests(
        sdk,
        "experiments_sdk",
        "-k",
        "test_method_create or test_method_insert",
        matrix="sync-loose,async-strict",
    )
    assert result.returncode == 1, _explain(result)
    out = result.stdout
    counts = _summary(result)
    # create, create with all params, insert; sync-loose and async-strict
    assert counts.get("failed") == 6 and not counts.get("passed"), out[-3000:]
    # The renamed property: Prism refuses the request, and says why in sl-violations.
    assert "refused the request with 422" in out or "refused the request with 400" in out, out[-3000:]
    assert "sl-violations:" in out and "must have required property 'pipelineId'" in out, out[-3000:]
    # The wrong path: no such route (Prism 404), and openapi-core finds no such path either.
    assert "/experiments/3f9c2a7e-5b14-4d8a-9e61-7c0b2d4f8a13/event:" in out
    assert "refused the request with 404" in out and "NO_PATH_MATCHED" in out, out[-3000:]
    # The in-process mock catches both as well.
    inprocess = run_contract_tests(
        sdk,
        "experiments_sdk",
        "-k",
        "test_method_create or test_method_insert",
        mock="inprocess",
        matrix="sync-loose",
    )
    assert inprocess.returncode == 1 and _summary(inprocess).get("failed") == 3, _explain(inprocess)
    assert "'pipelineId' is a required property" in inprocess.stdout
    assert "refused the request with 404" in inprocess.stdout


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node on PATH (the mock choice looks for it)")
def test_a_mock_server_that_exits_fails_the_session_at_once(tmp_path: Path) -> None:
    """Prism exiting while it starts fails the tests right away, showing what it printed."""
    fake = tmp_path / "prism"
    fake.write_text("#!/bin/sh\necho 'cannot read the spec: boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    env_prism = os.environ.get("PRISM_BIN")
    os.environ["PRISM_BIN"] = str(fake)
    try:
        started = time.monotonic()
        result = run_contract_tests(GENERATED, "experiments_sdk", "-x", "-k", "TestExperiments and test_method_list")
    finally:
        if env_prism is None:
            os.environ.pop("PRISM_BIN", None)
        else:
            os.environ["PRISM_BIN"] = env_prism
    assert result.returncode != 0, _explain(result)
    assert "Prism exited with status 3 while starting" in result.stdout, result.stdout[-3000:]
    assert "cannot read the spec: boom" in result.stdout
    # Under Prism's 60 s startup timeout: the exit was seen, not waited out (loose, for loaded machines).
    assert time.monotonic() - started < 60


# ---------------------------------------------------------------- sdksmith mock


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@needs_prism
def test_sdksmith_mock_serves_the_spec() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "mock", "spec/experiments.yaml", "-p", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/experiments"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            request = urllib.request.Request(url, headers={"Authorization": "Bearer key"})
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = json.loads(response.read())
                break
            except urllib.error.HTTPError as exc:
                raise AssertionError(f"{exc.code}: {exc.read()!r}") from None
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "sdksmith mock did not answer"
                time.sleep(0.2)
        assert body["data"][0]["id"] == "3f9c2a7e-5b14-4d8a-9e61-7c0b2d4f8a13"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)  # no credentials
        assert refused.value.code == 401 and "sl-violations" in refused.value.headers
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    with socket.socket() as sock:  # Prism went away with it
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "Prism is still listening after `sdksmith mock` stopped"


def test_path_variables_that_are_no_identifiers_are_checked_by_the_in_process_mock(tmp_path: Path) -> None:
    """`/things/{0}` (found by the hostile-names run): openapi-core fills path templates with
    `str.format`, so the in-process mock renames such variables before it reads the spec."""
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "Odd vars", "version": "1"},
                "components": {
                    "parameters": {
                        "Part": {"name": "a.b", "in": "path", "required": True, "schema": {"type": "string"}}
                    }
                },
                "paths": {
                    "/things/{0}": {
                        "parameters": [{"name": "0", "in": "path", "required": True, "schema": {"type": "string"}}],
                        "get": {"operationId": "getThing", "responses": ok},
                    },
                    "/things/{0}/parts/{a.b}": {
                        "get": {
                            "operationId": "getPart",
                            "parameters": [
                                {"name": "0", "in": "path", "required": True, "schema": {"type": "string"}},
                                {"$ref": "#/components/parameters/Part"},
                            ],
                            "responses": ok,
                        }
                    },
                },
            }
        )
    )
    sdk = _generate(spec, tmp_path / "sdk")
    result = run_contract_tests(sdk, "odd_vars", mock="inprocess")
    assert result.returncode == 0, _explain(result)
    assert re.search(r"\b\d+ passed", result.stdout) and " failed" not in result.stdout, result.stdout[-2000:]
