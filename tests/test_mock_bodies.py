"""The in-process mock exercises multipart, form, binary and event-stream operations.

- the contract tests of tests/fixtures/bodies.yaml pass against it (sync and async, loose and
  strict), event-stream methods iterating the events it sends;
- it answers an event stream as server-sent events and a binary body as bytes, choosing the
  media type the request accepts;
- it checks multipart parts as the text they are on the wire (a number's text passes, other
  text is refused), so the contract tests could fail.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from test_contract import _explain, _summary, run_contract_tests


def _mock_module(root: Path) -> ModuleType:
    """The SDK's `tests/_mock.py`, imported as part of its `tests` package (under an alias)."""
    alias = "bodies_contract_tests"
    if f"{alias}._mock" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            alias, root / "tests" / "__init__.py", submodule_search_locations=[str(root / "tests")]
        )
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[alias] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"{alias}._mock")


@pytest.fixture(scope="module")
def mock(bodies_generated: Path):
    module = _mock_module(bodies_generated)
    return module, module.InProcessMock(module.load_spec(bodies_generated / "tests" / "spec.json"))


def _send(mock, method: str, path: str, **kwargs: object) -> httpx.Response:
    module, handler = mock
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        return client.request(method, module.INPROCESS_BASE_URL + path, **kwargs)


def test_contract_tests_of_every_body_kind_pass_against_the_in_process_mock(bodies_generated: Path) -> None:
    result = run_contract_tests(bodies_generated, "bodies", "-v", mock="inprocess")
    assert result.returncode == 0, _explain(result)
    assert "contract tests: the in-process mock" in result.stdout, result.stdout[:2000]
    counts = _summary(result)
    assert counts.get("passed", 0) >= 150 and not counts.get("failed"), result.stdout[-2000:]
    for test in (
        "test_uploads.py::TestUploads::test_method_create",
        "test_events.py::TestAsyncEvents::test_method_create",
        "test_blobs.py::TestBlobs::test_streaming_response_retrieve",
        "test_logins.py::TestLogins::test_method_create",
    ):
        assert re.search(rf"{re.escape(test)}\[\S+\] PASSED", result.stdout), result.stdout[-3000:]


def test_an_event_stream_is_answered_as_server_sent_events(mock) -> None:
    response = _send(mock, "POST", "/events", json={"topic": "t"}, headers={"accept": "text/event-stream"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/event-stream"
    blocks = [b for b in response.text.split("\n\n") if b]
    data = [line[len("data: ") :] for block in blocks for line in block.splitlines() if line.startswith("data: ")]
    assert data[-1] == "[DONE]" and len(data) == 3
    assert all(isinstance(json.loads(d)["seq"], int) for d in data[:-1])


def test_a_binary_body_is_answered_as_bytes(mock) -> None:
    response = _send(mock, "GET", "/images/i1", headers={"accept": "image/png"})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content


def _multipart(age: str) -> dict:
    return {"files": [("name", (None, b"Ann")), ("age", (None, age.encode())), ("admin", (None, b"true"))]}


def test_multipart_parts_are_checked_as_their_text(mock) -> None:
    assert _send(mock, "POST", "/profiles", **_multipart("41")).status_code == 200
    refused = _send(mock, "POST", "/profiles", **_multipart("forty-one"))
    assert refused.status_code == 422
    assert any(v["location"][-1] == "age" for v in json.loads(refused.headers["sl-violations"]))


def test_a_multipart_file_part_may_hold_any_bytes(mock) -> None:
    files = [("file", ("a.bin", b"\x00\xff\xfe", "application/octet-stream")), ("purpose", (None, b"batch"))]
    assert _send(mock, "POST", "/uploads", files=files).status_code == 200
    without_file = [("purpose", (None, b"batch"))]
    assert _send(mock, "POST", "/uploads", files=without_file).status_code == 422


def test_a_form_body_is_checked(mock) -> None:
    assert _send(mock, "POST", "/logins", data={"user": "ann", "scopes": ["a", "b"]}).status_code == 200
    assert _send(mock, "POST", "/logins", data={"scopes": ["a"]}).status_code == 422
