"""The spec front end (issue 8, §2 §3 §5): warnings that let generation go on, errors that stop
it (all of them, capped), `--strict`; multi-file specs whose `$ref`s resolve against the file they
are written in, and only inside the spec's tree; bounded work on hostile input; exit 3 (not 2)
when the code sdksmith generates does not compile."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
import time
from pathlib import Path

import httpx
import pytest
from conftest import FIXTURES, import_tree, sdksmith

from generator import cli
from generator.errors import MAX_SHOWN, SpecError
from generator.ir.build import build_package
from generator.spec.config import Config
from generator.spec.loader import Spec, load_file
from generator.testing.contract_tests import bundle

MULTIFILE = FIXTURES / "multifile"

HEAD = """\
openapi: {version}
info:
  title: Front End Demo
  version: 1.0.0
servers:
  - url: https://api.example.com
"""

WARNING_LINE = re.compile(r"^\S+#(/\S*)?: warning: \S")
ERROR_LINE = re.compile(r"^error: \S+#(/\S*)?: \S")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def spec(tmp_path: Path, body: str, version: str = "3.1.0", name: str = "spec.yaml") -> Path:
    """The spec, with a config naming the package (names are not what these tests are about)."""
    write(tmp_path / "sdksmith.yaml", "package_name: front_end_demo\nclient_name: FrontEndDemo\n")
    return write(tmp_path / name, HEAD.format(version=version) + textwrap.dedent(body))


def warnings_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


def errors_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


# ---------------------------------------------------------------- §2 warnings versus errors

TOLERATED = """\
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: The things.
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Thing'
        4xx:
          description: A client error, under a lowercase range key (every other tool accepts it).
        default: {}
components:
  schemas:
    Thing:
      type: object
      frobnicate: true
      properties:
        id:
          type: string
        note:
          type: string
          nullable: true
    Code:
      type: string
      pattern: 0
