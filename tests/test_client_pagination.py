# ruff: noqa: F811  (pytest fixtures imported from client_fixtures, then requested by name)
"""Auto-paging lists, one test group per scheme: cursor (spec/experiments.yaml), and after_id,
link_header, offset and page_number (tests/fixtures/paging.yaml). Sync and async."""

from __future__ import annotations

import httpx
import pytest
from client_fixtures import (  # noqa: F401  (fixtures)
    PIPELINE,
    Server,
    collect,
    exp_sdk,
    experiment,
    make_client,
    make_paging_client,
    mode,
    paging_sdk,
    resolve,
    sleeps,
)


def param(request: httpx.Request, name: str) -> str | None:
    return request.url.params.get(name)


# ---------------------------------------------------------------- cursor: experiments.list


def experiment_pages(request: httpx.Request) -> httpx.Response:
    pages = {
        None: ([experiment("e1"), experiment("e2")], "c2"),
        "c2": ([experiment("e3"), experiment("e4")], "c3"),
        "c3": ([experiment("e5")], None),
    }
    items, next_cursor = pages[param(request, "cursor")]
    return httpx.Response(200, json={"data": items, "next_cursor": next_cursor})


async def test_cursor_list_walks_every_page(make_client):
    server = Server([experiment_pages])
    client = make_client(server)
    items = await collect(client.experiments.list(limit=2, pipeline_id=PIPELINE))
    assert [e.id for e in items] == ["e1", "e2", "e3", "e4", "e5"]
    assert [param(r, "cursor") for r in server.requests] == [None, "c2", "c3"]
    # the other query parameters are kept on every page
    assert {param(r, "limit") for r in server.requests} == {"2"}
    assert {param(r, "pipelineId") for r in server.requests} == {PIPELINE}


async def test_cursor_first_page_only(make_client, exp_sdk, mode):
    server = Server([experiment_pages])
    client = make_client(server)
    page = await resolve(client.experiments.list(limit=2))
    page_class = exp_sdk.pkg.AsyncPage if mode == "async" else exp_sdk.pkg.SyncPage
    assert isinstance(page, page_class)
    assert [e.id for e in page.items] == ["e1", "e2"]
    assert isinstance(page.items[0], exp_sdk.types.Experiment)
    assert len(server.requests) == 1
    assert page.has_next_page()
    second = await resolve(page.get_next_page())
    assert [e.id for e in second.items] == ["e3", "e4"]
    third = await resolve(second.get_next_page())
    assert [e.id for e in third.items] == ["e5"]
    assert not third.has_next_page()
    assert len(server.requests) == 3


async def test_cursor_start_from_a_given_cursor(make_client):
    server = Server([experiment_pages])
    items = await collect(make_client(server).experiments.list(cursor="c2"))
    assert [e.id for e in items] == ["e3", "e4", "e5"]


async def test_iter_pages(make_client):
    server = Server([experiment_pages])
    page = await resolve(make_client(server).experiments.list())
    pages = await collect(page.iter_pages())
    assert [[e.id for e in p.items] for p in pages] == [["e1", "e2"], ["e3", "e4"], ["e5"]]
    assert [p.has_next_page() for p in pages] == [True, True, False]


async def test_iterating_a_page_walks_from_that_page(make_client):
    server = Server([experiment_pages])
    page = await resolve(make_client(server).experiments.list())
    second = await resolve(page.get_next_page())
    assert [e.id for e in await collect(second)] == ["e3", "e4", "e5"]


async def test_single_page_list(make_client):
    server = Server([httpx.Response(200, json={"data": [experiment("only")], "next_cursor": None})])
    page = await resolve(make_client(server).experiments.list())
    assert not page.has_next_page()
    assert [e.id for e in await collect(page)] == ["only"]
    assert len(server.requests) == 1


async def test_get_next_page_on_last_page_raises(make_client):
    server = Server([httpx.Response(200, json={"data": [experiment("only")], "next_cursor": None})])
    page = await resolve(make_client(server).experiments.list())
    with pytest.raises(RuntimeError, match="No next page"):
        await resolve(page.get_next_page())
    assert len(server.requests) == 1


