"""Check the document against the OpenAPI 3.0 / 3.1 meta-schema.

The meta-schemas are the ones openapi-spec-validator ships; the checking is
the jsonschema library. (openapi-spec-validator's full validation also
re-resolves every `$ref`, which costs 14 s on GitHub's spec; the schema
reader resolves and checks every `$ref` it follows anyway.) In 3.1, Schema
Objects are checked against JSON Schema 2020-12, as OpenAPI's `schema-base`
meta-schema does for the default dialect.

Speed: real specs repeat the same subtrees many times (GitHub's 13 MB spec
has 80,000 objects but only 26,000 distinct ones), and whether a node is
valid against a part of the meta-schema depends only on the node's content
(the dynamic scope `$dynamicRef` depends on is always the meta-schema's own).
So every node gets a content id up front, and `$ref`, `$dynamicRef` and
`oneOf` checks that passed once for a content id are not repeated. Failed
checks are never cached: every problem is found and reported exactly as
without the cache. `start_validation` runs the check in a forked child, beside
the rest of the pipeline.

One deliberate leniency: 3.0 documents may use `type: "null"` (a 3.1
spelling that schema generators such as zod-to-openapi emit in 3.0 specs,
Braintrust's among them); the schema reader reads it as JSON null.
"""

from __future__ import annotations

import copy
import gc
import os
import pickle
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
from jsonschema import _keywords
from jsonschema.exceptions import ValidationError, best_match
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from openapi_spec_validator.schemas import schema_v30, schema_v31
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..errors import Problem, SpecError, pointer_of

_VERSION = re.compile(r"^3\.(0|1)\.\d+$")


def check_version(doc: dict[str, Any], file: str) -> bool:
    """True for 3.0.x, False for 3.1.x; a SpecError for anything else."""
    version = doc.get("openapi")
    if version is None:
        if "swagger" in doc:
            raise SpecError.one(file, "/swagger", "Swagger 2.0 is not supported: convert the spec to OpenAPI 3")
        raise SpecError.one(file, "/openapi", "missing 'openapi' version field")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise SpecError.one(file, "/openapi", f"unsupported OpenAPI version {version!r} (supported: 3.0.x, 3.1.x)")
    return version.startswith("3.0")


def _lenient_v30() -> dict[str, Any]:
    """The 3.0 meta-schema, with "null" added to the allowed `type` names."""
    schema = copy.deepcopy(dict(schema_v30))
    type_names = schema["definitions"]["Schema"]["properties"]["type"]["enum"]
    type_names.append("null")
    return schema


_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/"
# The 2020-12 meta-schemas, re-homed without `$schema`: a subschema declaring
# `$schema` makes jsonschema switch to its stock validator class, which would
# leave our remembering one (see `_validator_for`).
_OWN_2020_12 = "https://sdksmith.invalid/draft/2020-12/"
_VOCABULARIES = ("core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation", "content")


def _own_2020_12() -> Registry:
    resources = []
    for path in ("schema", *(f"meta/{v}" for v in _VOCABULARIES)):
        contents = {k: v for k, v in SPECIFICATIONS.contents(_DRAFT_2020_12 + path).items() if k != "$schema"}
        contents["$id"] = _OWN_2020_12 + path
        resources.append((contents["$id"], DRAFT202012.create_resource(contents)))
    return Registry().with_resources(resources)


def _strict_v31() -> dict[str, Any]:
    """The 3.1 meta-schema, checking Schema Objects against JSON Schema 2020-12.

    On its own it accepts any object as a schema (the dialect is the document's
    to choose); this is what OpenAPI's `schema-base` meta-schema does for the
    default dialect, whose vocabulary beyond 2020-12 (`discriminator`, `xml` …)
    the 2020-12 meta-schema lets through.
    """
    schema = copy.deepcopy(dict(schema_v31))
    schema["$defs"]["schema"] = {"$dynamicAnchor": "meta", "$ref": _OWN_2020_12 + "schema"}
    return schema


_META_SCHEMAS: dict[bool, dict[str, Any]] = {}


def _meta_schema(is_30: bool) -> dict[str, Any]:
    if is_30 not in _META_SCHEMAS:
        _META_SCHEMAS[is_30] = _lenient_v30() if is_30 else _strict_v31()
    return _META_SCHEMAS[is_30]


def content_ids(doc: Any) -> dict[int, int]:
    """`id(node)` -> content id for every object and array in `doc`.

    Two nodes get the same content id exactly when they are equal JSON
    (with `true` distinct from `1` and `1.0` distinct from `1`).
    """
    table: dict[tuple[Any, ...], int] = {}
    ids: dict[int, int] = {}

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            key: tuple[Any, ...] = ("{", *[(k, visit(v)) for k, v in node.items()])
        elif isinstance(node, list):
            key = ("[", *[visit(v) for v in node])
        elif node is None or isinstance(node, str):
            return node
        else:
            return (type(node), node)
        content = table.setdefault(key, len(table))
        ids[id(node)] = content
        return (content,)

    visit(doc)
    return ids


_Keyword = Callable[[Any, Any, Any, Any], Iterator[ValidationError]]


