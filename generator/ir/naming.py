"""Python names from spec names: snake_case attributes, PascalCase classes, no collisions.

Every name that reaches generated code goes through here, so spec text can
only ever become a valid, non-reserved identifier. The rules:

- words are the ASCII letters and digits of the name (accents dropped, other
  characters separate words); a name with none is spelled from its symbols
  (`+1` → `plus_1`) or gets a neutral name (`field`, `Schema`, `EMPTY`);
- a name that would start with a digit spells a lone leading digit before letters
  out (`3d_secure` → `three_d_secure`, `1-clicks` → `OneClicks`) and prefixes any
  other number (`2010-04-01` → `n_2010_04_01`, `N20100401`, `V_2010_04_01`; `1` → `V_1`);
- a name the generated code already uses in that namespace (keywords, builtins
  the code calls, pydantic's and the runtime's attributes, every name a template
  imports) gets a suffix: `_` for attributes, `Model` for classes;
- no name is longer than `MAX_NAME` characters, and a class named from where an
  inline schema sits is cut to `MAX_CLASS` words-first (`shorten`, `short_class`):
  a name cut short ends with 8 hex digits of the whole name's hash, so it is the
  same from run to run;
- a package name that is a standard-library module, a keyword or a module the
  SDK or its tests import gets the suffix `_sdk` (`email` → `email_sdk`); a
  client class name the client module already holds, `Client`;
- a union member is named by what tells it apart (`variant_name`), never by its
  position; the SDK's version is the spec's when it is a PEP 440 version, else
  its numbers (`package_version`).
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import sys
import unicodedata
from functools import cache
from typing import Any

from packaging.version import InvalidVersion, Version

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
    # what a page (templates/runtime/_pagination.py) adds to the response model it is
    "sdk_page_state",
    "sdk_wire_value",
    "sdk_next_options",
    "sdk_require_next",
}
# Names a generated method's body looks up (resource.py.j2, client_view.py): a keyword argument
# (a parameter or a flattened body property) so named would shadow them. The method's own options
# (`timeout`, `extra_headers` …) and `body` are kept apart by the keyword namer (placement.py).
_METHOD_BODY_NAMES = {"self", "path_template", "isinstance", "any", "cast", "overload"}
RESERVED_PARAMS = (
    _METHOD_BODY_NAMES | _ANNOTATION_NAMES | {"NOT_GIVEN", "NotGiven", "RequestOptions", "PageSpec", "FileTypes"}
)
# Names a model's class body itself uses (types_module.py.j2): `@classmethod` on `builder`.
_CLASS_BODY_NAMES = {"classmethod"}
# Names pycodestyle calls ambiguous (ruff E741-E743: `l`, `O`, `I` look like digits).
AMBIGUOUS = {"l", "O", "I"}
RESERVED_ATTRS = (
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | _ANNOTATION_NAMES
    | _BASEMODEL_NAMES
    | _SDK_MODEL_NAMES
    | (_METHOD_BODY_NAMES - {"self", "cast"})  # a flattened body property is a field too
    | _CLASS_BODY_NAMES
    | AMBIGUOUS
)
# Class names that would shadow something a generated module imports or uses.
RESERVED_CLASSES = (
    set(keyword.kwlist)
    | set(dir(builtins))
    | _ANNOTATION_NAMES
    | AMBIGUOUS
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
        "NonNull",
        "Self",
        # every model has a nested `Builder` class, which would hide a model of that name
        "Builder",
        # what a resource module (resource.py.j2) imports besides the types it uses
        "Mapping",
        "Sequence",
        "AsyncAPIResource",
        "SyncAPIResource",
        "FileTypes",
        "Headers",
        "Query",
        "RequestOptions",
        "Timeout",
        "AsyncPaginator",
        "PageSpec",
        "SyncPage",
        "AsyncPage",
        "Stream",
        "AsyncStream",
        "TypeVar",
        "Generic",
    }
)
# What the client module and the package `__init__` hold besides the client classes.
RESERVED_CLIENT_NAMES = RESERVED_CLASSES | {
    "AsyncAPIClient",
    "SyncAPIClient",
    "SdkInfo",
    "SDK_INFO",
    "DEFAULT_MAX_RETRIES",
    "ModuleClient",
    "ResourceProxy",
    "APIResponse",
    "AsyncAPIResponse",
    "InvalidDataError",
    "MissingFieldsError",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "SdkError",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
    "DefaultAioHttpClient",
    "PageInfo",
    "CallOptions",
}
# Package names that would shadow a module the SDK, its tests or Python itself import.
_SDK_DEPENDENCIES = {
    "pydantic",
    "pydantic_core",
    "pydantic_settings",
    "annotated_types",
    "typing_extensions",
    "typing_inspection",
    "httpx",
    "httpcore",
    "h11",
    "h2",
    "anyio",
    "sniffio",
    "certifi",
    "idna",
    "exceptiongroup",
    # the generated tests' dependencies, and the folders beside the package
    "pytest",
    "pytest_asyncio",
    "_pytest",
    "pluggy",
    "iniconfig",
    "openapi_core",
    "openapi_spec_validator",
    "openapi_schema_validator",
    "jsonschema",
    "jsonschema_path",
    "jsonschema_specifications",
    "referencing",
    "rpds",
    "werkzeug",
    "yaml",
    "tests",
    "setuptools",
    "pip",
    "site",
}
RESERVED_PACKAGES = set(sys.stdlib_module_names) | set(keyword.kwlist) | set(keyword.softkwlist) | _SDK_DEPENDENCIES
_MODULE_RESERVED = set(dir(builtins)) | {"types", "typing", "importlib", "annotations"}
MAX_NAME = 100  # characters of any identifier or module name (file names stay far below 255 bytes)
MAX_CLASS = 60  # characters of a class named from where an inline schema sits
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

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


def shorten(name: str, limit: int = MAX_NAME, sep: str = "") -> str:
    """`name` cut to `limit` characters, stably: its start, then 8 hex digits of the whole name's hash."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    head = name[: max(limit - len(digest) - len(sep), 1)].rstrip("_")
    return f"{head}{sep}{digest.upper() if head.isupper() else digest}"