async def test_cursor_repeated_by_the_server_stops(make_client):
    """A server that keeps sending back the cursor it was given must not loop forever."""
    server = Server([lambda r: httpx.Response(200, json={"data": [experiment("x")], "next_cursor": "same"})])
    items = await collect(make_client(server).experiments.list(cursor="same"))
    assert [e.id for e in items] == ["x"]
    assert len(server.requests) == 1


async def test_pages_retry_and_carry_headers(make_client):
    calls = iter(
        [
            httpx.Response(200, json={"data": [experiment("e1")], "next_cursor": "c2"}),
            httpx.Response(503),
            httpx.Response(200, json={"data": [experiment("e2")], "next_cursor": None}),
        ]
    )
    server = Server([lambda r: next(calls)])
    items = await collect(make_client(server).experiments.list(extra_headers={"X-Trace": "t1"}))
    assert [e.id for e in items] == ["e1", "e2"]
    assert [r.headers["x-sdk-retry-count"] for r in server.requests] == ["0", "0", "1"]
    assert {r.headers["X-Trace"] for r in server.requests} == {"t1"}
    assert all(r.headers["User-Agent"].startswith("experiments_sdk/") for r in server.requests)


# ---------------------------------------------------------------- cursor: experiments.events.fetch


def event(id_: str) -> dict:
    return {
        "id": id_,
        "_xact_id": "1",
        "created": "2025-05-12T09:35:10Z",
        "experiment_id": "3f9c2a7e-5b14-4d8a-9e61-7c0b2d4f8a13",
        "project_id": "7e2b9c40-6a1d-4f3e-b5c8-2d9f0a1e4b67",
        "root_span_id": "s",
        "span_id": "s",
    }


def event_pages(request: httpx.Request) -> httpx.Response:
    assert request.url.raw_path.startswith(b"/v1/experiments/exp%201/events")
    pages = {None: ([event("a"), event("b")], "k2"), "k2": ([event("c")], "k3"), "k3": ([], None)}
    items, cursor = pages[param(request, "cursor")]
    return httpx.Response(200, json={"events": items, "cursor": cursor})


async def test_events_fetch_walks_cursor(make_client, exp_sdk):
    server = Server([event_pages])
    items = await collect(make_client(server).experiments.events.fetch("exp 1", limit=2))
    assert [e.id for e in items] == ["a", "b", "c"]
    assert isinstance(items[0], exp_sdk.types.ExperimentEvent)
    # the page holding "c" had a cursor: it was followed, and the empty page ended the walk
    assert [param(r, "cursor") for r in server.requests] == [None, "k2", "k3"]


async def test_events_fetch_first_page(make_client):
    server = Server([event_pages])
    page = await resolve(make_client(server).experiments.events.fetch("exp 1"))
    assert [e.id for e in page.items] == ["a", "b"]
    assert page.has_next_page()
    assert len(server.requests) == 1


# ---------------------------------------------------------------- after_id (Braintrust-like)


PROJECTS = [{"id": f"p{i}", "name": f"project {i}"} for i in range(1, 8)]


def projects_server(request: httpx.Request) -> httpx.Response:
    """Projects p1..p7, `limit` per page (default 3), before/after an id."""
    limit = int(param(request, "limit") or 3)
    ids = [p["id"] for p in PROJECTS]
    after, before = param(request, "starting_after"), param(request, "ending_before")
    if before is not None:
        end = ids.index(before)
        chunk = PROJECTS[max(0, end - limit) : end]
    else:
        start = ids.index(after) + 1 if after is not None else 0
        chunk = PROJECTS[start : start + limit]
    return httpx.Response(200, json={"objects": chunk})


async def test_after_id_walks_forward_until_empty_page(make_paging_client):
    server = Server([projects_server])
    items = await collect(make_paging_client(server).projects.list())
    assert [p.id for p in items] == [p["id"] for p in PROJECTS]
    # no limit sent: pages of 3, 3, 1, then an empty page ends the walk
    assert [param(r, "starting_after") for r in server.requests] == [None, "p3", "p6", "p7"]
    assert all(param(r, "ending_before") is None for r in server.requests)


