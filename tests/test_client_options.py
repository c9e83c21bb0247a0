# ruff: noqa: F811  (pytest fixtures imported from client_fixtures, then requested by name)
"""Client options and request building: timeouts, with_options/copy, environment variables,
default/extra headers, query and body, NOT_GIVEN vs None, path parameters, platform headers,
closing, and the module-level `init()` + resources. Sync and async."""

from __future__ import annotations

import platform

import httpx
import pytest
from client_fixtures import (  # noqa: F401  (fixtures)
    API_KEY,
    BASE_URL,
    EXPERIMENT,
    PIPELINE,
    Server,
    collect,
    exp_sdk,
    experiment,
    http_client_for,
    json_response,
    make_client,
    make_paging_client,
    mode,
    paging_sdk,
    resolve,
    sleeps,
)


def timeout_of(request: httpx.Request) -> dict:
    return request.extensions["timeout"]


# ---------------------------------------------------------------- timeouts


async def test_default_timeout(make_client, exp_sdk, mode):
    server = Server()
    cls = exp_sdk.pkg.DefaultAsyncHttpxClient if mode == "async" else exp_sdk.pkg.DefaultHttpxClient
    client = make_client(server, http_client=cls(transport=httpx.MockTransport(server)))
    await resolve(client.experiments.retrieve("exp-1"))
    assert timeout_of(server.last) == {"connect": 5.0, "read": 60.0, "write": 60.0, "pool": 60.0}


async def test_client_timeout_reaches_httpx(make_client):
    server = Server()
    await resolve(make_client(server, timeout=12.5).experiments.retrieve("exp-1"))
    assert timeout_of(server.last) == {"connect": 12.5, "read": 12.5, "write": 12.5, "pool": 12.5}


async def test_client_timeout_object(make_client):
    server = Server()
    client = make_client(server, timeout=httpx.Timeout(30.0, connect=2.0, read=9.0))
    await resolve(client.experiments.list())
    assert timeout_of(server.last) == {"connect": 2.0, "read": 9.0, "write": 30.0, "pool": 30.0}


async def test_per_request_timeout_overrides_client(make_client):
    server = Server([json_response(body={"data": [], "next_cursor": None})])
    client = make_client(server, timeout=20)
    await resolve(client.experiments.create(pipeline_id=PIPELINE, timeout=3))
    assert timeout_of(server.last)["read"] == 3
    await resolve(client.experiments.list(timeout=httpx.Timeout(1.0, read=4.0)))
    assert timeout_of(server.last) == {"connect": 1.0, "read": 4.0, "write": 1.0, "pool": 1.0}
    await resolve(client.experiments.retrieve("exp-1", timeout=None))
    assert timeout_of(server.last) == {"connect": None, "read": None, "write": None, "pool": None}
    await resolve(client.experiments.retrieve("exp-1"))
    assert timeout_of(server.last)["read"] == 20


async def test_timeout_via_with_options(make_client):
    server = Server()
    client = make_client(server, timeout=20)
    await resolve(client.with_options(timeout=7).experiments.retrieve("exp-1"))
    assert timeout_of(server.last)["read"] == 7
    await resolve(client.experiments.retrieve("exp-1"))
    assert timeout_of(server.last)["read"] == 20


async def test_timeout_applies_to_every_try_and_page(make_client):
    calls = iter(
        [
            httpx.Response(500),
            httpx.Response(200, json={"data": [experiment("a")], "next_cursor": "c2"}),
            httpx.Response(200, json={"data": [experiment("b")], "next_cursor": None}),
        ]
    )
    server = Server([lambda r: next(calls)])
    await collect(make_client(server).experiments.list(timeout=2.5))
    assert [timeout_of(r)["read"] for r in server.requests] == [2.5, 2.5, 2.5]


# ---------------------------------------------------------------- with_options / copy


