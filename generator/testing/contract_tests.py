"""The contract tests of a generated SDK: `tests/` beside its pyproject.toml.

For every operation the tests call the sync and the async client (each with
loose and strict response validation) against a mock server built from the
same spec: with the required arguments only, with every argument, through
`with_raw_response` and `with_streaming_response`, and with each path
parameter empty (a `ValueError` before any request).

Argument values are the spec's examples where it gives valid ones, else
values synthesized from the schema (`generator.synth`); either way they reach
the test code only through `py_literal`. The spec itself is bundled into one
JSON file (`tests/spec.json`) so the tests need nothing outside the SDK; the
mock server (Prism, or the in-process fallback) and the openapi-core
validation both read it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .. import ir
from ..errors import escape_pointer_token
from ..ir.naming import snake
from ..python.client_view import ClientView, Kwarg
from ..python.paths import templates_dir
from ..python.render import TypeNames, py_literal
from ..spec.loader import Spec
from .synth import Synthesizer, openapi30_null_types, pattern_found

TESTS = "tests"
_HERE = Path(__file__).resolve().parent
# Copied verbatim into every SDK's tests/ (they must stay standard-library only).
_COPIED = {"_synth.py": _HERE / "synth.py", "_patterns.py": _HERE / "_patterns.py", "_prism.py": _HERE / "mock.py"}
_FILE_BYTES = 'b"file contents"'
# Test-time dependencies, pinned as the toolkit's own dev extras pin them.
REQUIREMENTS = (
    "pytest>=8",
    "pytest-asyncio>=0.23",
    "openapi-core>=0.22,<0.23",
    "openapi-spec-validator>=0.7.1,<0.8",
    "jsonschema-path>=0.3.4,<0.4",
    "google-re2>=1.1",  # spec patterns checked in linear time (see _synth.pattern_found)
)


# ---------------------------------------------------------------- bundling


_SECTIONS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)


def bundle(spec_path: Path, ref_roots: Iterable[Path] = ()) -> dict[str, Any]:
    """The spec as one self-contained document: every `$ref` into another file copied in.

    References within the root file are kept as they are; a target in another
    file is copied under `components/<section>/<name>` (the section its own
    location names, else the one the referring place implies) and referenced
    there. Deterministic: the same input gives the same document. A `$ref` outside the
    spec's directory (and `ref_roots`) is a SpecError, never content copied in.
    """
    spec = Spec(spec_path, ref_roots)
    existing = spec.root.get("components") if isinstance(spec.root.get("components"), dict) else {}
    taken = {
        f"{section}/{name}" for section, entries in existing.items() if isinstance(entries, dict) for name in entries
    }
    placed: dict[str, str] = {}  # target key -> local ref
    added: dict[str, dict[str, Any]] = {}  # section -> name -> copied node

    def local_ref(target: Any, at: str) -> str:
        if target.uri == spec.uri:
            return "#" + target.pointer
        if target.key in placed:
            return placed[target.key]
        parts = [p for p in target.pointer.split("/") if p]
        section = parts[-2] if len(parts) >= 2 and parts[-2] in _SECTIONS else _section_for(at)
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", parts[-1] if parts else Path(target.uri).stem) or "Bundled"
        name, n = stem, 1
        while f"{section}/{name}" in taken:
            n += 1
            name = f"{stem}{n}"
        taken.add(f"{section}/{name}")
        ref = f"#/components/{section}/{escape_pointer_token(name)}"
        placed[target.key] = ref  # before copying: a cycle back here finds it
        added.setdefault(section, {})[name] = rewrite(target.node, target.uri, target.pointer)
        return ref

    def rewrite(node: Any, uri: str, at: str) -> Any:
        if isinstance(node, dict):
            out = {k: rewrite(v, uri, f"{at}/{escape_pointer_token(k)}") for k, v in node.items() if k != "$ref"}
            ref = node.get("$ref")
            if "$ref" in node:
                if isinstance(ref, str) and not (uri == spec.uri and ref.startswith("#")):
                    ref = local_ref(spec.resolve(ref, uri, at + "/$ref"), at)
                out = {k: (ref if k == "$ref" else out[k]) for k in node}
            return out
        if isinstance(node, list):
            return [rewrite(v, uri, f"{at}/{i}") for i, v in enumerate(node)]
        return node

    if _refs_stay_local(spec.root):
        return spec.root  # one file: nothing to copy in
    doc = rewrite(spec.root, spec.uri, "")
    if added:
        components = doc.setdefault("components", {})
        for section in sorted(added):
            entries = components.setdefault(section, {})
            for name, node in added[section].items():
                entries[name] = node
    return doc


def _refs_stay_local(root: Any) -> bool:
    """Whether every `$ref` in the document points into the document itself."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def _section_for(at: str) -> str:
    parts = at.split("/")
    if "parameters" in parts[-2:]:
        return "parameters"
    if "responses" in parts[-2:]:
        return "responses"
    if parts[-1] == "requestBody":
        return "requestBodies"
    if "examples" in parts[-2:]:
        return "examples"
    if "headers" in parts[-2:]:
        return "headers"
    return "schemas"


