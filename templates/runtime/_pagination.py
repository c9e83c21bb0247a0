"""Auto-paging lists: `for item in client.x.list()` walks every page.

One page class serves every scheme; a `PageSpec` (generated per operation)
says where the items are and how the next request differs from this one:
- `cursor`: a cursor from the body (`next_cursor`, `cursor` …) goes into a query parameter;
- `after_id`: the id of the last item goes into `starting_after` (or the first
  item's into `ending_before` when paging backwards);
- `offset`: the offset parameter advances by the number of items received;
- `page_number`: the page parameter advances by one;
- `link_header`: the `Link: <…>; rel="next"` response header gives the next URL.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import replace
from typing import Any, Generic, Protocol, TypeVar

import httpx

from ._models import _collect_bad, parse_python
from ._types import MISSING, Bad, InvalidDataError, PageSpec, RequestOptions, given

__all__ = ["PageSpec", "SyncPage", "AsyncPage", "AsyncPaginator"]

T = TypeVar("T")

_LINK_NEXT = re.compile(r'<([^>]*)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)


class _SyncPager(Protocol):
    """The client a sync page fetches the next page with (`SyncAPIClient`)."""

    def request_page(self, page: PageSpec, item_type: Any, options: RequestOptions) -> Any: ...


class _AsyncPager(Protocol):
    """The client an async page fetches the next page with (`AsyncAPIClient`)."""

    async def request_page(self, page: PageSpec, item_type: Any, options: RequestOptions) -> Any: ...


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


class _PageBase(Generic[T]):
    def __init__(
        self,
        *,
        spec: PageSpec,
        item_type: Any,
        options: RequestOptions,
        response: httpx.Response,
        body: Any,
        strict: bool,
    ) -> None:
        self._spec = spec
        self._item_type = item_type
        self._options = options
        self._strict = strict
        self.response = response
        self.body = body
        raw_items = body.get(spec.items, MISSING) if spec.items is not None and isinstance(body, dict) else body
        # Items that are not an array (a string, an object) are kept raw and reported by
        # `validate()`, never iterated; strict mode raises instead. Absent items are no items.
        self.problems: list[Bad] = []
        if not isinstance(raw_items, list) and raw_items is not None and raw_items is not MISSING:
            where = "page" if spec.items is None else f"page.{spec.items}"
            self.problems.append(Bad(where, "an array of items", raw_items, "not an array"))
            if strict:
                raise InvalidDataError(self.problems)
        self.items: list[T] = parse_python(
            list[item_type], raw_items if isinstance(raw_items, list) else [], strict=strict
        )

    def _next_options(self) -> RequestOptions | None:
        spec, options = self._spec, self._options
        query = dict(options.query or {})
        if spec.scheme == "link_header":
            url = _next_link(self.response)
            if not url or url == str(self.response.request.url):
                return None
            return replace(options, url=url, query={})
        # A page shorter than `limit` does not end the walk: servers may cap `limit` lower.
        if spec.scheme == "cursor":
            cursor = self.body.get(spec.cursor_field) if isinstance(self.body, dict) and spec.cursor_field else None
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

    def validate(self) -> _PageBase[T]:
        """Raise one `InvalidDataError` listing what is wrong with this page and its items; return self."""
        problems = [*self.problems, *_collect_bad(self.items)]
        if problems:
            raise InvalidDataError(problems)
        return self

    def is_valid(self) -> bool:
        return not self.problems and not _collect_bad(self.items)

    def has_next_page(self) -> bool:
        return self._next_options() is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.items)} has_next_page={self.has_next_page()}>"


class SyncPage(_PageBase[T]):
    """One page of a list; iterating it walks every item of every following page."""

    _client: _SyncPager

    def get_next_page(self) -> SyncPage[T]:
        options = self._next_options()
        if options is None:
            # not StopIteration: raised inside a generator or coroutine it turns into a
            # confusing RuntimeError, or silently ends the caller's own loop
            raise RuntimeError("No next page: check has_next_page() first")
        return self._client.request_page(self._spec, self._item_type, options)

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        page: SyncPage[T] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_PageBase[T]):
    _client: _AsyncPager

    async def get_next_page(self) -> AsyncPage[T]:
        options = self._next_options()
        if options is None:
            # not StopIteration: raised inside a generator or coroutine it turns into a
            # confusing RuntimeError, or silently ends the caller's own loop
            raise RuntimeError("No next page: check has_next_page() first")
        return await self._client.request_page(self._spec, self._item_type, options)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page: AsyncPage[T] = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class AsyncPaginator(Awaitable[AsyncPage[T]]):
    """What async `list()` returns: `await` it for the first page, or `async for` every item."""

    def __init__(self, fetch: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._fetch = fetch

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._fetch().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._fetch()
        async for item in page:
            yield item
