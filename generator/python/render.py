"""Render the IR into files with Jinja.

This module owns the only ways spec text can reach generated code:
`py_literal` (a Python literal of a JSON value), `docstring` (an escaped
triple-quoted string), `comment` (one sanitized comment line) and
`toml_string` (a TOML string, for pyproject.toml).
Identifiers come from `generator.naming` and are valid by construction.
"""

from __future__ import annotations

import math
import re
from typing import Any

import jinja2

from .. import ir
from .paths import templates_dir

_PRIM = {"str": "str", "int": "int", "float": "float", "bool": "bool", "none": "None"}
_FORMATTED = {"date-time": "datetime", "date": "date", "time": "str", "uuid": "str", "binary": "str"}


def py_literal(value: Any) -> str:
    """A Python expression equal to the JSON value; strings via repr (always a valid literal)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f'float("{value}")'
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(py_literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(str(value))


_ESCAPED = re.compile(r"[^\n -~]")  # anything but a newline and printable ASCII


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch.isprintable() and ch not in "\u2028\u2029":
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_doc(text: str) -> str:
    """Text for the inside of a triple-quoted string: escapes, no closing quotes, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    one_line = text.replace("\n", "")
    if not (one_line.isascii() and one_line.isprintable()):
        text = _ESCAPED.sub(_escape_char, text)
    body = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if '"""' in body or body.endswith('"'):
        body = body.replace('"', '\\"')
    return body


def docstring(text: str | None, indent: int = 4) -> str:
    """A triple-quoted string literal holding `text`, indented for its block."""
    if not text or not text.strip():
        return ""
    body = _escape_doc(text)
    pad = " " * indent
    first, *rest = body.split("\n")
    body = "\n".join([first] + [pad + line if line else "" for line in rest])
    if rest:
        return f'"""{body}\n{pad}"""'
    return f'"""{body}"""'