"""


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_tolerable_mistakes_are_warnings_and_generation_goes_on(tmp_path: Path, version: str):
    path = spec(tmp_path, TOLERATED, version)
    out = tmp_path / "out"
    result = sdksmith("generate", path, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (out / "front_end_demo" / "types" / "thing.py").exists()
    warned = warnings_of(result)
    assert not errors_of(result), result.stderr
    for line in warned:
        assert WARNING_LINE.match(line), line
        assert line.startswith("spec.yaml#"), line
    pointers = {line.split("#", 1)[1].split(": warning:", 1)[0] for line in warned}
    assert "/paths/~1things/get/responses" in pointers, warned  # the lowercase `4xx`
    assert "/paths/~1things/get/responses/default" in pointers, warned  # no description
    # A constraint of the wrong type is left out (the SDK checks less than the spec meant).
    assert "/components/schemas/Code/pattern" in pointers, warned
    if version == "3.0.3":
        assert "/components/schemas/Thing" in pointers, warned  # unknown keyword `frobnicate`
    else:
        assert "/components/schemas/Thing/properties/note/nullable" in pointers, warned
        # `nullable` in 3.1 is read as 3.0 means it.
        source = (out / "front_end_demo" / "types" / "thing.py").read_text()
        assert re.search(r"note: Optional\[str\]", source), source
    quiet = sdksmith("generate", path, "-o", out, "-q", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    # `check` shows the same warnings and still passes.
    check = sdksmith("check", path, "-o", out, cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert warnings_of(check) == warned


def test_strict_makes_warnings_errors_and_writes_nothing(tmp_path: Path):
    path = spec(tmp_path, TOLERATED)
    out = tmp_path / "out"
    loose = sdksmith("generate", path, "-o", tmp_path / "loose", cwd=tmp_path)
    result = sdksmith("generate", path, "-o", out, "--strict", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert not out.exists()
    errors = errors_of(result)
    assert errors and all(ERROR_LINE.match(line) for line in errors), result.stderr
    # Exactly the warnings of a loose run, now errors.
    assert sorted(e.removeprefix("error: ") for e in errors) == sorted(
        w.replace(": warning: ", ": ", 1) for w in warnings_of(loose)
    )
    check = sdksmith("check", path, "-o", tmp_path / "loose", "--strict", cwd=tmp_path)
    assert check.returncode == 2 and errors_of(check), check.stderr


def test_strict_passes_a_clean_spec(tmp_path: Path):
    result = sdksmith("generate", MULTIFILE / "api.yaml", "-o", tmp_path / "out", "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not warnings_of(result)


def test_every_error_is_reported(tmp_path: Path):
    path = spec(
        tmp_path,
        """\
        paths:
          /a:
            get:
              operationId: getA
              parameters:
                - $ref: '#/components/parameters/Missing'
              responses:
                '200':
                  $ref: '#/components/responses/AlsoMissing'
        components:
          schemas:
            Bad:
              type: object
              properties: [x, y]
            Dangling:
              type: object
              properties:
                other:
                  $ref: '#/components/schemas/Nowhere'
        """,
    )
    result = sdksmith("generate", path, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert not (tmp_path / "out").exists()
    errors = errors_of(result)
    assert all(ERROR_LINE.match(line) for line in errors), errors
    text = "\n".join(errors)
    assert "#/components/schemas/Bad/properties:" in text, text  # the meta-schema's error
    for missing in ("Missing", "AlsoMissing", "Nowhere"):  # every dangling `$ref`, not the first
        assert any(missing in line and "points at nothing" in line for line in errors), (missing, errors)


def test_error_list_is_capped(tmp_path: Path):
    props = "".join(f"            p{i:03}:\n              $ref: '#/components/schemas/Gone{i:03}'\n" for i in range(70))
    path = spec(
        tmp_path,
        "paths: {}\ncomponents:\n  schemas:\n    Many:\n      type: object\n      properties:\n"
        + textwrap.indent(textwrap.dedent(props), "        "),
    )
    result = sdksmith("generate", path, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(errors_of(result)) == MAX_SHOWN, lines
    assert lines[-1] == f"... and {70 - MAX_SHOWN} more errors", lines[-1]
    assert len({line.split("Gone")[1][:3] for line in errors_of(result)}) == MAX_SHOWN  # all distinct


def test_wrong_top_level_types_are_errors(tmp_path: Path):
    path = spec(tmp_path, "paths: [1, 2]\ncomponents: 5\n")
    result = sdksmith("generate", path, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    pointers = {line.split("#", 1)[1].split(":", 1)[0] for line in errors_of(result)}
    assert {"/paths", "/components"} <= pointers, result.stderr


# ---------------------------------------------------------------- §2 semantic checks

SEMANTIC = """\
paths:
  /things/{thing_id}/parts/{partId}:
    get:
      operationId: getPart
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: ghost, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The part.
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
  /things:
    get:
      operationId: listThings
      responses:
        '200': {description: All things.}
  /widgets:
    get:
      operationId: listThings
      responses:
        '200': {description: All widgets.}
