"""Schemas → IR types and definitions.

`SchemaReader.type_of` turns any schema node into a `TypeRef`, creating named
definitions (models, enums, aliases) as it meets them:
- a component schema (or any `$ref` target worth a class) is named from its key;
- an inline object or enum is named from where it sits: `ExperimentEvent` +
  `metrics` → `ExperimentEventMetrics`, never a counter;
- every definition is keyed by its location (file + JSON pointer), so a schema
  reached twice (through `$ref`s, or as a property `allOf` brings into another
  model) is defined once, under the name of the place it is written;
- an inline name longer than `MAX_CLASS` keeps its owner's name and the words
  nearest the schema (`naming.short_class`);
- an inline name that is taken gets a suffix saying what the definition is
  (`Enum`, else `Model`) and, if that is taken too, a number; definitions are
  met in a deterministic order (sorted component names, then document order);
- a union member needing a class is named by its `title`, else the value of
  its tag property (`type: {const: cat}` → `PetCat`), else a property only it
  has or requires, else its type (`naming.variant_name`), never its position.
Constructs we cannot type become `AnyJson` and are recorded as `Report`s.
"""

from __future__ import annotations

from typing import Any, Literal

from .. import ir
from ..errors import Problem, escape_pointer_token, warning
from ..spec.loader import Spec, Target, display_path
from ..spec.normalize import is_nullable_30, normalize_schema
from .naming import (
    MAX_CLASS,
    Namer,
    attr_name,
    class_name,
    enum_member_name,
    short_class,
    shorten,
    spec_text,
    type_part,
    variant_name,
)

# Keywords that say what type a schema is (as opposed to annotations and constraints).
_TYPE_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "enum",
        "const",
        "additionalProperties",
        "patternProperties",
        "$ref",
        "not",
        "prefixItems",
    }
)
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"})
# Keywords whose meaning is not typed: each use is reported.
_UNSUPPORTED = {
    "not": "'not' is not supported; its constraint is not checked",
    "if": "if/then/else is not supported; its constraints are not checked",
    "dependentSchemas": "dependentSchemas is not supported; its constraints are not checked",
    "patternProperties": "patternProperties are not supported; matching properties are typed as any JSON",
}
_FORMATS: dict[str, Literal["date-time", "date"]] = {"date-time": "date-time", "date": "date"}
_NONE = ir.Prim("none")

Shape = Literal["object", "refine", "other"]
EnumKind = Literal["enum", "literals", "bool", "json", "single"]


def _json_key(value: Any) -> tuple[str, Any]:
    """Equality of JSON values: `1 == 1.0`, but `true != 1`."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    return ("json", repr(value))


def _unique(values: list[Any]) -> list[Any]:
    seen: set[tuple[str, Any]] = set()
    out = []
    for value in values:
        key = _json_key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _enum_kind(values: list[Any]) -> EnumKind:
    """How an enum's non-null values are typed."""
    if any(isinstance(v, (dict, list)) for v in values):
        return "json"
    if len(values) <= 1:
        return "single"
    if all(isinstance(v, bool) for v in values):
        return "bool"
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == len(values) or all(isinstance(v, str) for v in values):
        return "enum"
    if any(isinstance(v, float) and not v.is_integer() for v in numbers):
        return "json"  # floats cannot be literals
    return "literals"


def _literal(value: str | int | float | bool) -> ir.Const:
    """A `Literal` value; integral floats (`2.0`) are JSON's integers."""
    if isinstance(value, float) and value.is_integer():
        return ir.Const(int(value))
    return ir.Const(value)


def _nullable(t: ir.TypeRef) -> ir.TypeRef:
    if isinstance(t, (ir.Nullable, ir.AnyJson)) or t == _NONE:
        return t
    return ir.Nullable(t)


def _is_null(node: Any) -> bool:
    """A schema that allows only null (`type: "null"`, `enum: [null]`, `const: null`)."""
    if not isinstance(node, dict):
        return False
    return (
        node.get("type") in ("null", ["null"])
        or node.get("enum") == [None]
        or ("const" in node and node["const"] is None)
    )