async def test_with_options_changes_only_the_copy(make_client):
    server = Server()
    client = make_client(server, default_headers={"X-Team": "a"})
    copy = client.with_options(
        api_key="other-key",
        base_url="https://other.test/v2",
        default_headers={"X-Team": "b"},
        max_retries=5,
    )
    assert type(copy) is type(client)
    assert copy is not client
    await resolve(copy.experiments.retrieve("exp-1"))
    sent = server.last
    assert sent.url.host == "other.test" and sent.url.path == "/v2/experiments/exp-1"
    assert sent.headers["Authorization"] == "Bearer other-key"
    assert sent.headers["X-Team"] == "b"
    assert copy.max_retries == 5
    await resolve(client.experiments.retrieve("exp-1"))
    sent = server.last
    assert sent.url.host == "api.test.example"
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["X-Team"] == "a"
    assert client.max_retries == 2


async def test_copy_is_with_options_and_shares_the_http_client(make_client):
    client = make_client()
    copy = client.copy(max_retries=0)
    assert copy.max_retries == 0
    assert copy._http is client._http
    assert client.with_options()._http is client._http
    # mutating the copy's mappings does not reach the original
    copy.default_headers["X-Only-Copy"] = "1"
    assert "X-Only-Copy" not in client.default_headers


async def test_closing_a_copy_keeps_the_shared_client_open(exp_sdk, mode):
    cls = exp_sdk.AsyncExperiments if mode == "async" else exp_sdk.Experiments
    client = cls(api_key="k", base_url=BASE_URL)  # owns its httpx client
    copy = client.with_options(max_retries=1)
    await resolve(copy.close())
    assert not client._http.is_closed
    await resolve(client.close())
    assert client._http.is_closed


# ---------------------------------------------------------------- environment


async def test_env_api_key_and_base_url(exp_sdk, mode, monkeypatch):
    monkeypatch.setenv("EXPERIMENTS_API_KEY", "env-key-1")
    monkeypatch.setenv("EXPERIMENTS_BASE_URL", "https://env.test/base/")
    server = Server()
    cls = exp_sdk.AsyncExperiments if mode == "async" else exp_sdk.Experiments
    client = cls(http_client=http_client_for(mode, server))
    await resolve(client.experiments.retrieve("exp-1"))
    assert server.last.headers["Authorization"] == "Bearer env-key-1"
    assert str(server.last.url) == "https://env.test/base/experiments/exp-1"


async def test_arguments_beat_environment(exp_sdk, mode, monkeypatch):
    monkeypatch.setenv("EXPERIMENTS_API_KEY", "env-key-1")
    monkeypatch.setenv("EXPERIMENTS_BASE_URL", "https://env.test")
    server = Server()
    cls = exp_sdk.AsyncExperiments if mode == "async" else exp_sdk.Experiments
    client = cls(api_key="arg-key", base_url="https://arg.test/v9", http_client=http_client_for(mode, server))
    await resolve(client.experiments.retrieve("exp-1"))
    assert server.last.headers["Authorization"] == "Bearer arg-key"
    assert str(server.last.url) == "https://arg.test/v9/experiments/exp-1"


async def test_default_base_url_from_spec(exp_sdk, mode, monkeypatch):
    monkeypatch.delenv("EXPERIMENTS_BASE_URL", raising=False)
    server = Server()
    cls = exp_sdk.AsyncExperiments if mode == "async" else exp_sdk.Experiments
    client = cls(api_key="k", http_client=http_client_for(mode, server))
    await resolve(client.experiments.retrieve("exp-1"))
    assert str(server.last.url) == "https://api.experiments.example/v1/experiments/exp-1"


@pytest.mark.parametrize("env_value", [None, ""])
def test_missing_api_key_is_a_clear_error(exp_sdk, mode, monkeypatch, env_value):
    if env_value is None:
        monkeypatch.delenv("EXPERIMENTS_API_KEY", raising=False)
    else:
        monkeypatch.setenv("EXPERIMENTS_API_KEY", env_value)
    cls = exp_sdk.AsyncExperiments if mode == "async" else exp_sdk.Experiments
    with pytest.raises(exp_sdk.errors.MissingCredentialsError) as info:
        cls()
    assert "EXPERIMENTS_API_KEY" in str(info.value)
    assert "api_key" in str(info.value)
    assert type(info.value) is exp_sdk.pkg.MissingCredentialsError


