"""Python names from spec names: snake_case attributes, PascalCase classes, no collisions.

Every name that reaches generated code goes through here, so spec text can
only ever become a valid, non-reserved identifier.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from functools import cache

# Names generated annotations and class bodies use; a field with one of these
# names would shadow the type inside the class body.
_ANNOTATION_NAMES = {
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "list",
    "dict",
    "object",
    "None",
    "Any",
    "Optional",
    "Union",
    "Literal",
    "Annotated",
    "datetime",
    "date",
    "time",
    "UUID",
    "Field",
    "JsonField",
    "TYPE_CHECKING",
    "Self",
    "FileTypes",
}
# pydantic.BaseModel's attributes and methods (fields must never shadow them).
_BASEMODEL_NAMES = {
    "copy",
    "dict",
    "json",
    "schema",
    "schema_json",
    "construct",
    "parse_obj",
    "parse_raw",
    "parse_file",
    "from_orm",
    "update_forward_refs",
    "validate",
    "fields",
    "abc_impl",
}
# The generated models' own API.
_SDK_MODEL_NAMES = {
    "builder",
    "to_builder",
    "validate",
    "is_valid",
    "to_dict",
    "to_json",
    "from_dict",
    "from_json",
    "invalid_fields",
    "additional_properties",
    "additional_property",
    "Builder",
    "build",
    "raw",
    "iter",
    "copy_and_set_values",
    "get_value",
    "calculate_keys",
    "setattr_handler",
    "lenient",
    "json_field",
    "own_bad",
    "wire_map",
    "sdk_serialize",
    "set",
    "model",
}
RESERVED_ATTRS = set(keyword.kwlist) | set(keyword.softkwlist) | _ANNOTATION_NAMES | _BASEMODEL_NAMES | _SDK_MODEL_NAMES
# Class names that would shadow something a generated module imports or uses.
RESERVED_CLASSES = (
    set(keyword.kwlist)
    | set(dir(builtins))
    | _ANNOTATION_NAMES
    | {
        "SdkModel",
        "OpenEnum",
        "BaseModel",
        "Enum",
        "ConfigDict",
        "TypeAlias",
        "List",
        "Dict",
        "JsonValue",
        "InvalidDataError",
        "ModelBuilder",
        "NotGiven",
        "NOT_GIVEN",
        "Omit",
        # every model has a nested `Builder` class, which would hide a model of that name
        "Builder",
    }
)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    """Split `fooBar-baz_QUX1` into ['foo', 'Bar', 'baz', 'QUX1']."""
    return _WORD.findall(_ascii(text))


@cache
def snake(text: str) -> str:
    """snake_case, lowercased; '' when the text has no letters or digits."""
    return "_".join(w.lower() for w in words(text))


@cache
def pascal(text: str) -> str:
    """PascalCase, keeping inner capitals of each word ('GitHub' stays 'GitHub')."""
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def _symbolic(text: str) -> str:
    """Spell out the few symbol-only values seen in enums ('+1', '-1', '*')."""
    names = {"+": "plus", "-": "minus", "*": "star", "=": "eq", "<": "lt", ">": "gt", ".": "dot", "/": "slash"}
    return "_".join(names.get(ch, "") or ch for ch in text if ch in names or ch.isalnum())


def type_part(text: str) -> str:
    """A spec name as a part of a class name (`event_type` → `EventType`, `+1` → `Plus1`)."""
    return pascal(text) or pascal(_symbolic(text))


def attr_name(wire: str) -> str:
    """A Python attribute for a JSON property or parameter name."""
    name = snake(wire) or snake(_symbolic(wire)) or "field"
    if wire[:1] in ("+", "-") and wire[1:2].isdigit():  # '+1' -> plus_1, '-1' -> minus_1
        name = ("plus_" if wire[0] == "+" else "minus_") + name
    if name[0].isdigit():
        name = "n_" + name
    if name in RESERVED_ATTRS or name.startswith("model_"):
        name += "_"
    return name


def class_name(text: str) -> str:
    name = type_part(text) or "Schema"
    if name[0].isdigit():
        name = "N" + name
    if name in RESERVED_CLASSES:
        name += "Model"
    return name


def enum_member_name(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).upper()
    if isinstance(value, (int, float)):
        # 1.5 -> VALUE_1_5, -2 -> MINUS_2, 1e+20 -> VALUE_1E_20
        digits = "_".join(w.upper() for w in words(str(abs(value))))
        return ("MINUS_" if value < 0 else "VALUE_") + digits
    text = str(value)
    name = "_".join(w.upper() for w in words(text)) or "_".join(w.upper() for w in words(_symbolic(text)))
    if text[:1] in ("+", "-") and text[1:2].isdigit():  # '+1' -> PLUS_1, '-1' -> MINUS_1
        name = ("PLUS_" if text[0] == "+" else "MINUS_") + name
    if not name:
        return "EMPTY" if text == "" else "VALUE"
    if name[0].isdigit():
        name = "V_" + name
    if name in keyword.kwlist or name.startswith("_"):
        name = "V_" + name
    return name


def module_name(cls: str) -> str:
    name = snake(cls) or "schema"
    if keyword.iskeyword(name) or name[0].isdigit() or name in {"types", "typing", "builtins"}:
        name = "m_" + name
    return name


class Namer:
    """Hands out unique names in first-come order: `Foo`, then `Foo2`, `Foo3`."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken: set[str] = set(taken or ())

    def claim(self, name: str, sep: str = "") -> str:
        candidate, n = name, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{name}{sep}{n}"
        self._taken.add(candidate)
        return candidate

    def __contains__(self, name: str) -> bool:
        return name in self._taken
