"""Render a `Package` into the files of the generated SDK."""

from __future__ import annotations

import jinja2

from .. import ir
from .client_view import ClientView
from .paths import templates_dir

# Runtime files copied verbatim into every SDK (from templates/runtime/).
RUNTIME_DIR = "runtime"


def render_package(pkg: ir.Package, env: jinja2.Environment) -> tuple[dict[str, str], dict[str, str]]:
    """(generated files, seed files) keyed by path relative to the output directory. Nothing in them
    depends on the spec's file name or path: renaming the spec changes no byte."""
    p = pkg.names.package_name
    view = ClientView(pkg.definitions)
    examples = [d for d in pkg.definitions.values() if isinstance(d, ir.ModelDef) and d.fields]
    ctx = {
        "names": pkg.names,
        "package": pkg,
        "view": view,
        "example_model": min(examples, key=lambda d: d.name) if examples else None,
    }
    files: dict[str, str] = {}
    types_module = env.get_template("sdk/types_module.py.j2")
    for module in pkg.modules:
        files[f"{p}/types/{module.name}.py"] = types_module.render(module=module, **ctx)
    exports = sorted((name, mod) for name, mod in pkg.module_of.items())
    files[f"{p}/types/__init__.py"] = env.get_template("sdk/types_init.py.j2").render(exports=exports, **ctx)
    for path in sorted((templates_dir() / RUNTIME_DIR).glob("*.py")):
        if path.name == "__init__.py":  # the runtime's own package marker (for the import-layer check)
            continue
        files[f"{p}/{path.name}"] = path.read_text()
    resource_template = env.get_template("sdk/resource.py.j2")
    for resource in _all_resources(pkg.resources):
        files[f"{p}/resources/{resource.module}.py"] = resource_template.render(resource=resource, **ctx)
    files[f"{p}/resources/__init__.py"] = f'"""Resources of the {p} client (one module each)."""\n'
    for template, target in (
        ("client.py.j2", f"{p}/_client.py"),
        ("package_init.py.j2", f"{p}/__init__.py"),
        ("pyproject.toml.j2", "pyproject.toml"),
        ("README.md.j2", "README.md"),
    ):
        files[target] = env.get_template(f"sdk/{template}").render(**ctx)
    files[f"{p}/py.typed"] = ""
    seeds = {f"{p}/lib/__init__.py": env.get_template("sdk/lib_init.py.j2").render(**ctx)}
    return files, seeds


def _all_resources(resources: tuple[ir.ResourceDef, ...]) -> list[ir.ResourceDef]:
    out = []
    for r in resources:
        out.append(r)
        out.extend(_all_resources(r.children))
    return out
