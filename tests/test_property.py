"""Property tests: instances generated from each component schema's JSON Schema.

For every component schema of spec/experiments.yaml and of the Braintrust spec
(shared/specs/braintrust.json, OpenAPI 3.0):

- instances valid under the schema parse as valid and come back (`to_dict()`) as
  the same JSON; date-time/date strings (and only those) are compared as the
  instants/dates they denote, since the SDK re-emits them in RFC 3339 form;
- mutated instances (a property of the wrong type, a required property removed,
  an enum value the spec does not list, an extra property) parse without raising,
  and `invalid_fields()` names exactly the mutated property (an unknown enum value
  or an extra property is not invalid at all);
- oracle: whatever the datamodel-code-generator model of the same spec accepts
  (pydantic strict JSON mode), ours accepts as valid.

Also: wherever a property's schema allows null the SDK accepts null, and a required
property that forbids null rejects it.

The schemas become one draft 2020-12 document (components under `$defs`, OpenAPI
3.0 `nullable` and boolean exclusive bounds rewritten, annotations dropped) that
hypothesis-jsonschema generates from, one component at a time with only the `$defs`
it reaches. Schemas it cannot generate for are listed in CANNOT_GENERATE with the
reason (none today); each listed one is checked to still fail, so the list stays exact.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pydantic
import pytest
from conftest import BRAINTRUST, SPEC, Generated, Sdk, import_tree, load_json_or_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from generator.ir.naming import class_name  # how the SDK names a component schema


def _shim_hypothesis_jsonschema() -> None:
    """hypothesis-jsonschema 0.23 (the latest) drives `many.more()`, which newer Hypothesis
    releases (6.170 here; 6.155 still had it) replaced by `with many(...) as e: for _ in e`.
    Give it the old protocol on top of the new one, so object schemas generate again."""
    import hypothesis_jsonschema._from_schema as hjs
    from hypothesis.internal.conjecture import utils as cu

    if hasattr(cu.many, "more"):
        return
    done = object()

    class LegacyMany:
        def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
            self._many = cu.many(data, min_size=min_size, max_size=max_size, average_size=average_size)
            self._many.__enter__()
            self._elements = iter(self._many)

        def more(self) -> bool:
            if next(self._elements, done) is done:
                self._many.__exit__(None)
                return False
            return True

        def reject(self, why: str | None = None) -> None:
            self._many.reject(why)

    class Utils:
        many = LegacyMany

    hjs.cu = Utils  # type: ignore[assignment]


_shim_hypothesis_jsonschema()

SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": list(HealthCheck),
    "database": None,
}
# Examples per component, sized so the file runs in well under a minute; each run draws
# anew, so coverage accumulates. SDKSMITH_PROPERTY_SCALE=10 for a deeper run.
_SCALE = float(os.environ.get("SDKSMITH_PROPERTY_SCALE", "1"))
EXAMPLES = {"experiments": max(1, round(10 * _SCALE)), "braintrust": max(1, round(1 * _SCALE))}

# Component schemas hypothesis-jsonschema cannot generate instances for: name -> reason.
# test_valid_instances_parse_as_valid_and_round_trip checks each still cannot.
CANNOT_GENERATE: dict[str, dict[str, str]] = {"experiments": {}, "braintrust": {}}
assert sum(len(v) for v in CANNOT_GENERATE.values()) <= 10, "keep the list of exceptions small"


# ---------------------------------------------------------------- OpenAPI schemas -> JSON Schema

# OpenAPI-only keywords, and annotations: they constrain nothing, and long descriptions
# make hypothesis-jsonschema's schema canonicalisation several times slower.
_DROP = {"discriminator", "xml", "externalDocs", "example", "nullable", "description", "title",
         "examples", "default", "deprecated", "readOnly", "writeOnly", "$comment"}  # fmt: skip
_VERBATIM = {"enum", "const", "required", "type"}
_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}


def convert(node: Any, is_30: bool) -> Any:
    """One OpenAPI schema as draft 2020-12 JSON Schema (refs into `$defs`)."""
    if isinstance(node, list):
        return [convert(n, is_30) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP or key.startswith("x-"):
            continue
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key in _MAPS and isinstance(value, dict):
            out[key] = {k: convert(v, is_30) for k, v in value.items()}
        elif key in _VERBATIM:
            out[key] = value
        else:
            out[key] = convert(value, is_30)
    if is_30:
        for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if isinstance(out.get(flag), bool) and out.pop(flag) and bound in out:
                out[flag] = out.pop(bound)
        if node.get("nullable") is True:
            kind = out.get("type")
            if isinstance(kind, str):
                out["type"] = [kind, "null"]
                if "enum" in out and None not in out["enum"]:
                    out["enum"] = [*out["enum"], None]
            elif kind is None and _constrains(out):
                out = {"anyOf": [out, {"type": "null"}]}
    # `allOf: [{$ref: X}, {description: ...}]` (a common way to annotate a $ref): members
    # that only annotate constrain nothing; dropping them spares hypothesis-jsonschema
    # merging schemas (slow) without changing what is valid.
    if isinstance(out.get("allOf"), list):
        members = [m for m in out["allOf"] if _constrains(m)]
        if len(members) == 1 and not _constrains({k: v for k, v in out.items() if k != "allOf"}):
            return members[0]
        out["allOf"] = members or [{}]
    return out


_ANNOTATIONS = {
    "description",
    "title",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
}


def _constrains(schema: Any) -> bool:
    """Whether a (converted) schema rejects anything at all."""
    return not isinstance(schema, dict) or any(k not in _ANNOTATIONS for k in schema)


def _subschemas(node: dict[str, Any]) -> list[Any]:
    """The schemas directly inside schema `node` (values of `properties` and the like too)."""
    out: list[Any] = []
    for key, value in node.items():
        if key in _VERBATIM:
            continue
        if key in _MAPS and isinstance(value, dict):
            out.extend(value.values())
        else:
            out.append(value)
    return out


def _formats(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str) and node.get("type") in (
            "string",
            None,
            ["string", "null"],
        ):
            found.add(node["format"])
        for value in _subschemas(node):
            _formats(value, found)
    elif isinstance(node, list):
        for value in node:
            _formats(value, found)
    return found


_KNOWN_FORMATS = {
    "date-time",
    "date",
    "time",
    "email",
    "uri",
    "uri-reference",
    "hostname",
    "ipv4",
    "ipv6",
    "regex",
}
_CUSTOM_FORMATS = {"uuid": st.uuids().map(str)}


@dataclass
class Target:
    """One spec under test: its JSON Schema, our SDK for it, and the oracle's models."""

    name: str
    spec: Path
    schema: dict[str, Any]  # {"$defs": {...}}
    components: list[str]
    sdk: Sdk
    oracle: ModuleType
    reported: set[str]  # pointers the generator reported as constructs it types loosely

    @functools.cached_property
    def validator(self) -> jsonschema.protocols.Validator:
        return jsonschema.Draft202012Validator(self.schema)

    def valid(self, instance: Any, schema: Any) -> bool:
        return self.validator.evolve(schema=schema).is_valid(instance)

    def resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema and len(schema) == 1:
            schema = self.schema["$defs"][_unescape(schema["$ref"].rsplit("/", 1)[1])]
        return schema

    def component(self, name: str) -> dict[str, Any]:
        return self.schema["$defs"][name]

    @functools.cached_property
    def _strategies(self) -> dict[str, st.SearchStrategy[Any]]:
        return {}

    def strategy(self, name: str) -> st.SearchStrategy[Any]:
        """Instances of component `name` (its schema with only the `$defs` it reaches)."""
        if name not in self._strategies:
            defs = self.schema["$defs"]
            reached, todo = set(), [name]
            while todo:
                current = todo.pop()
                if current not in reached:
                    reached.add(current)
                    todo.extend(_refs(defs[current], set()) - reached)
            schema = {"$defs": {k: defs[k] for k in sorted(reached)}, "$ref": f"#/$defs/{name}"}
            formats = _formats(schema, set())
            custom = {f: _CUSTOM_FORMATS.get(f, st.text(max_size=20)) for f in formats - _KNOWN_FORMATS}
            self._strategies[name] = from_schema(schema, custom_formats=custom)
        return self._strategies[name]

    def sdk_type(self, name: str) -> Any:
        return getattr(self.sdk.types, class_name(name))


