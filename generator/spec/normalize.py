"""Normalize one schema node of OpenAPI 3.0 into OpenAPI 3.1 (JSON Schema 2020-12) semantics.

The schema reader calls `normalize_schema` on every node it visits, so the
rest of the pipeline only ever sees the 3.1 dialect:
- `nullable: true` beside `type` becomes "null" in `type` (and in `enum`);
- boolean `exclusiveMinimum`/`exclusiveMaximum` become numeric bounds;
- `example` becomes `examples: [example]`.

`nullable: true` with no `type` (beside `allOf`, `oneOf`, `$ref` …) has no
one-node 3.1 spelling; `is_nullable_30` tells the reader, which wraps the
type it reads in `Nullable`.
"""

from __future__ import annotations

from typing import Any

_KEYS_30 = frozenset({"nullable", "exclusiveMinimum", "exclusiveMaximum", "example"})


def is_nullable_30(node: dict[str, Any], is_30: bool) -> bool:
    """A 3.0 `nullable: true` that `normalize_schema` cannot fold into `type`."""
    return is_30 and node.get("nullable") is True and "type" not in node


def normalize_schema(node: dict[str, Any], is_30: bool) -> dict[str, Any]:
    if not is_30 or _KEYS_30.isdisjoint(node):
        return node
    out = dict(node)
    if out.pop("nullable", False) is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(out.get(flag), bool):
            if out.pop(flag) and bound in out:
                out[flag] = out.pop(bound)
    if "example" in out:
        example = out.pop("example")
        out.setdefault("examples", [example])
    return out
