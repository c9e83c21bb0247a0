"""The optional generator config (`sdksmith.yaml` beside the spec, or `--config FILE`).

Every key is optional; without a config every name is derived from the spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecError
from .loader import display_path, load_file

CONFIG_NAME = "sdksmith.yaml"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_DIST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")

_STRING_KEYS = {
    "package_name": _IDENT,
    "distribution_name": _DIST,
    "client_name": _IDENT,
    "api_key_env": _ENV,
    "base_url_env": _ENV,
    "log_env": _ENV,
    "base_url": None,
    "version": None,
}
_MAPPING_KEYS = {"resources", "pagination", "skip"}


@dataclass(frozen=True)
class Config:
    values: dict[str, str] = field(default_factory=dict)
    # operationId -> "resource.sub.method" (where the operation lives on the client)
    resources: dict[str, str] = field(default_factory=dict)
    # operationId -> pagination settings
    pagination: dict[str, dict[str, Any]] = field(default_factory=dict)
    # operationId -> reason the contract tests skip it
    skip: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    def get(self, key: str) -> str | None:
        return self.values.get(key)


def find_config(spec_path: Path, explicit: Path | None) -> Path | None:
    if explicit is not None:
        return explicit
    beside = spec_path.parent / CONFIG_NAME
    return beside if beside.is_file() else None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    shown = display_path(path.resolve().as_uri())
    data = load_file(path)
    if data is None:
        return Config(source=shown)
    if not isinstance(data, dict):
        raise SpecError.one(shown, "", "config must be a mapping")
    values: dict[str, str] = {}
    problems = []
    for key, value in data.items():
        if key in _STRING_KEYS:
            pattern = _STRING_KEYS[key]
            if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
                problems.append((f"/{key}", f"invalid value {value!r}"))
            else:
                values[key] = value
        elif key in _MAPPING_KEYS:
            if not isinstance(value, dict):
                problems.append((f"/{key}", "must be a mapping keyed by operationId"))
        else:
            problems.append((f"/{key}", f"unknown config key {key!r}"))
    if problems:
        from ..errors import Problem

        raise SpecError([Problem(shown, p, m) for p, m in problems])
    return Config(
        values=values,
        resources={str(k): str(v) for k, v in (data.get("resources") or {}).items()},
        pagination={str(k): dict(v or {}) for k, v in (data.get("pagination") or {}).items()},
        skip={str(k): str(v) for k, v in (data.get("skip") or {}).items()},
        source=shown,
    )
