# ruff: noqa: F811  (pytest fixtures imported from client_fixtures, then requested by name)
"""The client's public surface beyond the spec's operations, sync and async: `client.get/post/…`
for endpoints the spec does not describe, `is_closed()`, `omit`, the default httpx clients,
the base exception named after the client, `copy()` / `with_options()` merging defaults, the
user's `http_client` keeping its timeout, constructor checks, and models complete after a call."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from client_fixtures import (  # noqa: F401  (fixtures)
    API_KEY,
    EXPERIMENT,
    REPO,
    Server,
    exp_sdk,
    json_response,
    make_client,
    mode,
    paging_sdk,
    resolve,
    sleeps,
)

# ---------------------------------------------------------------- client.get / post / … (no spec)


async def test_verbs_send_path_body_and_options(make_client, exp_sdk, mode):
    server = Server()
    client = make_client(server)
    got = await resolve(
        client.post(
            "/beta/experiments",
            cast_to=exp_sdk.types.Experiment,
            body={"name": "n", "tags": ["a"]},
            options={"headers": {"X-Beta": "1"}, "params": {"dry_run": True}, "timeout": 4},
        )
    )
    assert isinstance(got, exp_sdk.types.Experiment) and got.id == EXPERIMENT["id"]
    request = server.last
    assert request.method == "POST"
    assert request.url.path == "/v1/beta/experiments"
    assert request.url.params["dry_run"] == "true"
    assert json.loads(request.content) == {"name": "n", "tags": ["a"]}
    assert request.headers["x-beta"] == "1"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"  # the client's auth
    assert request.extensions["timeout"]["read"] == 4
    for verb in ("get", "put", "patch", "delete"):
        kwargs = {} if verb == "get" else {"body": {"k": verb}}
        value = await resolve(getattr(client, verb)(f"/things/{verb}", cast_to=dict, **kwargs))
        assert value == EXPERIMENT
        assert (server.last.method, server.last.url.path) == (verb.upper(), f"/v1/things/{verb}")
        assert server.last.content == (
            b"" if verb == "get" else json.dumps({"k": verb}, separators=(",", ":")).encode()
        )


async def test_verbs_retry_and_raise_like_operations(make_client, exp_sdk, sleeps):
    server = Server([json_response(503, {"error": "busy"}), json_response(200, {"ok": True})])
    assert await resolve(make_client(server).get("/health", cast_to=dict)) == {"ok": True}
    assert len(server.requests) == 2 and len(sleeps.delays) == 1
    missing = Server([json_response(404, {"error": {"message": "no such path"}})])
    with pytest.raises(exp_sdk.errors.NotFoundError, match="no such path") as info:
        await resolve(make_client(missing).delete("/nothing", cast_to=dict))
    assert isinstance(info.value, exp_sdk.pkg.ExperimentsError)


# ---------------------------------------------------------------- is_closed, omit


async def test_is_closed(exp_sdk, mode):
    cls = exp_sdk.AsyncExperiments if mode == "async" else exp_sdk.Experiments
    client = cls(api_key="k")
    assert client.is_closed() is False
    await resolve(client.close())
    assert client.is_closed() is True


async def test_omit_drops_a_default_header_for_one_call(make_client, exp_sdk):
    server = Server()
    client = make_client(server, default_headers={"X-Team": "core"})
    await resolve(client.experiments.retrieve("e", extra_headers={"X-Team": exp_sdk.pkg.omit}))
    assert "x-team" not in server.last.headers
    await resolve(client.experiments.retrieve("e", extra_headers={"User-Agent": exp_sdk.pkg.omit}))
    assert not server.last.headers.get("user-agent", "").startswith("experiments_sdk/")  # (httpx adds its own)
    await resolve(client.experiments.retrieve("e"))
    assert server.last.headers["x-team"] == "core" and server.last.headers["user-agent"].startswith("experiments_sdk/")
    await resolve(client.experiments.create(pipeline_id="p", extra_headers={"Idempotency-Key": exp_sdk.pkg.omit}))
    assert "idempotency-key" not in server.last.headers


# ---------------------------------------------------------------- default http clients


def test_default_httpx_clients_carry_the_sdk_defaults(exp_sdk):
    for cls, base in (
        (exp_sdk.pkg.DefaultHttpxClient, httpx.Client),
        (exp_sdk.pkg.DefaultAsyncHttpxClient, httpx.AsyncClient),
    ):
        http = cls()
        assert isinstance(http, base)
        assert http.timeout == httpx.Timeout(60.0, connect=5.0)
        assert http.follow_redirects is True
        assert cls(timeout=3.0).timeout == httpx.Timeout(3.0)  # the user's arguments win


class _Json(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = json.dumps({**EXPERIMENT, "name": self.path}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Json)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


async def test_default_aiohttp_client_sends_over_aiohttp(exp_sdk, local_server):
    from httpx_aiohttp import AiohttpTransport

    http = exp_sdk.pkg.DefaultAioHttpClient()
    assert isinstance(http, httpx.AsyncClient)
    assert isinstance(http._transport, AiohttpTransport)
    assert http.timeout == httpx.Timeout(60.0, connect=5.0)
    async with exp_sdk.AsyncExperiments(api_key="k", base_url=local_server, http_client=http) as client:
        got = await client.experiments.retrieve("exp-9")
    assert got.name == "/v1/experiments/exp-9"


# ---------------------------------------------------------------- the base exception


def test_every_error_derives_from_the_client_named_base(exp_sdk):
    base = exp_sdk.pkg.ExperimentsError
    assert "ExperimentsError" in exp_sdk.pkg.__all__
    errors = [getattr(exp_sdk.errors, name) for name in exp_sdk.errors.__all__]
    errors += [exp_sdk.pkg.InvalidDataError, exp_sdk.pkg.MissingFieldsError]
    assert len(errors) > 15
    for cls in errors:
        assert issubclass(cls, base), cls
    with pytest.raises(base):
        exp_sdk.types.Experiment.from_dict({"id": 5}).id  # noqa: B018 (reading the bad field raises)


# ---------------------------------------------------------------- copy / with_options


async def test_with_options_merges_default_headers_and_query(make_client):
    server = Server()
    client = make_client(server, default_headers={"X-A": "1", "X-B": "1"}, default_query={"qa": "1"})
    for copy in (
        client.with_options(default_headers={"X-B": "2", "X-C": "3"}, default_query={"qb": "2"}),
        client.copy(default_headers={"X-B": "2", "X-C": "3"}, default_query={"qb": "2"}),
    ):
        await resolve(copy.experiments.retrieve("e"))
        headers, params = server.last.headers, server.last.url.params
        assert (headers["x-a"], headers["x-b"], headers["x-c"]) == ("1", "2", "3")
        assert (params["qa"], params["qb"]) == ("1", "2")
    assert client.default_headers == {"X-A": "1", "X-B": "1"}  # the original is unchanged


async def test_set_default_headers_and_query_replace(make_client):
    server = Server()
    client = make_client(server, default_headers={"X-A": "1"}, default_query={"qa": "1"})
    copy = client.with_options(set_default_headers={"X-Z": "9"}, set_default_query={"qz": "9"})
    await resolve(copy.experiments.retrieve("e"))
    assert "x-a" not in server.last.headers and server.last.headers["x-z"] == "9"
    assert "qa" not in server.last.url.params and server.last.url.params["qz"] == "9"
    with pytest.raises(ValueError, match="set_default_headers"):
        client.copy(default_headers={"X-B": "2"}, set_default_headers={"X-Z": "9"})
    with pytest.raises(ValueError, match="set_default_query"):
        client.copy(default_query={"b": "2"}, set_default_query={"z": "9"})


# ---------------------------------------------------------------- the user's http_client


async def test_user_http_client_keeps_its_timeout(make_client, mode):
    server = Server()
    transport = httpx.MockTransport(server)
    http = (
        httpx.AsyncClient(transport=transport, timeout=None)
        if mode == "async"
        else httpx.Client(transport=transport, timeout=None)
    )
    client = make_client(server, http_client=http)
    await resolve(client.experiments.retrieve("e"))
    assert server.last.extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}
    assert client.timeout == httpx.Timeout(None)
    given = make_client(server, http_client=http, timeout=7.0)  # unless the client is given one
    await resolve(given.experiments.retrieve("e"))
    assert server.last.extensions["timeout"]["read"] == 7.0


# ---------------------------------------------------------------- constructor checks


def test_constructor_rejects_bad_max_retries_and_the_wrong_http_client(exp_sdk):
    for cls in (exp_sdk.Experiments, exp_sdk.AsyncExperiments):
        with pytest.raises(TypeError, match="max_retries must be an int"):
            cls(api_key="k", max_retries=None)
        with pytest.raises(TypeError, match="max_retries must be an int"):
            cls(api_key="k", max_retries="3")
        with pytest.raises(ValueError, match="max_retries must be >= 0"):
            cls(api_key="k", max_retries=-1)
    with pytest.raises(TypeError, match=r"httpx\.Client for the sync client; got httpx\.AsyncClient"):
        exp_sdk.Experiments(api_key="k", http_client=httpx.AsyncClient())
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient for the async client; got httpx\.Client"):
        exp_sdk.AsyncExperiments(api_key="k", http_client=httpx.Client())


# ---------------------------------------------------------------- models complete after a call

_COMPLETE = """
import asyncio, sys, typing
import httpx
sys.path.insert(0, sys.argv[1])
from experiments_sdk import AsyncExperiments, Experiments
from experiments_sdk.types.experiment_event import ExperimentEvent, ExperimentEventMetrics
from experiments_sdk.types.fetch_events_response import FetchEventsResponse

