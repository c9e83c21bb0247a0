"""Bad input: exit code 2, one `file#/pointer: problem` line per problem, no traceback,
and the output directory exactly as it was. Specs split over several files."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import SPEC, SPEC_CONFIG, generate, import_tree, sdksmith, tree_bytes

GOOD_HEAD = """\
openapi: {version}
info:
  title: Bad Input Demo
  version: 1.0.0
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
                $ref: '#/components/schemas/Thing'
"""


def spec_text(components: str, version: str = "3.1.0") -> str:
    """A spec with one operation and the given (indented) `components:` body."""
    return GOOD_HEAD.format(version=version) + "components:\n" + textwrap.indent(textwrap.dedent(components), "  ")


THING = """\
schemas:
  Thing:
    type: object
    properties:
      id:
        type: string
"""

BAD_SPECS = {
    "invalid YAML": (
        "spec.yaml",
        "openapi: 3.1.0\ninfo: {title: x, version: '1'\npaths: {}\n",
        None,
    ),
    "invalid JSON": ("spec.json", '{"openapi": "3.1.0", "info": {"title": "x",}}', None),
    "dangling $ref": (
        "spec.yaml",
        spec_text(
            THING
            + "  Other:\n    type: object\n    properties:\n      b:\n        $ref: '#/components/schemas/Missing'\n"
        ),
        "/components/schemas/Other/properties/b",
    ),
    "$ref cycle": (
        "spec.yaml",
        spec_text(THING + "  A:\n    $ref: '#/components/schemas/B'\n  B:\n    $ref: '#/components/schemas/A'\n"),
        "/components/schemas/",
    ),
    "swagger 2.0": (
        "spec.yaml",
        "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n",
        "/swagger",
    ),
    "openapi 4.0.0": ("spec.yaml", spec_text(THING, version="4.0.0"), "/openapi"),
    "openapi 3.1 without patch": ("spec.yaml", spec_text(THING, version="'3.1'"), "/openapi"),
    "type: 5 (3.0)": (
        "spec.yaml",
        spec_text(
            "schemas:\n  Thing:\n    type: object\n    properties:\n      n:\n        type: 5\n",
            version="3.0.3",
        ),
        "/components/schemas/Thing/properties/n",
    ),
    "type: 5 (3.1)": (
        "spec.yaml",
        spec_text("schemas:\n  Thing:\n    type: object\n    properties:\n      n:\n        type: 5\n"),
        "/components/schemas/Thing/properties/n",
    ),
    "schema is a string": (
        "spec.yaml",
        spec_text("schemas:\n  Thing: just a string\n"),
        "/components/schemas/Thing",
    ),
    "document is a list": ("spec.yaml", "- openapi: 3.1.0\n", None),
    "properties is a list": (
        "spec.yaml",
        spec_text("schemas:\n  Thing:\n    type: object\n    properties: [a, b]\n"),
        "/components/schemas/Thing/properties",
    ),
}


@pytest.fixture(scope="module")
def good_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SDK generated from our spec, with a hand-written file, to copy as the output directory."""
    out = tmp_path_factory.mktemp("good") / "sdk"
    spec_dir = tmp_path_factory.mktemp("goodspec")
    shutil.copy(SPEC, spec_dir / SPEC.name)
    shutil.copy(SPEC_CONFIG, spec_dir / SPEC_CONFIG.name)
    result = generate(spec_dir / SPEC.name, out)
    assert result.returncode == 0, result.stderr
    (out / "NOTES.md").write_text("hand-written\n")
    (out / "experiments_sdk" / "lib" / "helpers.py").write_text("X = 1\n")
    return out


