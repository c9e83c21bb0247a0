"""Specs with hostile names in every position still give an SDK that works (issue 8, acceptance 4).

A hypothesis strategy builds OpenAPI documents whose names and texts are hostile: Python keywords
and soft keywords, builtins, pydantic `BaseModel` attributes, the runtime's and the templates' own
names, dunders, names differing only in case or punctuation, digits first, empty, unicode, quotes,
triple quotes, backslashes, Jinja syntax, newlines, 500-character names, and code planted to run
(`__import__('os').system(...)`, `\"\"\"; import os; ...`, Jinja's `{{ ... }}`) which would touch a
marker file. The positions: schema, property, enum value, operationId, tag, path segment,
parameter (path, query, header), description, default, example, server URL, title, version and
the spec's own file name.

For every example: the spec generates (in-process, `generator.pipeline.produce`), the output passes
`ruff check` with the configuration sdksmith formats generated code with, every module imports,
and the SDK's own contract tests call each operation (sync client, required arguments and all
arguments, raw and streaming) against the in-process mock (`tests/_mock.py`) in a subprocess; the
marker file never appears.

Where the OpenAPI meta-schema restricts a position, the hostile text is kept to what it allows:
component keys match `^[a-zA-Z0-9._-]+$`; path segments and path parameter names are URL-safe;
header names are HTTP tokens and header parameters carry no example (a header value cannot hold a
newline). Everything else takes any text.

Examples: `SDKSMITH_HOSTILE_EXAMPLES` (default 6, derandomized, plus one explicit example holding
every hostile name at once, so the default run is fixed and short). The full run, ≥ 500 random
examples, is `make hostile` (`SDKSMITH_HOSTILE_EXAMPLES=500`; `SDKSMITH_HOSTILE_SEED` replays a
run). Each example takes a few seconds, so examples are not shrunk: a failing example's spec is
kept and its path is in the failure message.
"""

from __future__ import annotations

import builtins
import json
import keyword
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st

from generator.ir import naming
from generator.pipeline import produce

REPO = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"
RUFF_CONFIG = REPO / "generator" / "python" / "ruff_generated.toml"
EXAMPLES = int(os.environ.get("SDKSMITH_HOSTILE_EXAMPLES", "6"))
SEED = os.environ.get("SDKSMITH_HOSTILE_SEED")
FULL_RUN = "SDKSMITH_HOSTILE_EXAMPLES" in os.environ
# Where planted code would leave its mark (one directory per session).
MARKS = Path(tempfile.mkdtemp(prefix="sdksmith-hostile-marks-"))
MARKER = MARKS / "MARKER"
KEPT = Path(os.environ.get("SDKSMITH_HOSTILE_KEEP", tempfile.gettempdir())) / "sdksmith-hostile-failures"

# ---------------------------------------------------------------- hostile text

