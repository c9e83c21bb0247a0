"""The HTTP machinery behind the generated clients (sync and async, on httpx).

Retries: connection errors, timeouts, 408, 409, 429 and 5xx are retried
(`max_retries`, default 2) with exponential backoff and jitter (0.5 s doubling,
capped at 8 s); `retry-after-ms` / `Retry-After` (seconds or an HTTP date) are
honoured up to 60 s; a server's `x-should-retry: true|false` decides first.
Every try carries `x-sdk-retry-count`; non-GET calls carry one
`Idempotency-Key` for all their tries.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import httpx

from ._auth import AuthParts, Credential, Credentials, Requirement, Scheme, redact
from ._exceptions import APIConnectionError, APITimeoutError, status_error
from ._files import AsyncFileSource, binary_content, multipart_parts
from ._http import (
    DEFAULT_TIMEOUT,
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    check_http_client,
    check_max_retries,
    platform_headers,
    setup_logger,
)
from ._models import _to_json
from ._pagination import AsyncPage, AsyncPaginator, BasePage, SyncPage, build_page
from ._qs import encode_form, encode_query, header_item, param_text
from ._response import RESPONSE_MODE, APIResponse, AsyncAPIResponse, ParseSpec, parse_content
from ._retries import backoff_seconds, should_retry
from ._streaming import AsyncStream, Stream
from ._types import (
    NOT_GIVEN,
    Body,
    CallOptions,
    FileContent,
    FileTypes,
    Headers,
    NotGiven,
    Omit,
    PageSpec,
    Query,
    RequestOptions,
    Timeout,
    given,
    omit,
)

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "Omit",
    "omit",
    "CallOptions",
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

DEFAULT_MAX_RETRIES = 2
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
        text = param_text(value)
        if text == "":
            raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
        out = out.replace("{" + name + "}", quote(text, safe=""))
    return out


def to_jsonable(value: object) -> object:
    """Arguments (models, enums, dates, builders' output) as JSON-ready data; NOT_GIVEN dropped."""
    return _to_json(value, omit=NotGiven)


def _encode_query(
    query: Mapping[str, object], styles: Mapping[str, tuple[str, bool]]
) -> list[tuple[str, str]]:
    values = {
        key: to_jsonable(value) for key, value in query.items() if not isinstance(value, NotGiven)
    }
    return encode_query(values, styles)


async def _async_sleep(delay: float) -> None:
    import asyncio  # here, so that sync-only users never pay for importing it

    await asyncio.sleep(delay)


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
        default_headers: Mapping[str, str | Omit] | None,
        default_query: Mapping[str, object] | None,
        strict_response_validation: bool,
        http_client: httpx.Client | httpx.AsyncClient | None,
    ) -> None:
        check_max_retries(max_retries)
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
        if isinstance(timeout, NotGiven):
            # a user's httpx client keeps its own timeout unless this client is given one
            timeout = http_client.timeout if http_client is not None else DEFAULT_TIMEOUT
            self._send_timeout = False
        else:
            self._send_timeout = http_client is not None
        self.timeout: Timeout = timeout
        self.max_retries = max_retries
        self.default_headers = dict(default_headers or {})
        self.default_query = dict(default_query or {})
        self.strict_response_validation = strict_response_validation
        self._logger = setup_logger(info.package, info.log_env)
        self._platform = platform_headers(info.package, info.version)
        # A spec's version or a user's header may hold any text: sent percent-encoded, never refused by httpx.
        base = {**self._platform, "Accept": "application/json"}
        self._base_headers = dict(header_item(k.lower(), v) for k, v in base.items())
        self._base_url_text = str(self.base_url)
        self._origin = f"{self.base_url.scheme}://{self.base_url.netloc.decode()}/"
        self._owns_http = http_client is None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={str(self.base_url)!r}>"

    def _options(self) -> dict[str, Any]:
        """The constructor arguments that `copy()` / `with_options()` start from."""
        return {
            **{
                c.arg: self._credentials.value(c.arg)
                for s in self._info.schemes
                for c in s.credentials
            },
            "base_url": self.base_url,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "default_headers": self.default_headers,
            "default_query": self.default_query,
            "strict_response_validation": self.strict_response_validation,
        }

    def _copy_options(
        self,
        changed: Mapping[str, object],
        *,
        timeout: Timeout | NotGiven,
        default_headers: Mapping[str, str | Omit] | None,
        set_default_headers: Mapping[str, str | Omit] | None,
        default_query: Mapping[str, object] | None,
        set_default_query: Mapping[str, object] | None,
    ) -> dict[str, Any]:
        """The constructor arguments of a copy: this client's, with the `changed` ones that are
        not None; `default_headers` / `default_query` are merged into this client's,
        `set_default_headers` / `set_default_query` replace them."""
        if default_headers is not None and set_default_headers is not None:
            raise ValueError(
                "default_headers (merged) and set_default_headers (replacing) exclude each other"
            )
        if default_query is not None and set_default_query is not None:
            raise ValueError(
                "default_query (merged) and set_default_query (replacing) exclude each other"
            )
        options = self._options()
        options.update({k: v for k, v in changed.items() if v is not None})
        if not isinstance(timeout, NotGiven):
            options["timeout"] = timeout
        options["default_headers"] = (
            dict(set_default_headers)
            if set_default_headers is not None
            else {**self.default_headers, **(default_headers or {})}
        )
        options["default_query"] = (
            dict(set_default_query)
            if set_default_query is not None
            else {**self.default_query, **(default_query or {})}
        )
        return options

    def _call_options(
        self, method: str, path: str, body: object, options: CallOptions | None
    ) -> RequestOptions:
        """The request of `client.get(path, ...)` and its siblings: an endpoint the spec does not describe."""
        given_options = options or {}
        return RequestOptions(
            method=method,
            url=path,
            json=body,
            extra_headers=given_options.get("headers"),
            extra_query=given_options.get("params"),
            extra_body=given_options.get("extra_body"),
            timeout=given_options.get("timeout", NOT_GIVEN),
        )

    def _auth_schemes(self, options: RequestOptions) -> tuple[Scheme, ...]:
        """The schemes a call sends: none to another host (a Link `next` URL may point elsewhere)."""
        url = options.url
        if url.startswith(("http://", "https://")) and not url.startswith(self._origin):
            return ()
        requirement = self._info.security if options.security is None else options.security
        return self._credentials.choose(
            requirement, "This call"
        )  # not its URL: a path may hold an account id

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
        dropped: list[str] = []  # headers given as `omit`: sent by no one, defaults included
        for source in (self.default_headers, options.headers, options.extra_headers):
            for k, v in (source or {}).items():
                if isinstance(v, Omit):
                    dropped.append(k.lower())
                elif not isinstance(v, NotGiven) and v is not None:
                    name, text = header_item(
                        k.lower(), v if isinstance(v, str) else param_text(to_jsonable(v))
                    )
                    headers[name] = text
        cookies = [f"{k}={v}" for k, v in auth.cookies.items()]
        cookies += [
            f"{k}={param_text(to_jsonable(v))}"
            for k, v in (options.cookies or {}).items()
            if given(v)
        ]
        if cookies:
            headers["cookie"] = header_item("cookie", "; ".join(cookies))[1]
        headers[RETRY_COUNT_HEADER] = str(retries_taken)
        if idem_key is not None:
            headers.setdefault(IDEMPOTENCY_HEADER.lower(), idem_key)
        for name in dropped:
            headers.pop(name, None)
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
            values = {
                k: to_jsonable(v) for k, v in options.form.items() if not isinstance(v, NotGiven)
            }
            if options.extra_body:
                values.update({k: to_jsonable(v) for k, v in options.extra_body.items()})
            styles = {k: (str(v[0]), bool(v[1])) for k, v in options.form_encoding.items()}
            kwargs["content"] = urlencode(encode_form(values, styles)).encode()
            headers.setdefault("content-type", "application/x-www-form-urlencoded")
        elif options.files is not None:
            values = {
                k: v if k in options.file_fields else to_jsonable(v)
                for k, v in options.files.items()
                if given(v)
            }
            values.update({k: to_jsonable(v) for k, v in (options.extra_body or {}).items()})
            # every part goes in `files` (a text part with no file name): httpx sends a body with
            # no file part urlencoded otherwise
            kwargs["files"] = multipart_parts(values, options.file_fields, options.part_types)
        elif options.content is not None:
            content = kwargs["content"] = binary_content(
                options.content, isinstance(http, httpx.AsyncClient)
            )
            headers.setdefault("content-type", "application/octet-stream")
            if isinstance(content, AsyncFileSource) and (length := content.length()) is not None:
                headers["content-length"] = str(
                    length
                )  # httpx sends an async body chunked otherwise
        if not isinstance(options.timeout, NotGiven):
            kwargs["timeout"] = options.timeout
        elif self._send_timeout:  # given to the client, which sends with a user's httpx client
            kwargs["timeout"] = self.timeout
        params = _encode_query(query, options.query_styles) if query else []
        if "?" in url:
            # httpx replaces a URL's query with `params=`: keep the URL's own (a `Link: rel="next"`
            # URL carries the page in it), letting the parameters given here win.
            passed = {k for k, _ in params}
            params = [
                (k, v) for k, v in httpx.URL(url).params.multi_items() if k not in passed
            ] + params
        if params:
            kwargs["params"] = httpx.QueryParams(tuple(params))
        return http.build_request(options.method.upper(), url, headers=headers, **kwargs)

    def _idempotency_key(self, options: RequestOptions) -> str | None:
        return None if options.method.lower() == "get" else f"sdk-retry-{uuid.uuid4()}"

    def _log_response(self, request: httpx.Request, response: httpx.Response) -> None:
        url = redact(request.url, self._secret_params)
        self._logger.debug(
            'HTTP Request: %s %s "%s %s"',
            request.method,
            url,
            response.status_code,
            response.reason_phrase,
        )

    def _error_body(self, response: httpx.Response) -> object:
        try:
            return json.loads(response.content) if response.content else None
        except ValueError:
            return response.text