async def test_no_auth_spec_needs_no_key(paging_sdk, make_paging_client, monkeypatch):
    monkeypatch.delenv("PAGING_DEMO_API_KEY", raising=False)
    server = Server([json_response(body=[])])
    await collect(make_paging_client(server).logs.list())
    assert "authorization" not in server.last.headers


# ---------------------------------------------------------------- headers, query, body


async def test_default_and_extra_headers(make_client):
    server = Server()
    client = make_client(server, default_headers={"X-Team": "core", "X-Both": "default"})
    await resolve(client.experiments.retrieve("exp-1", extra_headers={"X-Both": "extra", "X-Call": "1"}))
    headers = server.last.headers
    assert headers["X-Team"] == "core"
    assert headers.get_list("X-Both") == ["extra"]
    assert headers["X-Call"] == "1"


async def test_headers_override_case_insensitively(make_client):
    server = Server()
    client = make_client(server, default_headers={"user-agent": "my-app/1"})
    await resolve(client.experiments.retrieve("exp-1", extra_headers={"accept": "application/x-custom"}))
    assert server.last.headers.get_list("User-Agent") == ["my-app/1"]
    assert server.last.headers.get_list("Accept") == ["application/x-custom"]


async def test_extra_headers_can_replace_authorization(make_client):
    server = Server()
    await resolve(make_client(server).experiments.retrieve("exp-1", extra_headers={"authorization": "Token t"}))
    assert server.last.headers.get_list("Authorization") == ["Token t"]


async def test_content_type_override_is_not_duplicated(make_client):
    server = Server()
    await resolve(
        make_client(server).experiments.update(
            "exp-1", name="n", extra_headers={"content-type": "application/merge-patch+json"}
        )
    )
    assert server.last.headers.get_list("Content-Type") == ["application/merge-patch+json"]
    assert server.body() == {"name": "n"}


async def test_default_and_extra_query(make_client):
    server = Server([json_response(body={"data": [], "next_cursor": None})])
    client = make_client(server, default_query={"tenant": "t1", "both": "default"})
    await resolve(client.experiments.list(limit=5, extra_query={"both": "extra", "debug": True}))
    params = server.last.url.params
    assert params["tenant"] == "t1"
    assert params.get_list("both") == ["extra"]
    assert params["debug"] == "true"
    assert params["limit"] == "5"
    assert "cursor" not in params and "pipelineId" not in params  # omitted parameters are not sent


async def test_extra_body_merges_into_json(make_client):
    server = Server()
    client = make_client(server)
    await resolve(client.experiments.create(pipeline_id=PIPELINE, extra_body={"beta": {"x": 1}, "name": "from-extra"}))
    assert server.body() == {"pipelineId": PIPELINE, "beta": {"x": 1}, "name": "from-extra"}
    assert server.last.headers["Content-Type"] == "application/json"


async def test_omitted_field_not_sent_none_sent_as_null(make_client):
    server = Server()
    client = make_client(server)
    await resolve(client.experiments.update("exp-1", status="EVALUATING"))
    assert server.body() == {"status": "EVALUATING"}
    await resolve(client.experiments.update("exp-1", name=None))
    assert server.body() == {"name": None}
    assert b'"name":null' in server.last.content
    await resolve(client.experiments.update("exp-1", name=None, metadata=None))
    assert server.body() == {"name": None, "metadata": None}
    await resolve(client.experiments.update("exp-1"))
    assert server.body() == {}
    await resolve(client.experiments.create(pipeline_id=PIPELINE))
    assert server.body() == {"pipelineId": PIPELINE}


