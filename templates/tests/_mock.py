"""The mock server of the contract tests, and the openapi-core check of every exchange.

- `open_contract_server()` gives the server a test session talks to: Prism
  (started from the spec on a free port, stopped at the end) when Node and the
  prism binary are available, else the in-process mock; or a server that is
  already running.
- Every request the SDK sends and every response it gets is validated against
  the spec with openapi-core (through `ValidatingTransport`); a mock's refusal
  (a 4xx with Prism's `sl-violations` header) fails the test, showing the
  violations.
- `InProcessMock` is an `httpx.MockTransport` handler that does what Prism
  does for these tests: it validates the request with openapi-core (422, or
  the documented 400, with `sl-violations`) and answers with the operation's
  success response: the spec's example, else data synthesized from the schema.
  Whatever it is sent, it answers: it never raises.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
from openapi_core import OpenAPI
from openapi_core.configurations import Config
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound
from openapi_core.validation.request.exceptions import (
    InvalidRequestBody,
    ParameterValidationError,
    SecurityValidationError,
)
from werkzeug.datastructures import Headers, ImmutableMultiDict

from ._prism import PrismServer, find_prism, node_available
from ._synth import Synthesizer, openapi30_null_types, pattern_found

__all__ = [
    "ContractServer",
    "ContractViolation",
    "InProcessMock",
    "OpenAPIRequest",
    "OpenAPIResponse",
    "ValidatingTransport",
    "AsyncValidatingTransport",
    "load_spec",
    "make_check",
    "open_contract_server",
    "validator_for",
]

INPROCESS_BASE_URL = "http://inprocess.mock.test"


class ContractViolation(AssertionError):
    """The SDK sent a request the spec does not allow, or got a response it does not describe."""


# ---------------------------------------------------------------- the spec


def load_spec(path: Path) -> dict[str, Any]:
    """The OpenAPI document at `path` (JSON; YAML too when PyYAML is installed)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        yaml: Any = importlib.import_module("yaml")
        loaded = yaml.safe_load(text)
    else:
        loaded = json.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: not an OpenAPI document")
    return loaded


def is_openapi_30(doc: Mapping[str, Any]) -> bool:
    return str(doc.get("openapi", "")).startswith("3.0")


def validator_for(doc: dict[str, Any], base_url: str) -> OpenAPI:
    """openapi-core's view of `doc`, served at `base_url` (it matches absolute `servers` URLs)."""
    served = openapi30_null_types(doc) if is_openapi_30(doc) else doc
    served = dict(served)
    served["servers"] = [{"url": base_url}]
    paths: dict[str, Any] = {}
    for template, item in (served.get("paths") or {}).items():
        if isinstance(item, dict):  # path- and operation-level `servers` would override ours
            item = {k: _for_openapi_core(v, served) for k, v in item.items() if k != "servers"}
        template, item = _identifier_variables(template, item, served)
        paths[template] = item
    served["paths"] = paths
    return OpenAPI.from_dict(served, config=Config(spec_validator_cls=None))  # pyright: ignore[reportArgumentType]


_VARIABLE = re.compile(r"\{([^}]*)\}")


def _identifier_variables(template: str, item: Any, doc: dict[str, Any]) -> tuple[str, Any]:
    """`template` and its path item with every path variable that is no identifier (`{0}`,
    `{a.b}`) renamed: openapi-core fills templates with `str.format`, which reads `{0}` as a
    position. The URL the SDK sends matches the renamed template all the same."""
    names = [n for n in _VARIABLE.findall(template) if not n.isidentifier()]
    if not names or not isinstance(item, dict):
        return template, item
    renamed = {name: f"sdksmith_path_variable_{i}" for i, name in enumerate(names)}
    template = _VARIABLE.sub(lambda m: "{" + renamed.get(m.group(1), m.group(1)) + "}", template)

    def rename(parameters: Any) -> Any:
        if not isinstance(parameters, list):
            return parameters
        out = []
        for parameter in parameters:
            resolved = _local(doc, parameter)
            if isinstance(resolved, dict) and resolved.get("in") == "path" and resolved.get("name") in renamed:
                parameter = {**resolved, "name": renamed[resolved["name"]]}
            out.append(parameter)
        return out

    item = {
        k: ({**v, "parameters": rename(v.get("parameters"))} if isinstance(v, dict) and "parameters" in v else v)
        for k, v in item.items()
    }
    if "parameters" in item:
        item["parameters"] = rename(item["parameters"])
    return template, item