async def test_after_id_continues_past_a_short_page(make_paging_client):
    # a server may cap `limit` below what was asked: only an empty page ends the walk
    server = Server([projects_server])
    items = await collect(make_paging_client(server).projects.list(limit=3))
    assert [p.id for p in items] == [p["id"] for p in PROJECTS]
    assert [param(r, "starting_after") for r in server.requests] == [None, "p3", "p6", "p7"]


async def test_after_id_from_a_starting_point(make_paging_client):
    server = Server([projects_server])
    items = await collect(make_paging_client(server).projects.list(starting_after="p4", limit=2))
    assert [p.id for p in items] == ["p5", "p6", "p7"]


async def test_ending_before_walks_backwards(make_paging_client):
    server = Server([projects_server])
    items = await collect(make_paging_client(server).projects.list(ending_before="p7", limit=2))
    assert [p.id for p in items] == ["p5", "p6", "p3", "p4", "p1", "p2"]
    assert [param(r, "ending_before") for r in server.requests] == ["p7", "p5", "p3", "p1"]
    assert all(param(r, "starting_after") is None for r in server.requests)


async def test_after_id_pages_api(make_paging_client, paging_sdk):
    server = Server([projects_server])
    page = await resolve(make_paging_client(server).projects.list(limit=3))
    assert [p.id for p in page.items] == ["p1", "p2", "p3"]
    assert page.has_next_page()
    nxt = await resolve(page.get_next_page())
    assert [p.id for p in nxt.items] == ["p4", "p5", "p6"]
    pages = await collect(page.iter_pages())
    assert [len(p.items) for p in pages] == [3, 3, 1, 0]
    assert not pages[-1].has_next_page()


# ---------------------------------------------------------------- link_header (GitHub-like)


ISSUES = [{"number": n, "title": f"issue {n}"} for n in range(1, 6)]


def issues_server(request: httpx.Request) -> httpx.Response:
    page = int(param(request, "page") or 1)
    per_page = int(param(request, "per_page") or 2)
    chunk = ISSUES[(page - 1) * per_page : page * per_page]
    last = (len(ISSUES) + per_page - 1) // per_page
    links = [f'<https://paging.test/api/issues?per_page={per_page}&page={last}>; rel="last"']
    if page < last:
        # rel="next" deliberately not first, and the URL carries its own query
        links.append(f'<https://paging.test/api/issues?per_page={per_page}&page={page + 1}>; rel="next"')
    return httpx.Response(200, json=chunk, headers={"Link": ", ".join(links)})


async def test_link_header_follows_next(make_paging_client):
    server = Server([issues_server])
    items = await collect(make_paging_client(server).issues.list(per_page=2))
    assert [i.number for i in items] == [1, 2, 3, 4, 5]
    assert [param(r, "page") for r in server.requests] == [None, "2", "3"]
    assert {param(r, "per_page") for r in server.requests} == {"2"}
    # one value per parameter: the next URL's query is not doubled up
    assert all(len(r.url.params.get_list("page")) <= 1 for r in server.requests)


async def test_link_header_pages_api(make_paging_client):
    server = Server([issues_server])
    page = await resolve(make_paging_client(server).issues.list(per_page=3))
    assert [i.number for i in page.items] == [1, 2, 3]
    assert page.has_next_page()
    second = await resolve(page.get_next_page())
    assert [i.number for i in second.items] == [4, 5]
    assert not second.has_next_page()


async def test_link_header_absent_means_one_page(make_paging_client):
    server = Server([httpx.Response(200, json=ISSUES[:2])])
    page = await resolve(make_paging_client(server).issues.list())
    assert not page.has_next_page()
    assert len(await collect(page)) == 2
    assert len(server.requests) == 1


async def test_link_header_relative_url(make_paging_client):
    def server_fn(request: httpx.Request) -> httpx.Response:
        if param(request, "page") is None:
            return httpx.Response(200, json=ISSUES[:1], headers={"link": '</api/issues?page=2>; rel="next"'})
        return httpx.Response(200, json=ISSUES[1:2])

    server = Server([server_fn])
    items = await collect(make_paging_client(server).issues.list())
    assert [i.number for i in items] == [1, 2]
    assert str(server.requests[1].url) == "https://paging.test/api/issues?page=2"


