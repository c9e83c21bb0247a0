"""Normalize one schema node of OpenAPI 3.0 into OpenAPI 3.1 (JSON Schema 2020-12) semantics.

The schema reader calls `normalize_schema` on every node it visits, so the
rest of the pipeline only ever sees the 3.1 dialect:
- `nullable: true` becomes "null" in `type` (or a `null` member of the composition);
- boolean `exclusiveMinimum`/`exclusiveMaximum` become numeric bounds;
- `example` becomes `examples: [example]`.
"""

from __future__ import annotations

from typing import Any


def normalize_schema(node: dict[str, Any], is_30: bool) -> dict[str, Any]:
    if not is_30:
        return node
    keys = node.keys()
    if not ({"nullable", "exclusiveMinimum", "exclusiveMaximum", "example"} & keys):
        return node
    out = dict(node)
    if out.pop("nullable", False) is True:
        t = out.get("type")
        if isinstance(t, str):
            out["type"] = [t, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif t is None:
            # `nullable` beside a composition or a bare $ref-like allOf: add a null member.
            out = {"anyOf": [_without(out, "description", "default", "examples", "example"), {"type": "null"}]}
            for k in ("description", "default", "readOnly", "writeOnly", "deprecated"):
                if k in node:
                    out[k] = node[k]
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(out.get(flag), bool):
            if out.pop(flag) and bound in out:
                out[flag] = out.pop(bound)
    if "example" in out:
        example = out.pop("example")
        out.setdefault("examples", [example])
    return out


def _without(node: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k not in keys and k != "nullable"}
