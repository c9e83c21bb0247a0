"""Spec and caller text that reaches headers and package metadata: never a UnicodeEncodeError.

- a non-ASCII header value (a parameter, `extra_headers`, `default_headers`) is percent-encoded
  as UTF-8, a non-ASCII header name too; a control character is a ValueError naming the header;
- a non-ASCII `info.version` or security header name does not break calls;
- the SDK's version is PEP 440 (normalised with `packaging`), the spec's text kept as `__api_version__`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from conftest import generate, import_tree
from packaging.version import Version

from generator.ir.naming import package_version


def _client(sdk: ModuleType, seen: list[httpx.Request], **options: object):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "image/png"}, content=b"png")

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return sdk.Bodies(base_url="http://bodies.test", http_client=http, **options)


def test_non_ascii_header_values_and_names_are_percent_encoded(bodies: ModuleType) -> None:
    seen: list[httpx.Request] = []
    client = _client(bodies, seen, default_headers={"X-Team": "Équipe"})
    client.images.retrieve("i1", x_label="Grüße 100%", extra_headers={"X-Naïve": "café"})
    headers = seen[0].headers
    assert headers["x-label"] == "Gr%C3%BC%C3%9Fe 100%25"
    assert headers["x-na%C3%AFve"] == "caf%C3%A9"
    assert headers["x-team"] == "%C3%89quipe"
    assert headers["x-label"].isascii()


def test_ascii_header_values_are_sent_as_given(bodies: ModuleType) -> None:
    seen: list[httpx.Request] = []
    _client(bodies, seen).images.retrieve("i1", x_label="100% plain; a=b")
    assert seen[0].headers["x-label"] == "100% plain; a=b"


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        ({"X-Label": "a\r\nInjected: yes"}, "Cannot send the header 'x-label': its value holds a control character"),
        ({"Bad Name": "v"}, "Cannot send the header 'bad name': a header name is"),
    ],
)
def test_headers_that_cannot_be_sent_are_a_clear_error(bodies: ModuleType, headers: dict, match: str) -> None:
    seen: list[httpx.Request] = []
    with pytest.raises(ValueError, match=match):
        _client(bodies, seen).images.retrieve("i1", extra_headers=headers)
    assert seen == []


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Clé", "version": "versión ß-2"},
    "servers": [{"url": "https://cle.example.test"}],
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Clé"}}},
    "security": [{"key": []}],
    "paths": {
        "/ping": {
            "get": {
                "operationId": "ping",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def cle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModuleType]:
    root = tmp_path_factory.mktemp("cle")
    spec = root / "cle.json"
    spec.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    gen = generate(spec, root / "sdk", "-q")
    assert gen.returncode == 0, gen.stderr
    return root / "sdk", import_tree(root / "sdk", "cle", "cle_text_safety")


def test_non_ascii_version_and_security_header_name_do_not_break_calls(cle: tuple[Path, ModuleType]) -> None:
    _, sdk = cle
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client = sdk.Cle(
        api_key="sëcret", base_url="http://cle.test", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    assert client.ping.retrieve() == {"ok": True}
    headers = seen[0].headers
    assert headers["x-cl%C3%A9"] == "s%C3%ABcret"
    assert headers["user-agent"].startswith("cle/2 ") and headers["user-agent"].isascii()


def test_the_package_version_is_pep_440_and_the_spec_version_is_kept(cle: tuple[Path, ModuleType]) -> None:
    root, sdk = cle
    (version,) = re.findall(r'^version = "(.*)"$', (root / "pyproject.toml").read_text(), re.MULTILINE)
    assert version == "2" and str(Version(version)) == version
    assert sdk.__version__ == "2" and sdk.__api_version__ == "versión ß-2"


@pytest.mark.parametrize(
    ("spec_version", "expected"),
    [
        ("1.2.0", "1.2.0"),
        ("v1.2.0", "1.2.0"),
        ("1.0.0-beta", "1.0.0b0"),
        ("2.0-RC1", "2.0rc1"),
        ("2020-08-27", "2020.8.27"),
        ("2024-05-01 ü", "2024.5.1"),
        ("latest", "0.0.0"),
        ("ß", "0.0.0"),
        ("", "0.0.0"),
        (None, "0.0.0"),
        (3, "3"),
    ],
)
def test_package_version(spec_version: object, expected: str) -> None:
    assert package_version(spec_version) == expected
    assert str(Version(expected)) == expected
