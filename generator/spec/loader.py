"""Load an OpenAPI document (YAML or JSON, one file or many) and resolve `$ref`s.

Parsing is PyYAML (its C loader when available) and the standard json module;
`$ref` resolution across files is the `referencing` library. A `Spec` gives the
rest of the pipeline one thing to ask: "what does this `$ref` point at?", with
a stable key (file URI + JSON pointer) that names the target.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

import yaml
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from ..errors import Problem, SpecError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates and times as the strings the author wrote."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def display_path(uri: str) -> str:
    """The file name to show in messages (relative to the working directory when possible)."""
    path = Path(unquote(uri.removeprefix("file://")))
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _stringify_keys(node: Any) -> Any:
    """YAML allows non-string keys (`200:`); OpenAPI means them as strings."""
    if isinstance(node, dict):
        return {str(k): _stringify_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_stringify_keys(v) for v in node]
    return node


def load_file(path: Path) -> Any:
    """Parse one YAML or JSON file; a SpecError names the file and position on failure."""
    shown = display_path(path.resolve().as_uri())
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise SpecError.one(shown, "", f"cannot read file: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SpecError.one(shown, "", f"invalid JSON: {exc}") from None
    try:
        data = yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError.one(shown, "", f"invalid YAML{where}: {problem}") from None
    return _stringify_keys(data)


@dataclass(frozen=True)
class Target:
    """What a `$ref` resolved to: its stable key, its document URI, and the node."""

    key: str
    uri: str
    pointer: str
    node: Any


class Spec:
    """A loaded root document plus every file its `$ref`s reach."""

    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        self.uri = self.path.as_uri()
        self.root = load_file(self.path)
        if not isinstance(self.root, dict):
            raise SpecError.one(display_path(self.uri), "", "the document is not an object")
        self._documents: dict[str, Any] = {self.uri: self.root}
        root_resource = Resource.from_contents(self.root, default_specification=DRAFT202012)
        self._registry: Registry = Registry(retrieve=self._retrieve).with_resource(  # type: ignore[call-arg]
            self.uri, root_resource
        )
        # (base uri, $ref) -> Target: big specs repeat the same `$ref` thousands of times.
        self._resolved: dict[tuple[str, str], Target] = {}

    def _retrieve(self, uri: str) -> Resource:
        if uri not in self._documents:
            if not uri.startswith("file://"):
                raise NoSuchResource(ref=uri)
            path = Path(unquote(uri.removeprefix("file://")))
            if not path.exists():
                raise NoSuchResource(ref=uri)
            self._documents[uri] = load_file(path)
        return Resource.from_contents(self._documents[uri], default_specification=DRAFT202012)

    def resolve(self, ref: str, base_uri: str, at: str) -> Target:
        """Follow `ref` (found at pointer `at` of `base_uri`), through chains of bare `$ref`s."""
        target = self._resolved.get((base_uri, ref))
        if target is None:
            target = self._resolved[(base_uri, ref)] = self._resolve(ref, base_uri, at)
        return target

    def _resolve(self, ref: str, base_uri: str, at: str) -> Target:
        seen: list[str] = []
        while True:
            absolute = urljoin(base_uri, ref)
            uri, fragment = urldefrag(absolute)
            pointer = unquote(fragment)
            key = f"{uri}#{pointer}"
            if key in seen:
                chain = " -> ".join([*seen, key])
                raise SpecError.one(display_path(base_uri), at, f"$ref cycle: {chain}")
            seen.append(key)
            try:
                resolved = self._registry.resolver(base_uri=base_uri).lookup(ref)
            except (PointerToNowhere, NoSuchResource, Unresolvable) as exc:
                cause = exc.__cause__
                while cause is not None and not isinstance(cause, SpecError):
                    cause = cause.__cause__
                if cause is not None:  # the other file is itself bad (say, invalid YAML)
                    raise cause from None
                raise SpecError.one(display_path(base_uri), at, f"$ref {ref!r} points at nothing") from None
            node = resolved.contents
            self._documents.setdefault(uri, None)
            if isinstance(node, dict) and isinstance(node.get("$ref"), str) and len(node) == 1:
                base_uri, at, ref = uri, pointer, node["$ref"]
                continue
            return Target(key=key, uri=uri, pointer=pointer, node=node)

    def problem(self, uri: str, pointer: str, message: str) -> Problem:
        return Problem(display_path(uri), pointer, message)