def _refs(node: Any, found: set[str]) -> set[str]:
    """Names of the `$defs` that `node` refers to directly."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            found.add(_unescape(ref.split("/")[2]))
        for value in _subschemas(node):
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _load_target(name: str, spec: Path, sdk: Sdk, oracle_dir: Path, reported: set[str]) -> Target:
    doc = load_json_or_yaml(spec)
    is_30 = str(doc["openapi"]).startswith("3.0")
    components = doc["components"]["schemas"]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {k: convert(v, is_30) for k, v in components.items()},
    }
    out = oracle_dir / f"{name}_oracle.py"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "datamodel-codegen"),
            "--input", str(spec), "--input-file-type", "openapi",
            "--output-model-type", "pydantic_v2.BaseModel", "--output", str(out),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    module_name = f"{name}_oracle_models"
    mspec = importlib.util.spec_from_file_location(module_name, out)
    assert mspec and mspec.loader
    oracle = importlib.util.module_from_spec(mspec)
    sys.modules[module_name] = oracle
    mspec.loader.exec_module(oracle)
    return Target(name, spec, schema, sorted(components), sdk, oracle, reported)


def _component_names(spec: Path) -> list[str]:
    return sorted(load_json_or_yaml(spec)["components"]["schemas"])


EXPERIMENTS_COMPONENTS = _component_names(SPEC)
BRAINTRUST_COMPONENTS = _component_names(BRAINTRUST)
CASES = [("experiments", n) for n in EXPERIMENTS_COMPONENTS] + [("braintrust", n) for n in BRAINTRUST_COMPONENTS]


@pytest.fixture(scope="session")
def experiments_target(
    fresh_sdk: Sdk, fresh_experiments_generated: Generated, tmp_path_factory: pytest.TempPathFactory
) -> Target:
    reported = fresh_experiments_generated.reported
    return _load_target("experiments", SPEC, fresh_sdk, tmp_path_factory.mktemp("oracle"), reported)


@pytest.fixture(scope="session")
def braintrust_target(braintrust_generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> Target:
    root = braintrust_generated.require()
    sdk = Sdk("braintrust", root, import_tree(root, "braintrust", "braintrust__property"))
    reported = braintrust_generated.reported
    return _load_target("braintrust", BRAINTRUST, sdk, tmp_path_factory.mktemp("oracle"), reported)


# ---------------------------------------------------------------- parsing with our SDK


@dataclass
class Parsed:
    valid: bool
    invalid_fields: list[str]
    json: Any


def _jsonable(value: Any) -> Any:
    """Our parsed value as JSON data, through the SDK's public API."""
    sdk_model = getattr(value, "to_dict", None)
    if callable(sdk_model) and isinstance(value, pydantic.BaseModel):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def parse(target: Target, name: str, instance: Any) -> Parsed:
    tp = target.sdk_type(name)
    text = json.dumps(instance)
    models = target.sdk.models
    if isinstance(tp, type) and issubclass(tp, models.SdkModel) and instance is not None:
        obj = tp.from_json(text)
        assert isinstance(obj, tp)
        return Parsed(obj.is_valid(), obj.invalid_fields(), obj.to_dict())
    obj = target.sdk.package.parse_json(tp, text)  # a type alias or an enum: never raises either
    try:
        target.sdk.package.parse_json(tp, text, strict=True)
        valid = True
    except target.sdk.package.InvalidDataError:
        valid = False
    bad = [
        p
        for item in (obj if isinstance(obj, list) else [obj])
        if isinstance(item, models.SdkModel)
        for p in item.invalid_fields()
    ]
    return Parsed(valid, bad, _jsonable(obj))