def _for_openapi_core(operation: Any, doc: dict[str, Any]) -> Any:
    """An operation without its own `servers`, and with `content: {}` (no body) left out of its
    responses: openapi-core reads an empty content map as "a body is required"; its bodies as
    `_as_checked` gives them."""
    if not isinstance(operation, dict):
        return operation
    out = {k: v for k, v in operation.items() if k != "servers"}
    responses = out.get("responses")
    if isinstance(responses, dict):
        out["responses"] = {
            code: (
                {k: v for k, v in r.items() if k != "content"}
                if isinstance(r, dict) and r.get("content") == {}
                else _as_checked(r, doc)
            )
            for code, r in responses.items()
        }
    out["requestBody"] = _as_checked(out.get("requestBody"), doc)
    if out["requestBody"] is None:
        del out["requestBody"]
    return out


def _as_checked(holder: Any, doc: dict[str, Any]) -> Any:
    """A request body or response as openapi-core can check it, as Prism does:
    - binary and event-stream bodies have no schema: openapi-core would check a binary body's
      bytes, or an event stream's text, against the schema of a string or of one event (the
      SDK's tests check what those bodies hold);
    - a multipart body's parts are checked as the text they are (`41`, `true`), a file part as
      any content: openapi-core checks a part's bytes against the schema of a number, a boolean
      or a string."""
    holder = _local(doc, holder)  # a response or body kept in `components` is checked the same
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return holder
    checked = {}
    for media, media_object in content.items():
        m = media.split(";")[0].strip().lower()
        binary = not (
            _is_json(m) or m.startswith(("text/", "multipart/")) or m.endswith("urlencoded")
        )
        if isinstance(media_object, dict) and (binary or _is_events(m)):
            media_object = {k: v for k, v in media_object.items() if k != "schema"}
        elif isinstance(media_object, dict) and m == "multipart/form-data":
            media_object = _multipart_as_sent(media_object, doc)
        checked[media] = media_object
    return {**holder, "content": checked}


def _local(doc: dict[str, Any], node: Any) -> Any:
    """`node` with a local `$ref` followed (any other `$ref` stays as it is)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 50:
        ref, seen = node["$ref"], seen + 1
        if not ref.startswith("#/"):
            return node
        target: Any = doc
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        node = target
    return node


# What a multipart body's scalar parts hold on the wire: their text.
_PART_TEXT = {
    "integer": {"type": "string", "pattern": "^-?[0-9]+$"},
    "number": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"},
    "boolean": {"type": "string", "enum": ["true", "false"]},
}


def _part_as_sent(doc: dict[str, Any], prop: Any) -> Any:
    """The schema of a multipart part's text: any content for a file, the text of a number or a
    boolean, an array's items likewise; anything else as the spec says."""
    prop = _local(doc, prop)
    if not isinstance(prop, dict):
        return prop
    kind = prop.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "string" in kinds and (
        prop.get("format") == "binary" or "contentMediaType" in prop or "contentEncoding" in prop
    ):
        return {}
    if kinds == {"array"} and "items" in prop:
        return {**prop, "items": _part_as_sent(doc, prop["items"])}
    scalar = [k for k in kinds if k in _PART_TEXT]
    if scalar and "string" not in kinds and len(kinds - {"null"}) == 1:
        return _PART_TEXT[scalar[0]]
    return prop


def _readable(content_type: str) -> bool:
    """Whether openapi-core reads a multipart part of this type as text it can check."""
    return content_type == "text/plain" or _is_json(content_type)