classes = (FetchEventsResponse, ExperimentEvent, ExperimentEventMetrics)
assert not any(c.__pydantic_complete__ for c in classes), "complete before any call: nothing to test"
event = {"id": "a", "xact_id": "1", "created": "2025-01-01T00:00:00Z", "experiment_id": "x", "project_id": "p",
         "root_span_id": "r", "span_id": "s", "input": None, "output": None, "expected": None, "error": None,
         "metrics": {"start": 1.0}}
body = {"events": [event], "cursor": None}
handler = lambda request: httpx.Response(200, json=body)
if sys.argv[2] == "async":
    async def main():
        client = AsyncExperiments(api_key="k", http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
        return await client.experiments.events.fetch("x")
    page = asyncio.run(main())
else:
    client = Experiments(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    page = client.experiments.events.fetch("x")
assert page.events[0].metrics.start == 1.0
for c in classes:
    assert c.__pydantic_complete__, c
    for name, info in c.model_fields.items():
        assert "ForwardRef" not in repr(info.annotation), (c, name, info.annotation)
print("ok")
"""


def test_models_are_complete_after_the_first_call(exp_sdk, mode):
    result = subprocess.run(
        [sys.executable, "-c", _COMPLETE, str(exp_sdk.root), mode], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]


# ---------------------------------------------------------------- the package's names


def test_package_lists_its_names(exp_sdk):
    pkg = exp_sdk.pkg
    listed = set(pkg.__all__)
    for name in (
        "Experiments",
        "AsyncExperiments",
        "ExperimentsError",
        "omit",
        "Omit",
        "SyncPage",
        "PageInfo",
        "DefaultHttpxClient",
        "DefaultAsyncHttpxClient",
        "DefaultAioHttpClient",
        "experiments",
    ):
        assert name in listed, name
    shown = dir(pkg)
    assert listed <= set(shown)  # the lazily imported names too, before they are imported
    for name in sorted(listed - {"experiments"}):
        assert getattr(pkg, name) is not None, name


def test_reexports_are_one_statement_per_module(exp_sdk):
    import ast

    for path in sorted(exp_sdk.root.rglob("*.py")):
        seen: dict[tuple[int, str], int] = {}
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and all(a.asname == a.name for a in node.names):
                key = (node.level, node.module or "")
                seen[key] = seen.get(key, 0) + 1
        assert all(n == 1 for n in seen.values()), (path, seen)


# ---------------------------------------------------------------- enums read as their values


async def test_enum_members_read_as_their_values(make_client, exp_sdk):
    server = Server([json_response(body={**EXPERIMENT, "status": "EVALUATING"})])
    status = (await resolve(make_client(server).experiments.retrieve("e"))).status
    Status = exp_sdk.types.ExperimentStatus
    assert status is Status.EVALUATING and isinstance(status, str)
    assert (str(status), f"{status}", format(status, ">12")) == ("EVALUATING", "EVALUATING", "  EVALUATING")
    assert status == "EVALUATING" and hash(status) == hash("EVALUATING")
    assert {"EVALUATING": 1}[status] == 1 and {status: 1}["EVALUATING"] == 1


def test_enum_values_that_differ_from_names_and_unknown_values(exp_sdk):
    OpenEnum = exp_sdk.mod("_models").OpenEnum

    class Kind(str, OpenEnum):
        LLM = "llm"

    class Code(int, OpenEnum):
        OK = 200

    assert (str(Kind.LLM), f"{Kind.LLM}", hash(Kind.LLM)) == ("llm", "llm", hash("llm"))
    assert {"llm": "found"}[Kind.LLM] == "found"
    assert (str(Code.OK), f"{Code.OK:05d}", Code.OK == 200, {200: "ok"}[Code.OK]) == ("200", "00200", True, "ok")
    new = Kind("tool")  # a value the SDK does not know yet: kept
    assert (new.is_known, new.value, f"{new}", new == "tool", hash(new)) == (False, "tool", "tool", True, hash("tool"))


# ---------------------------------------------------------------- what pyright sees

PYRIGHT = REPO / "node_modules" / ".bin" / "pyright"

USAGE = """
from typing import List, Optional

from typing_extensions import assert_type

from experiments_sdk import AsyncExperiments, Experiments, ExperimentsError, NotFoundError
from experiments_sdk.types import Experiment


def sync_use(client: Experiments) -> None:
    page = client.experiments.list()
    assert_type(page.data, List[Experiment])
    assert_type(page.next_cursor, Optional[str])
    assert_type(page.items, list[Experiment])
    for item in page:
        assert_type(item, Experiment)
    assert_type(client.post("/beta", cast_to=Experiment, body={"a": 1}), Experiment)
    assert_type(client.get("/beta", cast_to=dict), dict)
    try:
        client.experiments.retrieve("x")
    except ExperimentsError as exc:
        assert_type(exc, ExperimentsError)


def as_base(exc: NotFoundError) -> ExperimentsError:
    return exc


async def async_use(client: AsyncExperiments) -> None:
    page = await client.experiments.list()
    assert_type(page.data, List[Experiment])
    async for item in client.experiments.list():
        assert_type(item, Experiment)
    assert_type(await client.patch("/beta", cast_to=Experiment), Experiment)
"""


def test_pyright_sees_typed_pages_casts_and_errors(exp_sdk):
    assert PYRIGHT.exists(), "pyright is not installed: run `npm ci` (`make test` does)"
    cases = {
        "usage_ok.py": USAGE,
        # each check must be able to fail
        "usage_page.py": USAGE.replace(
            "assert_type(page.next_cursor, Optional[str])", "assert_type(page.next_cursor, int)"
        ),
        "usage_cast.py": USAGE.replace('body={"a": 1}), Experiment)', 'body={"a": 1}), dict)'),
        "usage_error.py": USAGE.replace(
            "def as_base(exc: NotFoundError) -> ExperimentsError:", "def as_base(exc: NotFoundError) -> int:"
        ),
    }
    for name, text in cases.items():
        (exp_sdk.root / name).write_text(text)
    run = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--outputjson", *cases],
        cwd=exp_sdk.root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(run.stdout)
    errors: dict[str, list[str]] = {name: [] for name in cases}
    for diag in report["generalDiagnostics"]:
        if diag["severity"] == "error":
            errors[Path(diag["file"]).name].append(diag["message"])
    assert errors["usage_ok.py"] == []
    for name in ("usage_page.py", "usage_cast.py", "usage_error.py"):
        assert len(errors[name]) == 1, (name, errors[name])


def test_aiohttp_is_imported_only_when_used(exp_sdk):
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import experiments_sdk as p; "
        "p.Experiments(api_key='k'); p.AsyncExperiments(api_key='k'); dir(p); "
        "assert 'aiohttp' not in sys.modules, 'imported with the client'; "
        "p.DefaultAioHttpClient; assert 'aiohttp' in sys.modules; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(exp_sdk.root)], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
