"""Auto-paging lists: `for item in client.x.list()` walks every page.

A page is the parsed response: when the body is an object with a model, the SDK
generates `<Model>Page(SyncPage[Item], <Model>)`, so `page.data`, `page.has_more`
… are the model's typed fields; `page.items` is the items field under one name
for every API. A body that is the list itself gives a plain `SyncPage[Item]`.

A `PageSpec` (generated per operation) says where the items are and how the
next request differs from this one:
- `cursor`: a cursor from the body (`next_cursor`, `cursor` …) goes into a query parameter;
- `after_id`: the id of the last item goes into `starting_after` (or the first
  item's into `ending_before` when paging backwards);
- `offset`: the offset parameter advances by the number of items received;
- `page_number`: the page parameter advances by one;
- `link_header`: the `Link: <…>; rel="next"` response header gives the next URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Self

from ._models import SdkModel, mark_bad, parse_json, parse_python
from ._types import Bad, InvalidDataError, PageSpec, RequestOptions, given

__all__ = ["PageSpec", "PageInfo", "BasePage", "SyncPage", "AsyncPage", "AsyncPaginator", "build_page"]

T = TypeVar("T")
P = TypeVar("P", bound="AsyncPage[Any]")

_LINK_NEXT = re.compile(r'<([^>]*)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)
_STATE = "_sdk_page"  # key in __pydantic_private__ holding the page's `_PageState`


@dataclass(frozen=True)
class PageInfo:
    """Where the next page is: a whole URL (`link_header`), or the query parameters that change."""

    url: str | None = None
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class _PageState:
    spec: PageSpec
    item_type: Any
    options: RequestOptions
    response: httpx.Response
    client: Any  # the SyncAPIClient / AsyncAPIClient that fetched the page
    # A plain page's items, parsed; None for a model page, which reads its items field.
    items: list[Any] | None


def _next_link(response: httpx.Response) -> str | None:
    """The absolute `rel="next"` URL (a relative one is resolved against the request's URL, RFC 8288)."""
    match = _LINK_NEXT.search(response.headers.get("link", ""))
    if not match or not match.group(1).strip():
        return None
    return str(response.request.url.join(match.group(1).strip()))


def _as_int(value: object, default: int) -> int:
    try:
        return int(str(value)) if value is not None else default
    except ValueError:
        return default


def _item_id(item: Any, field: str) -> Any:
    if isinstance(item, dict):
        return item.get(field)
    return getattr(item, "__dict__", {}).get(field) or (getattr(item, "__pydantic_extra__", None) or {}).get(field)


class BasePage(SdkModel, Generic[T]):
    """What sync and async pages share: the items, and where the next page is."""

    def _sdk_page_state(self) -> _PageState:
        return object.__getattribute__(self, "__pydantic_private__")[_STATE]

    def _sdk_wire_value(self, wire: str) -> Any:
        """A body property as received (a declared field's raw JSON, or an unknown property)."""
        name = type(self)._wire_map().get(wire)
        if name is None:
            return (self.__pydantic_extra__ or {}).get(wire)
        return self._json_field(name).raw

    @property
    def items(self) -> list[T]:
        """This page's items (an alias of the items field: `page.data`, `page.objects` …).

        An items field that is not an array gives no items; `validate()` reports it."""
        state = self._sdk_page_state()
        if state.items is not None:
            return state.items
        name = type(self)._wire_map().get(state.spec.items or "")
        value = self._json_field(name).value if name is not None else None
        return value if isinstance(value, list) else []

    def _sdk_next_options(self) -> RequestOptions | None:
        state = self._sdk_page_state()
        spec, options = state.spec, state.options
        query = dict(options.query or {})
        if spec.scheme == "link_header":
            url = _next_link(state.response)
            if not url or url == str(state.response.request.url):
                return None
            return replace(options, url=url, query={})
        # A page shorter than `limit` does not end the walk: servers may cap `limit` lower.
        if spec.scheme == "cursor":
            cursor = self._sdk_wire_value(spec.cursor_field) if spec.cursor_field else None
            param = spec.cursor_param or "cursor"
            # a cursor the server sends back unchanged would fetch this page forever
            if not cursor or cursor == query.get(param):
                return None
            query[param] = cursor
        elif not self.items:
            return None
        elif spec.scheme == "after_id":
            # every parameter defaults to NOT_GIVEN: only a real `ending_before` pages backwards
            if given(query.get("ending_before")):
                marker = _item_id(self.items[0], spec.id_field)
                param = "ending_before"
            else:
                marker = _item_id(self.items[-1], spec.id_field)
                param = spec.cursor_param or "starting_after"
            if marker is None or marker == query.get(param):
                return None
            query[param] = marker
        elif spec.scheme == "offset":
            param = spec.cursor_param or "offset"
            query[param] = _as_int(query.get(param), 0) + len(self.items)
        elif spec.scheme == "page_number":
            param = spec.cursor_param or "page"
            query[param] = _as_int(query.get(param), 1) + 1
        else:
            return None
        return replace(options, query=query)

    def has_next_page(self) -> bool:
        return self._sdk_next_options() is not None

    def next_page_info(self) -> PageInfo | None:
        """What the next request changes (None on the last page)."""
        options = self._sdk_next_options()
        if options is None:
            return None
        if self._sdk_page_state().spec.scheme == "link_header":
            return PageInfo(url=options.url)
        before = self._sdk_page_state().options.query or {}
        changed = {k: v for k, v in (options.query or {}).items() if before.get(k) != v}
        return PageInfo(params=changed)

    def _sdk_require_next(self) -> RequestOptions:
        options = self._sdk_next_options()
        if options is None:
            # not StopIteration: raised inside a generator or coroutine it turns into a
            # confusing RuntimeError, or silently ends the caller's own loop
            raise RuntimeError("No next page: check has_next_page() first")
        return options


class SyncPage(BasePage[T]):
    """One page of a list; iterating it walks every item of every following page."""

    def get_next_page(self) -> Self:
        state = self._sdk_page_state()
        return state.client.request_page(state.spec, state.item_type, self._sdk_require_next(), type(self))

    def iter_pages(self) -> Iterator[Self]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(BasePage[T]):
    """One page of a list; `async for` over it walks every item of every following page."""

    async def get_next_page(self) -> Self:
        state = self._sdk_page_state()
        return await state.client.request_page(state.spec, state.item_type, self._sdk_require_next(), type(self))

    async def iter_pages(self) -> AsyncIterator[Self]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class AsyncPaginator(Awaitable[P], Generic[T, P]):
    """What async `list()` returns: `await` it for the first page, or `async for` every item."""

    def __init__(self, fetch: Callable[[], Awaitable[P]]) -> None:
        self._fetch = fetch

    def __await__(self) -> Generator[Any, None, P]:
        return self._fetch().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._fetch()
        async for item in page:
            yield item


def build_page(
    page_cls: type[BasePage[Any]],
    content: bytes,
    *,
    spec: PageSpec,
    item_type: Any,
    options: RequestOptions,
    response: httpx.Response,
    client: Any,
    strict: bool,
) -> Any:
    """The page a response body makes: a model page parses the whole body as its model; a plain
    page parses the items (the body, or its `spec.items` property) as `list[item_type]`."""
    items: list[Any] | None = None
    if page_cls.model_fields:
        page: Any = parse_json(page_cls, content or b"null", strict=strict)
        if not isinstance(page, page_cls):  # not a JSON object at all
            page = page_cls._lenient({})
    else:
        body = json.loads(content) if content else None
        page = page_cls._lenient(body if isinstance(body, dict) and spec.items is not None else {})
        raw = body if spec.items is None else (body or {}).get(spec.items) if isinstance(body, dict) else None
        items = parse_python(list[item_type], raw, strict=strict) if isinstance(raw, list) else []
        if raw is not None and not isinstance(raw, list):
            # never iterated as characters: kept raw, reported like any other bad field
            bad = Bad(f"{page_cls.__name__}.{spec.items or '$'}", "array", raw, "not an array")
            if strict:
                raise InvalidDataError([bad])
            mark_bad(page, spec.items or "$", bad)
    private = object.__getattribute__(page, "__pydantic_private__")
    if private is None:
        private = {}
        object.__setattr__(page, "__pydantic_private__", private)
    private[_STATE] = _PageState(spec, item_type, options, response, client, items)
    return page
