# ruff: noqa: F811  (pytest fixtures imported from client_fixtures, then requested by name)
"""Errors of the generated clients (one class per status, with the response's facts), and the
API key never showing: not in reprs, messages or debug logs. Sync and async."""

from __future__ import annotations

import logging

import httpx
import pytest
from client_fixtures import (  # noqa: F401  (fixtures)
    API_KEY,
    PIPELINE,
    Server,
    exp_sdk,
    json_response,
    make_client,
    mode,
    paging_sdk,
    resolve,
    sleeps,
)

STATUS_CLASSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (502, "InternalServerError"),
    (503, "InternalServerError"),
    (418, "APIStatusError"),
    (405, "APIStatusError"),
]


@pytest.mark.parametrize(("status", "class_name"), STATUS_CLASSES)
async def test_status_maps_to_error_class(make_client, exp_sdk, status, class_name):
    body = {"error": {"message": "Something specific went wrong", "type": "kind", "code": None}}
    server = Server([httpx.Response(status, json=body, headers={"x-request-id": "req-42"})])
    client = make_client(server, max_retries=0)
    with pytest.raises(exp_sdk.errors.APIStatusError) as info:
        await resolve(client.experiments.retrieve("exp-1"))
    err = info.value
    assert type(err) is getattr(exp_sdk.errors, class_name)
    assert type(err) is getattr(exp_sdk.pkg, class_name)  # exported from the package too
    assert isinstance(err, exp_sdk.errors.APIError)
    assert err.status_code == status
    assert err.headers["x-request-id"] == "req-42"
    assert err.body == body
    assert isinstance(err.request, httpx.Request)
    assert err.request.method == "GET"
    assert err.request.url.path == "/v1/experiments/exp-1"
    assert err.response.status_code == status
    assert str(status) in str(err)
    assert "Something specific went wrong" in str(err)


async def test_error_with_text_body(make_client, exp_sdk):
    server = Server([httpx.Response(404, text="no such thing")])
    with pytest.raises(exp_sdk.errors.NotFoundError) as info:
        await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert info.value.body == "no such thing"
    assert "no such thing" in str(info.value)


async def test_error_with_empty_body(make_client, exp_sdk):
    server = Server([httpx.Response(403)])
    with pytest.raises(exp_sdk.errors.PermissionDeniedError) as info:
        await resolve(make_client(server).experiments.delete("exp-1"))
    assert info.value.body is None
    assert info.value.request.method == "DELETE"


async def test_error_raised_from_streaming_call_has_body(make_client, exp_sdk, mode):
    server = Server([httpx.Response(422, json={"error": {"message": "bad field"}})])
    client = make_client(server, max_retries=0)
    with pytest.raises(exp_sdk.errors.UnprocessableEntityError) as info:
        if mode == "sync":
            with client.experiments.with_streaming_response.create(pipeline_id=PIPELINE):
                pass
        else:
            async with client.experiments.with_streaming_response.create(pipeline_id=PIPELINE):
                pass
    assert info.value.body == {"error": {"message": "bad field"}}


async def test_error_hierarchy(exp_sdk):
    e = exp_sdk.errors
    assert issubclass(e.APITimeoutError, e.APIConnectionError)
    assert issubclass(e.APIConnectionError, e.APIError)
    for name in ("BadRequestError", "RateLimitError", "InternalServerError"):
        assert issubclass(getattr(e, name), e.APIStatusError)


# ---------------------------------------------------------------- the key never shows


def assert_no_key(*texts: object) -> None:
    for text in texts:
        assert API_KEY not in str(text)
        assert "TOPSECRET" not in str(text)


async def test_key_reaches_the_server(make_client):
    """The key is really used (so the checks below are not vacuous)."""
    server = Server()
    await resolve(make_client(server).experiments.retrieve("exp-1"))
    assert server.last.headers["Authorization"] == f"Bearer {API_KEY}"


async def test_key_not_in_client_repr(make_client):
    client = make_client()
    copy = client.with_options(max_retries=5)
    assert_no_key(repr(client), str(client), repr(copy), str(copy), repr(client.experiments))
    assert "api.test.example" in repr(client)