def _allows_null(node: dict) -> bool:
    t = node.get("type")
    if isinstance(t, list) and "null" in t:
        return True
    enum = node.get("enum")
    return isinstance(enum, list) and None in enum


class SchemaReader:
    def __init__(self, spec: Spec, is_30: bool) -> None:
        self.spec = spec
        self.is_30 = is_30
        self.namer = Namer()
        self.definitions: dict[str, ir.Definition] = {}
        # Definition name -> name of the top-level definition whose module holds it.
        self.owner: dict[str, str] = {}
        self.reports: list[ir.Report] = []
        # Problems in the spec read around (`nullable` in 3.1 …), for `ir.Package.warnings`.
        self.warnings: list[Problem] = []
        self._warned: set[Problem] = set()
        self._by_key: dict[str, str] = {}  # location (uri#pointer) -> definition name
        self._building: set[str] = set()
        # Models and enums whose schema also allows null: references to them are Optional.
        self._nullable_names: set[str] = set()
        self._reported: set[ir.Report] = set()

    # ------------------------------------------------------------ entry points

    def read_components(self) -> None:
        schemas = (self.spec.root.get("components") or {}).get("schemas") or {}
        # Claim every component name first so inline names never take them.
        for name in sorted(schemas):
            key = self._component_key(name)
            self._by_key[key] = self.namer.claim(class_name(name))
        for name in sorted(schemas):
            key = self._component_key(name)
            self._ensure_defined(key, schemas[name], self.spec.uri, key.split("#", 1)[1])

    def type_of(self, node: Any, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        """The type of schema `node` found at `uri#pointer`; `hint` names inline definitions."""
        if node is True or (isinstance(node, dict) and not node):
            return ir.AnyJson()
        if not isinstance(node, dict):
            what = "the schema `false` allows no value" if node is False else "schema is not an object"
            self._report(pointer, f"{what}; typed as any JSON")
            return ir.AnyJson()
        if is_nullable_30(node, self.is_30):
            rest = {k: v for k, v in node.items() if k != "nullable"}
            return _nullable(self.type_of(rest, uri, pointer, hint, owner))
        if not self.is_30 and "nullable" in node:  # a 3.0 keyword in 3.1: read as 3.0 means it
            self._warn(uri, pointer + "/nullable", '`nullable` is OpenAPI 3.0; in 3.1 add "null" to `type`')
            rest = {k: v for k, v in node.items() if k != "nullable"}
            inner = self.type_of(rest, uri, pointer, hint, owner)
            return _nullable(inner) if node["nullable"] is True else inner
        if "$ref" in node:
            target = self.spec.resolve(node["$ref"], uri, pointer + "/$ref")
            return self._type_at(target, hint, owner)
        node = normalize_schema(node, self.is_30)
        if not _UNSUPPORTED.keys().isdisjoint(node):
            self._report_unsupported(node, pointer)
        if self._is_definable(node, uri, pointer):
            key = f"{uri}#{pointer}"
            name = self._by_key.get(key)
            if name is None:
                name = self._claim(hint, node, owner)
                self._define(key, node, uri, pointer, name, owner)
            return self._named(name)
        return self._structural(node, uri, pointer, hint, owner)

    # ------------------------------------------------------------ definitions

    def _warn(self, uri: str, pointer: str, message: str) -> None:
        problem = warning(display_path(uri), pointer, message)
        if problem not in self._warned:  # a schema read twice is warned about once
            self._warned.add(problem)
            self.warnings.append(problem)

    def _report(self, pointer: str, message: str) -> None:
        report = ir.Report(pointer, message)
        if report not in self._reported:  # a schema read twice is reported once
            self._reported.add(report)
            self.reports.append(report)

    def _report_unsupported(self, node: dict, pointer: str) -> None:
        for keyword in _UNSUPPORTED.keys() & node.keys():
            self._report(pointer, _UNSUPPORTED[keyword])

    def _component_key(self, name: str) -> str:
        return f"{self.spec.uri}#/components/schemas/{escape_pointer_token(name)}"

    def _claim(self, hint: str, node: dict, head: str | None = None) -> str:
        """A free class name for an inline definition: `hint` (cut to `MAX_CLASS` after `head`,
        the definition owning it), else with its kind, else with the hash of the whole name."""
        full = class_name(hint)
        name = short_class(full, head or "")
        if name not in self.namer:
            return self.namer.claim(name)
        kind = "Enum" if "enum" in node and not node.get("properties") else "Model"
        if name == full or len(name + kind) <= MAX_CLASS:
            return self.namer.claim(name + kind)
        return self.namer.claim(shorten(full, len(name)))

    def _named(self, name: str) -> ir.TypeRef:
        named = ir.Named(name)
        return ir.Nullable(named) if name in self._nullable_names else named

    def _ensure_defined(self, key: str, node: Any, uri: str, pointer: str) -> str:
        """The (registered) definition at `key`, defining it now if nothing has yet."""
        name = self._by_key[key]
        if name not in self.definitions and name not in self._building:
            self._define(key, node, uri, pointer, name, owner=None)
        return name

    def _type_at(self, target: Target, hint: str, owner: str | None) -> ir.TypeRef:
        """The type of a `$ref` target: a definition named from where it is."""
        if target.key in self._by_key:
            return self._named(self._ensure_defined(target.key, target.node, target.uri, target.pointer))
        node = target.node
        if isinstance(node, dict) and "$ref" not in node:
            bare = {k: v for k, v in node.items() if k != "nullable"} if is_nullable_30(node, self.is_30) else node
            normalized = normalize_schema(bare, self.is_30)
            if self._is_definable(normalized, target.uri, target.pointer):
                parts = self._location_parts(target.uri, target.pointer)
                name = self._claim("".join(parts) or hint, normalized, parts[0] if parts else None)
                self._by_key[target.key] = name
                self._define(target.key, node, target.uri, target.pointer, name, owner=None)
                return self._named(name)
        return self.type_of(
            node, target.uri, target.pointer, self._location_hint(target.uri, target.pointer, hint), owner
        )

    def _location_hint(self, uri: str, pointer: str, fallback: str) -> str:
        """A name for what sits at `uri#pointer`, from its path: `Pet` + `owner` → `PetOwner`.
        Inside `paths` (named by operation, which the caller knows) it is `fallback`."""
        parts = self._location_parts(uri, pointer)
        return "".join(parts) if parts else fallback

    def _location_parts(self, uri: str, pointer: str) -> list[str]:
        """The words `_location_hint` joins (the first names the file or component); [] in `paths`."""
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        if tokens[:1] == ["paths"]:
            return []
        if len(tokens) >= 3 and tokens[0] == "components":
            claimed = self._by_key.get(self._component_key(tokens[2])) if uri == self.spec.uri else None
            base, start = (claimed if tokens[1] == "schemas" and claimed else type_part(tokens[2])), 3
        elif tokens:
            base, start = type_part(tokens[0]), 1
        else:  # a whole file
            base, start = type_part(uri.rsplit("/", 1)[-1].split(".")[0]), 0
        parts = [base]
        i = start
        while i < len(tokens):
            token = tokens[i]
            if token in ("anyOf", "oneOf") and i + 1 < len(tokens):
                parent = "/".join(escape_pointer_token(t) for t in tokens[:i])
                union = self.spec.resolve(f"#/{parent}" if parent else "#", uri, pointer).node
                parts.append(variant_name(union, token, tokens[i + 1]))
                i += 2
                continue
            if token == "items":
                parts.append("Item")
            elif token == "additionalProperties":
                parts.append("Value")
            elif token not in ("properties", "allOf", "schema", "content") and "/" not in token:
                parts.append(type_part(token))
            i += 1
        return [p for p in parts if p]

    def _define(self, key: str | None, node: Any, uri: str, pointer: str, name: str, owner: str | None) -> str:
        if key is not None:
            self._by_key[key] = name
        self._building.add(name)
        self.owner[name] = owner or name
        top = owner or name
        description = spec_text(node.get("description")) if isinstance(node, dict) else None
        definition: ir.Definition
        if isinstance(node, dict) and "$ref" not in node:
            nullable = is_nullable_30(node, self.is_30)
            bare = {k: v for k, v in node.items() if k != "nullable"} if nullable else node
            normalized = normalize_schema(bare, self.is_30)
            self._report_unsupported(normalized, pointer)
            if self._is_definable(normalized, uri, pointer):
                if nullable or _allows_null(normalized):
                    self._nullable_names.add(name)
                definition = self._class(normalized, uri, pointer, name, description, top)
            else:
                definition = ir.AliasDef(name, pointer, description, self.type_of(node, uri, pointer, name, top))
        else:
            definition = ir.AliasDef(name, pointer, description, self.type_of(node, uri, pointer, name, top))
        self.definitions[name] = definition
        self._building.discard(name)
        return name

    def _class(self, node: dict, uri: str, pointer: str, name: str, description: str | None, top: str) -> ir.Definition:
        values = node.get("enum")
        if isinstance(values, list) and not node.get("properties"):
            non_null = _unique([v for v in values if v is not None])
            if _enum_kind(non_null) == "enum":
                return self._enum(non_null, pointer, name, description)
            self._report(pointer, "enum mixes value types; typed as a union of literals, not an enum class")
            members = tuple(_literal(v) for v in non_null)
            return ir.AliasDef(name, pointer, description, ir.UnionOf(members))
        return self._model(node, uri, pointer, name, description, top)

    def _is_definable(self, node: dict, uri: str, pointer: str) -> bool:
        """Whether the schema deserves a class of its own (object with properties, enum)."""
        values = node.get("enum")
        if isinstance(values, list) and not node.get("properties"):
            return _enum_kind(_unique([v for v in values if v is not None])) in ("enum", "literals")
        if isinstance(node.get("properties"), dict) and node["properties"]:
            return True
        if isinstance(node.get("allOf"), list):
            return self._all_of_plan(node, uri, pointer)[0] == "merge"
        return False

    def _enum(self, values: list[Any], pointer: str, name: str, description: str | None) -> ir.EnumDef:
        base: Literal["str", "int", "float"]
        if all(isinstance(v, str) for v in values):
            base = "str"
        elif all(isinstance(v, int) for v in values):
            base = "int"
        else:
            base = "float"
        namer = Namer()
        members = tuple(ir.EnumMember(namer.claim(enum_member_name(v), "_"), v) for v in values)
        return ir.EnumDef(name, pointer, description, base, members)

    # ------------------------------------------------------------ objects and allOf

    def _deref(self, node: Any, uri: str, pointer: str) -> tuple[Any, str, str]:
        """(node, uri, pointer) after following a `$ref`."""
        if isinstance(node, dict) and "$ref" in node:
            target = self.spec.resolve(node["$ref"], uri, pointer + "/$ref")
            return target.node, target.uri, target.pointer
        return node, uri, pointer

    def _shape(self, node: Any, uri: str, pointer: str, seen: frozenset[str] = frozenset()) -> Shape:
        """What an `allOf` member contributes: an object, a refinement (no type of its own), or another type."""
        node, uri, pointer = self._deref(node, uri, pointer)
        if node is True or node == {}:
            return "refine"
        if not isinstance(node, dict):
            return "other"
        node = normalize_schema(node, self.is_30)
        t = node.get("type")
        kinds = {k for k in t if k != "null"} if isinstance(t, list) else {t}
        if kinds == {"object"} or any(k in node for k in ("properties", "additionalProperties", "patternProperties")):
            return "object"
        key = f"{uri}#{pointer}"
        members = node.get("allOf")
        if isinstance(members, list) and kinds <= {None, "object"} and key not in seen:
            shapes = [self._shape(m, uri, f"{pointer}/allOf/{i}", seen | {key}) for i, m in enumerate(members)]
            if "object" in shapes and "other" not in shapes:
                return "object"
        return "other" if _TYPE_KEYWORDS & node.keys() else "refine"

    def _all_of_plan(self, node: dict, uri: str, pointer: str) -> tuple[str, list[tuple[Any, str]]]:
        """How to read `allOf`: ("merge" into one model | "single" typed member | "first" of
        several typed members | "none"), with the typed members (node, pointer)."""
        members = node.get("allOf") or []
        typed: list[tuple[Any, str]] = []
        objects = 0
        for i, member in enumerate(members):
            m_pointer = f"{pointer}/allOf/{i}"
            shape = self._shape(member, uri, m_pointer)
            if shape != "refine":
                typed.append((member, m_pointer))
                objects += shape == "object"
        own_object = any(k in node for k in ("properties", "additionalProperties"))
        if objects and (own_object or (objects == len(typed) and len(typed) > 1)):
            return "merge", typed
        if len(typed) == 1 and not own_object:
            return "single", typed
        return ("first" if typed else "none"), typed

    def _collect_object(
        self, node: dict, uri: str, pointer: str, hint: str, seen: frozenset[str] = frozenset()
    ) -> tuple[dict[str, tuple[Any, str, str, str]], set[str], tuple[Any, str, str, str] | None]:
        """Properties (wire name -> schema, uri, pointer, name hint), required names and
        additionalProperties of an object schema, flattening `allOf` members (which may be `$ref`s)."""
        props: dict[str, tuple[Any, str, str, str]] = {}
        required: set[str] = set()
        additional: tuple[Any, str, str, str] | None = None
        seen = seen | {f"{uri}#{pointer}"}
        for i, member in enumerate(node.get("allOf") or []):
            m_uri, m_pointer, m_hint = uri, f"{pointer}/allOf/{i}", hint
            if isinstance(member, dict) and "$ref" in member:
                target = self.spec.resolve(member["$ref"], uri, m_pointer + "/$ref")
                if target.key in self._by_key:
                    # Define the member first, so its inline schemas are named after it.
                    m_hint = self._ensure_defined(target.key, target.node, target.uri, target.pointer)
                else:
                    m_hint = self._location_hint(target.uri, target.pointer, hint)
                member, m_uri, m_pointer = target.node, target.uri, target.pointer
            if not isinstance(member, dict) or f"{m_uri}#{m_pointer}" in seen:
                continue
            shape = self._shape(member, m_uri, m_pointer)
            if shape == "other":
                self._report(m_pointer, "allOf member is not an object; its constraints are not checked")
                continue
            member = normalize_schema(member, self.is_30)
            sub_props, sub_required, sub_additional = self._collect_object(member, m_uri, m_pointer, m_hint, seen)
            props.update(sub_props)
            required |= sub_required
            additional = sub_additional or additional
        for prop, schema in (node.get("properties") or {}).items():
            props[prop] = (schema, uri, f"{pointer}/properties/{escape_pointer_token(prop)}", hint)
        if isinstance(node.get("required"), list):
            required.update(r for r in node["required"] if isinstance(r, str))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            additional = (extra, uri, pointer + "/additionalProperties", hint)
        return props, required, additional

    def _model(self, node: dict, uri: str, pointer: str, name: str, description: str | None, top: str) -> ir.ModelDef:
        props, required, additional = self._collect_object(node, uri, pointer, name)
        if not self._variants_refine(node, uri, pointer, set(props)):
            self._report(pointer, "oneOf/anyOf beside properties: only the properties are typed")
        # Properties already spelled as their attribute get it; the others get what is left.
        namer = Namer()
        wanted = {wire: attr_name(wire) for wire in props}
        exact = {wire for wire, py in wanted.items() if py == wire}
        py_names = {wire: namer.claim(wanted[wire]) for wire in props if wire in exact}
        py_names.update({wire: namer.claim(wanted[wire], "_") for wire in props if wire not in exact})
        fields = []
        for wire, (schema, p_uri, p_pointer, p_hint) in props.items():
            ftype = self.type_of(schema, p_uri, p_pointer, p_hint + type_part(wire), top)
            resolved = self._peek(schema, p_uri, p_pointer)
            fields.append(
                ir.FieldDef(
                    py_name=py_names[wire],
                    wire_name=wire,
                    type=ftype,
                    required=wire in required,
                    default=resolved.get("default", ir.NO_DEFAULT),
                    description=spec_text(resolved.get("description")),
                    read_only=bool(resolved.get("readOnly")),
                    write_only=bool(resolved.get("writeOnly")),
                    deprecated=bool(resolved.get("deprecated")),
                )
            )
        extra_type = None
        if additional is not None:
            schema, a_uri, a_pointer, a_hint = additional
            extra = self.type_of(schema, a_uri, a_pointer, a_hint + "Value", top)
            if not isinstance(extra, ir.AnyJson):
                extra_type = extra
        return ir.ModelDef(name, pointer, description, tuple(fields), extra_type)

    def _variants_refine(self, node: dict, uri: str, pointer: str, props: set[str]) -> bool:
        """Whether a model's oneOf/anyOf only constrain its own properties (`required: [a]`,
        a narrower `status`), so typing the properties loses nothing."""
        for combinator in ("oneOf", "anyOf"):
            for i, member in enumerate(node.get(combinator) or []):
                m_pointer = f"{pointer}/{combinator}/{i}"
                shape = self._shape(member, uri, m_pointer)
                if shape == "refine":
                    continue
                member, _, _ = self._deref(member, uri, m_pointer)
                own = member.get("properties") if isinstance(member, dict) else None
                if shape == "other" or "allOf" in member or not isinstance(own, dict) or not set(own) <= props:
                    return False
        return True

    def _peek(self, schema: Any, uri: str, pointer: str) -> dict:
        """The schema's own annotations (description, default …), through one `$ref`."""
        if isinstance(schema, dict) and "$ref" in schema:
            target = self.spec.resolve(schema["$ref"], uri, pointer + "/$ref")
            merged = dict(target.node) if isinstance(target.node, dict) else {}
            merged.update({k: v for k, v in schema.items() if k != "$ref"})
            return merged
        return schema if isinstance(schema, dict) else {}

    # ------------------------------------------------------------ types without a class

    def _structural(self, node: dict, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        """Types that need no class of their own."""
        if "const" in node:
            return self._const(node["const"], pointer)
        if isinstance(node.get("enum"), list):
            values = node["enum"]
            non_null = _unique([v for v in values if v is not None])
            kind = _enum_kind(non_null)
            if kind == "json":
                self._report(pointer, "enum of objects, arrays or mixed numbers and strings; typed as any JSON")
                return ir.AnyJson()
            if not non_null:
                return _NONE
            core = ir.Prim("bool") if kind == "bool" else self._const(non_null[0], pointer)
            return _nullable(core) if None in values else core
        for combinator in ("oneOf", "anyOf"):
            if isinstance(node.get(combinator), list):
                if isinstance(node.get("allOf"), list) and self._all_of_plan(node, uri, pointer)[1]:
                    self._report(pointer, f"allOf beside {combinator}: only the {combinator} is typed")
                return self._union(node, combinator, uri, pointer, hint, owner)
        if isinstance(node.get("allOf"), list):
            plan, typed = self._all_of_plan(node, uri, pointer)
            if plan == "first":
                self._report(pointer, "allOf of several types: typed as its first member, the others are not checked")
            if typed:
                member, m_pointer = typed[0]
                return self.type_of(member, uri, m_pointer, hint, owner)
        t = node.get("type")
        if isinstance(t, list):
            kinds = [k for k in t if k != "null"]
            if not kinds:
                return _NONE
            members = tuple(self._typed(node, k, uri, pointer, hint, owner) for k in kinds)
            if any(isinstance(m, ir.AnyJson) for m in members):
                return ir.AnyJson()
            core = members[0] if len(members) == 1 else ir.UnionOf(members)
            return _nullable(core) if "null" in t else core
        if t is None:
            if any(k in node for k in ("properties", "additionalProperties", "patternProperties")):
                t = "object"
            elif "items" in node or "prefixItems" in node:
                t = "array"
            else:
                return ir.AnyJson()
        return self._typed(node, t, uri, pointer, hint, owner)

    def _const(self, value: Any, pointer: str) -> ir.TypeRef:
        if value is None:
            return _NONE
        if isinstance(value, float) and not value.is_integer():
            self._report(pointer, f"const {value!r} cannot be a Literal; typed as float")
            return ir.Prim("float")
        if isinstance(value, (str, int, float, bool)):
            return _literal(value)
        self._report(pointer, "const object or array; typed as any JSON")
        return ir.AnyJson()

    def _typed(self, node: dict, t: Any, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        if t == "string":
            fmt = node.get("format")
            if isinstance(fmt, str) and fmt in _FORMATS:
                return ir.Formatted(_FORMATS[fmt])  # length bounds do not apply to dates
            if fmt == "binary" or "contentMediaType" in node or "contentEncoding" in node:
                return ir.Formatted("binary")  # file content: 3.0's `format: binary`, 3.1's content keywords
            return self._constrained(ir.Prim("str"), node, length=True)
        if t == "integer":
            return self._constrained(ir.Prim("int"), node, length=False)
        if t == "number":
            return self._constrained(ir.Prim("float"), node, length=False)
        if t == "boolean":
            return ir.Prim("bool")
        if t == "null":
            return _NONE
        if t == "array":
            items = node.get("items", {})
            if "prefixItems" in node or isinstance(items, list):
                self._report(pointer, "tuples (prefixItems) are not supported; items typed as any JSON")
                return ir.ListOf(ir.AnyJson())
            return ir.ListOf(self.type_of(items, uri, pointer + "/items", hint + "Item", owner))
        if t == "object":
            additional = node.get("additionalProperties")
            if isinstance(additional, dict) and additional:
                value = self.type_of(additional, uri, pointer + "/additionalProperties", hint + "Value", owner)
                return ir.MapOf(value)
            return ir.MapOf(ir.AnyJson())
        self._report(pointer, f"unknown type {t!r}; typed as any JSON")
        return ir.AnyJson()

    def _constrained(self, base: ir.TypeRef, node: dict, length: bool) -> ir.TypeRef:
        if _BOUNDS.isdisjoint(node):
            return base

        def num(key: str) -> float | None:
            v = node.get(key)
            return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        def count(key: str) -> int | None:
            v = node.get(key)
            return v if length and isinstance(v, int) and not isinstance(v, bool) else None

        c = ir.Constraints(
            ge=num("minimum"),
            le=num("maximum"),
            gt=num("exclusiveMinimum"),
            lt=num("exclusiveMaximum"),
            min_length=count("minLength"),
            max_length=count("maxLength"),
        )
        return base if c.is_empty() else ir.Constrained(base, c)

    def _union(self, node: dict, combinator: str, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        members: list[ir.TypeRef] = []
        nullable = isinstance(node.get("type"), list) and "null" in node["type"]
        options = node[combinator]
        # A lone non-null option is the type itself: it needs no variant name.
        alone = sum(not _is_null(m) for m in options) == 1
        for i, member in enumerate(options):
            member_hint = hint if alone else hint + variant_name(node, combinator, str(i))
            t = self.type_of(member, uri, f"{pointer}/{combinator}/{i}", member_hint, owner)
            if t == _NONE:
                nullable = True
                continue
            if isinstance(t, ir.Nullable):
                nullable, t = True, t.inner
            for m in t.members if isinstance(t, ir.UnionOf) else (t,):
                if m not in members:
                    members.append(m)
        if not members:
            return _NONE if nullable else ir.AnyJson()
        if any(isinstance(m, ir.AnyJson) for m in members):
            return ir.AnyJson()
        core = members[0] if len(members) == 1 else ir.UnionOf(tuple(members))
        return _nullable(core) if nullable else core
