"""The hand-written `experiment()` helper in generated/experiments_sdk/lib, against a mocked transport."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generated"))

from experiments_sdk import AsyncExperiments, Experiments, init  # noqa: E402
from experiments_sdk.lib.experiment import current_experiment, experiment  # noqa: E402

EXPERIMENT_ID = "0b6c2f5e-8d8e-4a43-9a4e-6d1c0f1d2a11"
PIPELINE_ID = "7f1b5c3a-2e4d-4b8a-9c6e-1a2b3c4d5e6f"


class FakeServer:
    """Answers create/update like the API and records what it was sent."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.calls.append((request.method, request.url.path, body))
        status = body.get("status", "GENERATING")
        return httpx.Response(
            201 if request.method == "POST" else 200,
            json={
                "id": EXPERIMENT_ID,
                "name": body.get("name"),
                "pipelineId": PIPELINE_ID,
                "metadata": body.get("metadata"),
                "status": status,
                "createdAt": "2026-01-01T00:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z",
            },
        )


def sync_client(server: FakeServer) -> Experiments:
    return Experiments(
        api_key="k", base_url="http://api.test/v1", http_client=httpx.Client(transport=httpx.MockTransport(server))
    )


def async_client(server: FakeServer) -> AsyncExperiments:
    return AsyncExperiments(
        api_key="k",
        base_url="http://api.test/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
    )


def test_sync_context_manager_creates_then_marks_evaluating() -> None:
    server = FakeServer()
    with experiment(pipeline_id=PIPELINE_ID, name="run 1", client=sync_client(server)) as exp:
        assert exp.id == EXPERIMENT_ID
        assert current_experiment() is exp
    assert current_experiment() is None
    assert [(m, p) for m, p, _ in server.calls] == [
        ("POST", "/v1/experiments"),
        ("PATCH", f"/v1/experiments/{EXPERIMENT_ID}"),
    ]
    assert server.calls[0][2] == {"pipelineId": PIPELINE_ID, "name": "run 1", "metadata": None}
    assert server.calls[1][2] == {"status": "EVALUATING"}


def test_sync_decorator_runs_once_per_call_and_returns_the_result() -> None:
    server = FakeServer()
    seen = []

    @experiment(pipeline_id=PIPELINE_ID, client=sync_client(server))
    def evaluate(x: int) -> int:
        run = current_experiment()
        assert run is not None
        seen.append(run.id)
        return x * 2

    assert evaluate(2) == 4
    assert evaluate(3) == 6
    assert seen == [EXPERIMENT_ID, EXPERIMENT_ID]
    assert [m for m, _, _ in server.calls] == ["POST", "PATCH", "POST", "PATCH"]


def test_failure_records_the_error_and_keeps_the_status() -> None:
    server = FakeServer()
    with pytest.raises(RuntimeError, match="boom"):
        with experiment(pipeline_id=PIPELINE_ID, metadata={"team": "search"}, client=sync_client(server)):
            raise RuntimeError("boom")
    method, _, body = server.calls[-1]
    assert method == "PATCH"
    assert body == {"metadata": {"team": "search", "error": "RuntimeError: boom"}}
    assert "status" not in body


async def test_async_decorator_uses_the_client_configured_by_init() -> None:
    server = FakeServer()
    init(
        api_key="k", base_url="http://api.test/v1", http_client=httpx.AsyncClient(transport=httpx.MockTransport(server))
    )

    @experiment(pipeline_id=PIPELINE_ID, name="async run")
    async def evaluate() -> str:
        run = current_experiment()
        assert run is not None
        return run.id

    assert await evaluate() == EXPERIMENT_ID
    assert [(m, b.get("status")) for m, _, b in server.calls] == [("POST", None), ("PATCH", "EVALUATING")]


async def test_async_context_manager_with_explicit_client() -> None:
    server = FakeServer()
    async with experiment(pipeline_id=PIPELINE_ID, client=async_client(server)) as exp:
        assert exp.pipeline_id == PIPELINE_ID
    assert server.calls[-1][2] == {"status": "EVALUATING"}


def test_sync_use_with_async_client_is_refused() -> None:
    with pytest.raises(TypeError, match="async"):
        with experiment(pipeline_id=PIPELINE_ID, client=async_client(FakeServer())):
            pass
