"""Parameter and header text, query strings and form bodies: JSON-ready values as `(key, text)`
pairs, per OpenAPI `style` / `explode`.

Query parameters follow OpenAPI's styles exactly:
- `form` (the default), exploded: `a=1&a=2` for arrays, `k=v` per property for objects; not
  exploded: `a=1,2` and `o=k,v,k2,v2`;
- `spaceDelimited` / `pipeDelimited`: `a=1%202`, `a=1|2`;
- `deepObject`: `o[k]=v`, at any depth (`o[k][k2]=v`), arrays as `o[k][]=v`.

Form bodies (`application/x-www-form-urlencoded`) nest the way the APIs that use
them expect (`a[b][c]=1`, `items[0][price]=p`) unless the spec's `encoding` says
otherwise: a scalar array is repeated keys (`a=x&a=y`, form and exploded, the
default) or `a[]=x&a[]=y` (`deepObject`). An empty string is sent as an empty
value (`a=`): how such APIs unset a field. `None` is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any
from urllib.parse import quote

__all__ = ["Style", "encode_query", "encode_form", "header_item", "param_text"]

Style = tuple[str, bool]  # (style, explode)
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def text(value: Any) -> str:
    """One JSON-ready scalar as text: booleans as `true` / `false`, null as empty."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _nested(prefix: str, value: Any, out: list[tuple[str, str]], scalar_arrays: str) -> None:
    """`prefix[k][k2]=v`; arrays of scalars as `prefix[]=v` (or repeated `prefix=v`), others indexed."""
    if isinstance(value, dict):
        for key, item in value.items():
            if item is not None:
                _nested(f"{prefix}[{key}]", item, out, "brackets")
    elif isinstance(value, list):
        if all(_is_scalar(item) for item in value):
            key = prefix if scalar_arrays == "repeat" else f"{prefix}[]"
            out.extend((key, text(item)) for item in value if item is not None)
        else:
            for index, item in enumerate(value):
                if item is not None:
                    _nested(f"{prefix}[{index}]", item, out, "brackets")
    else:
        out.append((prefix, text(value)))


def _styled(key: str, value: Any, style: str, explode: bool, out: list[tuple[str, str]]) -> None:
    if style == "deepObject":
        _nested(key, value, out, "brackets")
    elif isinstance(value, list):
        items = [text(v) for v in value if v is not None]
        if explode and style == "form":
            out.extend((key, v) for v in items)
        else:
            out.append((key, _DELIMITERS.get(style, ",").join(items)))
    elif isinstance(value, dict):
        present = {k: v for k, v in value.items() if v is not None}
        if explode:
            out.extend((str(k), text(v)) for k, v in present.items())
        else:
            out.append((key, ",".join(f"{k},{text(v)}" for k, v in present.items())))
    else:
        out.append((key, text(value)))


def encode_query(values: Mapping[str, Any], styles: Mapping[str, Style]) -> list[tuple[str, str]]:
    """Query parameters (already JSON-ready; `None` left out) as pairs, each per its style."""
    out: list[tuple[str, str]] = []
    for key, value in values.items():
        if value is None:
            continue
        style, explode = styles.get(key, ("form", True))
        _styled(key, value, style, explode, out)
    return out


def encode_form(values: Mapping[str, Any], encoding: Mapping[str, Style]) -> list[tuple[str, str]]:
    """A form body's properties (JSON-ready; `None` left out) as pairs: nested in brackets unless
    `encoding` (the spec's per-property style and explode) says otherwise."""
    out: list[tuple[str, str]] = []
    for key, value in values.items():
        if value is None:
            continue
        declared = encoding.get(key)
        if declared is not None and declared[0] != "deepObject" and _is_scalar_array_or_scalar(value):
            _styled(key, value, declared[0], declared[1], out)
        elif isinstance(value, list) and all(_is_scalar(v) for v in value):
            repeat = declared is None or declared[0] == "form"
            _nested(key, value, out, "repeat" if repeat else "brackets")
        else:
            _nested(key, value, out, "brackets")
    return out


def _is_scalar_array_or_scalar(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value))


def param_text(value: object) -> str:
    """A parameter value as text (OpenAPI's `simple` style: arrays comma-separated)."""
    if isinstance(value, (list, tuple)):
        return ",".join(param_text(v) for v in value)
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