PAYLOADS = [
    f"__import__('os').system('touch {MARKER}')",
    f'"""; import os; os.system("touch {MARKER}") #',
    f"'''; import os; os.system('touch {MARKER}') #",
    f"\n__import__('os').system('touch {MARKER}')\n",
    f"\\\n__import__('os').system('touch {MARKER}')  # trailing backslash \\",
    f"{{{{ cycler.__init__.__globals__.os.system('touch {MARKER}') }}}}",
    f"{{% for c in ().__class__.__base__.__subclasses__() %}}{{{{ c }}}}{{% endfor %}}touch {MARKER}",
    f"*/ </script> <!-- --> `touch {MARKER}` $(touch {MARKER})",
]
_RUNTIME_NAMES = sorted(
    naming.RESERVED_CLIENT_NAMES - set(dir(builtins)) - set(keyword.kwlist)
    | naming.RESERVED_PARAMS
    | {"path_template", "cached_property", "to_raw_response_wrapper", "async_to_streamed_response_wrapper", "init"}
)
_BASEMODEL = sorted(n for n in dir(pydantic.BaseModel) if not n.startswith("__"))[:60]
WORDS = sorted(
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {"classmethod", "getattr", "setattr", "isinstance", "any", "str", "int", "list", "dict", "object", "type"}
    | {"print", "exec", "eval", "__import__", "open", "id", "len", "bytes", "date", "datetime", "time"}
    | set(_BASEMODEL)
    | set(_RUNTIME_NAMES)
    | {"__init__", "__class__", "__dict__", "__all__", "__getattr__", "__name__", "_", "__", "___"}
    | {"self", "body", "timeout", "extra_headers", "cls", "v", "client", "response", "result", "types"}
    | {"email", "json", "typing", "pydantic", "httpx", "anyio", "tests", "importlib", "annotations"}
    | {"3d_secure", "1-clicks", "2010-04-01", "0", "1", "42abc", "9_lives"}
    | {"model_config", "model_fields", "Builder", "builder", "to_dict", "raw", "additional_properties"}
)
ODD = [
    "",
    " ",
    "a" * 500,
    "B" * 300 + "_tail",
    "ünïcödé",
    "名前",
    "emoji😀",
    "Ω",
    "'",
    '"',
    '"""',
    "'''",
    "\\",
    "back\\slash\\",
    "{{ x }}",
    "{% raw %}",
    "{#",
    "new\nline",
    "\r\n",
    "tab\tbed",
    "nul\x00byte",
    "+1",
    "-1",
    "*",
    "$ref",
    "a.b",
    "a-b",
    "a_b",
    "A_B",
    "aB",
    "a b",
    "A-b",
    *PAYLOADS,
]
ALL_NAMES = WORDS + ODD
_KEY_SAFE = re.compile(r"^[A-Za-z0-9._-]+$")  # component keys (the meta-schema's pattern)
_URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")  # path segments and path parameter names
_TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")  # HTTP header names
_IGNORED_HEADERS = {"accept", "content-type", "authorization", "x-sdk-lang", "user-agent", "host", "content-length"}


def _variants(name: str) -> list[str]:
    """Names that differ from `name` only in case or punctuation."""
    return [
        name,
        name.upper(),
        name.capitalize(),
        name + "_",
        "-" + name,
        name.replace("_", "-"),
        name.replace("_", ""),
    ]


names = st.one_of(
    st.sampled_from(ALL_NAMES),
    st.sampled_from(WORDS).flatmap(lambda w: st.sampled_from(_variants(w))),
    st.text(min_size=0, max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(WORDS), st.sampled_from(ODD)),
)


def _fit(pattern: re.Pattern[str], pool: list[str]) -> list[str]:
    return [n[:200] for n in pool if pattern.match(n)]


KEY_NAMES = _fit(_KEY_SAFE, ALL_NAMES) + [v for w in WORDS for v in _variants(w) if _KEY_SAFE.match(v)][:200]
URL_NAMES = sorted(set(_fit(_URL_SAFE, ALL_NAMES)))
HEADER_NAMES = sorted({n for n in _fit(_TOKEN, ALL_NAMES) if n.lower() not in _IGNORED_HEADERS})
texts = st.one_of(st.sampled_from(PAYLOADS + ODD), st.text(max_size=40))


# ---------------------------------------------------------------- specs


def _schema_for(kind: str, prop_names: list[str], values: list[str], text: str, refs: list[str], inner: int) -> Any:
    """One property's schema: every shape that makes a name (enum, inline object, list of inline
    objects, union of inline objects, `$ref`) and every text position (description, default, example)."""
    if kind == "enum":
        return {"type": "string", "enum": values, "description": text}
    if kind == "string":
        return {"type": "string", "description": text, "default": text, "example": text}
    if kind == "integer":
        return {"type": "integer", "description": text, "example": 3}
    if kind == "ref" and refs:
        return {"$ref": f"#/components/schemas/{refs[inner % len(refs)]}"}
    obj = {
        "type": "object",
        "title": text,
        "description": text,
        "properties": {p: {"type": "string", "description": text} for p in prop_names},
    }
    if kind == "list":
        return {"type": "array", "items": obj}
    if kind == "union":
        other = {
            "type": "object",
            "properties": {p + "_other": {"type": "integer"} for p in prop_names} or {"other": {"type": "integer"}},
        }
        untitled = {k: v for k, v in obj.items() if k != "title"}  # named by the property only it has
        return {"anyOf": [untitled, other]}  # anyOf: a value may fit both
    return obj


