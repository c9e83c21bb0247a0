"""SDKs generated from real specs nobody here wrote (../shared/specs): clean, importable, paging right.

Each spec is generated once per session. For every SDK: ruff check and format, pyright with 0
errors, every module imports and every model's schema builds, both clients construct; and the
list operations page the way each API does (GitHub by `Link` header, Braintrust by
`starting_after` over `objects`), shown on the generated clients with a mocked transport.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from generator.ir import ListOf
from generator.ir.build import build_package
from generator.spec.config import Config

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT.parent / "shared" / "specs"
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
RUFF_CONFIG = ROOT / "generator" / "python" / "ruff_generated.toml"
VENV_BIN = Path(sys.executable).parent
NAMES = ("gentrace", "braintrust", "github")


@pytest.fixture(scope="session")
def real_sdks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name in NAMES:
        target = tmp_path_factory.mktemp("real") / name
        proc = subprocess.run(
            [sys.executable, "-m", "generator", "generate", str(SPECS / f"{name}.json"), "-o", str(target), "-q"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 0, proc.stderr
        out[name] = target
    return out


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)


@pytest.mark.parametrize("name", NAMES)
def test_ruff_clean(real_sdks: dict[str, Path], name: str) -> None:
    root = real_sdks[name]
    check = _run([str(VENV_BIN / "ruff"), "check", "--config", str(RUFF_CONFIG), "--no-cache", "."], root)
    assert check.returncode == 0, check.stdout[-3000:]
    fmt = _run([str(VENV_BIN / "ruff"), "format", "--check", "--config", str(RUFF_CONFIG), "--no-cache", "."], root)
    assert fmt.returncode == 0, fmt.stdout[-3000:]


@pytest.mark.parametrize("name", NAMES)
def test_pyright_clean(real_sdks: dict[str, Path], name: str) -> None:
    root = real_sdks[name]
    # GitHub's generated contract tests double pyright's work; its package is what users import.
    targets = [name] if name == "github" else []
    proc = _run([str(PYRIGHT), "--threads", "2", *targets], root)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert proc.returncode == 0 and summary.startswith("0 errors"), proc.stdout[-5000:]


_IMPORT_ALL = """
import importlib, pkgutil, sys
from pydantic import TypeAdapter
pkg = importlib.import_module(sys.argv[1])
from {pkg}._models import SdkModel
modules = [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
for name in modules:
    importlib.import_module(name)
built = 0
for cls in list(SdkModel.__subclasses__()):
    stack = [cls]
    while stack:
        c = stack.pop()
        stack.extend(c.__subclasses__())
        TypeAdapter(c)  # builds the deferred schema: forward references must resolve
        built += 1
client_cls = getattr(pkg, sys.argv[2])
async_cls = getattr(pkg, "Async" + sys.argv[2])
client_cls(api_key="k").close()
async_cls(api_key="k")
print(len(modules), built)
"""


@pytest.mark.parametrize("name", NAMES)
def test_every_module_imports_and_every_model_builds(real_sdks: dict[str, Path], name: str) -> None:
    client = {"github": "GitHub"}.get(name, name.capitalize())  # spelled as the spec's title spells it
    proc = _run([sys.executable, "-c", _IMPORT_ALL.replace("{pkg}", name), name, client], real_sdks[name])
    assert proc.returncode == 0, proc.stderr[-3000:]
    modules, built = map(int, proc.stdout.split())
    assert modules > 10 and built > 10


def _operations(name: str):
    pkg = build_package(SPECS / f"{name}.json", Config())

    def walk(resources):
        for r in resources:
            yield from r.operations
            yield from walk(r.children)

    return list(walk(pkg.resources))


def test_github_lists_page_by_link_header() -> None:
    ops = _operations("github")
    paged = [op for op in ops if op.pagination is not None]
    assert len(paged) > 200
    # GitHub declares its `Link` header on every paged response: all of them page by it
    assert {op.pagination.scheme for op in paged} == {"link_header"}
    # and every GET that takes page/per_page and returns a list is paged
    for op in ops:
        query = {p.wire_name for p in op.params if p.location == "query"}
        returns_list = isinstance(op.response.type, ListOf)
        if op.method == "get" and {"page", "per_page"} <= query and returns_list:
            assert op.pagination is not None, op.operation_id


def test_braintrust_objects_lists_page_by_starting_after() -> None:
    ops = _operations("braintrust")
    listing = [op for op in ops if op.method == "get" and any(p.wire_name == "starting_after" for p in op.params)]
    assert len(listing) > 10
    for op in listing:
        assert op.pagination is not None, op.operation_id
        assert op.pagination.scheme == "after_id", op.operation_id
        # `{objects: [...]}` lists, and a few that return the array itself
        assert op.pagination.items_field in ("objects", None), op.operation_id


def _import_generated(root: Path, package: str):
    sys.path.insert(0, str(root))
    try:
        return __import__(package)
    finally:
        sys.path.remove(str(root))


def test_github_client_walks_pages_through_link_header(real_sdks: dict[str, Path]) -> None:
    github = _import_generated(real_sdks["github"], "github")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        page = int(request.url.params.get("page", "1"))
        issues = [{"number": n, "title": f"issue {n}"} for n in range(2 * page - 1, 2 * page + 1)]
        base = "https://api.github.com/repos/octo/hello/issues"
        headers = {"Link": f'<{base}?page={page + 1}&per_page=2>; rel="next"'} if page < 3 else {}
        return httpx.Response(200, json=issues, headers=headers)

    client = github.GitHub(api_key="token", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    numbers = [issue.number for issue in client.repos.issues.list(owner="octo", repo="hello", per_page=2)]
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert len(seen) == 3 and "page=3" in seen[-1]


def test_braintrust_client_walks_pages_by_starting_after(real_sdks: dict[str, Path]) -> None:
    braintrust = _import_generated(real_sdks["braintrust"], "braintrust")
    ids = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(5)]
    cursors: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("starting_after")
        cursors.append(after)
        start = 0 if after is None else ids.index(after) + 1
        chunk = [{"id": i, "name": f"exp {i[-1]}", "project_id": ids[0]} for i in ids[start : start + 2]]
        return httpx.Response(200, content=json.dumps({"objects": chunk}))

    client = braintrust.Braintrust(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    listed = [exp.id for exp in client.experiments.list(limit=2)]
    assert listed == ids
    assert cursors == [None, ids[1], ids[3], ids[4]]