async def test_link_header_pointing_at_itself_stops(make_paging_client):
    server = Server([lambda r: httpx.Response(200, json=ISSUES[:1], headers={"link": f'<{r.url}>; rel="next"'})])
    items = await collect(make_paging_client(server).issues.list(page=4))
    assert len(items) == 1
    assert len(server.requests) == 1


# ---------------------------------------------------------------- offset


LINES = [{"seq": n, "text": f"line {n}"} for n in range(10)]


def logs_server(request: httpx.Request) -> httpx.Response:
    offset = int(param(request, "offset") or 0)
    limit = int(param(request, "limit") or 4)
    return httpx.Response(200, json=LINES[offset : offset + limit])


async def test_offset_walks_by_items_received(make_paging_client):
    server = Server([logs_server])
    items = await collect(make_paging_client(server).logs.list(limit=4))
    assert [line.seq for line in items] == list(range(10))
    # a short page (2 < 4) does not end the walk (servers may cap limit); the empty one does
    assert [param(r, "offset") for r in server.requests] == [None, "4", "8", "10"]


async def test_offset_without_limit_stops_on_empty_page(make_paging_client):
    server = Server([logs_server])
    items = await collect(make_paging_client(server).logs.list(offset=3))
    assert [line.seq for line in items] == list(range(3, 10))
    assert [param(r, "offset") for r in server.requests] == ["3", "7", "10"]


async def test_offset_pages_api(make_paging_client):
    server = Server([logs_server])
    page = await resolve(make_paging_client(server).logs.list(limit=5))
    pages = await collect(page.iter_pages())
    assert [[line.seq for line in p.items] for p in pages] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], []]


# ---------------------------------------------------------------- page_number


WIDGETS = [{"id": n} for n in range(1, 8)]


def widgets_server(request: httpx.Request) -> httpx.Response:
    page = int(param(request, "page") or 1)
    size = int(param(request, "page_size") or 3)
    return httpx.Response(200, json={"items": WIDGETS[(page - 1) * size : page * size], "total": len(WIDGETS)})


async def test_page_number_walks_pages(make_paging_client):
    server = Server([widgets_server])
    items = await collect(make_paging_client(server).widgets.list(page_size=3))
    assert [w.id for w in items] == list(range(1, 8))
    assert [param(r, "page") for r in server.requests] == [None, "2", "3", "4"]


async def test_page_number_from_a_given_page_until_empty(make_paging_client):
    server = Server([widgets_server])
    items = await collect(make_paging_client(server).widgets.list(page=2))
    assert [w.id for w in items] == [4, 5, 6, 7]
    assert [param(r, "page") for r in server.requests] == ["2", "3", "4"]


async def test_page_number_pages_api(make_paging_client):
    server = Server([widgets_server])
    page = await resolve(make_paging_client(server).widgets.list(page_size=4))
    assert page.has_next_page()
    second = await resolve(page.get_next_page())
    assert [w.id for w in second.items] == [5, 6, 7]
    assert second.has_next_page()  # only an empty page is known to be the last
    third = await resolve(second.get_next_page())
    assert third.items == []
    assert not third.has_next_page()
    assert page.total == 7  # the response model's own field


# ---------------------------------------------------------------- async specifics


async def test_async_list_is_awaitable_and_async_iterable(exp_sdk):
    server = Server([experiment_pages])
    async with exp_sdk.AsyncExperiments(
        api_key="k",
        base_url="https://h.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
    ) as client:
        paginator = client.experiments.list(limit=2)
        assert isinstance(paginator, exp_sdk.pkg.AsyncPaginator)
        assert server.requests == []  # nothing sent until awaited / iterated
        first = await paginator
        assert [e.id for e in first.items] == ["e1", "e2"]
        assert [e.id async for e in client.experiments.list(limit=2)] == [
            "e1",
            "e2",
            "e3",
            "e4",
            "e5",
        ]
        assert [e.id async for e in first] == ["e1", "e2", "e3", "e4", "e5"]
        pages = [p async for p in first.iter_pages()]
        assert len(pages) == 3


async def test_raw_list_parses_to_a_page(make_client, exp_sdk, mode):
    server = Server([experiment_pages])
    raw = await resolve(make_client(server).experiments.with_raw_response.list(limit=2))
    assert raw.status_code == 200
    page = await resolve(raw.parse())
    assert [e.id for e in page.items] == ["e1", "e2"]
    assert [e.id for e in await collect(page)] == ["e1", "e2", "e3", "e4", "e5"]