def comment(text: str | None) -> str:
    """One line of text safe to put after `#`."""
    return " ".join(_escape_doc(text or "").split())


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` (pyproject.toml): quotes and backslashes escaped, other
    unprintable characters as `\\uXXXX` / `\\UXXXXXXXX`; a lone surrogate, which TOML cannot
    hold, as U+FFFD."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif ch.isprintable() and ch not in "\u2028\u2029":
            out.append(ch)
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


class TypeNames:
    """Python annotations for IR types."""

    def __init__(self, definitions: dict[str, ir.Definition] | None = None) -> None:
        self.definitions = definitions or {}

    def admits_null(self, t: ir.TypeRef) -> bool:
        """Whether JSON null is a valid value of `t` (seeing through type aliases)."""
        if isinstance(t, (ir.Nullable, ir.AnyJson)) or t == ir.Prim("none"):
            return True
        if isinstance(t, ir.Constrained):
            return self.admits_null(t.inner)
        if isinstance(t, ir.UnionOf):
            return any(self.admits_null(m) for m in t.members)
        if isinstance(t, ir.Named):
            d = self.definitions.get(t.name)
            return isinstance(d, ir.AliasDef) and self.admits_null(d.type)
        return False

    def annotation(self, t: ir.TypeRef) -> str:
        if isinstance(t, ir.Prim):
            return _PRIM[t.kind]
        if isinstance(t, ir.Formatted):
            return _FORMATTED[t.fmt]
        if isinstance(t, ir.AnyJson):
            return "object"
        if isinstance(t, ir.ListOf):
            return f"List[{self.annotation(t.item)}]"
        if isinstance(t, ir.MapOf):
            return f"Dict[str, {self.annotation(t.value)}]"
        if isinstance(t, ir.Named):
            return t.name
        if isinstance(t, ir.Const):
            return f"Literal[{py_literal(t.value)}]"
        if isinstance(t, ir.UnionOf):
            # Literal members are written as one Literal, where the first of them stands.
            literals = [py_literal(m.value) for m in t.members if isinstance(m, ir.Const)]
            parts: list[str] = []
            for m in t.members:
                if not isinstance(m, ir.Const):
                    parts.append(self.annotation(m))
                elif literals:
                    parts.append(f"Literal[{', '.join(literals)}]")
                    literals = []
            return parts[0] if len(parts) == 1 else "Union[" + ", ".join(parts) + "]"
        if isinstance(t, ir.Nullable):
            inner = self.annotation(t.inner)
            return inner if inner == "object" else f"Optional[{inner}]"
        if isinstance(t, ir.Constrained):
            c = t.constraints
            args = [
                f"{k}={py_literal(v)}"
                for k, v in (
                    ("ge", c.ge),
                    ("le", c.le),
                    ("gt", c.gt),
                    ("lt", c.lt),
                    ("min_length", c.min_length),
                    ("max_length", c.max_length),
                )
                if v is not None
            ]
            return f"Annotated[{self.annotation(t.inner)}, Field({', '.join(args)})]"
        raise TypeError(t)

    def value_type(self, f: ir.FieldDef) -> str:
        """The type of the field's value when present and valid."""
        t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
        return self.annotation(t)

    @staticmethod
    def in_model_required(f: ir.FieldDef) -> bool:
        """Whether a model requires the field. OpenAPI: a required writeOnly property is
        required in requests only; a response never carries it, so models never require it."""
        return f.required and not f.write_only

    def field_annotation(self, f: ir.FieldDef) -> str:
        if self.in_model_required(f):
            return self.annotation(f.type)
        inner = self.value_type(f)
        if inner == "object":
            return inner
        if self.admits_null(f.type):
            return f"Optional[{inner}]"
        return f"Annotated[Optional[{inner}], NonNull]"  # absent is None; an explicit null is bad

    def setter_type(self, f: ir.FieldDef) -> str:
        if isinstance(f.type, ir.Nullable) and self.value_type(f) != "object":
            return f"Optional[{self.value_type(f)}]"
        return self.value_type(f)

    def field_default(self, f: ir.FieldDef) -> str:
        alias = f", alias={py_literal(f.wire_name)}" if f.wire_name != f.py_name else ""
        if self.in_model_required(f):
            return f" = Field(alias={py_literal(f.wire_name)})" if alias else ""
        return f" = Field(default=None{alias})" if alias else " = None"


# Where the names a types module may use come from, in import-sorted order of modules.
_IMPORTED_FROM = {
    "date": "datetime",
    "datetime": "datetime",
    "Dict": "typing",
    "List": "typing",
    "Optional": "typing",
    "Union": "typing",
    "Field": "pydantic",
    "Annotated": "typing_extensions",
    "Literal": "typing_extensions",
    "Self": "typing_extensions",
    "TypeAlias": "typing_extensions",
    "JsonField": ".._models",
    "ModelBuilder": ".._models",
    "NonNull": ".._models",
    "OpenEnum": ".._enums",
    "SdkModel": ".._models",
}
_SECTIONS = (("datetime", "typing"), ("pydantic", "typing_extensions"), (".._enums", ".._models"))
_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = re.compile(r"(\d+)")
LINE_LENGTH = 100  # as in ruff_generated.toml


def _names_in(code: str) -> set[str]:
    """Identifiers in generated code (string literals left out)."""
    return set(_NAME.findall(_STRING.sub("", code)))


def _natural(text: str) -> list[str | int]:
    """Sort key of isort (ruff): case-insensitive, numbers by value (`Foo9` < `Foo10`)."""
    parts: list[str | int] = []
    for i, part in enumerate(_DIGITS.split(text.lower())):
        parts.append(int(part) if i % 2 else part)
    return parts


def _name_key(name: str) -> tuple[int, list[str | int]]:
    """isort's order by type: CONSTANTS, then Classes, then everything else."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, _natural(name)


def _from_import(module: str, names: set[str] | tuple[str, ...]) -> str:
    ordered = sorted(names, key=_name_key)
    line = f"from {module} import {', '.join(ordered)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in ordered) + ")"


def reexports(exports: list[tuple[str, str]], indent: int = 4) -> str:
    """`from .module import Name as Name` for each (name, module), sorted as isort sorts them."""
    pad = " " * indent
    lines = []
    for name, mod in sorted(exports, key=lambda e: (_natural(e[1]), _name_key(e[0]))):
        line = f"{pad}from .{mod} import {name} as {name}"
        if len(line) > LINE_LENGTH:
            line = f"{pad}from .{mod} import (\n{pad}    {name} as {name},\n{pad})"
        lines.append(line)
    return "\n".join(lines)


def types_imports(module: ir.TypesModule, names: TypeNames) -> str:
    """The import block of a types module: exactly what its code uses, sorted as isort sorts it."""
    used: set[str] = set()
    for d in module.definitions:
        if isinstance(d, ir.EnumDef):
            used.add("OpenEnum")
        elif isinstance(d, ir.ModelDef):
            used |= {"SdkModel", "ModelBuilder"} | ({"JsonField", "Self"} if d.fields else set())
            for f in d.fields:
                code = (names.field_annotation(f), names.field_default(f), names.value_type(f), names.setter_type(f))
                used |= _names_in(" ".join(code))
            if d.extra_type is not None:
                used |= {"Dict", "Field"} | _names_in(names.annotation(d.extra_type))
        else:
            used |= {"TypeAlias"} | _names_in(names.annotation(d.type))
    sections = [
        [
            _from_import(source, taken)
            for source in sources
            if (taken := {n for n in used if _IMPORTED_FROM.get(n) == source})
        ]
        for sources in _SECTIONS
    ]
    siblings = sorted(module.imports, key=lambda item: _natural(item[0]))
    sections[-1] += [_from_import(f".{mod}", imported) for mod, imported in siblings]
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def make_environment(definitions: dict[str, ir.Definition] | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    names = TypeNames(definitions)
    env.filters.update(
        py=py_literal,
        docstring=docstring,
        comment=comment,
        toml=toml_string,
        annotation=names.annotation,
        field_annotation=names.field_annotation,
        field_default=names.field_default,
        value_type=names.value_type,
        setter_type=names.setter_type,
    )
    env.globals["types_imports"] = lambda module: types_imports(module, names)
    env.globals["reexports"] = reexports
    env.tests.update(
        model=lambda d: isinstance(d, ir.ModelDef),
        enum=lambda d: isinstance(d, ir.EnumDef),
        alias=lambda d: isinstance(d, ir.AliasDef),
    )
    return env