@st.composite
def hostile_specs(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """(an OpenAPI 3.1 document, its file name)."""
    text = draw(texts)
    schema_keys = draw(st.lists(st.sampled_from(KEY_NAMES), min_size=1, max_size=6, unique=True))
    schemas: dict[str, Any] = {}
    kinds = ["enum", "string", "integer", "object", "list", "union", "ref"]
    for key in schema_keys:
        props = draw(st.lists(names, min_size=1, max_size=6, unique=True))
        inner_props = draw(st.lists(names, min_size=1, max_size=3, unique=True))
        values = draw(st.lists(names, min_size=1, max_size=5, unique=True))
        schemas[key] = {
            "type": "object",
            "description": draw(texts),
            "required": props[:1],
            "properties": {
                # the required first property is no `$ref`: a schema requiring itself has no instance
                p: _schema_for(
                    draw(st.sampled_from(kinds[:-1] if i == 0 else kinds)),
                    inner_props,
                    values,
                    draw(texts),
                    schema_keys,
                    i,
                )
                for i, p in enumerate(props)
            },
        }
    paths: dict[str, Any] = {}
    for n in range(draw(st.integers(1, 3))):
        segment = draw(st.sampled_from(URL_NAMES))
        param = draw(st.sampled_from(URL_NAMES))
        queries = draw(st.lists(names, max_size=5, unique=True))
        headers = draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=3, unique_by=str.lower))
        body_props = draw(st.lists(names, min_size=1, max_size=5, unique=True))
        response = {"$ref": f"#/components/schemas/{draw(st.sampled_from(schema_keys))}"}
        parameters = [
            {"name": param, "in": "path", "required": True, "description": draw(texts), "schema": {"type": "string"}},
            *(
                {
                    "name": q,
                    "in": "query",
                    "description": draw(texts),
                    "example": draw(texts),
                    "schema": {"type": "string", "minLength": 1, "default": draw(texts) or "-"},
                }
                for q in queries
            ),
            *({"name": h, "in": "header", "description": draw(texts), "schema": {"type": "string"}} for h in headers),
        ]
        operation = {
            "operationId": draw(names),
            "tags": draw(st.lists(names, max_size=2)),
            "summary": draw(texts),
            "description": draw(texts),
            "parameters": parameters,
            "responses": {
                "200": {"description": draw(texts), "content": {"application/json": {"schema": response}}},
            },
        }
        body_schema = {
            "type": "object",
            "properties": {
                p: _schema_for(draw(st.sampled_from(kinds)), body_props[:2], [draw(names)], draw(texts), schema_keys, i)
                for i, p in enumerate(body_props)
            },
        }
        paths[f"/{segment}/{n}/{{{param}}}"] = {
            "get": operation,
            "post": {
                "operationId": draw(names),
                "description": draw(texts),
                "parameters": parameters[:1],
                "requestBody": {"content": {"application/json": {"schema": body_schema}}},
                "responses": {
                    "201": {"description": draw(texts), "content": {"application/json": {"schema": response}}}
                },
            },
        }
    host = draw(st.sampled_from(URL_NAMES)).lower().strip("-_") or "api"
    doc = {
        "openapi": "3.1.0",
        "info": {"title": draw(names) + draw(texts), "version": draw(texts), "description": text},
        "servers": [{"url": f"https://{host}.example.com/{draw(texts)}", "description": draw(texts)}],
        "tags": [{"name": t, "description": draw(texts)} for t in draw(st.lists(names, max_size=2, unique=True))],
        "paths": paths,
        "components": {"schemas": schemas},
    }
    return doc, _file_name(draw(st.sampled_from(ALL_NAMES)) + draw(texts))


def _file_name(text: str) -> str:
    """A file name (no `/` or NUL, at most 255 bytes) from hostile text, ending in `.json`."""
    name = text.replace("/", "_").replace("\x00", "_")
    while len((name + ".json").encode()) > 255:
        name = name[:-1]
    return (name or "spec") + ".json"


