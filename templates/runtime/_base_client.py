"""The HTTP machinery behind the generated clients (sync and async, on httpx).

Retries: connection errors, timeouts, 408, 409, 429 and 5xx are retried
(`max_retries`, default 2) with exponential backoff and jitter (0.5 s doubling,
capped at 8 s); `retry-after-ms` / `Retry-After` (seconds or an HTTP date) are
honoured up to 60 s; a server's `x-should-retry: true|false` decides first.
Every try carries `x-sdk-retry-count`; non-GET calls carry one
`Idempotency-Key` for all their tries.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import platform
import random
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import httpx

from ._auth import AuthParts, Credential, Credentials, Requirement, Scheme, redact
from ._exceptions import APIConnectionError, APITimeoutError, status_error
from ._files import AsyncFileSource, binary_content, multipart_parts
from ._models import _to_json
from ._pagination import AsyncPage, AsyncPaginator, SyncPage
from ._qs import encode_form, encode_query
from ._response import RESPONSE_MODE, APIResponse, AsyncAPIResponse, ParseSpec, parse_content
from ._streaming import AsyncStream, Stream
from ._types import (
    NOT_GIVEN,
    Body,
    FileContent,
    FileTypes,
    Headers,
    NotGiven,
    PageSpec,
    Query,
    RequestOptions,
    Timeout,
    given,
)

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "RequestOptions",
    "SdkInfo",
    "Scheme",
    "Credential",
    "SyncAPIClient",
    "AsyncAPIClient",
    "SyncAPIResource",
    "AsyncAPIResource",
    "path_template",
    "FileContent",
    "FileTypes",
    "Timeout",
    "Headers",
    "Query",
    "Body",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
]

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(timeout=60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRY_COUNT_HEADER = "x-sdk-retry-count"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class SdkInfo:
    """Facts about the generated SDK the runtime needs (set by the generated client)."""

    package: str
    version: str
    api_key_env: str
    base_url_env: str
    log_env: str
    default_base_url: str
    schemes: tuple[Scheme, ...] = ()
    # What an operation needs unless it says otherwise (see `_auth`).
    security: Requirement = ()
    # Every operation needs credentials: a client without them fails when it is created.
    auth_required: bool = False


def path_template(template: str, params: Mapping[str, object]) -> str:
    """Fill `{name}` placeholders with URL-encoded values; an empty value is a ValueError."""
    out = template
    for name, value in params.items():
        text = _param_text(value)
        if text == "":
            raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
        out = out.replace("{" + name + "}", quote(text, safe=""))
    return out


def _param_text(value: object) -> str:
    """A parameter value as text (OpenAPI's `simple` style: arrays comma-separated)."""
    if isinstance(value, (list, tuple)):
        return ",".join(_param_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return "" if value is None else str(value)


_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Printable ASCII but `%`: what percent-encoding of a non-ASCII header value leaves as it is.
_HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")


def header_item(name: str, value: str) -> tuple[str, str]:
    """A header (from the spec or the caller) as it can go on the wire: non-ASCII text
    percent-encoded as UTF-8; a name that is no HTTP token, or a control character in the
    value, is a ValueError naming the header (not a UnicodeEncodeError from inside httpx)."""
    if not name.isascii():
        name = quote(name, safe="")
    if not value.isascii():
        value = quote(value, safe=_HEADER_SAFE)
    if not _TOKEN.match(name):
        raise ValueError(f"Cannot send the header {name!r}: a header name is letters, digits and !#$%&'*+-.^_`|~")
    if _CONTROL.search(value):
        raise ValueError(f"Cannot send the header {name!r}: its value holds a control character")
    return name, value


def to_jsonable(value: object) -> object:
    """Arguments (models, enums, dates, builders' output) as JSON-ready data; NOT_GIVEN dropped."""
    return _to_json(value, omit=NotGiven)


def _encode_query(query: Mapping[str, object], styles: Mapping[str, tuple[str, bool]]) -> list[tuple[str, str]]:
    values = {key: to_jsonable(value) for key, value in query.items() if not isinstance(value, NotGiven)}
    return encode_query(values, styles)


def _platform_headers(info: SdkInfo) -> dict[str, str]:
    return {
        "User-Agent": f"{info.package}/{info.version} python/{platform.python_version()}",
        "X-SDK-Lang": "python",
        "X-SDK-Package-Version": info.version,
        "X-SDK-OS": platform.system() or "unknown",
        "X-SDK-Arch": platform.machine() or "unknown",
        "X-SDK-Runtime": platform.python_implementation(),
        "X-SDK-Runtime-Version": platform.python_version(),
    }


def _setup_logger(info: SdkInfo) -> logging.Logger:
    logger = logging.getLogger(info.package)
    level = os.environ.get(info.log_env, "").lower()
    if level in ("debug", "info") and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    return logger


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The server's requested delay, from `retry-after-ms` or `Retry-After`, if valid and ≤ 60 s."""
    delay: float | None = None
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            delay = float(ms) / 1000
        except ValueError:
            delay = None
    if delay is None:
        after = headers.get("retry-after")
        if after is not None:
            try:
                delay = float(after)
            except ValueError:
                parsed = email.utils.parsedate_tz(after)
                if parsed is not None:
                    delay = email.utils.mktime_tz(parsed) - time.time()
    if delay is None or not (0 <= delay <= MAX_RETRY_AFTER):
        return None
    return delay


def backoff_seconds(retries_taken: int, headers: httpx.Headers | None) -> float:
    """How long to wait before try number `retries_taken + 1`."""
    if headers is not None:
        requested = retry_after_seconds(headers)
        if requested is not None:
            return requested
    delay = min(INITIAL_RETRY_DELAY * (2.0**retries_taken), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


async def _async_sleep(delay: float) -> None:
    import asyncio  # here, so that sync-only users never pay for importing it

    await asyncio.sleep(delay)


def should_retry(response: httpx.Response) -> bool:
    verdict = response.headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    return response.status_code in (408, 409, 429) or response.status_code >= 500


class _BaseClient:
    _info: SdkInfo

    def __init__(
        self,
        *,
        info: SdkInfo,
        credentials: Mapping[str, str | None],
        base_url: str | httpx.URL | None,
        timeout: Timeout | NotGiven,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
        default_query: Mapping[str, object] | None,
        strict_response_validation: bool,
    ) -> None:
        self._info = info
        self._credentials = Credentials(info.schemes, credentials)
        if info.auth_required:
            self._credentials.choose(info.security, "Every call of this API")
        for c in (c for s in info.schemes for c in s.credentials):
            setattr(self, c.arg, self._credentials.value(c.arg))
        self._secret_params = frozenset(s.param for s in info.schemes if s.location == "query")
        if base_url is None:
            base_url = os.environ.get(info.base_url_env) or info.default_base_url
        self.base_url = httpx.URL(str(base_url).rstrip("/") + "/")
        self.timeout: Timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
        self.max_retries = max_retries
        self.default_headers = dict(default_headers or {})
        self.default_query = dict(default_query or {})
        self.strict_response_validation = strict_response_validation
        self._logger = _setup_logger(info)
        self._platform = _platform_headers(info)
        # A spec's version or a user's header may hold any text: sent percent-encoded, never refused by httpx.
        self._base_headers = dict(header_item(k.lower(), v) for k, v in {**self._platform, "Accept": "application/json"}.items())
        self._base_url_text = str(self.base_url)
        self._origin = f"{self.base_url.scheme}://{self.base_url.netloc.decode()}/"
        self._owns_http = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={str(self.base_url)!r}>"

    def _options(self) -> dict[str, Any]:
        """The constructor arguments that `copy()` / `with_options()` start from."""
        return {
            **{c.arg: self._credentials.value(c.arg) for s in self._info.schemes for c in s.credentials},
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "default_query": self.default_query,
            "strict_response_validation": self.strict_response_validation,
        }

    def _auth_schemes(self, options: RequestOptions) -> tuple[Scheme, ...]:
        """The schemes a call sends: none to another host (a Link `next` URL may point elsewhere)."""
        url = options.url
        if url.startswith(("http://", "https://")) and not url.startswith(self._origin):
            return ()
        requirement = self._info.security if options.security is None else options.security
        return self._credentials.choose(requirement, "This call")  # not its URL: a path may hold an account id

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        options: RequestOptions,
        retries_taken: int,
        idem_key: str | None,
        auth: AuthParts,
    ) -> httpx.Request:
        url = options.url
        absolute = url.startswith(("http://", "https://"))
        headers = dict(self._base_headers)
        headers.update(header_item(k.lower(), v) for k, v in auth.headers.items())
        headers.update(header_item(k.lower(), v) for k, v in self.default_headers.items())
        for source in (options.headers, options.extra_headers):
            for k, v in (source or {}).items():
                if not isinstance(v, NotGiven) and v is not None:
                    name, text = header_item(k.lower(), _param_text(to_jsonable(v)))
                    headers[name] = text
        cookies = [f"{k}={v}" for k, v in auth.cookies.items()]
        cookies += [f"{k}={_param_text(to_jsonable(v))}" for k, v in (options.cookies or {}).items() if given(v)]
        if cookies:
            headers["cookie"] = header_item("cookie", "; ".join(cookies))[1]
        headers[RETRY_COUNT_HEADER] = str(retries_taken)
        if idem_key is not None:
            headers.setdefault(IDEMPOTENCY_HEADER.lower(), idem_key)
        query: dict[str, object] = {
            **auth.query,
            **self.default_query,
            **(options.query or {}),
            **(options.extra_query or {}),
        }
        if not absolute:
            url = self._base_url_text + url.lstrip("/")
        kwargs: dict[str, Any] = {}
        body = options.json
        if not isinstance(body, NotGiven) or options.extra_body:
            data = to_jsonable(body) if not isinstance(body, NotGiven) else {}
            if options.extra_body and isinstance(data, dict):
                data = {**data, **to_jsonable(options.extra_body)}  # type: ignore[dict-item]
            kwargs["content"] = json.dumps(data, separators=(",", ":")).encode()
            headers.setdefault("content-type", "application/json")
        elif options.form is not None and options.files is None:
            values = {k: to_jsonable(v) for k, v in options.form.items() if not isinstance(v, NotGiven)}
            if options.extra_body:
                values.update({k: to_jsonable(v) for k, v in options.extra_body.items()})
            styles = {k: (str(v[0]), bool(v[1])) for k, v in options.form_encoding.items()}
            kwargs["content"] = urlencode(encode_form(values, styles)).encode()
            headers.setdefault("content-type", "application/x-www-form-urlencoded")
        elif options.files is not None:
            values = {
                k: v if k in options.file_fields else to_jsonable(v) for k, v in options.files.items() if given(v)
            }
            values.update({k: to_jsonable(v) for k, v in (options.extra_body or {}).items()})
            # every part goes in `files` (a text part with no file name): httpx sends a body with
            # no file part urlencoded otherwise
            kwargs["files"] = multipart_parts(values, options.file_fields, options.part_types)
        elif options.content is not None:
            content = kwargs["content"] = binary_content(options.content, isinstance(http, httpx.AsyncClient))
            headers.setdefault("content-type", "application/octet-stream")
            if isinstance(content, AsyncFileSource) and (length := content.length()) is not None:
                headers["content-length"] = str(length)  # httpx sends an async body chunked otherwise
        if not isinstance(options.timeout, NotGiven):
            kwargs["timeout"] = options.timeout
        elif not self._owns_http:  # a user's httpx client has its own default timeout
            kwargs["timeout"] = self.timeout
        params = _encode_query(query, options.query_styles) if query else []
        if "?" in url:
            # httpx replaces a URL's query with `params=`: keep the URL's own (a `Link: rel="next"`
            # URL carries the page in it), letting the parameters given here win.
            passed = {k for k, _ in params}
            params = [(k, v) for k, v in httpx.URL(url).params.multi_items() if k not in passed] + params
        if params:
            kwargs["params"] = httpx.QueryParams(tuple(params))
        return http.build_request(options.method.upper(), url, headers=headers, **kwargs)

    def _idempotency_key(self, options: RequestOptions) -> str | None:
        return None if options.method.lower() == "get" else f"sdk-retry-{uuid.uuid4()}"

    def _log_response(self, request: httpx.Request, response: httpx.Response) -> None:
        url = redact(request.url, self._secret_params)
        self._logger.debug(
            'HTTP Request: %s %s "%s %s"', request.method, url, response.status_code, response.reason_phrase
        )

    def _error_body(self, response: httpx.Response) -> object:
        try:
            return json.loads(response.content) if response.content else None
        except ValueError:
            return response.text


class SyncAPIClient(_BaseClient):
    def __init__(self, *, http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=self.timeout, follow_redirects=True)

    # -- lifecycle
    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests
    def _send(self, options: RequestOptions, stream: bool) -> tuple[httpx.Response, int]:
        idem_key = self._idempotency_key(options)
        schemes = self._auth_schemes(options)
        tokens = self._credentials.tokens(schemes, self._http, self.base_url)
        auth = self._credentials.parts(schemes, tokens)
        refreshed = False  # a 401 to an OAuth2 token fetches a new one, once
        retries_taken = 0
        while True:
            request = self._build_request(self._http, options, retries_taken, idem_key, auth)
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TimeoutException:
                if retries_taken < self.max_retries:
                    self._sleep_before_retry(request, retries_taken, None)
                    retries_taken += 1
                    continue
                raise APITimeoutError(request=request) from None
            except httpx.TransportError as exc:
                if retries_taken < self.max_retries:
                    self._sleep_before_retry(request, retries_taken, None)
                    retries_taken += 1
                    continue
                raise APIConnectionError(request=request, message=f"Connection error: {type(exc).__name__}") from None
            self._log_response(request, response)
            if response.status_code == 401 and auth.tokens and not refreshed:
                response.close()
                for source, token in auth.tokens:
                    source.invalidate(token)
                tokens = self._credentials.tokens(schemes, self._http, self.base_url)
                auth, refreshed = self._credentials.parts(schemes, tokens), True
                continue
            if response.status_code >= 400:
                if should_retry(response) and retries_taken < self.max_retries:
                    response.close()
                    self._sleep_before_retry(request, retries_taken, response.headers)
                    retries_taken += 1
                    continue
                response.read()
                raise status_error(response, self._error_body(response))
            return response, retries_taken

    def _sleep_before_retry(self, request: httpx.Request, retries_taken: int, headers: httpx.Headers | None) -> None:
        delay = backoff_seconds(retries_taken, headers)
        self._logger.info(
            "Retrying %s %s in %.2f seconds", request.method, redact(request.url, self._secret_params), delay
        )
        time.sleep(delay)

    def request(self, cast_to: Any, options: RequestOptions, kind: str = "json") -> Any:
        spec = ParseSpec(cast_to, kind, self.strict_response_validation)
        return self._finish(spec, options)

    def request_stream(self, event_type: Any, options: RequestOptions) -> Stream[Any]:
        """The response as server-sent events, each parsed as `event_type`; read as they arrive
        (through `with_raw_response` / `with_streaming_response`: the response, whose `parse()`
        gives the events)."""
        headers = {"Accept": "text/event-stream", **(options.headers or {})}
        mode = RESPONSE_MODE.get()
        if mode is not None:
            RESPONSE_MODE.set(None)
        response, retries = self._send(replace(options, headers=headers), stream=True)
        if mode is None:
            return Stream(event_type, response, strict=self.strict_response_validation)
        if mode == "raw":
            response.read()
        return APIResponse(response, ParseSpec(event_type, "events", self.strict_response_validation), retries)  # type: ignore[return-value]

    def request_page(self, page: PageSpec, item_type: Any, options: RequestOptions) -> Any:
        def make_page(response: httpx.Response, body: Any) -> SyncPage[Any]:
            result: SyncPage[Any] = SyncPage(
                spec=page,
                item_type=item_type,
                options=options,
                response=response,
                body=body,
                strict=self.strict_response_validation,
            )
            result._client = self
            return result

        spec = ParseSpec(item_type, "json", self.strict_response_validation, page, make_page)
        return self._finish(spec, options)

    def _finish(self, spec: ParseSpec, options: RequestOptions) -> Any:
        mode = RESPONSE_MODE.get()
        if mode is not None:
            RESPONSE_MODE.set(None)  # nested calls (next pages) parse normally
        response, retries = self._send(options, stream=mode == "stream")
        if mode == "stream":
            return APIResponse(response, spec, retries)
        response.read()
        if mode == "raw":
            return APIResponse(response, spec, retries)
        return parse_content(spec, response, response.content, retries)


class AsyncAPIClient(_BaseClient):
    def __init__(self, *, http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self.timeout, follow_redirects=True)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _send(self, options: RequestOptions, stream: bool) -> tuple[httpx.Response, int]:
        idem_key = self._idempotency_key(options)
        schemes = self._auth_schemes(options)
        tokens = await self._credentials.atokens(schemes, self._http, self.base_url)
        auth = self._credentials.parts(schemes, tokens)
        refreshed = False  # a 401 to an OAuth2 token fetches a new one, once
        retries_taken = 0
        while True:
            request = self._build_request(self._http, options, retries_taken, idem_key, auth)
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TimeoutException:
                if retries_taken < self.max_retries:
                    await self._sleep_before_retry(request, retries_taken, None)
                    retries_taken += 1
                    continue
                raise APITimeoutError(request=request) from None
            except httpx.TransportError as exc:
                if retries_taken < self.max_retries:
                    await self._sleep_before_retry(request, retries_taken, None)
                    retries_taken += 1
                    continue
                raise APIConnectionError(request=request, message=f"Connection error: {type(exc).__name__}") from None
            self._log_response(request, response)
            if response.status_code == 401 and auth.tokens and not refreshed:
                await response.aclose()
                for source, token in auth.tokens:
                    source.invalidate(token)
                tokens = await self._credentials.atokens(schemes, self._http, self.base_url)
                auth, refreshed = self._credentials.parts(schemes, tokens), True
                continue
            if response.status_code >= 400:
                if should_retry(response) and retries_taken < self.max_retries:
                    await response.aclose()
                    await self._sleep_before_retry(request, retries_taken, response.headers)
                    retries_taken += 1
                    continue
                await response.aread()
                raise status_error(response, self._error_body(response))
            return response, retries_taken

    async def _sleep_before_retry(
        self, request: httpx.Request, retries_taken: int, headers: httpx.Headers | None
    ) -> None:
        delay = backoff_seconds(retries_taken, headers)
        self._logger.info(
            "Retrying %s %s in %.2f seconds", request.method, redact(request.url, self._secret_params), delay
        )
        await _async_sleep(delay)

    async def request(self, cast_to: Any, options: RequestOptions, kind: str = "json") -> Any:
        spec = ParseSpec(cast_to, kind, self.strict_response_validation, asynchronous=True)
        return await self._finish(spec, options)

    async def request_stream(self, event_type: Any, options: RequestOptions) -> AsyncStream[Any]:
        headers = {"Accept": "text/event-stream", **(options.headers or {})}
        mode = RESPONSE_MODE.get()
        if mode is not None:
            RESPONSE_MODE.set(None)
        response, retries = await self._send(replace(options, headers=headers), stream=True)
        if mode is None:
            return AsyncStream(event_type, response, strict=self.strict_response_validation)
        if mode == "raw":
            await response.aread()
        spec = ParseSpec(event_type, "events", self.strict_response_validation, asynchronous=True)
        return AsyncAPIResponse(response, spec, retries)  # type: ignore[return-value]

    async def request_page(self, page: PageSpec, item_type: Any, options: RequestOptions) -> Any:
        def make_page(response: httpx.Response, body: Any) -> AsyncPage[Any]:
            result: AsyncPage[Any] = AsyncPage(
                spec=page,
                item_type=item_type,
                options=options,
                response=response,
                body=body,
                strict=self.strict_response_validation,
            )
            result._client = self
            return result

        spec = ParseSpec(item_type, "json", self.strict_response_validation, page, make_page)
        return await self._finish(spec, options)

    def paginate(self, page: PageSpec, item_type: Any, options: RequestOptions) -> AsyncPaginator[Any]:
        return AsyncPaginator(lambda: self.request_page(page, item_type, options))

    async def _finish(self, spec: ParseSpec, options: RequestOptions) -> Any:
        mode = RESPONSE_MODE.get()
        if mode is not None:
            RESPONSE_MODE.set(None)
        response, retries = await self._send(options, stream=mode == "stream")
        if mode == "stream":
            return AsyncAPIResponse(response, spec, retries)
        await response.aread()
        if mode == "raw":
            return AsyncAPIResponse(response, spec, retries)
        return parse_content(spec, response, response.content, retries)


class SyncAPIResource:
    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