def short_class(name: str, head: str = "") -> str:
    """A class name composed from where a schema sits (`head`: the schema or operation it belongs
    to, when known), cut to `MAX_CLASS`: the head whole, then the words nearest the schema
    (`PetOwnerAddressStreet…Line` keeps `Pet` and its last words); the head's first word stands
    for it when unknown. A head longer than the limit allows is the spec's own long name: the
    name is then cut to fit it and `MAX_NAME`."""
    if len(name) <= MAX_CLASS:
        return name
    if not head or not name.startswith(head):
        head = (words(name) or [name])[0]
    room = MAX_CLASS - len(head)
    tail: list[str] = []
    for word in reversed(words(name[len(head) :])):
        if len(word) > room:
            break
        tail.insert(0, word)
        room -= len(word)
    if len(head) >= MAX_CLASS // 2 or not tail:
        return shorten(name, min(max(MAX_CLASS, len(head) + 12), MAX_NAME))
    return head + "".join(tail)


def _lead_digit(name: str, case: str, prefix: str) -> str:
    """`name` (starting with a digit) as an identifier in `case` (snake, pascal, upper): a lone
    leading digit before letters is spelled out (`3d_secure` → `three_d_secure`, `1-clicks` →
    `one_clicks`); any other number is prefixed (`2010_04_01` → `n_2010_04_01`, `1` → `V_1`)."""
    number = re.match(r"[0-9]+", name)
    assert number is not None
    if len(number.group()) > 1 or not any(ch.isalpha() for ch in name):
        return prefix + name
    word, rest = _DIGITS[int(name[0])], name[1:]
    if case == "pascal":
        return word.capitalize() + rest[:1].upper() + rest[1:]
    return (word.upper() if case == "upper" else word) + ("" if rest.startswith("_") else "_") + rest


def attr_name(wire: str) -> str:
    """A Python attribute for a JSON property or parameter name."""
    name = snake(wire) or snake(_symbolic(wire)) or "field"
    if wire[:1] in ("+", "-") and wire[1:2].isdigit():  # '+1' -> plus_1, '-1' -> minus_1
        name = ("plus_" if wire[0] == "+" else "minus_") + name
    if name[0].isdigit():
        name = _lead_digit(name, "snake", "n_")
    name = shorten(name, MAX_NAME, "_")
    if name in RESERVED_ATTRS or name.startswith("model_"):
        name += "_"
    return name


