"""The pieces behind the contract tests: the value synthesizer, the spec bundler, the argument plan."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.spec.loader import load_file
from generator.testing.contract_tests import bundle, make_check, spec_json
from generator.testing.synth import Synthesizer, openapi30_null_types, sample_pattern

REPO = Path(__file__).resolve().parent.parent
SHARED_SPECS = Path(os.environ.get("SDKSMITH_SHARED", REPO.parent / "shared")) / "specs"


def _doc(schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def _synth(doc: dict[str, Any], direction: str = "request") -> tuple[Synthesizer, Any]:
    check = make_check(doc, direction)
    return Synthesizer(doc, check=check), check


# ---------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    ("pattern", "low", "high"),
    [
        (r"^[a-z0-9_-]{3,8}$", 0, None),
        (r"^\d{4}-\d{2}-\d{2}$", 10, 10),
        (r"^sk-[A-Za-z0-9]{20,}$", 0, 40),
        (r"[^abc]+x", 5, None),
        (r"^(?:foo|bar)(-\d+)?$", 0, None),
        (r"^(\w)\1$", 0, None),
        (r"^[A-Z][a-z]+( [A-Z][a-z]+)*$", 12, 20),
        (r"(?i)^ab+c$", 0, None),
    ],
)
def test_sample_pattern_matches(pattern: str, low: int, high: int | None) -> None:
    sample = sample_pattern(pattern, low, high)
    assert sample is not None
    assert re.search(pattern, sample), sample
    assert len(sample) >= low and (high is None or len(sample) <= high), sample


def test_sample_pattern_gives_up_honestly() -> None:
    assert sample_pattern(r"\p{L}+") is None  # ECMA-only syntax Python cannot read
    assert sample_pattern(r"^\d{2}$", 5) is None  # no string of 5 characters matches


# ---------------------------------------------------------------- schemas


CASES: list[dict[str, Any]] = [
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "email"},
    {"type": "string", "format": "ipv6"},
    {"type": "string", "minLength": 12, "maxLength": 12},
    {"type": "string", "pattern": "^[A-Z]{3}-\\d{3}$"},
    {"type": "integer", "minimum": 10, "maximum": 12, "multipleOf": 4},
    {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 3},
    {"type": "number", "minimum": 0, "maximum": 1},
    {"type": "number", "exclusiveMinimum": 0.5, "maximum": 0.75},
    {"type": "number", "multipleOf": 0.25, "minimum": 2.1},
    {"enum": ["a", "b", None]},
    {"const": "fixed"},
    {"type": ["null", "integer"], "minimum": 5},
    {
        "type": "array",
        "items": {"type": "string", "enum": ["x", "y", "z"]},
        "minItems": 3,
        "uniqueItems": True,
    },
    {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False},
    {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    },
    {"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 2},
    {
        "allOf": [
            {"$ref": "#/components/schemas/Named"},
            {"required": ["extra"], "properties": {"extra": {"type": "boolean"}}},
        ]
    },
    {"oneOf": [{"type": "integer"}, {"type": "number"}]},  # a value valid against both is refused
    {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    },
    {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Tree"}]},
]
SCHEMAS: dict[str, Any] = {
    "Named": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 3}},
    },
    "Cat": {
        "type": "object",
        "required": ["kind", "meows"],
        "properties": {"kind": {"type": "string"}, "meows": {"type": "boolean"}},
    },
    "Dog": {
        "type": "object",
        "required": ["kind", "barks"],
        "properties": {"kind": {"type": "string"}, "barks": {"type": "integer"}},
    },
    "Tree": {
        "type": "object",
        "required": ["value", "children"],
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        },
    },
}


@pytest.mark.parametrize("full", [False, True], ids=["required", "full"])
@pytest.mark.parametrize("schema", CASES, ids=[json.dumps(c)[:40] for c in CASES])
def test_synthesized_values_are_valid(schema: dict[str, Any], full: bool) -> None:
    doc = _doc(SCHEMAS)
    synth, check = _synth(doc)
    value = synth.value(schema, full=full)
    assert check(schema, value), value


def test_full_fills_optional_properties_and_recursion_ends() -> None:
    doc = _doc(SCHEMAS)
    synth, _ = _synth(doc)
    tree = synth.value({"$ref": "#/components/schemas/Tree"}, full=True)
    assert tree["children"] and isinstance(tree["children"][0]["value"], int)
    assert synth.value({"type": "object", "properties": {"a": {"type": "string"}}}, full=False) == {}
    assert synth.value({"type": "object", "properties": {"a": {"type": "string"}}}, full=True) == {"a": "string"}


def test_repeated_schemas_are_synthesized_once_and_handed_out_as_copies() -> None:
    doc = _doc({**SCHEMAS, "Pet": {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Tree"}]}})
    calls: list[Any] = []
    check = make_check(doc, "request")

    def counting(schema: Any, value: Any) -> bool:
        calls.append(schema)
        return check(schema, value)

    synth = Synthesizer(doc, check=counting)
    pet = {"$ref": "#/components/schemas/Pet"}
    first = synth.value(pet, full=True)
    checks = len(calls)
    assert checks > 0  # choosing an anyOf member is checked
    first["children"].clear()  # a caller that edits its value must not change the next one
    second = synth.value({"$ref": "#/components/schemas/Pet"}, full=True)  # another dict, same ref
    assert second["children"] and len(calls) == checks
    assert synth.value(pet, full=False) != second  # `full` is part of what is remembered


def test_read_only_and_write_only() -> None:
    schema = {
        "type": "object",
        "required": ["id", "secret"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
        },
    }
    synth = Synthesizer(_doc({}))
    assert synth.value(schema, full=True, direction="request") == {"secret": "string"}
    assert synth.value(schema, full=True, direction="response") == {"id": "string"}


def test_examples_are_used_when_valid() -> None:
    synth, _ = _synth(_doc({}))
    assert synth.value({"type": "string", "example": "hello"}) == "hello"
    assert synth.value({"type": "integer", "minimum": 3, "examples": [1, 7]}) == 7  # 1 is out of range


def test_openapi30_null_types() -> None:
    doc = {
        "openapi": "3.0.3",
        "x": {"anyOf": [{"type": "string"}, {"type": "null", "description": "d"}]},
        "example": {"type": "null"},
    }
    out = openapi30_null_types(doc)
    assert out["x"]["anyOf"][1] == {"description": "d", "nullable": True, "enum": [None]}
    assert out["example"] == {"type": "null"}  # data, not a schema
    assert openapi30_null_types({"type": "string"}) is not None
    same = {"a": {"type": "string"}}
    assert openapi30_null_types(same) is same


@pytest.mark.parametrize("spec", ["experiments.yaml", "gentrace.json", "braintrust.json"])
def test_every_component_schema_of_the_real_specs(spec: str) -> None:
    """Every schema of our spec and of the real specs gets valid values, both ways, both modes."""
    path = REPO / "spec" / spec if spec == "experiments.yaml" else SHARED_SPECS / spec
    if not path.is_file():
        pytest.skip(f"{path} is not there")
    doc = yaml.safe_load(path.read_text()) if path.suffix == ".yaml" else json.loads(path.read_text())
    bad = []
    for direction in ("request", "response"):
        synth, check = _synth(doc, direction)
        for name in doc["components"]["schemas"]:
            ref = {"$ref": f"#/components/schemas/{name}"}
            for full in (False, True):
                value = synth.value(ref, full=full, direction=direction)  # type: ignore[arg-type]
                if not check(ref, value):
                    bad.append((direction, name, full))
    assert not bad


# ---------------------------------------------------------------- bundling


def test_bundle_inlines_other_files(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        yaml.safe_dump(
            {
                "Pet": {
                    "type": "object",
                    "properties": {"owner": {"$ref": "#/Owner"}, "tag": {"$ref": "tags.yaml#/Tag"}},
                },
                "Owner": {
                    "type": "object",
                    "properties": {"pets": {"type": "array", "items": {"$ref": "#/Pet"}}},
                },
                "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            }
        )
    )
    (tmp_path / "tags.yaml").write_text(yaml.safe_dump({"Tag": {"type": "string", "enum": ["a"]}}))
    (tmp_path / "api.yaml").write_text(
        yaml.safe_dump(
            {
                "openapi": "3.1.0",
                "info": {"title": "multi", "version": "1"},
                "paths": {
                    "/pets": {
                        "get": {
                            "parameters": [{"$ref": "common.yaml#/Limit"}],
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {
                                            "schema": {
                                                "type": "array",
                                                "items": {"$ref": "common.yaml#/Pet"},
                                            }
                                        }
                                    },
                                }
                            },
                        }
                    }
                },
                "components": {
                    "schemas": {
                        "Local": {"$ref": "#/components/schemas/Pet"},
                        "Pet": {"type": "string"},
                    }
                },
            }
        )
    )
    doc = bundle(tmp_path / "api.yaml")
    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(doc))
    assert refs and all(r.startswith("#/") for r in refs), refs
    assert doc["components"]["schemas"]["Pet"] == {"type": "string"}  # the spec's own Pet is kept
    pet = doc["components"]["schemas"]["Pet2"]  # the other file's Pet, renamed
    assert pet["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert doc["components"]["schemas"]["Owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet2"}
    assert doc["components"]["parameters"]["Limit"]["name"] == "limit"
    assert spec_json(bundle(tmp_path / "api.yaml")) == spec_json(doc)  # deterministic


def test_bundle_of_a_single_file_is_the_file() -> None:
    spec = REPO / "spec" / "experiments.yaml"
    assert bundle(spec) == load_file(spec)


def test_a_pattern_that_backtracks_for_hours_is_checked_at_once() -> None:
    """beezup.com's URL pattern: Python's `re` takes hours on a near-miss; the check takes no time."""
    import time

    url = r"^(https?:\/\/)?([\da-z\.-]+)\.([a-z\.]{2,6})([\/\w \.-]*)*\/?$"
    schema = {"type": "string", "pattern": url}
    check = make_check(_doc({}), "request")
    started = time.monotonic()
    assert not check(schema, "http://www.example.com/" + "a" * 60 + "!")
    assert check(schema, "http://www.example.com/a/b")
    assert time.monotonic() - started < 2
    # What RE2 cannot read (a backreference) is still checked, by Python's re.
    assert check({"type": "string", "pattern": r"^(a)\1$"}, "aa")
    assert not check({"type": "string", "pattern": r"^(a)\1$"}, "ab")