class SyncAPIClient(_BaseClient):
    def __init__(self, *, http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        check_http_client(http_client, httpx.Client, "sync")
        super().__init__(http_client=http_client, **kwargs)
        self._http = http_client or DefaultHttpxClient(timeout=self.timeout)

    # -- lifecycle
    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def is_closed(self) -> bool:
        return self._http.is_closed

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
                raise APIConnectionError(
                    request=request, message=f"Connection error: {type(exc).__name__}"
                ) from None
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

    def _sleep_before_retry(
        self, request: httpx.Request, retries_taken: int, headers: httpx.Headers | None
    ) -> None:
        delay = backoff_seconds(retries_taken, headers)
        self._logger.info(
            "Retrying %s %s in %.2f seconds",
            request.method,
            redact(request.url, self._secret_params),
            delay,
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
        return APIResponse(
            response, ParseSpec(event_type, "events", self.strict_response_validation), retries
        )  # type: ignore[return-value]

    def request_page(
        self,
        page: PageSpec,
        item_type: Any,
        options: RequestOptions,
        page_cls: type[BasePage[Any]] = SyncPage,
    ) -> Any:
        def make_page(response: httpx.Response, content: bytes) -> Any:
            strict = self.strict_response_validation
            return build_page(
                page_cls,
                content,
                spec=page,
                item_type=item_type,
                options=options,
                response=response,
                client=self,
                strict=strict,
            )

        spec = ParseSpec(item_type, "json", self.strict_response_validation, page, make_page)
        return self._finish(spec, options)

    # -- endpoints the spec does not describe
    def get(self, path: str, *, cast_to: type[T], options: CallOptions | None = None) -> T:
        return self.request(cast_to, self._call_options("get", path, NOT_GIVEN, options))

    def post(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return self.request(cast_to, self._call_options("post", path, body, options))

    def put(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return self.request(cast_to, self._call_options("put", path, body, options))

    def patch(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return self.request(cast_to, self._call_options("patch", path, body, options))

    def delete(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return self.request(cast_to, self._call_options("delete", path, body, options))

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
        check_http_client(http_client, httpx.AsyncClient, "async")
        super().__init__(http_client=http_client, **kwargs)
        self._http = http_client or DefaultAsyncHttpxClient(timeout=self.timeout)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    def is_closed(self) -> bool:
        return self._http.is_closed

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
                raise APIConnectionError(
                    request=request, message=f"Connection error: {type(exc).__name__}"
                ) from None
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
            "Retrying %s %s in %.2f seconds",
            request.method,
            redact(request.url, self._secret_params),
            delay,
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

    async def request_page(
        self,
        page: PageSpec,
        item_type: Any,
        options: RequestOptions,
        page_cls: type[BasePage[Any]] = AsyncPage,
    ) -> Any:
        def make_page(response: httpx.Response, content: bytes) -> Any:
            strict = self.strict_response_validation
            return build_page(
                page_cls,
                content,
                spec=page,
                item_type=item_type,
                options=options,
                response=response,
                client=self,
                strict=strict,
            )

        spec = ParseSpec(item_type, "json", self.strict_response_validation, page, make_page)
        return await self._finish(spec, options)

    def paginate(
        self,
        page: PageSpec,
        item_type: Any,
        options: RequestOptions,
        page_cls: type[BasePage[Any]] = AsyncPage,
    ) -> AsyncPaginator[Any, Any]:
        return AsyncPaginator(lambda: self.request_page(page, item_type, options, page_cls))

    # -- endpoints the spec does not describe
    async def get(self, path: str, *, cast_to: type[T], options: CallOptions | None = None) -> T:
        return await self.request(cast_to, self._call_options("get", path, NOT_GIVEN, options))

    async def post(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return await self.request(cast_to, self._call_options("post", path, body, options))

    async def put(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return await self.request(cast_to, self._call_options("put", path, body, options))

    async def patch(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return await self.request(cast_to, self._call_options("patch", path, body, options))

    async def delete(
        self,
        path: str,
        *,
        cast_to: type[T],
        body: Body = NOT_GIVEN,
        options: CallOptions | None = None,
    ) -> T:
        return await self.request(cast_to, self._call_options("delete", path, body, options))

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