def _validator_for(schema: dict[str, Any], doc: Any) -> Any:
    """A jsonschema validator for `schema` that skips re-checking content it already accepted."""
    ids = content_ids(doc)
    passed: set[tuple[int, int]] = set()

    def remembering(keyword: _Keyword) -> _Keyword:
        def check(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
            content = ids.get(id(instance))
            if content is None:  # a scalar: cheap to check
                yield from keyword(validator, value, instance, schema)
                return
            key = (id(value), content)
            if key in passed:
                return
            errors = list(keyword(validator, value, instance, schema))
            if not errors:
                passed.add(key)
            yield from errors

        return check

    base = jsonschema.validators.validator_for(schema)
    registry = _own_2020_12() if base is jsonschema.Draft202012Validator else Registry()
    if base is jsonschema.Draft202012Validator and "$id" in schema:
        # The meta-schema itself, crawled once: its `$dynamicAnchor`s are then found directly,
        # instead of re-crawling it at every Schema Object (a 12x speed-up on many distinct schemas).
        registry = registry.with_resource(schema["$id"], DRAFT202012.create_resource(schema)).crawl()
    keywords = {"$ref": _keywords.ref, "$dynamicRef": _keywords.dynamicRef, "oneOf": _keywords.oneOf}
    cls = jsonschema.validators.extend(base, {k: remembering(v) for k, v in keywords.items() if k in base.VALIDATORS})
    return cls(schema, registry=registry)


def _furthest_branch(context: list[ValidationError]) -> list[ValidationError]:
    """The errors of the `oneOf`/`anyOf` alternative that got furthest into the instance:
    a schema with a bad `type` is reported as that, not as "'$ref' is a required property"."""
    branches: dict[Any, list[ValidationError]] = {}
    for error in context:
        branches.setdefault(error.relative_schema_path[0] if error.relative_schema_path else None, []).append(error)
    return max(branches.values(), key=lambda errors: max(len(e.absolute_path) for e in errors))


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


# Keywords only people read: a value of the wrong type there costs the SDK a docstring, no more.
_ANNOTATIONS = frozenset(
    {"description", "summary", "title", "termsOfService", "externalDocs", "example", "examples", "deprecated"}
)


# Constraints on values: one of the wrong type is left out (the readers and the test values check
# each one's type), so the SDK only validates less than the spec meant.
_CONSTRAINTS = frozenset(
    {
        "pattern",
        "format",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    }
)


def is_fatal(error: ValidationError) -> bool:
    """Whether a meta-schema violation is one the readers cannot work around: a value of the
    wrong JSON type (`properties: [a, b]`, `type: 5`, a schema that is a string, `paths: []`).
    Everything else (a missing `description`, an unknown keyword, a `4xx` response key, a
    `pattern: 0`) is a warning: the readers take what is there."""
    if error.validator == "type":
        # Text where only people read it (a `$ref` as a description): the readers leave it out.
        return not (error.absolute_path and error.absolute_path[-1] in _ANNOTATIONS | _CONSTRAINTS)
    if error.validator == "enum" and isinstance(error.validator_value, list):
        return _json_kind(error.instance) not in {_json_kind(v) for v in error.validator_value}
    if error.validator in ("anyOf", "oneOf") and error.context:
        depth = len(error.absolute_path)
        branches: dict[Any, bool] = {}
        for sub in error.context:
            branch = sub.relative_schema_path[0] if sub.relative_schema_path else None
            fatal_here = len(sub.absolute_path) == depth and is_fatal(sub)
            branches[branch] = branches.get(branch, False) or fatal_here
        return bool(branches) and all(branches.values())
    return False


# Past this many violations the document is not worth reading further.
_MAX_VIOLATIONS = 10_000


def _problems(doc: dict[str, Any], file: str, is_30: bool) -> list[Problem]:
    """Every meta-schema violation: an error if the readers cannot work around it, else a warning."""
    validator = _validator_for(_meta_schema(is_30), doc)
    problems: list[Problem] = []
    seen: set[Problem] = set()
    for count, error in enumerate(validator.iter_errors(doc)):
        if count >= _MAX_VIOLATIONS:
            break
        error = best_match([error]) or error
        fatal = is_fatal(error)
        while error.context:
            deeper = best_match(_furthest_branch(error.context))
            if deeper is None or len(deeper.absolute_path) < len(error.absolute_path):
                break
            error = deeper
            fatal = fatal or is_fatal(error)
        message = error.message
        if len(message) > 200:
            message = message[:197] + "..."
        problem = Problem(file, pointer_of(error.absolute_path), message, "error" if fatal else "warning")
        if problem not in seen:  # 2020-12's vocabularies each say "not an object"
            seen.add(problem)
            problems.append(problem)
    problems.sort(key=lambda p: (p.severity != "error", p.pointer))
    return problems


def validate_document(doc: dict[str, Any], file: str, is_30: bool) -> list[Problem]:
    """The document's warnings; a SpecError listing every error, if it has any."""
    problems = _problems(doc, file, is_30)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SpecError(errors)
    return problems


class Validation:
    """`validate_document` running in a forked child while the caller goes on.

    `wait()` gives every problem `validate_document` finds (errors and warnings). Where fork is
    not available (or threads are running), the check runs in `wait()` instead.
    """

    def __init__(self, doc: dict[str, Any], file: str, is_30: bool) -> None:
        self._args = (doc, file, is_30)
        self._pid = 0
        self._reader = -1
        if hasattr(os, "fork") and threading.active_count() == 1:
            self._fork()

    def _fork(self) -> None:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: check, send the problems, and leave without cleanup
            status = 1
            try:
                os.close(reader)
                gc.freeze()  # the collector then never writes to (and copies) the parent's pages
                with os.fdopen(writer, "wb") as out:
                    pickle.dump(_problems(*self._args), out)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        self._pid, self._reader = pid, reader

    def wait(self) -> list[Problem]:
        problems = None
        if self._pid:
            with os.fdopen(self._reader, "rb") as result:
                data = result.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            if status == 0 and data:
                problems = pickle.loads(data)  # our own child's output
        if problems is None:  # no child, or it died: check here
            problems = _problems(*self._args)
        return problems


def start_validation(doc: dict[str, Any], file: str, is_30: bool) -> Validation:
    """Start checking `doc` against the meta-schema; `.wait()` for the problems."""
    return Validation(doc, file, is_30)
