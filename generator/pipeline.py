"""The chain of stages, top to bottom: spec document → `ir.Package` → files → bytes on disk.

1. `spec`    : the config, then the document (load, `$ref`s, validation, 3.0 → 3.1);
2. `ir`      : the intermediate model (`ir.build.build_package` runs stage 1 as it reads);
3. `python`  : types modules placed, the SDK's files rendered from templates;
4. `testing` : the SDK's contract tests rendered beside it;
5. `python`  : the whole tree formatted once with ruff (in a scratch directory);
6. `output`  : written atomically, or compared with what is on disk (`cli`).
"""

from __future__ import annotations

from pathlib import Path

from . import ir
from .ir.build import build_package
from .output.writer import render_to_bytes
from .python.format import format_tree
from .python.modules import place_modules
from .python.package import render_package, source_label
from .python.render import make_environment
from .spec.config import find_config, load_config
from .testing.contract_tests import render_tests


def produce(
    spec: Path, config_path: Path | None, output: Path
) -> tuple[ir.Package, dict[str, bytes], dict[str, bytes]]:
    """(the package, the generated files, the seed files written only once), paths relative to `output`."""
    config = load_config(find_config(spec, config_path))
    pkg = place_modules(build_package(spec, config))
    env = make_environment(pkg.definitions)
    files, seeds = render_package(pkg, source_label(spec), env)
    files.update(render_tests(pkg, spec, env, source_label(spec)))
    generated = render_to_bytes(files, format_tree, scratch_parent=output.resolve().parent)
    return pkg, generated, {path: text.encode() for path, text in seeds.items()}
