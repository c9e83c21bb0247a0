"""Values that satisfy an OpenAPI schema: arguments and mock responses for contract tests.

`Synthesizer(root).value(schema)` builds a JSON value valid against `schema`
(OpenAPI 3.0 or 3.1 flavour; `$ref`s point into `root`): formats, patterns,
enums and consts, numeric bounds and `multipleOf`, string and array lengths,
unique items, required nested fields, `allOf` / `oneOf` / `anyOf`. With
`full=True` every optional property is filled too (to a bounded depth: a
recursive schema stops at its required fields). `direction` leaves out
`readOnly` properties from requests and `writeOnly` ones from responses.

Choices are deterministic. Where the schema gives an `example`, `examples` or
`default`, that value is used when it is valid. An optional `check(schema,
value) -> bool` (a JSON Schema validator) arbitrates what a generator cannot
decide alone: which `oneOf` member a value fits exactly, whether an example is
valid.

Standard library only: sdksmith copies this file into every generated SDK's
`tests/` (as `_synth.py`), where the in-process mock answers with it.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

from ._patterns import sample_pattern

__all__ = ["Check", "Synthesizer", "openapi30_null_types", "pattern_found", "sample_pattern"]

Check = Callable[[Any, Any], bool]
Direction = Literal["request", "response"]

_ANY: Any = object()  # "no constraint": any JSON value will do
_MAX_REF_VISITS = 2  # a `$ref` seen this many times up the stack: only required fields from here
_HARD_DEPTH = 24  # beyond this, required fields are left out (a schema that cannot end)

_FORMATS: dict[str, Callable[[int], str]] = {
    "date-time": lambda i: f"2024-01-{1 + i % 28:02d}T12:34:56Z",
    "date": lambda i: f"2024-01-{1 + i % 28:02d}",
    "time": lambda i: f"12:34:{i % 60:02d}Z",
    "uuid": lambda i: f"3fa85f64-5717-4562-b3fc-2c963f66{i % 0x10000:04x}",
    "email": lambda i: f"user{i or ''}@example.com",
    "idn-email": lambda i: f"user{i or ''}@example.com",
    "uri": lambda i: f"https://example.com/{i or ''}",
    "url": lambda i: f"https://example.com/{i or ''}",
    "iri": lambda i: f"https://example.com/{i or ''}",
    "uri-reference": lambda i: f"https://example.com/{i or ''}",
    "iri-reference": lambda i: f"https://example.com/{i or ''}",
    "uri-template": lambda i: f"https://example.com/{{id{i or ''}}}",
    "hostname": lambda i: f"host{i or ''}.example.com",
    "idn-hostname": lambda i: f"host{i or ''}.example.com",
    "ipv4": lambda i: f"192.0.2.{1 + i % 254}",
    "ipv6": lambda i: f"2001:db8::{1 + i % 0xFFFF:x}",
    "byte": lambda i: ["ZXhhbXBsZQ==", "c2Vjb25k", "dGhpcmQ="][i % 3],
    "binary": lambda i: f"binary{i or ''}",
    "password": lambda i: f"password{i or ''}",
    "duration": lambda i: f"P{1 + i}D",
    "json-pointer": lambda i: f"/key{i or ''}",
    "relative-json-pointer": lambda i: f"{i}/key",
    "regex": lambda i: f"^a{i or ''}$",
    "int32": lambda i: str(1 + i),
    "int64": lambda i: str(1 + i),
    "decimal": lambda i: f"{1 + i}.5",
    "double": lambda i: f"{1 + i}.5",
    "float": lambda i: f"{1 + i}.5",
}


class Synthesizer:
    """Builds values for the schemas of one OpenAPI document (`root`)."""

    def __init__(
        self, root: Mapping[str, Any], *, check: Check | None = None, max_depth: int = 5
    ) -> None:
        self.root = root
        self.check = check
        self.max_depth = max_depth
        version = str(root.get("openapi", "3.1"))
        self.is_30 = version.startswith("3.0")
        # Values are a pure function of (schema, full, direction): big specs ask for the same
        # component schema from hundreds of operations. `_held` keeps keyed schemas alive, so an
        # `id()` in a key is never reused by another object.
        self._memo: dict[tuple[Any, bool, str], Any] = {}
        self._held: list[Any] = []

    # ------------------------------------------------------------ entry points

    def value(self, schema: Any, *, full: bool = False, direction: Direction = "request") -> Any:
        """A value valid against `schema`; `full` also fills every optional property."""
        key = (self._memo_key(schema), full, direction)
        if key not in self._memo:
            out = self._gen(schema, full, direction, 0, (), 0)
            # anything goes: an object, JSON's usual payload (null reads as absent)
            self._memo[key] = {} if out is _ANY else out
        return copy.deepcopy(self._memo[key])

    def _memo_key(self, schema: Any) -> Any:
        if isinstance(schema, Mapping) and len(schema) == 1 and isinstance(schema.get("$ref"), str):
            return schema["$ref"]
        self._held.append(schema)
        return id(schema)

    def valid(self, schema: Any, value: Any) -> bool:
        """Whether `value` fits `schema` (True when no checker was given)."""
        if self.check is None:
            return True
        try:
            return bool(self.check(schema, value))
        except Exception:  # noqa: BLE001 - a checker that cannot read the schema proves nothing
            return False

    def resolve(self, schema: Any) -> Any:
        """`schema` with its `$ref` chain followed (siblings of a 3.1 `$ref` kept)."""
        seen: set[str] = set()
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in seen:
                return {}
            seen.add(ref)
            target = self._pointer(ref)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if siblings and isinstance(target, Mapping) else target
        return schema

    # ------------------------------------------------------------ internals

    def _pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return {}  # a reference outside the document: nothing to go on
        node: Any = self.root
        for token in ref[1:].split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            token = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), token)
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return {}
        return node

    def _gen(
        self,
        schema: Any,
        full: bool,
        direction: Direction,
        depth: int,
        refs: tuple[str, ...],
        variant: int,
    ) -> Any:
        if schema is True or schema is None:
            return _ANY
        if schema is False or not isinstance(schema, Mapping):
            return _ANY
        ref = schema.get("$ref")
        if isinstance(ref, str):
            visits = refs.count(ref)
            if visits >= _MAX_REF_VISITS:
                full = False
            return self._gen(self.resolve(schema), full, direction, depth, (*refs, ref), variant)
        if depth > self.max_depth:
            full = False
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return self._pick_enum(schema, enum, variant)
        if variant == 0:
            for candidate in self._given_values(schema):
                if self.valid(schema, candidate):
                    return candidate
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            merged = self._merge_all_of(schema, refs)
            return self._gen(merged, full, direction, depth, refs, variant)
        for key in ("oneOf", "anyOf"):
            members = schema.get(key)
            if isinstance(members, list) and members:
                return self._choose(schema, key, members, full, direction, depth, refs, variant)
        kind = self._type_of(schema)
        if kind == "null":
            return None
        if kind == "object":
            return self._object(schema, full, direction, depth, refs, variant)
        if kind == "array":
            return self._array(schema, full, direction, depth, refs, variant)
        if kind == "string":
            return self._string(schema, variant)
        if kind in ("integer", "number"):
            return self._number(schema, kind == "integer", variant)
        if kind == "boolean":
            return variant % 2 == 0
        return _ANY if variant == 0 else f"value-{variant}"

    def _given_values(self, schema: Mapping[str, Any]) -> list[Any]:
        out: list[Any] = []
        if "example" in schema:
            out.append(schema["example"])
        examples = schema.get("examples")
        if isinstance(examples, list):
            out.extend(examples)
        if "default" in schema:
            out.append(schema["default"])
        if self.check is None:
            # Unchecked, an example is only trusted for scalars (objects too often drift from their schema).
            out = [v for v in out if not isinstance(v, (dict, list))]
        return out

    def _pick_enum(self, schema: Mapping[str, Any], enum: list[Any], variant: int) -> Any:
        values = [v for v in enum if v is not None] or enum
        return values[variant % len(values)]

    def _type_of(self, schema: Mapping[str, Any]) -> str | None:
        t = schema.get("type")
        if isinstance(t, list):
            non_null = [x for x in t if x != "null"]
            if non_null:
                return str(non_null[0])
            return "null" if t else None
        if isinstance(t, str):
            return t
        if any(
            k in schema for k in ("properties", "additionalProperties", "required", "minProperties")
        ):
            return "object"
        if any(
            k in schema for k in ("items", "prefixItems", "minItems", "maxItems", "uniqueItems")
        ):
            return "array"
        if any(k in schema for k in ("pattern", "format", "minLength", "maxLength")):
            return "string"
        if any(
            k in schema
            for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
        ):
            return "number"
        return None

    # -- composition

    def _merge_all_of(self, schema: Mapping[str, Any], refs: tuple[str, ...]) -> dict[str, Any]:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for member in schema["allOf"]:
            resolved = self.resolve(member)
            if not isinstance(resolved, Mapping):
                continue
            if isinstance(resolved.get("allOf"), list):
                resolved = self._merge_all_of(resolved, refs)
            merged = _merge(merged, resolved)
        return merged

    def _choose(
        self,
        schema: Mapping[str, Any],
        key: str,
        members: list[Any],
        full: bool,
        direction: Direction,
        depth: int,
        refs: tuple[str, ...],
        variant: int,
    ) -> Any:
        rest = {
            k: v
            for k, v in schema.items()
            if k not in (key, "discriminator", "example", "examples", "default")
        }
        ordered = sorted(
            members, key=lambda m: 1 if self._is_null(m) else 0
        )  # null only as a last resort
        discriminator = schema.get("discriminator")
        candidates: list[Any] = []
        for member in ordered:
            combined: Any = member
            if rest:
                resolved = self.resolve(member)
                combined = _merge(rest, resolved) if isinstance(resolved, Mapping) else member
            ref = member.get("$ref") if isinstance(member, Mapping) else None
            inner_refs = (*refs, ref) if isinstance(ref, str) else refs
            value = self._gen(combined, full, direction, depth, inner_refs, variant)
            if value is _ANY:
                value = "string"
            value = self._tag(discriminator, member, value)
            if self.check is None:
                return value
            if self.valid(schema, value):
                return value
            candidates.append(value)
        return candidates[0] if candidates else _ANY

    def _tag(self, discriminator: Any, member: Any, value: Any) -> Any:
        """Set the discriminator property to the name that selects `member`."""
        if not isinstance(discriminator, Mapping) or not isinstance(value, dict):
            return value
        prop = discriminator.get("propertyName")
        if not isinstance(prop, str):
            return value
        ref = member.get("$ref") if isinstance(member, Mapping) else None
        mapping = discriminator.get("mapping")
        if isinstance(mapping, Mapping) and isinstance(ref, str):
            for name, target in mapping.items():
                if target == ref:
                    return {**value, prop: name}
        if isinstance(ref, str) and prop not in value:
            return {**value, prop: ref.rsplit("/", 1)[-1]}
        return value

    def _is_null(self, member: Any) -> bool:
        resolved = self.resolve(member)
        if not isinstance(resolved, Mapping):
            return False
        t = resolved.get("type")
        return t == "null" or t == ["null"] or resolved.get("enum") == [None]

    # -- objects and arrays

    def _object(
        self,
        schema: Mapping[str, Any],
        full: bool,
        direction: Direction,
        depth: int,
        refs: tuple[str, ...],
        variant: int,
    ) -> Any:
        raw_props = schema.get("properties")
        props: Mapping[str, Any] = raw_props if isinstance(raw_props, Mapping) else {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        hidden = "readOnly" if direction == "request" else "writeOnly"
        extra = schema.get("additionalProperties")
        names = list(props) if full else [n for n in props if n in required]
        names += [r for r in required if r not in names]
        out: dict[str, Any] = {}
        for name in names:
            sub = props.get(name, extra if isinstance(extra, Mapping) else {})
            resolved = self.resolve(sub)
            if isinstance(resolved, Mapping) and resolved.get(hidden) is True:
                continue  # a read-only property is never sent (nor a write-only one received), required or not
            if depth >= _HARD_DEPTH:
                continue
            value = self._gen(sub, full, direction, depth + 1, refs, variant)
            out[name] = "string" if value is _ANY else value
        wanted = _count(schema, "minProperties")
        if full and not props and isinstance(extra, Mapping) and extra:
            wanted = max(wanted, 1)
        i = 0
        while len(out) < wanted and i < wanted + 8:
            key = f"key{i}" if i else "key"
            i += 1
            if key in out:
                continue
            sub = extra if isinstance(extra, Mapping) else {}
            value = self._gen(sub, full, direction, depth + 1, refs, variant + i - 1)
            out[key] = "value" if value is _ANY else value
        return out

    def _array(
        self,
        schema: Mapping[str, Any],
        full: bool,
        direction: Direction,
        depth: int,
        refs: tuple[str, ...],
        variant: int,
    ) -> Any:
        low = _count(schema, "minItems")
        high = schema.get("maxItems")
        raw_prefix = schema.get("prefixItems")
        prefix: list[Any] = raw_prefix if isinstance(raw_prefix, list) else []
        items = schema.get("items")
        if isinstance(items, list):  # draft-4 style tuple
            prefix, items = items, schema.get("additionalItems", {})
        count = max(low, 1 if full and depth < _HARD_DEPTH else 0, len(prefix) if full else 0)
        if isinstance(high, int):
            count = min(count, high)
        unique = bool(schema.get("uniqueItems"))
        out: list[Any] = []
        for i in range(count):
            sub = prefix[i] if i < len(prefix) else items
            if sub is False:
                break
            value = self._gen(
                sub, full, direction, depth + 1, refs, variant + i if unique else variant
            )
            out.append("string" if value is _ANY else value)
        return out

    # -- scalars

    def _string(self, schema: Mapping[str, Any], variant: int) -> str:
        low = _count(schema, "minLength")
        high = _count(schema, "maxLength", None)
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        if isinstance(pattern, str):
            found = sample_pattern(pattern, low, high, variant)
            if found is not None:
                return found
        if isinstance(fmt, str) and fmt in _FORMATS:
            text = _FORMATS[fmt](variant)
        else:
            text = "string" if variant == 0 else f"string{variant}"
        if len(text) < low:
            text += "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[-high:] if variant else text[:high]
        return text

    def _number(self, schema: Mapping[str, Any], integer: bool, variant: int) -> int | float:
        low, low_open = _bound(schema, "minimum", "exclusiveMinimum")
        high, high_open = _bound(schema, "maximum", "exclusiveMaximum")
        step = schema.get("multipleOf")
        step = (
            step
            if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0
            else None
        )

        def fits(v: float) -> bool:
            if low is not None and (v < low or (low_open and v == low)):
                return False
            if high is not None and (v > high or (high_open and v == high)):
                return False
            return step is None or _is_multiple(v, step)

        base: list[float] = (
            [1 + variant, variant, 2 + variant]
            if integer
            else [1.5 + variant, 0.5 + variant, 1 + variant]
        )
        if low is not None:
            base += [
                low + (0 if not low_open else 1 if integer else 0.5),
                math.floor(low) + 1,
                low + variant,
            ]
        if high is not None:
            base += [
                high - (0 if not high_open else 1 if integer else 0.5),
                math.ceil(high) - 1,
                high - variant,
            ]
        if low is not None and high is not None:
            base.append((low + high) / 2)
        if step is not None:
            start = low if low is not None else (high - 10 * step if high is not None else 0)
            first = math.ceil(start / step) * step
            base += [first + k * step for k in range(variant, variant + 4)]
        for v in base:
            if integer:
                if v != int(v):
                    continue
                v = int(v)
            elif float(v).is_integer():
                v = int(v) if abs(v) < 2**53 else v  # JSON 1 is a number too; keep ints readable
            if fits(v):
                return v
        if low is not None:
            return math.ceil(low) if integer else low
        return 0


def _bound(schema: Mapping[str, Any], inclusive: str, exclusive: str) -> tuple[float | None, bool]:
    value = schema.get(inclusive)
    flag = schema.get(exclusive)
    if isinstance(flag, bool):  # 3.0 style: a flag on `minimum` / `maximum`
        return (value if _is_num(value) else None), flag
    if isinstance(flag, (int, float)):  # 3.1 style: its own bound
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            tight_low = inclusive == "minimum"
            if (flag >= value) if tight_low else (flag <= value):
                return flag, True
            return value, False
        return flag, True
    return (value if _is_num(value) else None), False


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) < 1e-9


def _merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Two schemas that must both hold, as one (good enough to generate from)."""
    out = dict(a)
    for key, value in b.items():
        if key == "properties" and isinstance(out.get(key), Mapping) and isinstance(value, Mapping):
            props = dict(out[key])
            for name, sub in value.items():
                props[name] = {"allOf": [props[name], sub]} if name in props else sub
            out[key] = props
        elif key == "required" and isinstance(out.get(key), list) and isinstance(value, list):
            out[key] = list(dict.fromkeys([*out[key], *value]))
        elif (
            key in ("minimum", "minLength", "minItems", "minProperties")
            and _is_num(out.get(key))
            and _is_num(value)
        ):
            out[key] = max(out[key], value)
        elif (
            key in ("maximum", "maxLength", "maxItems", "maxProperties")
            and _is_num(out.get(key))
            and _is_num(value)
        ):
            out[key] = min(out[key], value)
        elif key == "type" and key in out and out[key] != value:
            mine = out[key] if isinstance(out[key], list) else [out[key]]
            theirs = value if isinstance(value, list) else [value]
            both = [t for t in mine if t in theirs]
            if not both and {"integer", "number"} <= {*mine, *theirs}:
                both = ["integer"]
            both = both or theirs
            out[key] = both[0] if len(both) == 1 else both
        elif key in ("oneOf", "anyOf") and key in out:
            continue  # two alternatives lists: generate from the first (the checker has the last word)
        elif key == "allOf":
            continue  # already flattened by the caller
        else:
            out[key] = value
    return out