async def test_not_given_is_falsy_singleton(exp_sdk):
    base = exp_sdk.base
    assert base.NotGiven() is base.NOT_GIVEN
    assert not base.NOT_GIVEN
    assert repr(base.NOT_GIVEN) == "NOT_GIVEN"


async def test_enum_and_model_arguments_serialised(make_client, exp_sdk):
    server = Server()
    status = exp_sdk.types.ExperimentStatus
    member = next(iter(status)) if hasattr(status, "__iter__") else None
    await resolve(make_client(server).experiments.update("exp-1", status=member))
    assert server.body() == {"status": member.value}


# ---------------------------------------------------------------- path parameters


@pytest.mark.parametrize("value", ["", None])
async def test_empty_path_parameter_raises_before_request(make_client, value):
    server = Server()
    client = make_client(server)
    with pytest.raises(ValueError, match="experiment_id"):
        await resolve(client.experiments.retrieve(value))
    with pytest.raises(ValueError, match="experiment_id"):
        await resolve(client.experiments.events.insert(value, events=[]))
    with pytest.raises(ValueError, match="experiment_id"):
        await resolve(client.experiments.with_raw_response.delete(value))
    assert server.requests == []


async def test_path_parameter_is_url_encoded(make_client):
    server = Server()
    client = make_client(server)
    await resolve(client.experiments.retrieve("a/b c"))
    assert server.last.url.raw_path == b"/v1/experiments/a%2Fb%20c"
    await resolve(client.experiments.delete("x?y#z%"))
    assert server.last.url.raw_path == b"/v1/experiments/x%3Fy%23z%25"
    await resolve(client.experiments.update("é/ü"))
    assert server.last.url.raw_path == b"/v1/experiments/%C3%A9%2F%C3%BC"


# ---------------------------------------------------------------- platform headers


async def test_user_agent_and_platform_headers_on_every_request(make_client, exp_sdk):
    calls = iter(
        [
            httpx.Response(503),
            json_response(),
            httpx.Response(200, json={"data": [EXPERIMENT], "next_cursor": "c2"}),
            httpx.Response(200, json={"data": [EXPERIMENT], "next_cursor": None}),
        ]
    )
    server = Server([lambda r: next(calls)])
    client = make_client(server)
    await resolve(client.experiments.create(pipeline_id=PIPELINE))
    await collect(client.experiments.list())
    assert len(server.requests) == 4
    version = exp_sdk.pkg.__version__
    for request in server.requests:
        headers = request.headers
        assert headers["User-Agent"] == f"experiments_sdk/{version} python/{platform.python_version()}"
        assert headers["X-SDK-Lang"] == "python"
        assert headers["X-SDK-Package-Version"] == version
        assert headers["X-SDK-OS"] == (platform.system() or "unknown")
        assert headers["X-SDK-Arch"] == (platform.machine() or "unknown")
        assert headers["X-SDK-Runtime"] == platform.python_implementation()
        assert headers["X-SDK-Runtime-Version"] == platform.python_version()
        assert headers["Accept"] == "application/json"
        assert len(headers.get_list("User-Agent")) == 1


# ---------------------------------------------------------------- closing


async def test_context_manager_closes_own_http_client(exp_sdk, mode):
    if mode == "sync":
        with exp_sdk.Experiments(api_key="k", base_url=BASE_URL) as client:
            assert isinstance(client, exp_sdk.Experiments)
            assert not client._http.is_closed
    else:
        async with exp_sdk.AsyncExperiments(api_key="k", base_url=BASE_URL) as client:
            assert isinstance(client, exp_sdk.AsyncExperiments)
            assert not client._http.is_closed
    assert client._http.is_closed


