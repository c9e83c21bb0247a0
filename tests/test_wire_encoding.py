"""Query strings and form bodies, byte for byte (templates/runtime/_qs.py)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from conftest import runtime_module

qs = runtime_module("_qs")


def wire(pairs: list[tuple[str, str]]) -> str:
    """The bytes on the wire, as httpx encodes pairs (brackets percent-encoded)."""
    return urlencode(pairs)


# ---------------------------------------------------------------- query styles


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        ("form", True, ["a", "b"], "k=a&k=b"),
        ("form", False, ["a", "b"], "k=a%2Cb"),
        ("form", True, {"x": 1, "y": True}, "x=1&y=true"),
        ("form", False, {"x": 1, "y": "z"}, "k=x%2C1%2Cy%2Cz"),
        ("spaceDelimited", False, ["a", "b"], "k=a+b"),
        ("pipeDelimited", False, ["a", "b"], "k=a%7Cb"),
        ("deepObject", True, {"x": 1, "y": {"z": "w"}}, "k%5Bx%5D=1&k%5By%5D%5Bz%5D=w"),
        ("deepObject", True, {"ids": [1, 2]}, "k%5Bids%5D%5B%5D=1&k%5Bids%5D%5B%5D=2"),
        ("form", True, "", "k="),
        ("form", True, False, "k=false"),
    ],
)
def test_each_query_style(style: str, explode: bool, value: object, expected: str) -> None:
    assert wire(qs.encode_query({"k": value}, {"k": (style, explode)})) == expected


def test_query_defaults_to_form_exploded_and_leaves_out_none() -> None:
    assert wire(qs.encode_query({"a": [1, 2], "b": None, "c": "x y"}, {})) == "a=1&a=2&c=x+y"


# ---------------------------------------------------------------- form bodies


def test_form_nests_objects_three_levels_deep_in_brackets() -> None:
    body = {"address": {"city": "Berlin", "geo": {"point": {"lat": 52.5}}}, "metadata": {"order_id": "6735"}}
    assert qs.encode_form(body, {}) == [
        ("address[city]", "Berlin"),
        ("address[geo][point][lat]", "52.5"),
        ("metadata[order_id]", "6735"),
    ]


def test_form_arrays_of_objects_are_indexed() -> None:
    body = {"items": [{"price": "price_1", "quantity": 2}, {"price": "price_2"}]}
    assert wire(qs.encode_form(body, {})) == (
        "items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2&items%5B1%5D%5Bprice%5D=price_2"
    )


def test_form_scalar_arrays_as_the_spec_declares() -> None:
    assert qs.encode_form({"expand": ["a", "b"]}, {"expand": ("deepObject", True)}) == [
        ("expand[]", "a"),
        ("expand[]", "b"),
    ]
    assert qs.encode_form({"tags": ["a", "b"]}, {}) == [("tags", "a"), ("tags", "b")]
    assert qs.encode_form({"tags": ["a", "b"]}, {"tags": ("form", False)}) == [("tags", "a,b")]


def test_form_unsets_with_an_empty_string_and_leaves_out_none() -> None:
    assert wire(qs.encode_form({"description": "", "email": None, "metadata": ""}, {})) == "description=&metadata="


def test_form_scalars_booleans_and_numbers() -> None:
    assert qs.encode_form({"a": True, "b": 0, "c": 1.5}, {}) == [("a", "true"), ("b", "0"), ("c", "1.5")]