# ---------------------------------------------------------------- the page is the response model


async def test_page_is_the_response_model(make_client, exp_sdk, mode):
    server = Server([experiment_pages])
    page = await resolve(make_client(server).experiments.list(limit=2))
    assert isinstance(page, exp_sdk.types.ExperimentList)  # every field of the response, typed
    assert [e.id for e in page.data] == ["e1", "e2"]
    assert page.items == page.data  # the documented alias
    assert page.next_cursor == "c2"
    assert page.to_dict()["next_cursor"] == "c2"
    assert page.next_page_info() == exp_sdk.pkg.PageInfo(params={"cursor": "c2"})
    last = await resolve(page.get_next_page())
    last = await resolve(last.get_next_page())
    assert last.next_cursor is None and last.next_page_info() is None and not last.has_next_page()


async def test_page_keeps_the_spec_name_of_its_items_field(make_paging_client, paging_sdk, mode):
    body = {"objects": [{"id": "p1", "name": "a"}], "state": "open", "extra": 1}
    page = await resolve(make_paging_client(Server([httpx.Response(200, json=body)])).projects.list(limit=1))
    assert [p.id for p in page.objects] == ["p1"] and page.items == page.objects
    assert page.state == "open" and page._state().raw == "open"  # the model's raw accessor, not the page's
    assert page.additional_properties == {"extra": 1}
    assert page.next_page_info() == paging_sdk.pkg.PageInfo(params={"starting_after": "p1"})


async def test_page_items_field_not_an_array_is_lenient(make_client, exp_sdk, mode):
    server = Server([httpx.Response(200, json={"data": "abc", "next_cursor": None})])
    page = await resolve(make_client(server).experiments.list())
    assert page.items == []
    assert await collect(page) == []  # never the characters of "abc"
    assert [p.rsplit(".", 1)[-1] for p in page.invalid_fields()] == ["data"]
    with pytest.raises(exp_sdk.pkg.InvalidDataError, match="data"):
        page.validate()
    assert page.to_dict()["data"] == "abc"  # kept as received


async def test_plain_page_of_a_bare_list(make_paging_client, paging_sdk, mode):
    def issues(request: httpx.Request) -> httpx.Response:
        if param(request, "page") == "2":
            return httpx.Response(200, json=[{"id": 3, "title": "c"}])
        return httpx.Response(
            200,
            json=[{"id": 1, "title": "a"}, {"id": 2, "title": "b"}],
            headers={"Link": '<https://paging.test/api/issues?page=2>; rel="next"'},
        )

    page = await resolve(make_paging_client(Server([issues])).issues.list())
    page_class = paging_sdk.pkg.AsyncPage if mode == "async" else paging_sdk.pkg.SyncPage
    assert isinstance(page, page_class)
    assert [i.id for i in page.items] == [1, 2]
    assert page.next_page_info() == paging_sdk.pkg.PageInfo(url="https://paging.test/api/issues?page=2")
    assert [i.id for i in await collect(page)] == [1, 2, 3]


async def test_plain_page_whose_body_is_not_a_list(make_paging_client, paging_sdk, mode):
    page = await resolve(make_paging_client(Server([httpx.Response(200, json="abc")])).issues.list())
    assert page.items == [] and await collect(page) == []
    with pytest.raises(paging_sdk.pkg.InvalidDataError, match="not an array"):
        page.validate()


async def test_strict_page_with_bad_items_and_a_page_that_is_not_json(make_client, exp_sdk, mode):
    bad = Server([httpx.Response(200, json={"data": "abc", "next_cursor": None})])
    with pytest.raises(exp_sdk.errors.APIResponseValidationError, match="data"):
        await resolve(make_client(bad, strict_response_validation=True).experiments.list())
    for strict in (False, True):
        garbage = Server([httpx.Response(200, content=b"<html>oops</html>")])
        with pytest.raises(exp_sdk.errors.APIResponseValidationError):
            await resolve(make_client(garbage, strict_response_validation=strict).experiments.list())