def _kitchen_sink() -> tuple[dict[str, Any], str]:
    """Every hostile name at once: as properties of one schema (with every shape), as enum values,
    as component keys, path segments, path, query and header parameters, operationIds and tags."""
    keys = KEY_NAMES
    shapes = ["string", "object", "union", "list", "ref", "integer"]
    first = {
        "type": "object",
        "description": PAYLOADS[1],
        "properties": {
            p: _schema_for(shapes[j % len(shapes)], ALL_NAMES[j % 50 :: 97], [], PAYLOADS[j % len(PAYLOADS)], keys, j)
            for j, p in enumerate(ALL_NAMES)
        },
    }
    first["properties"]["kind"] = _schema_for("enum", [], ALL_NAMES, PAYLOADS[0], keys, 0)
    schemas = {keys[0]: first}
    for i, key in enumerate(keys[1:], 1):
        schemas[key] = {
            "type": "object",
            "description": PAYLOADS[i % len(PAYLOADS)],
            "properties": {ALL_NAMES[(i * 13) % len(ALL_NAMES)]: {"$ref": f"#/components/schemas/{keys[i // 20]}"}},
        }
    paths: dict[str, Any] = {}
    for i, segment in enumerate(URL_NAMES[::7]):
        param = URL_NAMES[(i * 5) % len(URL_NAMES)]
        response = {"$ref": f"#/components/schemas/{keys[i % len(keys)]}"}
        paths[f"/{segment}/{{{param}}}"] = {
            "get": {
                "operationId": ALL_NAMES[i % len(ALL_NAMES)],
                "tags": [ODD[i % len(ODD)]],
                "description": PAYLOADS[i % len(PAYLOADS)],
                "parameters": [
                    {"name": param, "in": "path", "required": True, "schema": {"type": "string"}},
                    *(
                        {"name": q, "in": "query", "example": PAYLOADS[0], "schema": {"type": "string", "minLength": 1}}
                        for q in ALL_NAMES[i :: len(URL_NAMES[::7])]
                    ),
                    *({"name": h, "in": "header", "schema": {"type": "string"}} for h in HEADER_NAMES[i::37]),
                ],
                "responses": {
                    "200": {"description": PAYLOADS[1], "content": {"application/json": {"schema": response}}}
                },
            }
        }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "email " + PAYLOADS[1], "version": PAYLOADS[2], "description": PAYLOADS[5]},
        "servers": [{"url": "https://api.example.com/" + PAYLOADS[0]}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
    return doc, _file_name("x\n" + PAYLOADS[0] + '"""')


# ---------------------------------------------------------------- checking one spec

_DRIVER = """
import importlib, os, pathlib, sys
import pytest
root = pathlib.Path.cwd()
package = sys.argv[1]
for path in sorted((root / package).rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
sys.exit(pytest.main(["tests", "-q", "-x", "-p", "no:cacheprovider", "-W", "error::SyntaxWarning"]))
"""


def check_spec(doc: dict[str, Any], file_name: str, workdir: Path) -> None:
    spec_dir = workdir / "spec"
    spec_dir.mkdir(parents=True)
    spec_path = spec_dir / file_name
    spec_path.write_text(json.dumps(doc, indent=1))
    out = workdir / "sdk"
    try:
        pkg, generated, seeds = produce(spec_path, None)
        for rel, content in {**generated, **seeds}.items():
            target = out / rel
            assert len(target.name.encode()) <= 255 and len(Path(rel).stem) <= naming.MAX_NAME + 10, rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        ruff = subprocess.run(
            [str(RUFF), "check", "--config", str(RUFF_CONFIG), "--no-cache", "--output-format", "concise", "."],
            cwd=out,
            capture_output=True,
            text=True,
        )
        assert ruff.returncode == 0, f"ruff check failed:\n{ruff.stdout[-4000:]}{ruff.stderr[-2000:]}"
        prefix = naming.snake(pkg.names.package_name).upper()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            {f"{prefix}_TEST_MOCK": "inprocess", f"{prefix}_TEST_MATRIX": "sync-loose", "PYTHONDONTWRITEBYTECODE": "1"}
        )
        run = subprocess.run(
            [sys.executable, "-c", _DRIVER, pkg.names.package_name],
            cwd=out,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert run.returncode == 0, f"import or contract tests failed:\n{run.stdout[-6000:]}{run.stderr[-3000:]}"
        assert not any(MARKS.iterdir()), f"code from the spec ran: {sorted(MARKS.iterdir())}"
    except BaseException as exc:
        KEPT.mkdir(parents=True, exist_ok=True)
        kept = KEPT / f"spec-{abs(hash(json.dumps(doc, sort_keys=True))) % 10**10}.json"
        kept.write_text(json.dumps({"file_name": file_name, "doc": doc}, indent=1))
        raise AssertionError(f"hostile spec kept at {kept}: {type(exc).__name__}: {exc}") from None


_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=SEED is None and not FULL_RUN,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _seeded(test: Any) -> Any:
    return seed(int(SEED))(test) if SEED is not None else test


@_seeded
@_settings
@example(_kitchen_sink())
@given(hostile_specs())
def test_hostile_specs_generate_import_lint_and_run(spec: tuple[dict[str, Any], str]) -> None:
    doc, file_name = spec
    with tempfile.TemporaryDirectory(prefix="sdksmith-hostile-") as tmp:
        check_spec(doc, file_name, Path(tmp))
    assert not any(MARKS.iterdir())


def test_output_does_not_depend_on_the_spec_file_name(tmp_path: Path) -> None:
    """The same spec under two names (one of them hostile) gives byte-identical output."""
    doc, _ = _kitchen_sink()
    outputs = []
    for i, name in enumerate(["my-api-spec-file.json", _file_name("x\n" + PAYLOADS[1])]):
        folder = tmp_path / f"{i}" / "some where"
        folder.mkdir(parents=True)
        (folder / name).write_text(json.dumps(doc))
        _, generated, seeds = produce(folder / name, None)
        outputs.append({**generated, **seeds})
    assert outputs[0] == outputs[1]
    assert not any(b"my-api-spec-file" in content or b"some where" in content for content in outputs[0].values())


# ---------------------------------------------------------------- the naming rules, one by one


def test_identifiers_starting_with_a_digit_are_spelled_or_prefixed() -> None:
    assert naming.attr_name("3d_secure") == "three_d_secure"
    assert naming.attr_name("1-clicks") == "one_clicks"
    assert naming.attr_name("2010-04-01") == "n_2010_04_01"
    assert naming.class_name("3d_secure") == "ThreeDSecure"
    assert naming.class_name("2010-04-01") == "N20100401"
    assert naming.enum_member_name("3d") == "THREE_D"
    assert naming.enum_member_name("1") == "V_1"
    assert naming.module_name("3d_secure") == "three_d_secure"
    for text in ALL_NAMES:
        for name in (naming.attr_name(text), naming.class_name(text), naming.enum_member_name(text)):
            assert name.isidentifier() and not keyword.iskeyword(name), (text, name)


@pytest.mark.parametrize(
    "name", ["email", "json", "typing", "pydantic", "httpx", "typing_extensions", "anyio", "class", "tests"]
)
def test_package_names_never_shadow_what_the_sdk_imports(name: str) -> None:
    assert naming.package_name(name) == name + "_sdk"


def test_package_names_avoid_every_standard_library_module() -> None:
    for module in sorted(sys.stdlib_module_names):
        derived = naming.package_name(module)
        assert derived not in sys.stdlib_module_names and derived.isidentifier(), (module, derived)


def test_long_names_are_cut_stably_and_stay_unique() -> None:
    a, b = "x" * 400 + "a", "x" * 400 + "b"
    for fn in (naming.attr_name, naming.class_name, naming.module_name, naming.package_name, naming.enum_member_name):
        assert len(fn(a)) <= naming.MAX_NAME and fn(a) == fn(a) and fn(a) != fn(b), fn
    # an inline class keeps its owner's name and the words nearest the schema
    assert naming.short_class("Pet" + "Very" * 20 + "OwnerAddress", "Pet") == "Pet" + "Very" * 11 + "OwnerAddress"
    assert len(naming.short_class("Create" + "Word" * 40)) <= naming.MAX_CLASS


def test_union_variants_are_named_by_what_tells_them_apart() -> None:
    union = {
        "oneOf": [
            {"title": "Text part", "type": "object", "properties": {"text": {"type": "string"}}},
            {"type": "object", "properties": {"kind": {"const": "image"}, "url": {"type": "string"}}},
            {"type": "object", "properties": {"audio": {"type": "string"}, "format": {"type": "string"}}},
            {"type": "object", "properties": {"format": {"type": "string"}}, "required": ["format"]},
            {"type": "array", "items": {"type": "object", "properties": {"format": {"type": "string"}}}},
        ]
    }
    assert [naming.variant_name(union, "oneOf", str(i)) for i in range(5)] == [
        "TextPart",
        "Image",
        "Audio",
        "Format",
        "List",
    ]


def test_no_generated_class_is_numbered_or_over_long(tmp_path: Path) -> None:
    """Inline schemas deep in a component and union members without titles: short, unnumbered names."""
    deep: dict[str, Any] = {"type": "string"}
    for word in ["configuration", "advanced", "networking", "firewall", "inbound", "rules", "destination", "ports"]:
        deep = {"type": "object", "properties": {word: deep}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "shapes", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "DropletCreateRequest": deep,
                "Content": {
                    "type": "object",
                    "properties": {
                        "part": {
                            "oneOf": [
                                {"type": "object", "properties": {"text": {"type": "string"}}},
                                {"type": "object", "properties": {"image_url": {"type": "string"}}},
                            ]
                        }
                    },
                },
            }
        },
    }
    (tmp_path / "s.json").write_text(json.dumps(doc))
    pkg, _, _ = produce(tmp_path / "s.json", None)
    names = sorted(pkg.definitions)
    assert {"ContentPartText", "ContentPartImageUrl"} <= set(names), names
    assert all(len(n) <= naming.MAX_CLASS and not re.search(r"(Variant|Model)?\d+$", n) for n in names), names