async def test_key_not_in_status_errors(make_client, exp_sdk):
    server = Server([httpx.Response(401, json={"error": {"message": "invalid key"}})])
    with pytest.raises(exp_sdk.errors.AuthenticationError) as info:
        await resolve(make_client(server).experiments.retrieve("exp-1"))
    err = info.value
    assert err.request.headers["authorization"] == f"Bearer {API_KEY}"  # it was sent ...
    assert_no_key(
        repr(err),
        str(err),
        err.message,
        repr(err.request),
        repr(err.request.headers),
        repr(err.response),
    )
    assert_no_key(*err.args)


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ReadTimeout("timed out")])
async def test_key_not_in_connection_errors(make_client, exp_sdk, exc):
    server = Server([exc])
    with pytest.raises(exp_sdk.errors.APIConnectionError) as info:
        await resolve(make_client(server, max_retries=1).experiments.create(pipeline_id=PIPELINE))
    err = info.value
    assert_no_key(repr(err), str(err), err.message, repr(err.request), repr(err.request.headers))


async def test_key_not_in_raw_response(make_client, mode):
    client = make_client(Server())
    raw = await resolve(client.experiments.with_raw_response.retrieve("exp-1"))
    assert_no_key(
        repr(raw),
        str(raw),
        repr(raw.http_request),
        repr(raw.http_request.headers),
        repr(raw.http_response),
    )
    page = await resolve(client.experiments.list())
    assert_no_key(repr(page))


@pytest.fixture
def sdk_logger(sdk_info):
    """The SDK's logger, reset before and after (its handler would outlive the test's stderr)."""
    logger = logging.getLogger(sdk_info.package)
    saved = (list(logger.handlers), logger.level)

    def reset() -> None:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)

    reset()
    yield logger
    reset()
    for handler in saved[0]:
        logger.addHandler(handler)
    logger.setLevel(saved[1])


@pytest.fixture
def sdk_info(exp_sdk):
    return exp_sdk.mod("_client").SDK_INFO


async def test_key_not_in_debug_logs(make_client, exp_sdk, sdk_info, sdk_logger, monkeypatch, capsys, caplog):
    monkeypatch.setenv(sdk_info.log_env, "debug")
    caplog.set_level(logging.DEBUG)
    server = Server(
        [
            httpx.Response(500, json={"error": {"message": "oops"}}),
            json_response(),
            httpx.Response(401, json={"error": {"message": "bad key"}}),
            httpx.ConnectError("refused"),
        ]
    )
    client = make_client(server, max_retries=1)
    await resolve(client.experiments.retrieve("exp-1"))
    with pytest.raises(exp_sdk.errors.AuthenticationError):
        await resolve(client.with_options(max_retries=0).experiments.retrieve("exp-2"))
    with pytest.raises(exp_sdk.errors.APIConnectionError):
        await resolve(client.experiments.create(pipeline_id=PIPELINE, extra_query={"q": "1"}))
    stderr = capsys.readouterr().err
    # The env var switched on the SDK's own handler: requests and retries were logged ...
    assert "HTTP Request: GET" in stderr and "exp-1" in stderr
    assert "Retrying" in stderr
    assert sdk_logger.level == logging.DEBUG
    records = "\n".join(r.getMessage() for r in caplog.records)
    assert "HTTP Request" in records
    # ... and the key is nowhere in them.
    assert_no_key(stderr, records, caplog.text)


def test_log_env_var_is_named_after_the_api_key_prefix(sdk_info):
    """The issue names the variable EXPERIMENTS_LOG (beside EXPERIMENTS_API_KEY / EXPERIMENTS_BASE_URL)."""
    assert sdk_info.api_key_env == "EXPERIMENTS_API_KEY"
    assert sdk_info.base_url_env == "EXPERIMENTS_BASE_URL"
    assert sdk_info.log_env == "EXPERIMENTS_LOG"


async def test_no_sdk_log_output_without_env(make_client, sdk_info, sdk_logger, monkeypatch, capsys):
    monkeypatch.delenv(sdk_info.log_env, raising=False)
    await resolve(make_client(Server()).experiments.retrieve("exp-1"))
    assert "HTTP Request" not in capsys.readouterr().err
    assert sdk_logger.handlers == []
