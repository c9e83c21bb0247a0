"""Load an OpenAPI document (YAML or JSON, one file or many) and resolve `$ref`s.

Parsing is PyYAML (its C loader when available) and the standard json module;
`$ref` resolution across files is the `referencing` library. A `Spec` gives the
rest of the pipeline one thing to ask: "what does this `$ref` point at?", with
a stable key (file URI + JSON pointer) that names the target.

Safe on hostile input: a `$ref` reaches only files under the spec's own
directory (and the extra roots the caller allows); YAML aliases that would
expand a small file into a huge (or infinite) document are refused before
anything walks them; a chain of bare `$ref`s is followed once, however many
places lead into it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

import yaml
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from ..errors import Problem, SpecError, escape_pointer_token

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


# A YAML document may expand through aliases to at most this many nodes (or ten times the nodes
# it writes out, if that is more): a "billion laughs" document is refused before it is built.
MAX_EXPANDED_NODES = 1_000_000


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _alias_problem(root: yaml.Node) -> str | None:
    """Why the composed YAML graph must not be built (aliases that loop or expand too far), or None.

    Linear in the nodes written: each node's expanded size is computed once."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _yaml_children(node))
            continue
        if key in size:
            continue
        if key in on_path:
            return "a YAML alias refers to a node that contains it (a recursive document)"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _yaml_children(node) if id(child) not in size)
    expanded, written = size[id(root)], len(size)
    if expanded > max(MAX_EXPANDED_NODES, 10 * written):
        return (
            f"YAML aliases expand {written} nodes to {expanded}: refused "
            f"(at most {max(MAX_EXPANDED_NODES, 10 * written)}; is this an alias bomb?)"
        )
    return None


def _load_yaml(text: bytes, shown: str) -> Any:
    loader = _SpecLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if b"*" in text:  # aliases are possible: check what they expand to before building
            problem = _alias_problem(node)
            if problem is not None:
                raise SpecError.one(shown, "", problem)
        return loader.construct_document(node)
    finally:
        loader.dispose()


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
        data = _load_yaml(text, shown)
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
    """A loaded root document plus every file its `$ref`s reach.

    A `$ref` may reach only files under the root document's directory or one of
    `ref_roots`: anything else (`/etc/passwd`, `../../secrets.yaml`) is a SpecError."""

    def __init__(self, path: Path, ref_roots: Iterable[Path] = ()) -> None:
        self.path = path.resolve()
        self.uri = self.path.as_uri()
        self.roots = (self.path.parent, *(Path(r).resolve() for r in ref_roots))
        self._allowed: dict[str, bool] = {self.uri: True}
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
        # uri#pointer of a bare `$ref` -> where its chain ends: each chain is followed once.
        self._chain_end: dict[str, Target] = {}

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

    def allowed(self, uri: str) -> bool:
        """Whether a `$ref` may read the document at `uri`: a file under one of `self.roots`."""
        verdict = self._allowed.get(uri)
        if verdict is None:
            verdict = False
            if uri.startswith("file://"):
                path = Path(unquote(uri.removeprefix("file://"))).resolve()
                verdict = any(path.is_relative_to(root) for root in self.roots)
            self._allowed[uri] = verdict
        return verdict

    def _resolve(self, ref: str, base_uri: str, at: str) -> Target:
        seen: list[str] = []
        seen_set: set[str] = set()
        while True:
            if not isinstance(ref, str):
                raise SpecError.one(display_path(base_uri), at, f"$ref must be a string, not {ref!r}")
            absolute = urljoin(base_uri, ref)
            uri, fragment = urldefrag(absolute)
            pointer = unquote(fragment)
            key = f"{uri}#{pointer}"
            known = self._chain_end.get(key)
            if known is not None:
                target = known
                break
            if key in seen_set:
                chain = " -> ".join([*seen, key])
                raise SpecError.one(display_path(base_uri), at, f"$ref cycle: {chain}")
            if uri.startswith("file://") and not self.allowed(uri):
                roots = ", ".join(str(r) for r in self.roots)
                raise SpecError.one(
                    display_path(base_uri),
                    at,
                    f"$ref {ref!r} reaches outside the spec's directory ({roots}): refused "
                    "(add the directory with --ref-root to allow it)",
                )
            seen.append(key)
            seen_set.add(key)
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
            target = Target(key=key, uri=uri, pointer=pointer, node=node)
            break
        for hop in seen:
            self._chain_end[hop] = target
        return target

    def ref_problems(self) -> list[Problem]:
        """Every `$ref` in every document read so far (and those they reach) that cannot be
        followed: to report all of them at once when one has stopped the readers."""
        problems: list[Problem] = []
        done: set[str] = set()
        while True:
            todo = [uri for uri, doc in list(self._documents.items()) if uri not in done and doc is not None]
            if not todo:
                return problems
            for uri in todo:
                done.add(uri)
                for ref, at in _refs_in(self._documents[uri]):
                    try:
                        self.resolve(ref, uri, at)
                    except SpecError as exc:
                        problems.extend(p for p in exc.problems if p not in problems)

    def problem(self, uri: str, pointer: str, message: str) -> Problem:
        return Problem(display_path(uri), pointer, message)


# Keys whose values are data, not OpenAPI: a "$ref" key in them is not a reference.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


def _refs_in(doc: Any) -> Iterator[tuple[str, str]]:
    """(ref, pointer of the `$ref` key) for every string `$ref` in `doc`, without recursion."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"], at + "/$ref"
            for key, value in node.items():
                if key not in _DATA_KEYS and not key.startswith("x-") and isinstance(value, (dict, list)):
                    stack.append((value, f"{at}/{escape_pointer_token(key)}"))
        elif isinstance(node, list):
            stack.extend((value, f"{at}/{i}") for i, value in enumerate(node) if isinstance(value, (dict, list)))
