"""Every security scheme and combination, as the generated clients send them (sync and async).

The SDK is generated from tests/fixtures/auth.yaml: basic or bearer by default, an email and a
key together, a key in the query and in a cookie, OAuth2 client credentials, an operation
with no auth, one where auth is optional, and one whose first alternative cannot be sent.
Requests go to an `httpx.MockTransport` that also plays the OAuth2 token endpoint.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import inspect
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import FIXTURES, generate, import_tree
from test_contract import run_contract_tests

from generator import ir
from generator.ir.build import build_package
from generator.spec.config import Config

SPEC = FIXTURES / "auth.yaml"
TOKEN_URL = "https://login.authdemo.test/oauth/token"
SECRET = "s3cr3t-Ünïcode-9f2c"  # a credential no message, repr or log line may show
ENV_VARS = (
    "USERNAME",
    "PASSWORD",
    "BEARER_AUTH",
    "ACCOUNT_EMAIL",
    "ACCOUNT_KEY",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "QUERY_TOKEN",
    "SESSION_COOKIE",
)


@pytest.fixture(scope="module")
def sdk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("auth") / "sdk"
    result = generate(SPEC, out, "-q")
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def sdk(sdk_dir: Path) -> ModuleType:
    return import_tree(sdk_dir, "authdemo", "authdemo__auth")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(f"AUTHDEMO_{name}", raising=False)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


class Server:
    """The API and its token endpoint. Tokens are `tok-1`, `tok-2` …; the API answers 401 to a
    bearer token in `revoked`."""

    def __init__(self, expires_in: int | None = 3600, token_delay: float = 0.0) -> None:
        self.api: list[httpx.Request] = []
        self.token_requests: list[httpx.Request] = []
        self.revoked: set[str] = set()
        self.expires_in = expires_in
        self.token_delay = token_delay
        self._lock = threading.Lock()

    def _token(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.token_requests.append(request)
            body: dict[str, Any] = {"access_token": f"tok-{len(self.token_requests)}", "token_type": "bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        self.api.append(request)
        auth = request.headers.get("authorization", "")
        if auth.removeprefix("Bearer ") in self.revoked:
            return httpx.Response(401, json={"error": {"message": "token expired"}})
        return httpx.Response(200, json={"id": "t1"})

    def sync_handler(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            if self.token_delay:
                threading.Event().wait(self.token_delay)
            return self._token(request)
        return self._api(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            await asyncio.sleep(self.token_delay)
            return self._token(request)
        return self._api(request)

    @property
    def last(self) -> httpx.Request:
        return self.api[-1]


def client_for(sdk: ModuleType, mode: str, server: Server, **credentials: Any) -> Any:
    if mode == "async":
        http: Any = httpx.AsyncClient(transport=httpx.MockTransport(server.async_handler))
        return sdk.AsyncAuthdemo(http_client=http, max_retries=0, **credentials)
    http = httpx.Client(transport=httpx.MockTransport(server.sync_handler))
    return sdk.Authdemo(http_client=http, max_retries=0, **credentials)


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# ---------------------------------------------------------------- http basic and bearer


async def test_basic_is_base64_of_user_colon_password_in_utf8(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, username="ACxx", password="pässwörd:1")
    await resolve(client.things.retrieve("a"))
    assert server.last.headers["authorization"] == "Basic QUN4eDpww6Rzc3fDtnJkOjE="
    assert server.last.headers["authorization"] == basic("ACxx", "pässwörd:1")


async def test_bearer_is_sent_when_it_is_the_only_alternative_given(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, bearer_auth="bt-1")
    await resolve(client.things.retrieve("a"))
    assert server.last.headers["authorization"] == "Bearer bt-1"


async def test_the_first_configured_alternative_wins(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, bearer_auth="bt-1", username="u", password="p")
    await resolve(client.things.retrieve("a"))
    assert server.last.headers.get_list("authorization") == [basic("u", "p")]


async def test_half_a_basic_pair_falls_through_to_the_next_alternative(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, username="u", bearer_auth="bt-1")
    await resolve(client.things.retrieve("a"))
    assert server.last.headers["authorization"] == "Bearer bt-1"


async def test_credentials_come_from_the_environment(sdk, mode, monkeypatch):
    monkeypatch.setenv("AUTHDEMO_USERNAME", "env-user")
    monkeypatch.setenv("AUTHDEMO_PASSWORD", "env-pass")
    server = Server()
    client = client_for(sdk, mode, server)
    assert client.username == "env-user"
    await resolve(client.things.retrieve("a"))
    assert server.last.headers["authorization"] == basic("env-user", "env-pass")


async def test_arguments_beat_the_environment(sdk, mode, monkeypatch):
    monkeypatch.setenv("AUTHDEMO_BEARER_AUTH", "from-env")
    server = Server()
    await resolve(client_for(sdk, mode, server, bearer_auth="from-arg").things.retrieve("a"))
    assert server.last.headers["authorization"] == "Bearer from-arg"


async def test_with_options_keeps_and_replaces_credentials(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, username="u", password="p")
    await resolve(client.with_options(max_retries=1).things.retrieve("a"))
    assert server.last.headers["authorization"] == basic("u", "p")
    await resolve(client.with_options(password="p2").things.retrieve("a"))
    assert server.last.headers["authorization"] == basic("u", "p2")


# ---------------------------------------------------------------- api keys


async def test_schemes_required_together_are_all_sent(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, account_email="me@example.com", account_key="k-1")
    await resolve(client.accounts.retrieve())
    assert server.last.headers["x-auth-email"] == "me@example.com"
    assert server.last.headers["x-auth-key"] == "k-1"
    assert "authorization" not in server.last.headers


async def test_a_key_in_the_query(sdk, mode):
    server = Server()
    await resolve(client_for(sdk, mode, server, query_token="qt-1").reports.retrieve())
    assert server.last.url.params.get_list("api_token") == ["qt-1"]
    assert "authorization" not in server.last.headers


async def test_a_key_in_a_cookie(sdk, mode):
    server = Server()
    await resolve(client_for(sdk, mode, server, session_cookie="sess-1").sessions.retrieve())
    assert server.last.headers["cookie"] == "session=sess-1"


async def test_an_unsendable_alternative_is_left_out(sdk, mode):
    server = Server()
    await resolve(client_for(sdk, mode, server, query_token="qt-2").legacy.retrieve())
    assert server.last.url.params["api_token"] == "qt-2"


# ---------------------------------------------------------------- per-operation security


async def test_empty_security_sends_nothing_even_when_configured(sdk, mode):
    server = Server()
    everything = dict(username="u", password="p", bearer_auth="b", query_token="q", session_cookie="c")
    await resolve(client_for(sdk, mode, server, **everything).status.retrieve())
    request = server.last
    assert "authorization" not in request.headers and "cookie" not in request.headers
    assert "api_token" not in request.url.params


async def test_optional_auth_is_sent_when_given_and_skipped_when_not(sdk, mode):
    server = Server()
    await resolve(client_for(sdk, mode, server).feed.retrieve())
    assert "authorization" not in server.last.headers
    await resolve(client_for(sdk, mode, server, bearer_auth="b-9").feed.retrieve())
    assert server.last.headers["authorization"] == "Bearer b-9"


async def test_operation_security_replaces_the_default(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, username="u", password="p", account_email="e", account_key="k")
    await resolve(client.accounts.retrieve())
    assert "authorization" not in server.last.headers  # basic is the default, not this operation's


# ---------------------------------------------------------------- missing credentials


async def test_a_missing_credential_names_every_way_to_give_it(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, username=SECRET)  # no password, no bearer token
    with pytest.raises(sdk.MissingCredentialsError) as info:
        await resolve(client.things.retrieve("a"))
    message = str(info.value)
    assert message.startswith("This call needs credentials: ")
    assert "password=" in message and "AUTHDEMO_PASSWORD" in message
    assert "bearer_auth=" in message and "AUTHDEMO_BEARER_AUTH" in message
    assert "username=" not in message  # it was given
    assert SECRET not in message and SECRET not in repr(info.value)
    assert server.api == []


async def test_a_missing_half_of_a_pair_is_named(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, account_email="e")
    with pytest.raises(
        sdk.MissingCredentialsError, match=r"account_key= to the client or set the AUTHDEMO_ACCOUNT_KEY"
    ):
        await resolve(client.accounts.retrieve())


def test_a_client_needs_no_credentials_until_a_call_does(sdk):
    client = sdk.Authdemo()  # some operations need none: creating the client is fine
    assert client.username is None and client.bearer_auth is None


# ---------------------------------------------------------------- oauth2 client credentials


async def test_oauth2_fetches_a_token_once_and_sends_it(sdk, mode):
    server = Server()
    client = client_for(sdk, mode, server, client_id="app id", client_secret="se:cret")
    await resolve(client.jobs.retrieve())
    await resolve(client.jobs.retrieve())
    (token_request,) = server.token_requests
    assert token_request.method == "POST"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(token_request.content.decode())) == {
        "grant_type": "client_credentials",
        "scope": "things:read",
    }
    # RFC 6749 §2.3.1: the id and secret are form-encoded, then sent as HTTP basic.
    assert token_request.headers["authorization"] == basic("app%20id", "se%3Acret")
    assert [r.headers["authorization"] for r in server.api] == ["Bearer tok-1", "Bearer tok-1"]


async def test_oauth2_refreshes_before_the_token_expires(sdk, mode, monkeypatch):
    auth = importlib.import_module(f"{sdk.__name__}._auth")
    now = [1000.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    server = Server(expires_in=600)
    client = client_for(sdk, mode, server, client_id="i", client_secret="s")
    await resolve(client.jobs.retrieve())
    now[0] += 539  # a tenth of the lifetime before expiry: still fresh
    await resolve(client.jobs.retrieve())
    assert len(server.token_requests) == 1
    now[0] += 2  # 59 s before expiry: fetched again, before the old one expires
    await resolve(client.jobs.retrieve())
    assert len(server.token_requests) == 2
    assert [r.headers["authorization"] for r in server.api] == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


async def test_twenty_concurrent_async_calls_fetch_one_token(sdk):
    server = Server(token_delay=0.05)
    client = client_for(sdk, "async", server, client_id="i", client_secret="s")
    await asyncio.gather(*(client.jobs.retrieve() for _ in range(20)))
    assert len(server.token_requests) == 1
    assert len(server.api) == 20
    assert {r.headers["authorization"] for r in server.api} == {"Bearer tok-1"}


def test_concurrent_sync_calls_fetch_one_token(sdk):
    server = Server(token_delay=0.05)
    client = client_for(sdk, "sync", server, client_id="i", client_secret="s")
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda _: client.jobs.retrieve(), range(20)))
    assert len(server.token_requests) == 1
    assert {r.headers["authorization"] for r in server.api} == {"Bearer tok-1"}


async def test_a_401_refreshes_the_token_once_and_retries(sdk, mode):
    server = Server()
    server.revoked.add("tok-1")
    client = client_for(sdk, mode, server, client_id="i", client_secret="s")
    thing = await resolve(client.jobs.retrieve())
    assert thing.id == "t1"
    assert len(server.token_requests) == 2
    assert [r.headers["authorization"] for r in server.api] == ["Bearer tok-1", "Bearer tok-2"]


async def test_a_second_401_is_raised_without_another_refresh(sdk, mode):
    server = Server()
    server.revoked.update({"tok-1", "tok-2", "tok-3"})
    client = client_for(sdk, mode, server, client_id="i", client_secret="s")
    with pytest.raises(sdk.AuthenticationError):
        await resolve(client.jobs.retrieve())
    assert len(server.token_requests) == 2 and len(server.api) == 2


async def test_concurrent_401s_refresh_once(sdk):
    server = Server(token_delay=0.02)
    client = client_for(sdk, "async", server, client_id="i", client_secret="s")
    await client.jobs.retrieve()
    server.revoked.add("tok-1")
    await asyncio.gather(*(client.jobs.retrieve() for _ in range(20)))
    assert len(server.token_requests) == 2


async def test_a_static_credential_is_not_retried_on_401(sdk, mode):
    server = Server()
    server.revoked.add("b-1")
    with pytest.raises(sdk.AuthenticationError) as info:
        await resolve(client_for(sdk, mode, server, bearer_auth="b-1").things.retrieve("a"))
    assert len(server.api) == 1
    assert "b-1" not in str(info.value)


async def test_a_token_endpoint_error_is_an_api_error_without_the_secret(sdk, mode):
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    async def refuse_async(request: httpx.Request) -> httpx.Response:
        return refuse(request)

    http: Any = (
        httpx.AsyncClient(transport=httpx.MockTransport(refuse_async))
        if mode == "async"
        else httpx.Client(transport=httpx.MockTransport(refuse))
    )
    cls = sdk.AsyncAuthdemo if mode == "async" else sdk.Authdemo
    client = cls(client_id="i", client_secret=SECRET, http_client=http, max_retries=0)
    with pytest.raises(sdk.AuthenticationError) as info:
        await resolve(client.jobs.retrieve())
    assert "invalid_client" in str(info.value)
    assert SECRET not in str(info.value)


# ---------------------------------------------------------------- secrets stay secret


async def test_no_secret_in_repr_or_log_lines(sdk, mode, caplog):
    caplog.set_level(logging.DEBUG, logger="authdemo")
    server = Server()
    client = client_for(
        sdk, mode, server, password=SECRET, username="u", query_token=SECRET, client_id="i", client_secret=SECRET
    )
    await resolve(client.reports.retrieve())
    await resolve(client.jobs.retrieve())
    assert server.api[0].url.params["api_token"] == SECRET
    shown = [repr(client), repr(client._credentials), *(r.getMessage() for r in caplog.records)]
    assert any("HTTP Request: GET" in line and "api_token=" in line for line in shown)
    assert not [line for line in shown if SECRET in line or "s3cr3t" in line]
    tokens = client._credentials._tokens
    assert tokens and all(SECRET not in repr(t) and "tok-1" not in repr(t) for t in tokens.values())


# ---------------------------------------------------------------- names, decided in the IR


def _package(tmp_path: Path, security: Any, schemes: dict[str, Any], op_security: Any = None) -> Any:
    op: dict[str, Any] = {"operationId": "ping", "responses": {"204": {"description": "ok"}}}
    if op_security is not None:
        op["security"] = op_security
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Names", "version": "1"},
        "paths": {"/ping": {"get": op}},
        "components": {"securitySchemes": schemes},
    }
    if security is not None:
        doc["security"] = security
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    return build_package(path, Config())


def test_a_lone_api_key_scheme_keeps_api_key(tmp_path):
    pkg = _package(tmp_path, [{"key": []}], {"key": {"type": "apiKey", "in": "cookie", "name": "sid"}})
    (scheme,) = pkg.security_schemes
    assert (scheme.kind, scheme.location, scheme.param) == ("api_key", "cookie", "sid")
    assert scheme.credentials == (ir.CredentialDef("api_key", "NAMES_API_KEY"),)
    assert pkg.security == (("key",),) and pkg.auth_required


def test_several_schemes_of_a_kind_are_named_after_the_schemes(tmp_path):
    schemes = {
        "bearerAuth": {"type": "http", "scheme": "bearer"},
        "partnerKey": {"type": "apiKey", "in": "header", "name": "X-Partner"},
        "admin": {"type": "http", "scheme": "basic"},
        "staff": {"type": "http", "scheme": "basic"},
    }
    pkg = _package(tmp_path, [{"bearerAuth": [], "partnerKey": []}, {"admin": []}, {"staff": []}], schemes)
    assert [c.arg for c in pkg.credentials] == [
        "bearer_auth",
        "partner_key",
        "admin_username",
        "admin_password",
        "staff_username",
        "staff_password",
    ]
    assert pkg.security == (("bearerAuth", "partnerKey"), ("admin",), ("staff",))
    assert ir.CredentialDef("partner_key", "NAMES_PARTNER_KEY") in pkg.credentials


def test_oauth2_client_credentials_and_its_scopes(tmp_path):
    flows = {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"a": "", "b": ""}}}
    pkg = _package(tmp_path, [{"oa": ["b", "a"]}], {"oa": {"type": "oauth2", "flows": flows}})
    (scheme,) = pkg.security_schemes
    assert (scheme.kind, scheme.token_url, scheme.scopes) == ("oauth2", "/oauth/token", ("a", "b"))
    assert [c.arg for c in scheme.credentials] == ["client_id", "client_secret"]


def test_oauth2_without_client_credentials_takes_a_token(tmp_path):
    flows = {"authorizationCode": {"authorizationUrl": "/a", "tokenUrl": "/t", "scopes": {}}}
    pkg = _package(tmp_path, [{"oa": []}], {"oa": {"type": "oauth2", "flows": flows}})
    assert [(s.kind, s.credentials[0].arg) for s in pkg.security_schemes] == [("bearer", "api_key")]


def test_schemes_no_requirement_names_are_sent_when_given(tmp_path):
    pkg = _package(tmp_path, None, {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}})
    assert pkg.security == (("key",), ()) and not pkg.auth_required


def test_an_operation_that_opts_out_keeps_the_client_lazy(tmp_path):
    pkg = _package(tmp_path, [{"b": []}], {"b": {"type": "http", "scheme": "bearer"}}, op_security=[])
    (op,) = [op for r in pkg.resources for op in r.operations]
    assert op.security == () and pkg.security == (("b",),) and not pkg.auth_required


def test_an_undefined_scheme_is_a_warning(tmp_path):
    pkg = _package(tmp_path, [{"nope": []}, {"b": []}], {"b": {"type": "http", "scheme": "bearer"}})
    assert pkg.security == (("b",),)
    assert any("'nope' is not defined" in w.message and w.pointer == "/security/0" for w in pkg.warnings)


def test_a_spec_without_auth_keeps_an_optional_bearer_api_key(tmp_path):
    pkg = _package(tmp_path, None, {})
    assert [(s.kind, s.credentials) for s in pkg.security_schemes] == [
        ("bearer", (ir.CredentialDef("api_key", "NAMES_API_KEY"),))
    ]
    assert () in pkg.security and not pkg.auth_required


# ---------------------------------------------------------------- the SDK's own contract tests


def test_the_contract_tests_send_every_scheme_the_mock_checks(sdk_dir):
    """The generated contract tests give every credential; the mock (openapi-core) refuses a call
    without the credentials its operation requires, and the test transport answers the OAuth2
    token requests."""
    result = run_contract_tests(sdk_dir, "authdemo", mock="inprocess")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " failed" not in result.stdout and " passed" in result.stdout
    assert "test_method_retrieve" in (sdk_dir / "tests" / "test_jobs.py").read_text()
