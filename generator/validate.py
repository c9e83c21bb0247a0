"""Check the document against the OpenAPI 3.0 / 3.1 meta-schema.

The meta-schemas are the ones openapi-spec-validator ships; the checking is
the jsonschema library. (openapi-spec-validator's full validation also
re-resolves every `$ref`, which costs 14 s on GitHub's spec; the schema
reader resolves and checks every `$ref` it follows anyway.)
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from openapi_spec_validator.schemas import schema_v30, schema_v31

from .errors import Problem, SpecError, pointer_of

_VERSION = re.compile(r"^3\.(0|1)\.\d+$")
MAX_PROBLEMS = 50


def check_version(doc: dict[str, Any], file: str) -> bool:
    """True for 3.0.x, False for 3.1.x; a SpecError for anything else."""
    version = doc.get("openapi")
    if version is None:
        if "swagger" in doc:
            raise SpecError.one(file, "/swagger", "Swagger 2.0 is not supported: convert the spec to OpenAPI 3")
        raise SpecError.one(file, "/openapi", "missing 'openapi' version field")
    if not isinstance(version, str) or not _VERSION.match(version):
        raise SpecError.one(
            file, "/openapi", f"unsupported OpenAPI version {version!r} (supported: 3.0.x, 3.1.x)"
        )
    return version.startswith("3.0")


def validate_document(doc: dict[str, Any], file: str, is_30: bool) -> None:
    schema = schema_v30 if is_30 else schema_v31
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema)
    problems: list[Problem] = []
    for error in validator.iter_errors(doc):
        error = best_match([error]) or error
        while error.context:
            deeper = best_match(error.context)
            if deeper is None or len(deeper.absolute_path) < len(error.absolute_path):
                break
            error = deeper
        message = error.message
        if len(message) > 200:
            message = message[:197] + "..."
        problems.append(Problem(file, pointer_of(error.absolute_path), message))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        problems.sort(key=lambda p: p.pointer)
        raise SpecError(problems)