@functools.cache
def _oracle_adapter(cls: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(cls)


def oracle_accepts(target: Target, name: str, instance: Any) -> bool | None:
    """Whether the datamodel-code-generator model of the component accepts the JSON (strictly)."""
    cls = getattr(target.oracle, class_name(name), None)
    if cls is None:
        return None
    try:
        _oracle_adapter(cls).validate_json(json.dumps(instance), strict=True)
    except pydantic.ValidationError:
        return False
    return True


# ---------------------------------------------------------------- comparing JSON (date-times as instants)


@dataclass(frozen=True)
class Instant:
    micros: int  # since 0001-01-01T00:00:00Z


@dataclass(frozen=True)
class Naive:
    value: datetime


def _as_time(text: str, fmt: str) -> Any:
    try:
        if fmt == "date":
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return text
    if parsed.tzinfo is None:
        return Naive(parsed)
    local = (parsed.replace(tzinfo=None) - datetime.min) // timedelta(microseconds=1)
    return Instant(local - parsed.utcoffset() // timedelta(microseconds=1))


def _merge(a: Any, b: Any) -> Any:
    if isinstance(b, (Instant, Naive, date)) and not isinstance(a, (Instant, Naive, date)):
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge(a[k], b[k]) if k in b else a[k] for k in a}
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [_merge(x, y) for x, y in zip(a, b, strict=True)]
    return a


def normalize(target: Target, raw: Any, schema: Any, depth: int = 0) -> Any:
    """`raw` with every string the schema says is a date-time/date turned into what it denotes."""
    if not isinstance(schema, dict) or depth > 60:
        return raw
    result = raw
    fmt = schema.get("format")
    if isinstance(raw, str) and fmt in ("date-time", "date"):
        result = _as_time(raw, fmt)
    elif isinstance(raw, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        result = {k: normalize(target, v, props.get(k, extra), depth + 1) for k, v in raw.items()}
    elif isinstance(raw, list) and isinstance(schema.get("items"), dict):
        result = [normalize(target, v, schema["items"], depth + 1) for v in raw]
    if "$ref" in schema:
        result = _merge(result, normalize(target, raw, target.resolve({"$ref": schema["$ref"]}), depth + 1))
    for sub in schema.get("allOf") or []:
        result = _merge(result, normalize(target, raw, sub, depth + 1))
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            if target.valid(raw, sub):
                result = _merge(result, normalize(target, raw, sub, depth + 1))
                break
    return result


def assert_same_json(target: Target, name: str, got: Any, sent: Any) -> None:
    schema = target.component(name)
    assert normalize(target, got, schema) == normalize(target, sent, schema), (got, sent)


# ---------------------------------------------------------------- mutations


def _object_shape(target: Target, schema: Any, depth: int = 0) -> tuple[dict[str, Any], set[str], Any]:
    """(properties, required, additionalProperties) of an object schema, through $ref and allOf."""
    schema = target.resolve(schema)
    if not isinstance(schema, dict) or depth > 20:
        return {}, set(), None
    props = dict(schema.get("properties") or {})
    required = set(schema.get("required") or [])
    extra = schema.get("additionalProperties")
    for sub in schema.get("allOf") or []:
        p, r, e = _object_shape(target, sub, depth + 1)
        props.update(p)
        required |= r
        extra = extra if extra is not None else e
    return props, required, extra


_NOTHING = object()
_WRONG_VALUES: list[Any] = [12345, "a string", True, 1.5, [1, "x"], {"unexpected": "object"}, None]


def _wrong_value(target: Target, prop_schema: Any) -> Any:
    """A JSON value the property's schema rejects for its type (not for a format or pattern)."""
    for value in _WRONG_VALUES:
        if not target.valid(value, prop_schema):
            return value
    return _NOTHING


def _string_enum(target: Target, schema: Any) -> list[str] | None:
    """The values of a (possibly nullable) string enum of two or more values, else None."""
    schema = target.resolve(schema)
    if not isinstance(schema, dict):
        return None
    options = [m for m in schema.get("anyOf") or [] if not (isinstance(m, dict) and m.get("type") == "null")]
    if len(options) == 1 and len(schema) == 1:  # a 3.0 `nullable` enum: anyOf [enum, null]
        return _string_enum(target, options[0])
    values = [v for v in schema.get("enum") or [] if v is not None]
    if len(values) >= 2 and all(isinstance(v, str) for v in values):
        return values
    return None


def _is_model(target: Target, name: str) -> bool:
    tp = target.sdk_type(name)
    return isinstance(tp, type) and issubclass(tp, target.sdk.models.SdkModel)


def _typed_in_sdk(target: Target, name: str, wire: str) -> bool:
    """False for a property the SDK types as any JSON (such constructs are reported on stderr)."""
    for field_name, info in target.sdk_type(name).model_fields.items():
        if (info.alias or field_name) == wire:
            return info.annotation is not object
    raise AssertionError(f"{class_name(name)} has no field for {wire!r}")


def _mutate(
    target: Target, name: str, instance: dict[str, Any], data: st.DataObject
) -> tuple[str, dict[str, Any], list[str]]:
    """(kind, mutated instance, the paths `invalid_fields()` must name)."""
    props, required, extra_schema = _object_shape(target, target.component(name))
    cls_name = class_name(name)
    present = [p for p in props if p in instance]
    wrong = [p for p in present if _typed_in_sdk(target, name, p) and _wrong_value(target, props[p]) is not _NOTHING]
    missing = sorted(required & set(instance))
    enums = [p for p in present if _string_enum(target, props[p])]
    kinds = (
        ["extra field"]
        + ["wrong type"] * bool(wrong)
        + ["missing required"] * bool(missing)
        + ["unknown enum"] * bool(enums)
    )
    kind = data.draw(st.sampled_from(kinds), label="mutation")
    mutated = dict(instance)
    if kind == "wrong type":
        prop = data.draw(st.sampled_from(wrong), label="property")
        mutated[prop] = _wrong_value(target, props[prop])
        return kind, mutated, [f"{cls_name}.{prop}"]
    if kind == "missing required":
        prop = data.draw(st.sampled_from(missing), label="property")
        del mutated[prop]
        return kind, mutated, [f"{cls_name}.{prop}"]
    if kind == "unknown enum":
        prop = data.draw(st.sampled_from(enums), label="property")
        mutated[prop] = "zz-not-a-listed-value"
        return kind, mutated, []
    key = data.draw(
        st.sampled_from(["zz_extra", "unknownField", "x-new"]).filter(lambda k: k not in props),
        label="key",
    )
    value: Any = {"nested": [1, "two", None]}
    if isinstance(extra_schema, dict):  # typed additional properties: send one of that type
        value = next(
            (v for v in (value, "s", 1, 1.5, True, [], {}) if target.valid(v, extra_schema)),
            _NOTHING,
        )
    if value is _NOTHING:
        return kind, instance, []
    mutated[key] = value
    return kind, mutated, []


# ---------------------------------------------------------------- the property


def _draw_instance(target: Target, name: str, data: st.DataObject) -> Any:
    return data.draw(target.strategy(name), label=f"{name} instance")


@pytest.mark.parametrize("spec_name,component", CASES, ids=[f"{s}-{c}" for s, c in CASES])
def test_component_instances(request: pytest.FixtureRequest, spec_name: str, component: str):
    """Valid instances: valid, same JSON back, and the oracle agrees. Mutated: exactly the mutated field."""
    target: Target = request.getfixturevalue(f"{spec_name}_target")
    if component in CANNOT_GENERATE[spec_name]:
        # Listed as impossible: make sure it still is (the list must stay exact).
        with pytest.raises(Exception):  # noqa: B017 - whatever hypothesis-jsonschema raises

            @settings(max_examples=1, **SETTINGS)
            @given(instance=target.strategy(component))
            def draw(instance: Any) -> None:
                pass

            draw()
        return
    is_model = _is_model(target, component)

    @settings(max_examples=EXAMPLES[spec_name], **SETTINGS)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        instance = _draw_instance(target, component, data)
        if instance is None:
            return  # a nullable component: test_nullable_components_accept_null
        parsed = parse(target, component, instance)
        assert parsed.valid, ("a valid instance is not valid", parsed.invalid_fields)
        assert parsed.invalid_fields == []
        assert_same_json(target, component, parsed.json, instance)
        assert oracle_accepts(target, component, instance) is not False or parsed.valid

        if not (is_model and isinstance(instance, dict)):
            return
        kind, mutated, expected = _mutate(target, component, instance, data)
        parsed = parse(target, component, mutated)  # never raises
        assert parsed.invalid_fields == expected, (
            kind,
            "invalid_fields() names exactly the mutated field",
        )
        assert parsed.valid is (not expected), kind
        assert_same_json(target, component, parsed.json, mutated)
        if oracle_accepts(target, component, mutated):
            assert parsed.valid, ("the oracle accepts it, ours does not", kind)

    check()


def test_every_component_has_a_type_in_the_sdk_and_the_oracle(experiments_target: Target, braintrust_target: Target):
    for target in (experiments_target, braintrust_target):
        names = [class_name(n) for n in target.components]
        assert len(set(names)) == len(names), "two components map to one class name"
        missing = [n for n in target.components if not hasattr(target.sdk.types, class_name(n))]
        assert missing == []
        no_oracle = [n for n in target.components if not hasattr(target.oracle, class_name(n))]
        assert no_oracle == []


def _null_cases(target: Target) -> list[tuple[str, str, bool, bool]]:
    """(component, property, required, the property's schema allows null) for every model property
    (but those the generator reported as typed loosely: it says it does not check them)."""
    out = []
    for name in target.components:
        if not _is_model(target, name):
            continue
        props, required, _ = _object_shape(target, target.component(name))
        for prop, schema in sorted(props.items()):
            if f"/components/schemas/{name}/properties/{prop}" in target.reported:
                continue
            resolved = target.resolve(schema)
            # An enum that lists null is taken as nullable even beside `type: string` (which,
            # read literally, forbids null): that is what its author evidently means.
            listed = isinstance(resolved, dict) and None in (resolved.get("enum") or [])
            out.append((name, prop, prop in required, listed or target.valid(None, schema)))
    return out


def _null_is_invalid(target: Target, name: str, prop: str) -> bool:
    parsed = target.sdk_type(name).from_dict({prop: None})
    return f"{class_name(name)}.{prop}" in parsed.invalid_fields()


@pytest.mark.parametrize("spec_name", ["experiments", "braintrust"])
def test_properties_that_allow_null_accept_null(request: pytest.FixtureRequest, spec_name: str):
    """3.0 `nullable` (also beside `$ref`, and on a referenced component), 3.1 "null" in `type`,
    a `{type: 'null'}` member of anyOf: wherever the schema allows null, the SDK does too."""
    target: Target = request.getfixturevalue(f"{spec_name}_target")
    cases = [(n, p) for n, p, _, allows in _null_cases(target) if allows]
    assert cases
    rejected = [f"{n}.{p}" for n, p in cases if _null_is_invalid(target, n, p)]
    assert rejected == [], f"{len(rejected)} of {len(cases)} nullable properties reject null"


@pytest.mark.parametrize("spec_name", ["experiments", "braintrust"])
def test_required_properties_that_forbid_null_reject_null(request: pytest.FixtureRequest, spec_name: str):
    target: Target = request.getfixturevalue(f"{spec_name}_target")
    cases = [(n, p) for n, p, required, allows in _null_cases(target) if required and not allows]
    assert cases
    accepted = [f"{n}.{p}" for n, p in cases if not _null_is_invalid(target, n, p)]
    assert accepted == [], f"{len(accepted)} of {len(cases)} non-nullable required properties accept null"
