"""Place definitions into `types/` modules.

Each component schema gets its own module, holding the inline definitions
named after it. Schemas that refer to each other in a cycle share one module
(a strongly connected component of the reference graph), so modules import
each other as a DAG and never circularly. Within a module, classes come first
(their annotations are lazy) and type aliases last, in dependency order
(aliases are evaluated when the module runs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .. import ir
from ..ir.naming import Namer, module_name


def _refs(d: ir.Definition) -> set[str]:
    if isinstance(d, ir.ModelDef):
        out = {n for f in d.fields for n in ir.walk_named(f.type)}
        if d.extra_type is not None:
            out |= set(ir.walk_named(d.extra_type))
        return out
    if isinstance(d, ir.AliasDef):
        return set(ir.walk_named(d.type))
    return set()


def _sccs(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components come out in a deterministic order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def _order_aliases(aliases: list[ir.AliasDef], reports: list[ir.Report]) -> list[ir.Definition]:
    """Aliases in dependency order; an alias caught in an alias-only cycle becomes any JSON."""
    by_name = {a.name: a for a in aliases}
    done: list[ir.Definition] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def visit(a: ir.AliasDef) -> None:
        if a.name in placed:
            return
        if a.name in visiting:
            return
        visiting.add(a.name)
        for dep in sorted(_refs(a)):
            if dep in by_name:
                if dep in visiting:
                    reports.append(ir.Report(a.pointer, "type alias refers to itself; typed as any JSON"))
                    by_name[a.name] = a = ir.AliasDef(a.name, a.pointer, a.description, ir.AnyJson())
                    break
                visit(by_name[dep])
        visiting.discard(a.name)
        placed.add(a.name)
        done.append(by_name[a.name])

    for a in aliases:
        visit(a)
    return done


def place_modules(pkg: ir.Package) -> ir.Package:
    """`pkg` with its definitions placed into `types/` modules (`modules`, `module_of`)."""
    reports = list(pkg.reports)
    modules, module_of = group_modules(pkg.definitions, pkg.owner, reports)
    return replace(pkg, modules=modules, module_of=module_of, reports=tuple(reports))


def group_modules(
    definitions: dict[str, ir.Definition], owner: dict[str, str], reports: list[ir.Report]
) -> tuple[tuple[ir.TypesModule, ...], dict[str, str]]:
    tops = sorted({owner[n] for n in definitions})
    edges: dict[str, set[str]] = defaultdict(set)
    for name, d in definitions.items():
        for ref in _refs(d):
            if ref in owner and owner[ref] != owner[name]:
                edges[owner[name]].add(owner[ref])
    members_of: dict[str, list[str]] = defaultdict(list)
    for name in sorted(definitions):
        members_of[owner[name]].append(name)

    namer = Namer({"_models", "_client", "_base_client", "lib", "types", "resources"})
    module_of: dict[str, str] = {}
    placed: list[tuple[str, list[str]]] = []
    for component in sorted(_sccs(tops, edges)):
        mod = namer.claim(module_name(component[0]), "_")
        names = [n for top in component for n in _definition_order(top, members_of[top], definitions)]
        for n in names:
            module_of[n] = mod
        placed.append((mod, names))

    result = []
    for mod, names in placed:
        defs = [definitions[n] for n in names]
        classes = [d for d in defs if not isinstance(d, ir.AliasDef)]
        aliases = _order_aliases([d for d in defs if isinstance(d, ir.AliasDef)], reports)
        imports: dict[str, set[str]] = defaultdict(set)
        for d in defs:
            for ref in _refs(d):
                if module_of[ref] != mod:
                    imports[module_of[ref]].add(ref)
        result.append(
            ir.TypesModule(
                name=mod,
                definitions=tuple(classes + aliases),
                imports=tuple((m, tuple(sorted(ns))) for m, ns in sorted(imports.items())),
            )
        )
    return tuple(result), module_of


def _definition_order(top: str, members: list[str], definitions: dict[str, ir.Definition]) -> list[str]:
    """The component's own definition first, then its inline ones in name order."""
    return [top] + [n for n in members if n != top]