def _multipart_as_sent(media_object: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    schema = _local(doc, media_object.get("schema"))
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return media_object
    encoding = media_object.get("encoding")
    declared = {
        name: str(entry.get("contentType")).split(";")[0].strip().lower()
        for name, entry in (encoding.items() if isinstance(encoding, dict) else ())
        if isinstance(entry, dict) and entry.get("contentType")
    }
    # a part of a declared type openapi-core cannot read (`text/csv`) is any content, as a file
    as_sent = {
        name: _part_as_sent(doc, prop) if _readable(declared.get(name, "text/plain")) else {}
        for name, prop in properties.items()
    }
    return {**media_object, "schema": {**schema, "properties": as_sent}}


def make_check(doc: dict[str, Any], direction: str = "response") -> Callable[[Any, Any], bool]:
    """`check(schema, value) -> bool`: the spec's own JSON Schema dialect, `$ref`s into `doc`."""
    from jsonschema.exceptions import ValidationError
    from jsonschema.validators import extend
    from openapi_schema_validator import (
        OAS30ReadValidator,
        OAS30WriteValidator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT202012

    def pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
        """jsonschema's `pattern` keyword, in linear time where RE2 can read it (`pattern_found`)."""
        if validator.is_type(instance, "string") and isinstance(pattern, str) and not pattern_found(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    is_30 = is_openapi_30(doc)
    root = openapi30_null_types(doc) if is_30 else doc
    base: Any = (OAS30WriteValidator if direction == "request" else OAS30ReadValidator) if is_30 else OAS31Validator
    cls: Any = extend(base, {"pattern": pattern})
    formats = oas30_format_checker if is_30 else oas31_format_checker
    draft = DRAFT4 if is_30 else DRAFT202012
    uri = "urn:contract-tests:spec"

    def check(schema: Any, value: Any) -> bool:
        holder = dict(root)
        holder["x-contract-check"] = openapi30_null_types(schema) if is_30 else schema
        resource: Any = Resource.from_contents(holder, default_specification=draft)
        registry: Any = Registry().with_resource(uri, resource)
        validator = cls({"$ref": f"{uri}#/x-contract-check"}, registry=registry, format_checker=formats)
        return next(iter(validator.iter_errors(value)), None) is None

    return check


def request_errors(openapi: OpenAPI, request: OpenAPIRequest) -> list[Exception]:
    """Every problem openapi-core finds with `request` (none when it is valid)."""
    return list(openapi.request_validator.iter_errors(request))


def response_errors(openapi: OpenAPI, request: OpenAPIRequest, response: OpenAPIResponse) -> list[Exception]:
    return list(openapi.response_validator.iter_errors(request, response))


# ---------------------------------------------------------------- openapi-core adapter


def _media(content_type: str) -> str:
    """The content type as openapi-core wants it: the media type lowercased, parameters kept."""
    media, sep, params = content_type.partition(";")
    return media.strip().lower() + (sep + params if sep else "")


class OpenAPIRequest:
    """An httpx request as openapi-core reads one (openapi-core has no httpx adapter)."""

    def __init__(self, request: httpx.Request, body: bytes | None = None) -> None:
        url = request.url
        self.host_url = f"{url.scheme}://{url.netloc.decode('ascii', errors='replace')}"
        self.path = url.path
        self.method = request.method.lower()
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(request.headers.get("cookie", ""))
        except Exception:  # an unreadable Cookie header: validated as absent
            cookie = SimpleCookie()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(url.params.multi_items()),
            header=Headers(request.headers.multi_items()),
            cookie=ImmutableMultiDict([(k, m.value) for k, m in cookie.items()]),
        )
        self.content_type = _media(request.headers.get("content-type", ""))
        content = request.content if body is None else body
        self.body: bytes | None = content or None


class OpenAPIResponse:
    """An httpx response (already read) as openapi-core reads one."""

    def __init__(self, response: httpx.Response, content: bytes) -> None:
        self.status_code = response.status_code
        self.headers = Headers(response.headers.multi_items())
        self.content_type = _media(response.headers.get("content-type", ""))
        self.data: bytes | None = content


def _text(exc: object) -> str:
    """`str(exc)`, even for an error whose own `__str__` fails (openapi-core's do on bytes that are not UTF-8)."""
    try:
        return str(exc)
    except Exception:
        cause = getattr(exc, "__cause__", None)
        return type(exc).__name__ + (f" ({_text(cause)})" if cause is not None else "")


def describe_error(exc: BaseException) -> list[str]:
    """Readable lines for an openapi-core error, with the schema errors behind it."""
    lines = [f"{type(exc).__name__}: {_text(exc)}"]
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        for sub in getattr(cause, "schema_errors", None) or []:
            where = "/".join(str(p) for p in getattr(sub, "absolute_path", []))
            lines.append(f"  at /{where}: {_text(getattr(sub, 'message', sub))}")
        for sub in getattr(cause, "errors", None) or []:
            if isinstance(sub, BaseException):
                lines.extend("  " + line for line in describe_error(sub))
        cause = cause.__cause__
    return lines


def violations(exc: BaseException) -> list[dict[str, Any]]:
    """An openapi-core request error as Prism's violations (`sl-violations`)."""
    out: list[dict[str, Any]] = []
    errors = [e for e in (getattr(exc, "errors", None) or []) if isinstance(e, BaseException)] or [exc]
    for error in errors:
        location: list[str] = ["request"]
        if isinstance(error, ParameterValidationError):
            location += [
                {"header": "header", "cookie": "cookie", "path": "path"}.get(error.location, "query"),
                error.name,
            ]
        elif isinstance(error, InvalidRequestBody) or "body" in type(error).__name__.lower():
            location.append("body")
        schema_errors = []
        cause: BaseException | None = error
        while cause is not None and not schema_errors:
            schema_errors = list(getattr(cause, "schema_errors", None) or [])
            cause = cause.__cause__
        if schema_errors:
            for sub in schema_errors:
                path = [str(p) for p in getattr(sub, "absolute_path", [])]
                code = str(getattr(sub, "validator", "schema"))
                out.append(
                    {
                        "location": [*location, *path],
                        "severity": "Error",
                        "code": code,
                        "message": _text(getattr(sub, "message", sub)),
                    }
                )
        else:
            out.append(
                {
                    "location": location,
                    "severity": "Error",
                    "code": type(error).__name__,
                    "message": _text(error) + (f": {_text(error.__cause__)}" if error.__cause__ else ""),
                }
            )
    return out


def header_value(data: Any) -> str:
    """JSON safe to send as one HTTP header value: ASCII only, no control characters (DEL included)."""
    text = json.dumps(data, ensure_ascii=True, default=str)
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", text)


# ---------------------------------------------------------------- validating transports


def oauth2_token_paths(doc: Mapping[str, Any]) -> frozenset[str]:
    """The paths of the spec's OAuth2 client-credentials token URLs."""
    components = doc.get("components") or {}
    schemes = components.get("securitySchemes") or {}
    urls = [
        ((scheme.get("flows") or {}).get("clientCredentials") or {}).get("tokenUrl")
        for scheme in schemes.values()
        if isinstance(scheme, dict) and scheme.get("type") == "oauth2"
    ]
    return frozenset(httpx.URL(url).path for url in urls if isinstance(url, str))


class _Checker:
    def __init__(self, openapi: OpenAPI, label: str, token_paths: frozenset[str] = frozenset()) -> None:
        self.openapi = openapi
        self.label = label
        self.token_paths = token_paths

    def token_response(self, request: httpx.Request) -> httpx.Response | None:
        """A token for the clients' OAuth2 client-credentials requests, which no mock server
        answers (the token URL is not an operation of the spec)."""
        if request.method != "POST" or request.url.path not in self.token_paths:
            return None
        if b"grant_type=client_credentials" not in request.content:
            return None
        return httpx.Response(200, json={"access_token": "contract-token", "expires_in": 3600}, request=request)

    def request_problems(self, request: httpx.Request) -> list[str]:
        try:
            errors = request_errors(self.openapi, OpenAPIRequest(request))
        except Exception as exc:  # openapi-core failing on the input is a finding too
            errors = [exc]
        return [line for error in errors for line in describe_error(error)]

    def verify(self, request: httpx.Request, response: httpx.Response, content: bytes, problems: list[str]) -> None:
        what = f"{request.method} {request.url}"
        if response.status_code >= 400:
            lines = [f"{what}: the mock server ({self.label}) refused the request with {response.status_code}"]
            if "sl-violations" in response.headers:
                lines.append(f"  sl-violations: {response.headers['sl-violations']}")
            lines.append(f"  body: {content[:2000].decode(errors='replace')}")
            if problems:
                lines.append("  openapi-core on the request:")
                lines += [f"    {p}" for p in problems]
            raise ContractViolation("\n".join(lines))
        if problems:
            raise ContractViolation(
                "\n".join(
                    [
                        f"{what}: the request does not match the spec (openapi-core):",
                        *[f"  {p}" for p in problems],
                    ]
                )
            )
        try:
            errors = response_errors(self.openapi, OpenAPIRequest(request), OpenAPIResponse(response, content))
        except Exception as exc:
            errors = [exc]
        if errors:
            lines = [f"{what}: the {response.status_code} response does not match the spec (openapi-core):"]
            lines += ["  " + line for error in errors for line in describe_error(error)]
            lines.append(f"  body: {content[:2000].decode(errors='replace')}")
            raise ContractViolation("\n".join(lines))


class _Replay(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body already received, streamed again (so a streamed response stays unread until read)."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __iter__(self) -> Iterator[bytes]:
        yield self.content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.content


def _replay(response: httpx.Response, content: bytes, request: httpx.Request) -> httpx.Response:
    """A fresh response carrying the (decoded) body the transport read for validation."""
    dropped = {"content-encoding", "content-length", "transfer-encoding"}
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in dropped]
    headers.append(("content-length", str(len(content))))
    return httpx.Response(response.status_code, headers=headers, stream=_Replay(content), request=request)


class ValidatingTransport(httpx.BaseTransport):
    """Sends through `inner`, checking request and response against the spec."""

    def __init__(self, inner: httpx.BaseTransport, checker: _Checker) -> None:
        self.inner = inner
        self.checker = checker

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        token = self.checker.token_response(request)
        if token is not None:
            return token
        problems = self.checker.request_problems(request)
        response = self.inner.handle_request(request)
        try:
            content = response.read()
        finally:
            response.close()
        self.checker.verify(request, response, content, problems)
        return _replay(response, content, request)

    def close(self) -> None:
        self.inner.close()


class AsyncValidatingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, checker: _Checker) -> None:
        self.inner = inner
        self.checker = checker

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        token = self.checker.token_response(request)
        if token is not None:
            return token
        problems = self.checker.request_problems(request)
        response = await self.inner.handle_async_request(request)
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        self.checker.verify(request, response, content, problems)
        return _replay(response, content, request)

    async def aclose(self) -> None:
        await self.inner.aclose()


# ---------------------------------------------------------------- the in-process mock


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    return re.compile(f"^{body}/?$")


class InProcessMock:
    """What Prism does for the contract tests, as an `httpx.MockTransport` handler."""

    def __init__(self, doc: dict[str, Any], openapi: OpenAPI | None = None) -> None:
        self.doc = doc
        self.openapi = openapi or validator_for(doc, INPROCESS_BASE_URL)
        self.synth = Synthesizer(doc, check=make_check(doc, "response"))
        paths = doc.get("paths") or {}
        literal = lambda t: len(re.sub(r"\{[^}]*\}", "", t))  # noqa: E731 - more literal text wins
        self.routes = [
            (t, _template_regex(t)) for t in sorted(paths, key=lambda t: (-literal(t), t))
        ]
        self._answers: dict[tuple[str, str, str], tuple[int, list[tuple[str, str]], bytes]] = {}

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._handle(request)
        except Exception as exc:  # never let odd input take the mock down: answer 500 instead
            problem = [
                {
                    "location": ["request"],
                    "severity": "Error",
                    "code": "MOCK_FAILURE",
                    "message": f"{type(exc).__name__}: {_text(exc)}",
                }
            ]
            return self._problem(500, "The in-process mock failed on this request", problem)

    # -- routing and validation

    def _handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        path = request.url.path
        template = next((t for t, rx in self.routes if rx.match(path)), None)
        if template is None:
            return self._problem(404, f"The route {path} hasn't been found in the specification file", [])
        item = self.synth.resolve(self.doc["paths"][template])
        method = request.method.lower()
        operation = item.get(method) if isinstance(item, dict) else None
        if not isinstance(operation, dict):
            return self._problem(405, f"The route {path} has no {request.method.upper()} operation", [])
        try:
            errors = request_errors(self.openapi, OpenAPIRequest(request, body))
        except Exception as exc:  # input openapi-core cannot even read (bytes that are not UTF-8 …)
            errors = [exc]
        if errors:
            return self._refuse(errors[0], operation)
        return self._answer(template, method, operation, request.headers.get("accept", ""))

    def _refuse(self, error: BaseException, operation: dict[str, Any]) -> httpx.Response:
        found = violations(error)
        if isinstance(error, SecurityValidationError):
            return self._problem(401, "Invalid security scheme used", found)
        if isinstance(error, (PathNotFound, ServerNotFound)):
            return self._problem(404, _text(error), found)
        if isinstance(error, OperationNotFound):
            return self._problem(405, _text(error), found)
        documented = {str(code) for code in (operation.get("responses") or {})}
        status = 400 if "400" in documented and "422" not in documented else 422
        return self._problem(status, "Invalid request", found)

    def _problem(self, status: int, detail: str, found: list[dict[str, Any]]) -> httpx.Response:
        body = {
            "type": "https://contract-tests.invalid/mock-errors",
            "title": detail,
            "status": status,
            "detail": detail,
            "validation": found,
        }
        headers = [("content-type", "application/problem+json")]
        if found:
            headers.append(("sl-violations", header_value(found)))
        return httpx.Response(status, headers=headers, content=json.dumps(body, ensure_ascii=True).encode())

    # -- answering

    def _answer(
        self, template: str, method: str, operation: dict[str, Any], accept: str
    ) -> httpx.Response:
        key = (template, method, accept)
        if key not in self._answers:
            self._answers[key] = self._success(operation, accept)
        status, headers, content = self._answers[key]
        return httpx.Response(status, headers=headers, content=content)

    def _success(
        self, operation: dict[str, Any], accept: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        responses = operation.get("responses") or {}
        codes = sorted(str(c) for c in responses)
        code = next((c for c in codes if c.startswith("2") and c.isdigit()), None)
        code = (
            code or next((c for c in codes if c.upper() == "2XX"), None) or ("default" if "default" in codes else None)
        )
        if code is None:
            return 204, [], b""
        status = int(code) if code.isdigit() else 200
        response = self.synth.resolve(responses.get(code) if code in responses else responses.get(int(code)))
        response = response if isinstance(response, dict) else {}
        headers: list[tuple[str, str]] = []
        for name, header in (response.get("headers") or {}).items():
            header = self.synth.resolve(header)
            if isinstance(header, dict) and header.get("required") and name.lower() != "content-type":
                value = self.synth.value(header.get("schema") or {"type": "string"}, direction="response")
                headers.append((name, value if isinstance(value, str) else json.dumps(value)))
        content = response.get("content") or {}
        if not isinstance(content, dict) or not content or status in (204, 304):
            return status, headers, b""
        media = _negotiate(content, accept)
        media_object = content.get(media) or {}
        value = self._example(media_object)
        if value is _NONE:
            value = self.synth.value(media_object.get("schema") or {}, full=True, direction="response")
        headers.append(("content-type", media))
        return status, headers, _encode(media, value)

    def _example(self, media_object: dict[str, Any]) -> Any:
        examples = media_object.get("examples")
        if isinstance(examples, dict) and examples:
            first = self.synth.resolve(next(iter(examples.values())))
            if isinstance(first, dict) and "value" in first:
                return first["value"]
        if "example" in media_object:
            return media_object["example"]
        return _NONE


_NONE: Any = object()


def _is_json(media: str) -> bool:
    m = media.split(";")[0].strip().lower()
    return m == "application/json" or m.endswith("+json")


def _is_events(media: str) -> bool:
    return media.split(";")[0].strip().lower() == "text/event-stream"


def _negotiate(content: dict[str, Any], accept: str) -> str:
    """The media type to answer with: the one the request accepts (as Prism negotiates), else
    JSON, else the first the spec lists."""
    asked = [a.split(";")[0].strip().lower() for a in accept.split(",")]
    return (
        next((m for m in content if m.split(";")[0].strip().lower() in asked), None)
        or next((m for m in content if _is_json(m)), None)
        or next(iter(content))
    )


def _encode(media: str, value: Any) -> bytes:
    """A response body of `media` holding `value`: JSON; server-sent events (the value as two
    events, then the `[DONE]` sentinel streaming APIs end with); text; or bytes."""
    if _is_json(media):
        return json.dumps(value).encode()
    if _is_events(media):
        data = json.dumps(value)
        return f"data: {data}\n\nid: 2\ndata: {data}\n\ndata: [DONE]\n\n".encode()
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value).encode() if media.startswith("text/") else b""


# ---------------------------------------------------------------- the session's server


@dataclass
class ContractServer:
    """The server one test session talks to, and how to reach it with validation."""

    doc: dict[str, Any]
    base_url: str
    kind: str  # prism | inprocess | external
    openapi: OpenAPI
    mock: InProcessMock | None = None

    def describe(self) -> str:
        return {
            "prism": f"Prism at {self.base_url}",
            "inprocess": "the in-process mock (openapi-core + httpx)",
            "external": f"the server at {self.base_url}",
        }[self.kind]

    _ssl: ssl.SSLContext | None = field(default=None, init=False, repr=False)

    def _ssl_context(self) -> ssl.SSLContext:
        # One for the session: building one loads the CA bundle (~50 ms), per client that adds up.
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    def transport(self) -> httpx.BaseTransport:
        inner: httpx.BaseTransport
        if self.mock is not None:
            inner = self.mock.transport()
        else:
            inner = httpx.HTTPTransport(verify=self._ssl_context())
        return ValidatingTransport(inner, _Checker(self.openapi, self.describe(), oauth2_token_paths(self.doc)))

    def async_transport(self) -> httpx.AsyncBaseTransport:
        inner: httpx.AsyncBaseTransport
        if self.mock is not None:
            inner = self.mock.transport()
        else:
            inner = httpx.AsyncHTTPTransport(verify=self._ssl_context())
        return AsyncValidatingTransport(inner, _Checker(self.openapi, self.describe(), oauth2_token_paths(self.doc)))


def choose_mock(env_prefix: str, tests_dir: Path) -> tuple[str, str | None]:
    """(kind, prism binary): from `<PREFIX>_TEST_MOCK` (prism | inprocess | auto, the default)."""
    wanted = (os.environ.get(f"{env_prefix}_TEST_MOCK") or "auto").strip().lower()
    if wanted not in ("prism", "inprocess", "auto"):
        raise ValueError(f"{env_prefix}_TEST_MOCK must be prism, inprocess or auto, not {wanted!r}")
    if wanted == "inprocess":
        return "inprocess", None
    prism = find_prism([tests_dir])
    if prism is not None and node_available():
        return "prism", prism
    if wanted == "prism":
        missing = "Node.js (node on PATH)" if prism is not None else "the prism binary (npm ci, or set PRISM_BIN)"
        raise RuntimeError(f"{env_prefix}_TEST_MOCK=prism, but {missing} is not available")
    return "inprocess", None


@contextmanager
def open_contract_server(env_prefix: str, tests_dir: Path) -> Iterator[ContractServer]:
    """The session's server: `<PREFIX>_TEST_BASE_URL` if set, else Prism or the in-process mock."""
    spec_path = Path(os.environ.get(f"{env_prefix}_TEST_SPEC") or tests_dir / "spec.json")
    doc = load_spec(spec_path)
    external = os.environ.get(f"{env_prefix}_TEST_BASE_URL")
    if external:
        base_url = external.rstrip("/")
        yield ContractServer(doc, base_url, "external", validator_for(doc, base_url))
        return
    kind, prism = choose_mock(env_prefix, tests_dir)
    if kind == "inprocess" or prism is None:
        openapi = validator_for(doc, INPROCESS_BASE_URL)
        yield ContractServer(doc, INPROCESS_BASE_URL, "inprocess", openapi, InProcessMock(doc, openapi))
        return
    server = PrismServer(spec_path, prism=prism)
    try:
        base_url = server.start()
        yield ContractServer(doc, base_url, "prism", validator_for(doc, base_url))
    finally:
        server.close()