def _imported(tree: Any) -> set[str]:
    """Names a module imports from outside the spec-derived modules (its sibling types or resources)."""
    import ast

    return {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.level != 1
        and not (node.module or "").startswith(("types", "resources"))
        for a in node.names
    }


def test_every_name_the_templates_bring_in_is_reserved() -> None:
    """What a generated module imports (or its class bodies use) can never be a spec-derived name
    in that namespace: types modules (classes, and fields in class bodies), resource modules (the
    types they import, and the parameters of their methods), the client and the package."""
    import ast

    root = REPO / "generated" / "experiments_sdk"
    for path in sorted((root / "types").glob("*.py")):
        if path.name == "__init__.py":
            continue
        for name in _imported(ast.parse(path.read_text())) - {"annotations"}:
            reserved = naming.RESERVED_CLASSES if name[:1].isupper() else naming.RESERVED_ATTRS
            assert name in reserved, (path.name, name)
    body_names = {"body", "extra_headers", "extra_query", "extra_body", "timeout"}  # the method's own options
    for path in sorted((root / "resources").glob("*.py")):
        tree = ast.parse(path.read_text())
        for name in _imported(tree):
            if name[:1].isupper():
                assert name in naming.RESERVED_CLASSES, (path.name, name)
        for node in ast.walk(tree):
            is_operation = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                a.arg == "extra_headers" for a in node.args.kwonlyargs
            )
            if is_operation:  # a method whose parameters come from the spec
                params = {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}
                for inner in (n for stmt in node.body for n in ast.walk(stmt)):  # what the body looks up
                    if isinstance(inner, ast.Name) and inner.id[:1].islower() and inner.id not in params:
                        used = inner.id
                        assert used in naming.RESERVED_PARAMS | body_names, (path.name, used)
    for path in (root / "_client.py", root / "__init__.py"):
        for name in _imported(ast.parse(path.read_text())):
            if name[:1].isupper() and not name.startswith("_"):
                assert name in naming.RESERVED_CLIENT_NAMES | {"Experiments", "AsyncExperiments"}, (path.name, name)


def test_model_and_builder_attributes_are_reserved() -> None:
    """A field is an attribute, a `_<field>` accessor and a builder method: none may hide the runtime's."""
    from experiments_sdk._models import ModelBuilder, SdkModel

    for attr in dir(SdkModel):
        if attr.startswith("__") or attr.lstrip("_").startswith("model_"):
            continue
        assert attr.lstrip("_") in naming.RESERVED_ATTRS, attr
    for attr in dir(ModelBuilder):
        if not attr.startswith("_"):
            assert attr in naming.RESERVED_ATTRS, attr