def _fresh_output(good_sdk: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    shutil.copytree(good_sdk, out, symlinks=True)
    return out, tree_bytes(out)


def assert_reported(result, file_name: str, pointer_prefix: str | None) -> list[str]:
    """Exit 2, every stderr line `error: FILE#/pointer: message`, no traceback; the lines."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no error message"
    for line in lines:
        assert re.match(r"^error: \S+#(/\S*)?: \S", line), line
    named = [line for line in lines if re.match(rf"^error: (\S*/)?{re.escape(file_name)}#", line)]
    assert named, (file_name, lines)
    if pointer_prefix is not None:
        assert any(line.split("#", 1)[1].startswith(pointer_prefix) for line in named), (
            pointer_prefix,
            lines,
        )
    return lines


@pytest.mark.parametrize("case", list(BAD_SPECS), ids=list(BAD_SPECS))
def test_bad_spec_exits_2_and_leaves_output_untouched(case: str, good_sdk: Path, tmp_path: Path):
    file_name, text, pointer = BAD_SPECS[case]
    spec = tmp_path / file_name
    spec.write_text(text)
    out, before = _fresh_output(good_sdk, tmp_path)
    result = sdksmith("generate", spec, "-o", out, cwd=tmp_path)
    assert_reported(result, file_name, pointer)
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([file_name, "out"])  # no staging left behind
    # `check` reports bad input the same way.
    check = sdksmith("check", spec, "-o", out, cwd=tmp_path)
    assert_reported(check, file_name, pointer)


def test_missing_spec_file(tmp_path: Path):
    result = sdksmith("generate", tmp_path / "nope.yaml", "-o", tmp_path / "out", cwd=tmp_path)
    assert_reported(result, "nope.yaml", None)
    assert not (tmp_path / "out").exists()


def test_bad_config(good_sdk: Path, tmp_path: Path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text(THING))
    (tmp_path / "sdksmith.yaml").write_text("package_name: 'not a name'\ncolour: blue\n")
    out, before = _fresh_output(good_sdk, tmp_path)
    result = sdksmith("generate", spec, "-o", out, cwd=tmp_path)
    lines = assert_reported(result, "sdksmith.yaml", "/package_name")
    assert any("#/colour" in line for line in lines)
    assert tree_bytes(out) == before


def test_several_problems_are_all_reported(tmp_path: Path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text(THING + "  A:\n    type: 7\n  B:\n    properties: 3\n", version="3.0.3"))
    result = sdksmith("generate", spec, "-o", tmp_path / "out", cwd=tmp_path)
    lines = assert_reported(result, "spec.yaml", None)
    pointers = {line.split("#", 1)[1].split(":", 1)[0] for line in lines}
    assert any(p.startswith("/components/schemas/A") for p in pointers), lines
    assert any(p.startswith("/components/schemas/B") for p in pointers), lines


# ---------------------------------------------------------------- specs split over several files


def _write_split_spec(root: Path, common_extra: str = "", pet_ref: str = "common.yaml#/components/schemas/Id") -> Path:
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    (root / "api.yaml").write_text(
        GOOD_HEAD.format(version="3.1.0").replace("#/components/schemas/Thing", "schemas/pet.yaml#/Pet")
        + textwrap.dedent(
            """\
            components:
              schemas:
                Owner:
                  type: object
                  required: [id, pets]
                  properties:
                    id:
                      $ref: 'common.yaml#/components/schemas/Id'
                    pets:
                      type: array
                      items:
                        $ref: 'schemas/pet.yaml#/Pet'
            """
        )
    )
    (root / "common.yaml").write_text(
        textwrap.dedent(
            """\
            components:
              schemas:
                Id:
                  type: string
                  format: uuid
                Status:
                  type: string
                  enum: [available, sold]
            """
        )
        + common_extra
    )
    (root / "schemas" / "pet.yaml").write_text(
        textwrap.dedent(
            f"""\
            Pet:
              type: object
              required: [id, name]
              properties:
                id:
                  $ref: '../{pet_ref}'
                name:
                  type: string
                status:
                  $ref: '../common.yaml#/components/schemas/Status'
                owner:
                  $ref: '../api.yaml#/components/schemas/Owner'
            """
        )
    )
    return root / "api.yaml"


def test_spec_split_over_files_generates(tmp_path: Path):
    spec = _write_split_spec(tmp_path / "spec")
    out = tmp_path / "out"
    result = generate(spec, out)
    assert result.returncode == 0, result.stderr
    pkg = import_tree(out, "bad_input_demo", "bad_input_demo__split")
    types = pkg.types
    owner = types.Owner.from_dict(
        {
            "id": "3f9c2a7e-5b14-4d8a-9e61-7c0b2d4f8a13",
            "pets": [{"id": "p", "name": "Rex", "status": "sold", "owner": {"id": "o", "pets": []}}],
        }
    )
    assert owner.is_valid(), owner.invalid_fields()
    assert isinstance(owner.pets[0], types.Pet)
    assert owner.pets[0].status is types.Status.SOLD
    assert isinstance(owner.pets[0].owner, types.Owner)  # a cycle across files
    bad = types.Pet.from_dict({"id": 5, "name": "Rex"})
    assert bad.invalid_fields() == ["Pet.id"]
    # Deterministic and checkable like any spec.
    assert sdksmith("check", spec, "-o", out).returncode == 0


def test_dangling_ref_into_another_file(tmp_path: Path):
    spec = _write_split_spec(tmp_path, pet_ref="common.yaml#/components/schemas/Nope")
    result = sdksmith("generate", spec, "-o", tmp_path / "out", cwd=tmp_path)
    lines = assert_reported(result, "pet.yaml", "/Pet/properties/id")
    assert any("common.yaml" in line and "Nope" in line for line in lines), lines
    assert not (tmp_path / "out").exists()


def test_ref_to_a_missing_file(tmp_path: Path):
    spec = _write_split_spec(tmp_path, pet_ref="nowhere.yaml#/components/schemas/Id")
    result = sdksmith("generate", spec, "-o", tmp_path / "out", cwd=tmp_path)
    lines = assert_reported(result, "pet.yaml", "/Pet/properties/id")
    assert any("nowhere.yaml" in line for line in lines), lines


def test_bad_schema_in_another_file_names_that_file(tmp_path: Path):
    extra = "    Broken:\n      $ref: '#/components/schemas/Gone'\n"
    spec = _write_split_spec(tmp_path, pet_ref="common.yaml#/components/schemas/Broken")
    (tmp_path / "common.yaml").write_text((tmp_path / "common.yaml").read_text() + extra)
    result = sdksmith("generate", spec, "-o", tmp_path / "out", cwd=tmp_path)
    lines = assert_reported(result, "common.yaml", "/components/schemas/Broken")
    assert any("Gone" in line for line in lines), lines


def test_invalid_yaml_in_another_file_names_that_file(tmp_path: Path):
    spec = _write_split_spec(tmp_path)
    (tmp_path / "common.yaml").write_text("components: {schemas: {Id: {type: string}\n")
    result = sdksmith("generate", spec, "-o", tmp_path / "out", cwd=tmp_path)
    assert_reported(result, "common.yaml", None)