def spec_json(doc: dict[str, Any]) -> str:
    """The bundled spec as the file tests/spec.json holds it: indented, unless it is big (the
    indenting encoder is pure Python: seconds for GitHub's 13 MB)."""
    compact = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    if len(compact) > 2_000_000:
        return compact + "\n"
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- checking values


def make_check(root: dict[str, Any], direction: str) -> Any:
    """`check(schema, value) -> bool` with the OpenAPI schema validator of the document's version."""
    from jsonschema.exceptions import ValidationError
    from jsonschema.validators import extend
    from openapi_schema_validator import (
        OAS30ReadValidator,
        OAS30WriteValidator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT202012

    def pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
        """jsonschema's `pattern` keyword, searched in linear time where it can be (`pattern_found`)."""
        if validator.is_type(instance, "string") and isinstance(pattern, str) and not pattern_found(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    is_30 = str(root.get("openapi", "")).startswith("3.0")
    doc = openapi30_null_types(root) if is_30 else root
    base: Any = (OAS30WriteValidator if direction == "request" else OAS30ReadValidator) if is_30 else OAS31Validator
    cls: Any = extend(base, {"pattern": pattern})
    formats = oas30_format_checker if is_30 else oas31_format_checker
    draft = DRAFT4 if is_30 else DRAFT202012
    uri = "urn:sdksmith:spec"

    shared: Any = Registry().with_resource(uri, Resource.from_contents(doc, default_specification=draft))
    validators: dict[int, Any] = {}
    held: list[Any] = []  # keeps each keyed schema alive, so its id() is never reused

    def validator_for(schema: Any) -> Any:
        found = validators.get(id(schema))
        if found is not None:
            return found
        ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
        if isinstance(ref, str) and ref.startswith("#"):  # a component: the document's registry serves it
            root_schema, registry = {"$ref": f"{uri}{ref}"}, shared
        else:  # an inline schema may hold `#/…` refs: validate it from inside a copy of the document
            holder = dict(doc)
            holder["x-sdksmith-check"] = openapi30_null_types(schema) if is_30 else schema
            root_schema = {"$ref": f"{uri}#/x-sdksmith-check"}
            registry = Registry().with_resource(uri, Resource.from_contents(holder, default_specification=draft))
        found = validators[id(schema)] = cls(root_schema, registry=registry, format_checker=formats)
        held.append(schema)
        return found

    def check(schema: Any, value: Any) -> bool:
        return next(iter(validator_for(schema).iter_errors(value)), None) is None

    return check


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class OpTests:
    """What the test module needs for one operation."""

    name: str
    accessor: str  # attribute path from the client: "experiments.events"
    required_call: str  # argument list (source) with the required arguments only
    all_call: str | None  # with every argument; None when it equals required_call
    empty_path_calls: tuple[tuple[str, str], ...]  # (error regex, arguments with one path param empty)
    sync_type: str  # what the sync method returns, as a type expression
    async_type: str
    skip_reason: str | None
    # The method always returns server-sent events: the tests collect them, then check the list.
    events: bool = False


@dataclass(frozen=True)
class ResourceTests:
    module: str
    class_name: str
    accessor: str
    operations: tuple[OpTests, ...]
    type_names: tuple[str, ...]


class _QualifiedNames(TypeNames):
    """Annotations naming the SDK's types as `types.X`: a test module that imported a type
    called `TestCase` by name would have pytest try to collect it."""

    def annotation(self, t: ir.TypeRef) -> str:
        if isinstance(t, ir.Named):
            return f"types.{t.name}"
        return super().annotation(t)


class Planner:
    def __init__(self, pkg: ir.Package, doc: dict[str, Any]) -> None:
        self.pkg = pkg
        self.doc = doc
        self.view = ClientView(pkg.definitions)
        self.view.types = _QualifiedNames()
        self.request = Synthesizer(doc, check=make_check(doc, "request"))

    def resources(self) -> list[ResourceTests]:
        out: list[ResourceTests] = []

        def walk(resource: ir.ResourceDef, prefix: str) -> None:
            accessor = f"{prefix}.{resource.attr_name}" if prefix else resource.attr_name
            if resource.operations:
                ops = tuple(self.operation(op, accessor) for op in resource.operations)
                names: set[str] = set()
                for op in resource.operations:
                    t = op.pagination.item_type if op.pagination is not None else op.response.type
                    if t is not None and (op.pagination is not None or op.response.kind == "json"):
                        names |= set(ir.walk_named(t))
                    if op.response.events is not None and self._always_streams(op):
                        names |= set(ir.walk_named(op.response.events))
                out.append(ResourceTests(resource.module, resource.class_name, accessor, ops, tuple(sorted(names))))
            for child in resource.children:
                walk(child, accessor)

        for resource in self.pkg.resources:
            walk(resource, "")
        return out

    # -- one operation

    def operation(self, op: ir.OperationDef, accessor: str) -> OpTests:
        kwargs = self.view.kwargs(op)
        required_values = self._values(op, kwargs, full=False)
        all_values = self._values(op, kwargs, full=True)
        required_call = self._call(op, kwargs, required_values, only_required=True)
        all_call = self._call(op, kwargs, all_values, only_required=False)
        empty = []
        paths = [k for k in kwargs if k.where == "path"]
        for k in paths:
            values = dict(required_values)
            values[k.name] = '""' if k.annotation == "str" else 'cast(Any, "")'
            match = f"Expected a non-empty value for `{re.escape(k.wire_name)}`"
            empty.append((match, self._call(op, kwargs, values, only_required=True)))
        return OpTests(
            name=op.method_name,
            accessor=accessor,
            required_call=required_call,
            all_call=None if all_call == required_call else all_call,
            empty_path_calls=tuple(empty),
            sync_type=self._result_type(op, is_async=False),
            async_type=self._result_type(op, is_async=True),
            skip_reason=op.skip_reason,
            events=self._always_streams(op),
        )

    def _always_streams(self, op: ir.OperationDef) -> bool:
        return self.view.streams(op) and self.view.stream_flag(op) is None

    def _result_type(self, op: ir.OperationDef, is_async: bool) -> str:
        if self._always_streams(op):
            assert op.response.events is not None
            return f"List[{self.view.types.annotation(op.response.events)}]"
        if op.pagination is not None:
            item = self.view.cast_type(op)
            return f"_AsyncPage[{item}]" if is_async else f"_SyncPage[{item}]"
        return self.view.return_type(op, is_async)

    def _call(
        self,
        op: ir.OperationDef,
        kwargs: list[Kwarg],
        values: dict[str, str],
        *,
        only_required: bool,
    ) -> str:
        paths = [k for k in kwargs if k.where == "path"]
        positional = paths[0] if len(paths) == 1 else None
        parts: list[str] = []
        if positional is not None:
            parts.append(values[positional.name])
        for k in kwargs:
            if k is positional or k.name not in values:
                continue
            if only_required and not k.required:
                continue
            parts.append(f"{k.name}={values[k.name]}")
        return ", ".join(parts)

    def _values(self, op: ir.OperationDef, kwargs: list[Kwarg], *, full: bool) -> dict[str, str]:
        """Argument name -> source of its value, for every argument the call passes."""
        out: dict[str, str] = {}
        node = self._operation_node(op)
        for p in op.params:
            schema = self._param_schema(node, op, p)
            value = _UNSET
            if p.example is not ir.NO_DEFAULT and self.request.valid(schema, p.example):
                value = p.example
            if value is _UNSET:
                value = self.request.value(schema, full=full)
            if p.location == "path" and (value is None or value == ""):
                value = "1"
            out[p.py_name] = self._literal(value, p.type)
        body = op.body
        if body is None:
            return out
        schema = self._body_schema(node, op)
        if body.fields is None:
            name = next(k.name for k in kwargs if k.where == "whole_body")
            if body.kind == "binary":
                out[name] = _FILE_BYTES
            else:
                value = (
                    body.example
                    if body.example is not ir.NO_DEFAULT and self.request.valid(schema, body.example)
                    else self.request.value(schema, full=full)
                )
                if body.kind == "text" and not isinstance(value, str):
                    value = json.dumps(value)
                out[name] = self._literal(value, body.type)
            return out
        value = self._body_object(schema, body, full)
        for f in body.fields:
            if f.read_only or f.wire_name not in value:
                continue
            if f.wire_name in body.file_fields:
                out[f.py_name] = f"[{_FILE_BYTES}]" if f.wire_name in body.file_lists else _FILE_BYTES
            else:
                out[f.py_name] = self._literal(value[f.wire_name], f.type)
        return out

    def _body_object(self, schema: Any, body: ir.BodyDef, full: bool) -> dict[str, Any]:
        synthesized = self.request.value(schema, full=full)
        if not isinstance(synthesized, dict):
            synthesized = {}
        example = body.example
        if isinstance(example, dict) and self.request.valid(schema, example):
            resolved = self.request.resolve(schema)
            required = set(resolved.get("required") or []) if isinstance(resolved, dict) else set()
            if full:
                candidate = {**synthesized, **example}
            else:
                candidate = {
                    **{k: v for k, v in synthesized.items() if k in required},
                    **{k: v for k, v in example.items() if k in required},
                }
            if self.request.valid(schema, candidate):
                return candidate
        return synthesized

    def _literal(self, value: Any, t: ir.TypeRef) -> str:
        return py_literal(_fit(value, t, self.pkg.definitions))

    # -- the operation in the bundled document

    def _operation_node(self, op: ir.OperationDef) -> dict[str, Any]:
        item = self.request.resolve((self.doc.get("paths") or {}).get(op.path) or {})
        return item if isinstance(item, dict) else {}

    def _param_schema(self, item: dict[str, Any], op: ir.OperationDef, p: ir.ParamDef) -> Any:
        node = self.request.resolve(item.get(op.method) or {})
        for source in (node.get("parameters") or [], item.get("parameters") or []):
            for raw in source:
                param = self.request.resolve(raw)
                if isinstance(param, dict) and param.get("name") == p.wire_name and param.get("in") == p.location:
                    if "schema" in param:
                        return param["schema"]
                    content = param.get("content")
                    if isinstance(content, dict) and content:
                        return (next(iter(content.values())) or {}).get("schema", {})
        return p.schema or {}

    def _body_schema(self, item: dict[str, Any], op: ir.OperationDef) -> Any:
        node = self.request.resolve(item.get(op.method) or {})
        body = self.request.resolve(node.get("requestBody") or {})
        content = body.get("content") if isinstance(body, dict) else None
        if isinstance(content, dict) and op.body is not None and op.body.media_type in content:
            return (content[op.body.media_type] or {}).get("schema", {})
        return op.body.schema if op.body is not None and op.body.schema is not None else {}


_UNSET: Any = object()


def _fit(value: Any, t: ir.TypeRef, definitions: dict[str, ir.Definition]) -> Any:
    """`value` as the Python type of its argument accepts it (an integral 2.0 for an int is 2)."""
    while isinstance(t, (ir.Nullable, ir.Constrained)):
        t = t.inner
    if isinstance(t, ir.Named):
        d = definitions.get(t.name)
        if isinstance(d, ir.AliasDef):
            return _fit(value, d.type, definitions)
        if isinstance(d, ir.EnumDef) and d.base == "int" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if isinstance(t, ir.Prim) and t.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(t, ir.ListOf) and isinstance(value, list):
        return [_fit(v, t.item, definitions) for v in value]
    if isinstance(t, ir.MapOf) and isinstance(value, dict):
        return {k: _fit(v, t.value, definitions) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- rendering


def render_tests(
    pkg: ir.Package, spec_path: Path, env: jinja2.Environment, ref_roots: Iterable[Path] = ()
) -> dict[str, str]:
    """The files of `tests/`, keyed by path relative to the output directory."""
    doc = bundle(spec_path, ref_roots)
    planner = Planner(pkg, doc)
    names = pkg.names
    ctx = {
        "names": names,
        "package": pkg,
        "env_prefix": snake(names.package_name).upper(),  # <PKG>_TEST_SPEC, <PKG>_TEST_MOCK …
    }
    files: dict[str, str] = {f"{TESTS}/spec.json": spec_json(doc)}
    for target, origin in _COPIED.items():
        files[f"{TESTS}/{target}"] = origin.read_text()
    files[f"{TESTS}/_mock.py"] = (templates_dir() / "tests" / "_mock.py").read_text()
    for template in ("__init__.py", "_contract.py", "conftest.py", "test__mock.py"):
        files[f"{TESTS}/{template}"] = env.get_template(f"tests/{template}.j2").render(**ctx)
    files[f"{TESTS}/requirements.txt"] = (
        "# What the contract tests need besides the SDK itself (pip install -r tests/requirements.txt).\n"
        + "".join(f"{r}\n" for r in REQUIREMENTS)
    )
    module_template = env.get_template("tests/test_resource.py.j2")
    for resource in planner.resources():
        files[f"{TESTS}/test_{resource.module}.py"] = module_template.render(resource=resource, **ctx)
    return files