def openapi30_null_types(node: Any) -> Any:
    """An OpenAPI 3.0 document (or schema) with `type: "null"` spelled as 3.0 spells it.

    3.0 has no "null" type, but schema generators emit it in 3.0 specs
    (Braintrust's among them) and sdksmith reads it as JSON null; OpenAPI 3.0
    validators reject it. `{"type": "null"}` becomes `{"nullable": true,
    "enum": [null]}`: the same values. Returns `node` itself when nothing changes.
    """
    if isinstance(node, list):
        items = [openapi30_null_types(v) for v in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    changed = False
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("example", "examples", "enum", "const", "default"):
            out[key] = value
            continue
        new = openapi30_null_types(value)
        changed = changed or new is not value
        out[key] = new
    if out.get("type") == "null" and isinstance(node.get("type"), str):
        del out["type"]
        out["nullable"] = True
        out["enum"] = [None]
        changed = True
    return out if changed else node


def _count(schema: Mapping[str, Any], key: str, default: Any = 0) -> Any:
    """A `minLength`-like bound, or `default` unless it is a count (a spec may hold any JSON there)."""
    value = schema.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return max(value, 0) if isinstance(value, int) and not isinstance(value, bool) else default


@functools.lru_cache(maxsize=4096)
def _linear_pattern(pattern: str) -> Any:
    """`pattern` compiled by RE2 (google-re2, when installed), or None where RE2 lacks a construct."""
    try:
        import re2  # type: ignore[import-not-found]  # optional: linear time, whatever the pattern
    except ImportError:
        return None
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except Exception:  # noqa: BLE001 - a lookaround or backreference RE2 does not read: Python's re
        return None


def pattern_found(pattern: str, text: str) -> bool:
    """JSON Schema's `pattern` test (unanchored search), in linear time where RE2 can read the
    pattern: a spec's `([\\w.-]*)*` makes Python's backtracking `re` run for hours on a near-miss."""
    compiled = _linear_pattern(pattern)
    if compiled is not None:
        return compiled.search(text) is not None
    return re.search(pattern, text) is not None
