"""2xx bodies that are not what the method declares, and what each gives (issue 9's bad-body cases).

- invalid JSON, HTML or an empty body on a model-typed method: `APIResponseValidationError`
  carrying the response and the raw text, in lenient mode too;
- a list method with invalid JSON: the same error, never `json.JSONDecodeError`;
- a page whose items field is not an array: no items, the value kept raw and reported by the
  page's `validate()` (strict mode: `APIResponseValidationError`);
- a non-object body for a model-typed method: a model with no field set, the body kept raw and
  reported by `validate()` (strict mode: `APIResponseValidationError`).
"""

from __future__ import annotations

import json
from types import ModuleType

import httpx
import pytest

MODES = [(False, False), (False, True), (True, False), (True, True)]
MODE_IDS = ["sync-lenient", "sync-strict", "async-lenient", "async-strict"]


def _client(sdk: ModuleType, content: bytes, media: str, is_async: bool, strict: bool):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": media} if media else {}, content=content)

    transport = httpx.MockTransport(handler)
    http = httpx.AsyncClient(transport=transport) if is_async else httpx.Client(transport=transport)
    cls = sdk.AsyncBodies if is_async else sdk.Bodies
    return cls(base_url="http://bodies.test", http_client=http, strict_response_validation=strict)


async def _get_thing(sdk: ModuleType, content: bytes, media: str, is_async: bool, strict: bool):
    client = _client(sdk, content, media, is_async, strict)
    return await client.things.retrieve("t1") if is_async else client.things.retrieve("t1")


async def _list_things(sdk: ModuleType, content: bytes, is_async: bool, strict: bool):
    client = _client(sdk, content, "application/json", is_async, strict)
    return await client.things.list() if is_async else client.things.list()


UNDECODABLE = [
    (b'{"id": "t1", ', "application/json"),
    (b"<html><body>502 Bad Gateway</body></html>", "text/html; charset=utf-8"),
    (b"\xff\xfe not text", "application/json"),
]


@pytest.mark.parametrize(("content", "media"), UNDECODABLE, ids=["truncated", "html", "binary"])
@pytest.mark.parametrize(("is_async", "strict"), MODES, ids=MODE_IDS)
async def test_undecodable_body_on_a_model_method(
    bodies: ModuleType, content: bytes, media: str, is_async: bool, strict: bool
) -> None:
    with pytest.raises(bodies.APIResponseValidationError) as caught:
        await _get_thing(bodies, content, media, is_async, strict)
    error = caught.value
    assert error.response.status_code == 200 and error.status_code == 200
    assert error.body == content.decode("utf-8", errors="replace")
    assert media.split(";")[0] in error.message


@pytest.mark.parametrize(("is_async", "strict"), MODES, ids=MODE_IDS)
async def test_empty_body_on_a_model_method(bodies: ModuleType, is_async: bool, strict: bool) -> None:
    with pytest.raises(bodies.APIResponseValidationError, match="got an empty one") as caught:
        await _get_thing(bodies, b"", "application/json", is_async, strict)
    assert caught.value.body == ""


@pytest.mark.parametrize("content", [b"[{]", b"", b"<html>"], ids=["invalid", "empty", "html"])
@pytest.mark.parametrize(("is_async", "strict"), MODES, ids=MODE_IDS)
async def test_list_method_with_a_body_that_is_not_json(
    bodies: ModuleType, content: bytes, is_async: bool, strict: bool
) -> None:
    try:
        await _list_things(bodies, content, is_async, strict)
    except bodies.APIResponseValidationError as error:
        assert error.body == content.decode()
        assert not isinstance(error, json.JSONDecodeError)
    else:
        pytest.fail("no APIResponseValidationError")


@pytest.mark.parametrize("items", ["abc", {"id": "t1"}, 7], ids=["string", "object", "number"])
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_page_items_that_are_not_an_array_are_kept_raw(bodies: ModuleType, items: object, is_async: bool) -> None:
    page = await _list_things(bodies, json.dumps({"data": items}).encode(), is_async, strict=False)
    assert page.items == []
    walked = [x async for x in page] if is_async else list(page)
    assert walked == []  # never a string's characters
    assert page.to_dict() == {"data": items} and not page.is_valid()  # the page is the response, kept as sent
    with pytest.raises(bodies.InvalidDataError, match=r"Page\.data: expected list\[Upload\]") as caught:
        page.validate()
    assert caught.value.received == items


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_page_items_that_are_not_an_array_in_strict_mode(bodies: ModuleType, is_async: bool) -> None:
    with pytest.raises(bodies.APIResponseValidationError, match=r"Page\.data: expected list\[Upload\]") as caught:
        await _list_things(bodies, b'{"data": "abc"}', is_async, strict=True)
    assert caught.value.body == {"data": "abc"}


def test_a_valid_page_validates(bodies: ModuleType) -> None:
    client = _client(bodies, b'{"data": [{"id": "t1"}], "next_cursor": null}', "application/json", False, False)
    page = client.things.list()
    assert page.is_valid() and page.validate() is page and [t.id for t in page] == ["t1"]


@pytest.mark.parametrize("value", ["hello", [1, 2], 3, None], ids=["string", "array", "number", "null"])
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_non_object_body_on_a_model_method_is_kept_raw(bodies: ModuleType, value: object, is_async: bool) -> None:
    thing = await _get_thing(bodies, json.dumps(value).encode(), "application/json", is_async, strict=False)
    assert isinstance(thing, bodies.types.Upload) and not thing.is_valid()
    with pytest.raises(bodies.InvalidDataError, match="Upload: expected an object") as caught:
        thing.validate()
    assert caught.value.received == value
    with pytest.raises(bodies.InvalidDataError):
        _ = thing.id  # a required field the body did not carry


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_non_object_body_on_a_model_method_in_strict_mode(bodies: ModuleType, is_async: bool) -> None:
    with pytest.raises(bodies.APIResponseValidationError) as caught:
        await _get_thing(bodies, b'"hello"', "application/json", is_async, strict=True)
    assert caught.value.body == "hello"