"""


@pytest.fixture(scope="module")
def semantic_sdk(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("semantic")
    path = spec(root, SEMANTIC)
    out = root / "out"
    result = sdksmith("generate", path, "-o", out, cwd=root)
    assert result.returncode == 0, result.stderr
    return result, out


def _resource_sources(out: Path) -> str:
    return "\n".join(p.read_text() for p in sorted((out / "front_end_demo" / "resources").glob("*.py")))


def test_undeclared_path_variable_is_a_warning_and_still_an_argument(semantic_sdk):
    result, out = semantic_sdk
    assert any(
        line.startswith("spec.yaml#/paths/~1things~1{thing_id}~1parts~1{partId}/get: warning:") and "{partId}" in line
        for line in warnings_of(result)
    ), result.stderr
    pkg = import_tree(out, "front_end_demo", "front_end_demo__semantic")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "p1"})

    client = pkg.FrontEndDemo(api_key="k", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    method = _find_method(client, "part_id")
    assert {"thing_id", "part_id"} <= set(inspect.signature(method).parameters)
    method(thing_id="t1", part_id="p 2")
    assert [r.url.raw_path for r in seen] == [b"/things/t1/parts/p%202"]


def _find_method(root: object, param: str, depth: int = 3):
    """The client method (through resource attributes) that takes `param`."""
    for name in dir(root):
        if name.startswith("_") or name.startswith("with_"):
            continue
        value = getattr(root, name)
        if inspect.ismethod(value) and param in inspect.signature(value).parameters:
            return value
        if depth and type(value).__module__.startswith("front_end_demo__semantic.resources"):
            found = _find_method(value, param, depth - 1)
            if found is not None:
                return found
    return None


def test_declared_path_parameter_missing_from_template_is_a_warning(semantic_sdk):
    result, out = semantic_sdk
    assert any("/get/parameters/1: warning:" in line and "'ghost'" in line for line in warnings_of(result)), (
        result.stderr
    )
    assert "ghost" not in _resource_sources(out)  # it cannot be sent anywhere


def test_duplicate_operation_ids_are_a_warning_and_both_operations_stay(semantic_sdk):
    result, out = semantic_sdk
    assert any(
        line.startswith("spec.yaml#/paths/~1widgets/get/operationId: warning:") and "listThings" in line
        for line in warnings_of(result)
    ), result.stderr
    sources = _resource_sources(out)
    assert '"/things"' in sources and '"/widgets"' in sources


# ---------------------------------------------------------------- §3 multi-file specs


@pytest.fixture(scope="module")
def multifile_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("multifile") / "out"
    result = sdksmith("generate", MULTIFILE / "api.yaml", "-o", out)
    assert result.returncode == 0, result.stderr
    assert not warnings_of(result), result.stderr
    return out


def test_relative_refs_resolve_against_their_own_file(multifile_sdk: Path):
    """Path items, parameters, request bodies, responses, headers and schemas each come from
    another file and refer on, relative to that file: resolved against the root, none exists."""
    out = multifile_sdk
    pkg = import_tree(out, "multi_file_pets", "multi_file_pets__multifile")
    types = pkg.types
    pet = types.Pet.from_dict({"id": "rex-1", "name": "Rex", "tag": {"label": "good", "color": "red"}})
    assert pet.is_valid(), pet.invalid_fields()
    assert isinstance(pet.tag, types.Tag)  # schemas/pet.yaml -> tag.yaml (beside it)
    assert types.Tag.from_dict({"label": 5}).invalid_fields() == ["Tag.label"]
    assert hasattr(types, "NewPet")  # request body file -> schemas/new_pet.yaml
    source = (out / "multi_file_pets" / "resources" / "pets.py").read_text()
    # parameters.yaml#/Limit -> schemas/limit.yaml (an integer), parameters.yaml#/PetId -> pet_id.yaml
    assert re.search(r"limit: Union\[int, NotGiven\]", source), source
    assert re.search(r"pet_id: str", source), source
    assert "def create(" in source and "def retrieve(" in source
    assert sdksmith("check", MULTIFILE / "api.yaml", "-o", out).returncode == 0


def test_bundled_multifile_spec_is_self_contained(multifile_sdk: Path):
    doc = json.loads((multifile_sdk / "tests" / "spec.json").read_text())
    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(doc))
    assert refs and all(ref.startswith("#/") for ref in refs), refs
    text = json.dumps(doc)
    assert "Requests left." in text  # the header, two files away
    assert '"maximum": 100' in text  # schemas/limit.yaml, reached from the header and the parameter
    assert doc == bundle(MULTIFILE / "api.yaml")


# ---------------------------------------------------------------- §3 $refs stay inside the spec's tree


SECRET = "TOP-SECRET-CONTENT-4f1c"


def _outside_spec(tmp_path: Path, ref: str) -> Path:
    write(tmp_path / "outside" / "secret.yaml", f"Secret:\n  type: string\n  description: {SECRET}\n")
    return spec(
        tmp_path / "project",
        f"""\
        paths:
          /s:
            get:
              operationId: getSecret
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: '{ref}'
        """,
    )


@pytest.mark.parametrize("how", ["relative", "absolute", "file-uri", "etc-passwd"])
def test_ref_outside_the_spec_tree_is_an_error(tmp_path: Path, how: str):
    secret = tmp_path / "outside" / "secret.yaml"
    ref = {
        "relative": "../outside/secret.yaml#/Secret",
        "absolute": f"{secret}#/Secret",
        "file-uri": f"{secret.as_uri()}#/Secret",
        "etc-passwd": "/etc/passwd",
    }[how]
    path = _outside_spec(tmp_path, ref)
    out = tmp_path / "out"
    result = sdksmith("generate", path, "-o", out, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "reaches outside the spec's directory" in result.stderr, result.stderr
    assert "spec.yaml#/paths/~1s/get/responses/200/content/application~1json/schema/$ref:" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert not out.exists()
    with pytest.raises(SpecError, match="outside the spec's directory"):
        bundle(path)  # the contract tests' bundler copies nothing in either


def test_ref_root_allows_another_directory(tmp_path: Path):
    path = _outside_spec(tmp_path, "../outside/secret.yaml#/Secret")
    out = tmp_path / "out"
    result = sdksmith("generate", path, "-o", out, "--ref-root", tmp_path / "outside", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SECRET in (out / "tests" / "spec.json").read_text()


def test_symlink_out_of_the_tree_is_refused(tmp_path: Path):
    path = _outside_spec(tmp_path, "link.yaml#/Secret")
    (tmp_path / "project" / "link.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    result = sdksmith("generate", path, "-o", tmp_path / "out", cwd=tmp_path)
    assert result.returncode == 2 and "outside the spec's directory" in result.stderr, result.stderr


# ---------------------------------------------------------------- §3 bounded work on hostile input


def _alias_bomb(path: Path, levels: int = 9) -> Path:
    lines = [HEAD.format(version="3.1.0").rstrip(), "paths: {}", "x-lol:", '  a0: &a0 ["lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path):
    path = _alias_bomb(tmp_path / "bomb.yaml")
    start = time.perf_counter()
    with pytest.raises(SpecError, match="alias"):
        load_file(path)
    assert time.perf_counter() - start < 2.0
    result = sdksmith("generate", path, "-o", tmp_path / "out", cwd=tmp_path, timeout=30)
    assert result.returncode == 2, result.stderr
    assert re.match(r"^error: bomb\.yaml#: YAML aliases expand", result.stderr), result.stderr


def test_recursive_yaml_alias_is_refused(tmp_path: Path):
    path = tmp_path / "loop.yaml"
    path.write_text(HEAD.format(version="3.1.0") + "paths: {}\nx-loop: &loop\n  again: *loop\n")
    with pytest.raises(SpecError, match="recursive"):
        load_file(path)


def test_modest_yaml_aliases_are_fine(tmp_path: Path):
    path = _alias_bomb(tmp_path / "small.yaml", levels=2)
    assert load_file(path)["x-lol"]["a2"][0][0] == ["lol"] * 4


def _chain_spec(path: Path, n: int) -> Path:
    lines = [
        HEAD.format(version="3.1.0").rstrip(),
        "paths: {}",
        "components:",
        "  schemas:",
        *(f"    A{i}: {{$ref: '#/components/schemas/A{i + 1}'}}" for i in range(n)),
        f"    A{n}: {{type: object, properties: {{id: {{type: string}}}}}}",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_chain_of_5000_refs_resolves_in_linear_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    n = 5000
    path = _chain_spec(tmp_path / "chain.yaml", n)
    loaded = Spec(path)
    lookups = 0
    real_resolver = type(loaded._registry).resolver

    def counting(self, *args, **kwargs):
        nonlocal lookups
        lookups += 1
        return real_resolver(self, *args, **kwargs)

    monkeypatch.setattr(type(loaded._registry), "resolver", counting)
    start = time.perf_counter()
    for i in range(n):  # every link of the chain, as the schema reader meets them
        target = loaded.resolve(f"#/components/schemas/A{i}", loaded.uri, f"/x/{i}")
        assert target.pointer == f"/components/schemas/A{n}"
    elapsed = time.perf_counter() - start
    assert lookups <= n + 1, lookups  # each link followed once: linear, not n²/2 = 12.5 million
    assert elapsed < 10, elapsed
    package = build_package(path, Config())  # and the whole reader chain gets through it
    assert "A5000" in package.definitions


def test_schemas_nested_200_deep_through_refs_and_100_deep_inline_generate(tmp_path: Path):
    by_ref = [
        HEAD.format(version="3.1.0").rstrip(),
        "paths: {}",
        "components:",
        "  schemas:",
        *(
            f"    D{i}: {{type: object, properties: {{child: {{$ref: '#/components/schemas/D{i + 1}'}}}}}}"
            for i in range(200)
        ),
        "    D200: {type: object, properties: {id: {type: string}}}",
    ]
    (tmp_path / "ref").mkdir()
    ref_spec = tmp_path / "ref" / "deep.yaml"
    ref_spec.write_text("\n".join(by_ref) + "\n")
    node: dict = {"type": "object", "properties": {"leaf": {"type": "string"}}}
    for i in range(100):
        node = {"type": "object", "properties": {f"level{i}": node}}
    inline = {
        "openapi": "3.1.0",
        "info": {"title": "Deep", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Root": node}},
    }
    (tmp_path / "inline").mkdir()
    inline_spec = tmp_path / "inline" / "deep.json"
    inline_spec.write_text(json.dumps(inline))
    for path in (ref_spec, inline_spec):
        out = path.parent / "out"
        result = sdksmith("generate", path, "-o", out, "-q", cwd=tmp_path)
        assert result.returncode == 0, (path, result.stderr[-2000:])
        assert (out / "pyproject.toml").exists() and (out / "tests" / "spec.json").exists()


# ---------------------------------------------------------------- §5 honest exit codes


def test_generated_code_that_does_not_compile_exits_3(tmp_path: Path, monkeypatch, capsys):
    """A template bug (simulated: the rendered `Thing` model gets a broken line) is sdksmith's
    fault: exit 3 with ruff's message, the file, the line and the spec location; nothing written."""
    import generator.pipeline as pipeline

    path = spec(
        tmp_path,
        """\
        paths: {}
        components:
          schemas:
            Thing:
              type: object
              properties:
                id: {type: string}
        """,
    )
    real_render = pipeline.render_package

    def broken_render(*args, **kwargs):
        files, seeds = real_render(*args, **kwargs)
        rel = next(p for p in files if p.endswith("types/thing.py"))
        files[rel] = files[rel].replace("    id: ", "    id = (\n    id: ", 1)
        return files, seeds

    monkeypatch.setattr(pipeline, "render_package", broken_render)
    out = tmp_path / "out"
    code = cli.run(["generate", str(path), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 3, err
    assert not out.exists()
    assert "front_end_demo/types/thing.py:" in err, err
    assert "generated code does not compile" in err and "Traceback" not in err
    assert "class Thing" in err and "#/components/schemas/Thing" in err, err
    assert re.search(r"thing\.py:\d+: generated code does not compile: \S", err), err  # ruff's own message


def test_exit_2_always_says_why(tmp_path: Path):
    for name, text in {"empty.yaml": "", "null.json": "null", "list.yaml": "- 1\n"}.items():
        path = tmp_path / name
        path.write_text(text)
        result = sdksmith("generate", path, "-o", tmp_path / "out", cwd=tmp_path)
        assert result.returncode == 2, (name, result.stderr)
        assert errors_of(result) and all(ERROR_LINE.match(line) for line in errors_of(result)), (name, result.stderr)
