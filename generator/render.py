"""Render the IR into files with Jinja.

This module owns the only ways spec text can reach generated code:
`py_literal` (a Python literal of a JSON value), `docstring` (an escaped
triple-quoted string) and `comment` (one sanitized comment line).
Identifiers come from `generator.naming` and are valid by construction.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import jinja2

from . import ir
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
    return repr(str(value))


def _escape_doc(text: str) -> str:
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n" or ch == "\t" or (ch.isprintable() and ch not in "\u2028\u2029"):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    escaped = "".join(out).replace('"""', '\\"\\"\\"')
    lines = [line.rstrip() for line in escaped.strip().split("\n")]
    return "\n".join(lines)


def docstring(text: str | None, indent: int = 4) -> str:
    """A triple-quoted string literal holding `text`, indented for its block."""
    if not text or not text.strip():
        return ""
    body = _escape_doc(text)
    if body.endswith('"'):
        body += " "
    pad = " " * indent
    body = ("\n" + pad).join(body.split("\n")).replace("\n" + pad + "\n", "\n\n")
    if "\n" in body:
        return f'"""{body}\n{pad}"""'
    return f'"""{body}"""'


def comment(text: str | None) -> str:
    """One line of text safe to put after `#`."""
    return " ".join(_escape_doc(text or "").split())


class TypeNames:
    """Python annotations for IR types."""

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
            return "Union[" + ", ".join(self.annotation(m) for m in t.members) + "]"
        if isinstance(t, ir.Nullable):
            inner = self.annotation(t.inner)
            return inner if inner == "object" else f"Optional[{inner}]"
        if isinstance(t, ir.Constrained):
            c = t.constraints
            args = [
                f"{k}={py_literal(v)}"
                for k, v in (
                    ("ge", c.ge), ("le", c.le), ("gt", c.gt), ("lt", c.lt),
                    ("min_length", c.min_length), ("max_length", c.max_length),
                )
                if v is not None
            ]
            return f"Annotated[{self.annotation(t.inner)}, Field({', '.join(args)})]"
        raise TypeError(t)

    def value_type(self, f: ir.FieldDef) -> str:
        """The type of the field's value when present and valid."""
        t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
        return self.annotation(t)

    def field_annotation(self, f: ir.FieldDef) -> str:
        if f.required:
            return self.annotation(f.type)
        inner = self.value_type(f)
        return inner if inner == "object" else f"Optional[{inner}]"

    def setter_type(self, f: ir.FieldDef) -> str:
        if isinstance(f.type, ir.Nullable) and self.value_type(f) != "object":
            return f"Optional[{self.value_type(f)}]"
        return self.value_type(f)

    def field_default(self, f: ir.FieldDef) -> str:
        alias = f", alias={py_literal(f.wire_name)}" if f.wire_name != f.py_name else ""
        if f.required:
            return f" = Field(alias={py_literal(f.wire_name)})" if alias else ""
        return f" = Field(default=None{alias})" if alias else " = None"


def walk_named(t: ir.TypeRef) -> Iterator[str]:
    """Names of the definitions a type refers to."""
    if isinstance(t, ir.Named):
        yield t.name
    elif isinstance(t, ir.ListOf):
        yield from walk_named(t.item)
    elif isinstance(t, ir.MapOf):
        yield from walk_named(t.value)
    elif isinstance(t, ir.UnionOf):
        for m in t.members:
            yield from walk_named(m)
    elif isinstance(t, (ir.Nullable, ir.Constrained)):
        yield from walk_named(t.inner)


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    names = TypeNames()
    env.filters.update(
        py=py_literal,
        docstring=docstring,
        comment=comment,
        annotation=names.annotation,
        field_annotation=names.field_annotation,
        field_default=names.field_default,
        value_type=names.value_type,
        setter_type=names.setter_type,
    )
    env.tests.update(
        model=lambda d: isinstance(d, ir.ModelDef),
        enum=lambda d: isinstance(d, ir.EnumDef),
        alias=lambda d: isinstance(d, ir.AliasDef),
    )
    return env