async def test_context_manager_leaves_user_http_client_open(exp_sdk, mode):
    server = Server()
    http = http_client_for(mode, server)
    if mode == "sync":
        with exp_sdk.Experiments(api_key="k", base_url=BASE_URL, http_client=http) as client:
            client.experiments.retrieve("exp-1")
    else:
        async with exp_sdk.AsyncExperiments(api_key="k", base_url=BASE_URL, http_client=http) as client:
            await client.experiments.retrieve("exp-1")
    assert not http.is_closed
    # still usable by its owner
    response = await resolve(http.get("https://anything.test/"))
    assert response.status_code == 200
    await resolve(http.aclose() if mode == "async" else http.close())


# ---------------------------------------------------------------- init() + module-level resources


@pytest.fixture
def module_client(exp_sdk):
    """The package's default-client holder, reset before and after the test."""
    holder = exp_sdk.pkg._default
    holder._client = None
    yield holder
    holder._client = None


async def test_init_and_module_level_resources(exp_sdk, module_client):
    server = Server([lambda r: httpx.Response(200, json={"data": [experiment("m1")], "next_cursor": None})])
    pkg = exp_sdk.pkg
    init, experiments = pkg.init, pkg.experiments  # `from experiments_sdk import init, experiments`
    client = init(
        api_key="module-key",
        base_url="https://module.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
    )
    assert isinstance(client, exp_sdk.AsyncExperiments)
    page = await experiments.list(limit=1)
    assert [e.id for e in page.items] == ["m1"]
    assert str(server.last.url) == "https://module.test/v1/experiments?limit=1"
    assert server.last.headers["Authorization"] == "Bearer module-key"
    assert [e.id async for e in experiments.list()] == ["m1"]
    server.replies = [json_response(body={"row_ids": ["r"]})]
    assert (await experiments.events.insert("exp-1", events=[])).row_ids == ["r"]
    raw = await experiments.with_raw_response.retrieve("exp-1")
    assert raw.status_code == 200
    assert API_KEY not in repr(experiments) and "module-key" not in repr(experiments)


async def test_resource_taken_before_init_follows_reconfiguration(exp_sdk, module_client):
    experiments = exp_sdk.pkg.experiments  # imported before init()
    first, second = Server(), Server()
    exp_sdk.pkg.init(
        api_key="k1",
        base_url="https://one.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(first)),
    )
    await experiments.retrieve("a")
    exp_sdk.pkg.init(
        api_key="k2",
        base_url="https://two.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(second)),
    )
    await experiments.retrieve("b")
    assert [str(r.url) for r in first.requests] == ["https://one.test/experiments/a"]
    assert [str(r.url) for r in second.requests] == ["https://two.test/experiments/b"]
    assert second.last.headers["Authorization"] == "Bearer k2"


async def test_init_options_reach_the_default_client(exp_sdk, module_client):
    server = Server([httpx.Response(500)])
    exp_sdk.pkg.init(
        api_key="k",
        base_url="https://m.test",
        max_retries=0,
        timeout=4.0,
        default_headers={"X-From-Init": "yes"},
        default_query={"tenant": "t"},
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
    )
    with pytest.raises(exp_sdk.errors.InternalServerError):
        await exp_sdk.pkg.experiments.retrieve("a")
    assert len(server.requests) == 1
    assert server.last.headers["X-From-Init"] == "yes"
    assert server.last.url.params["tenant"] == "t"
    assert timeout_of(server.last)["read"] == 4.0


async def test_module_level_without_init_uses_environment(exp_sdk, module_client, monkeypatch):
    monkeypatch.delenv("EXPERIMENTS_API_KEY", raising=False)
    with pytest.raises(exp_sdk.errors.MissingCredentialsError):
        exp_sdk.pkg.experiments.retrieve  # noqa: B018  (first use creates the default client)
    monkeypatch.setenv("EXPERIMENTS_API_KEY", "from-env")
    monkeypatch.setenv("EXPERIMENTS_BASE_URL", "https://env-module.test")
    client = module_client.get()
    assert isinstance(client, exp_sdk.AsyncExperiments)
    assert client.api_key == "from-env"
    assert str(client.base_url) == "https://env-module.test/"
    await client.close()
