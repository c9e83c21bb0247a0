"""The chain of stages, top to bottom: spec document → `ir.Package` → files → bytes on disk.

1. `spec`    : the config, then the document (load, `$ref`s, validation, 3.0 → 3.1);
2. `ir`      : the intermediate model (`ir.build.build_package` runs stage 1 as it reads);
3. `python`  : types modules placed, the SDK's files rendered from templates;
4. `testing` : the SDK's contract tests rendered beside it;
5. `python`  : the whole tree formatted once with ruff (in a scratch directory);
6. `output`  : written atomically, or compared with what is on disk (`cli`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import ir
from .errors import SpecError
from .ir.build import build_package
from .output.writer import render_to_bytes
from .python.format import GeneratedCodeError, format_tree
from .python.modules import place_modules
from .python.package import render_package
from .python.render import make_environment
from .spec.config import find_config, load_config
from .testing.contract_tests import render_tests


def produce(
    spec: Path,
    config_path: Path | None,
    *,
    strict: bool = False,
    ref_roots: Iterable[Path] = (),
) -> tuple[ir.Package, dict[str, bytes], dict[str, bytes]]:
    """(the package, the generated files, the seed files written only once), by path in the output.

    The package's `warnings` are problems in the spec that generation worked around; with
    `strict`, they are errors (a SpecError) instead. `ref_roots` are directories besides the
    spec's own that its `$ref`s may read."""
    ref_roots = tuple(ref_roots)
    config = load_config(find_config(spec, config_path))
    pkg = place_modules(build_package(spec, config, ref_roots))
    if strict and pkg.warnings:
        raise SpecError([w.as_error() for w in pkg.warnings])
    env = make_environment(pkg.definitions)
    files, seeds = render_package(pkg, env)  # nothing in them depends on the spec's file name
    files.update(render_tests(pkg, spec, env, ref_roots=ref_roots))
    try:
        generated = render_to_bytes(files, format_tree)
    except GeneratedCodeError as exc:
        exc.pointer = exc.pointer or _origin(pkg, exc.near)
        raise
    return pkg, generated, {path: text.encode() for path, text in seeds.items()}


def _origin(pkg: ir.Package, near: str | None) -> str | None:
    """The spec location of the class (a definition) or method (an operation) named `near`."""
    if not near:
        return None
    kind, _, name = near.partition(" ")
    if kind == "class" and name in pkg.definitions:
        return "#" + pkg.definitions[name].pointer
    if kind == "def":
        stack = list(pkg.resources)
        while stack:
            resource = stack.pop()
            stack.extend(resource.children)
            for op in resource.operations:
                if op.method_name == name:
                    return "#" + op.pointer
    return None