def class_name(text: str, reserved: set[str] = RESERVED_CLASSES) -> str:
    name = type_part(text) or "Schema"
    if name[0].isdigit():
        name = _lead_digit(name, "pascal", "N")
    name = shorten(name)
    if name in reserved:
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
        name = _lead_digit(name, "upper", "V_")
    if name in keyword.kwlist or name in AMBIGUOUS or name.startswith("_"):
        name = "V_" + name
    return shorten(name, MAX_NAME, "_")


def module_name(cls: str) -> str:
    """A module (file) name for a class or a resource path: snake_case, at most `MAX_NAME` characters."""
    name = snake(cls) or "schema"
    if name[0].isdigit():
        name = _lead_digit(name, "snake", "m_")
    # Importing a submodule binds its name in the package's `__init__`, replacing what that holds
    # (`types/__init__.py` calls `importlib`, `getattr`, `globals`): no builtin, no import.
    if keyword.iskeyword(name) or name in _MODULE_RESERVED:
        name = "m_" + name
    return shorten(name, MAX_NAME, "_")


def package_name(text: str) -> str:
    """A top-level package name: snake_case, never a standard-library module, a keyword or a
    module the SDK or its tests import (`email` → `email_sdk`), at most `MAX_NAME` characters."""
    name = snake(text) or "api"
    if name[0].isdigit():
        name = _lead_digit(name, "snake", "api_")
    name = shorten(name, MAX_NAME - 4, "_")
    if name in RESERVED_PACKAGES or name.lower() in RESERVED_PACKAGES:
        name += "_sdk"
    return name


def package_version(text: object) -> str:
    """The SDK's version from the spec's `info.version`, as PEP 440 normalises it (`v1.2.0` →
    `1.2.0`, `1.0-beta` → `1.0b0`); else its numbers joined by dots (`2023-10-16` → `2023.10.16`;
    at most four); else `0.0.0`. The version goes into `pyproject.toml` and the `User-Agent`
    header, so no other character of the spec's text reaches them (the text itself is kept as
    the package's `__api_version__`)."""
    raw = str(text).strip() if text is not None else ""
    if raw.isascii() and len(raw) <= 64:
        try:
            return str(Version(raw))
        except InvalidVersion:
            pass
    numbers = [str(int(n)) for n in re.findall(r"[0-9]+", raw)[:4] if len(n) <= 12]
    return ".".join(numbers) or "0.0.0"


def variant_name(union: Any, combinator: str, index: str) -> str:
    """How a union member's inline class is named, never by its position: its title, else the
    value of its tag (`type: {const: cat}` → `Cat`), else a property only it has (`text`,
    `image_url`), else a property only it requires, else its JSON type; else nothing (the
    union's own name, made unique by the namer)."""
    options = union.get(combinator) if isinstance(union, dict) else None
    if not isinstance(options, list) or not index.isdigit() or int(index) >= len(options):
        return ""
    discriminator = union.get("discriminator")
    tag = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
    tag = tag if isinstance(tag, str) else None
    member = options[int(index)]
    others = [o for j, o in enumerate(options) if j != int(index)]
    if not isinstance(member, dict) or "$ref" in member:
        return ""
    title = member.get("title")
    if isinstance(title, str) and type_part(title)[:1].isalpha():
        return type_part(title)
    props = member.get("properties") if isinstance(member.get("properties"), dict) else {}
    for prop in ([tag] if tag in props else []) + list(props):
        p = props[prop]
        values = ([p["const"]] if "const" in p else p.get("enum")) if isinstance(p, dict) else None
        if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
            if type_part(values[0])[:1].isalpha():
                return type_part(values[0])

    def keys(node: Any, field: str) -> set[str]:
        value = node.get(field) if isinstance(node, dict) else None
        return {str(k) for k in value} if isinstance(value, (dict, list)) else set()

    required = member.get("required") if isinstance(member.get("required"), list) else []
    for field, mine in (("properties", list(props)), ("required", required)):
        theirs = set().union(*(keys(o, field) for o in others)) if others else set()
        for key in (k for k in mine if str(k) not in theirs):
            if isinstance(key, str) and type_part(key)[:1].isalpha():
                return type_part(key)
    kind = member.get("type")
    if isinstance(kind, str) and not any(isinstance(o, dict) and o.get("type") == kind for o in others):
        return type_part({"array": "list", "object": "object"}.get(kind, kind))
    return ""


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


def spec_text(value: object) -> str | None:
    """A description, summary or title as the IR keeps it: text, or None for anything else
    (a `$ref` object where text belongs is a spec mistake the validator warns about)."""
    return value if isinstance(value, str) else None
