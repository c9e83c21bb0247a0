"""Schemas → IR types and definitions.

`SchemaReader.type_of` turns any schema node into a `TypeRef`, creating named
definitions (models, enums, aliases) as it meets them:
- a component schema (or any `$ref` target worth a class) is named from its key;
- an inline object or enum is named from where it sits: `ExperimentEvent` +
  `metrics` → `ExperimentEventMetrics`, never a counter;
- collisions get a stable numeric suffix, in the order definitions are met,
  which is itself deterministic (sorted component names, document order).
Constructs we cannot type become `AnyJson` and are recorded as `Report`s.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .errors import escape_pointer_token
from .loader import Spec
from .naming import Namer, attr_name, class_name, enum_member_name
from .normalize import normalize_schema

_SCHEMA_KEYWORDS = {
    "type", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "const",
    "additionalProperties", "format", "$ref", "not", "prefixItems",
}
_FORMATS = {"date-time": "date-time", "date": "date"}


class SchemaReader:
    def __init__(self, spec: Spec, is_30: bool) -> None:
        self.spec = spec
        self.is_30 = is_30
        self.namer = Namer()
        self.definitions: dict[str, ir.Definition] = {}
        # Definition name -> name of the top-level definition whose module holds it.
        self.owner: dict[str, str] = {}
        self.reports: list[ir.Report] = []
        self._by_key: dict[str, str] = {}  # ref target key -> definition name
        self._building: set[str] = set()
        self._alias_targets: dict[str, ir.TypeRef] = {}

    # ------------------------------------------------------------ entry points

    def read_components(self) -> None:
        schemas = self.spec.root.get("components", {}).get("schemas", {}) or {}
        # Claim every component name first so inline names never take them.
        for name in sorted(schemas):
            key = f"{self.spec.uri}#/components/schemas/{escape_pointer_token(name)}"
            self._by_key[key] = self.namer.claim(class_name(name))
        for name in sorted(schemas):
            pointer = f"/components/schemas/{escape_pointer_token(name)}"
            key = f"{self.spec.uri}#{pointer}"
            self._define(key, schemas[name], self.spec.uri, pointer, self._by_key[key], owner=None)

    def type_of(self, node: Any, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        """The type of schema `node` found at `uri#pointer`; `hint` names inline definitions."""
        if node is True or node == {}:
            return ir.AnyJson()
        if not isinstance(node, dict):
            self._report(pointer, "schema is not an object; typed as any JSON")
            return ir.AnyJson()
        if "$ref" in node:
            return self._ref_type(node, uri, pointer, hint, owner)
        node = normalize_schema(node, self.is_30)
        if self._is_definable(node):
            return ir.Named(self._define(None, node, uri, pointer, self.namer.claim(class_name(hint)), owner))
        return self._structural(node, uri, pointer, hint, owner)

    # ------------------------------------------------------------ helpers

    def _report(self, pointer: str, message: str) -> None:
        self.reports.append(ir.Report(pointer, message))

    def _ref_type(self, node: dict, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        target = self.spec.resolve(node["$ref"], uri, pointer + "/$ref")
        if target.key in self._by_key:
            name = self._by_key[target.key]
            if name not in self.definitions and name not in self._building:
                self._define(target.key, target.node, target.uri, target.pointer, name, owner=None)
            return self._alias_or_named(name)
        resolved = normalize_schema(target.node, self.is_30) if isinstance(target.node, dict) else target.node
        if isinstance(resolved, dict) and self._is_definable(resolved):
            last = target.pointer.rsplit("/", 1)[-1] or target.uri.rsplit("/", 1)[-1].split(".")[0]
            name = self.namer.claim(class_name(last.replace("~1", "/").replace("~0", "~")))
            self._by_key[target.key] = name
            self._define(target.key, target.node, target.uri, target.pointer, name, owner=None)
            return ir.Named(name)
        return self.type_of(target.node, target.uri, target.pointer, hint, owner)

    def _alias_or_named(self, name: str) -> ir.TypeRef:
        return ir.Named(name)

    def _is_definable(self, node: dict) -> bool:
        """Whether the schema deserves a class of its own (object with properties, enum)."""
        if "enum" in node and len([v for v in node["enum"] if v is not None]) > 1:
            return True
        if isinstance(node.get("properties"), dict) and node["properties"]:
            return True
        if "allOf" in node and len(node["allOf"]) > 1:
            return True
        return False

    def _define(
        self, key: str | None, node: Any, uri: str, pointer: str, name: str, owner: str | None
    ) -> str:
        self._building.add(name)
        self.owner[name] = owner or name
        top = owner or name
        if isinstance(node, dict) and "$ref" not in node:
            node = normalize_schema(node, self.is_30)
        description = node.get("description") if isinstance(node, dict) else None
        definition: ir.Definition
        if isinstance(node, dict) and "$ref" not in node and self._is_definable(node):
            if "enum" in node and not node.get("properties"):
                definition = self._enum(node, pointer, name, description)
            else:
                definition = self._model(node, uri, pointer, name, description, top)
        else:
            definition = ir.AliasDef(name, pointer, description, self.type_of(node, uri, pointer, name, top))
        self.definitions[name] = definition
        self._building.discard(name)
        return name

    def _enum(self, node: dict, pointer: str, name: str, description: str | None) -> ir.Definition:
        values = [v for v in node["enum"] if v is not None]
        if all(isinstance(v, str) for v in values):
            base = "str"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            base = "int"
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            base = "float"
        else:
            self._report(pointer, "enum mixes value types; typed as the union of its literals")
            members = tuple(ir.Const(v) for v in values if isinstance(v, (str, int, float, bool)))
            return ir.AliasDef(name, pointer, description, ir.UnionOf(members))
        namer = Namer()
        seen: set[object] = set()
        members = []
        for value in values:
            if value in seen:
                continue
            seen.add(value)
            members.append(ir.EnumMember(namer.claim(enum_member_name(value), "_"), value))
        return ir.EnumDef(name, pointer, description, base, tuple(members))  # type: ignore[arg-type]

    def _collect_object(
        self, node: dict, uri: str, pointer: str
    ) -> tuple[list[tuple[str, Any, str, str]], set[str], Any]:
        """Properties (name, schema, uri, pointer), required names and additionalProperties
        of an object schema, flattening `allOf` members (which may be `$ref`s)."""
        props: dict[str, tuple[str, Any, str, str]] = {}
        required: set[str] = set(node.get("required") or [])
        additional: Any = node.get("additionalProperties")
        for i, member in enumerate(node.get("allOf") or []):
            m_uri, m_pointer = uri, f"{pointer}/allOf/{i}"
            if isinstance(member, dict) and "$ref" in member:
                target = self.spec.resolve(member["$ref"], uri, m_pointer + "/$ref")
                member, m_uri, m_pointer = target.node, target.uri, target.pointer
            if not isinstance(member, dict):
                continue
            member = normalize_schema(member, self.is_30)
            sub_props, sub_required, sub_additional = self._collect_object(member, m_uri, m_pointer)
            for entry in sub_props:
                props[entry[0]] = entry
            required |= sub_required
            if sub_additional is not None and additional is None:
                additional = sub_additional
            if not sub_props and member.get("type") not in (None, "object") and "properties" not in member:
                self._report(m_pointer, "allOf member is not an object; its constraints are ignored")
        for prop, schema in (node.get("properties") or {}).items():
            props[prop] = (prop, schema, uri, f"{pointer}/properties/{escape_pointer_token(prop)}")
        return list(props.values()), required, additional

    def _model(
        self, node: dict, uri: str, pointer: str, name: str, description: str | None, top: str
    ) -> ir.ModelDef:
        props, required, additional = self._collect_object(node, uri, pointer)
        if "oneOf" in node or "anyOf" in node:
            self._report(pointer, "oneOf/anyOf beside properties: only the properties are typed")
        namer = Namer()
        fields = []
        for wire, schema, p_uri, p_pointer in props:
            py = namer.claim(attr_name(wire), "_")
            ftype = self.type_of(schema, p_uri, p_pointer, name + class_name(wire), top)
            resolved = self._peek(schema, p_uri, p_pointer)
            fields.append(
                ir.FieldDef(
                    py_name=py,
                    wire_name=wire,
                    type=ftype,
                    required=wire in required,
                    default=resolved.get("default", ir.NO_DEFAULT),
                    description=resolved.get("description"),
                    read_only=bool(resolved.get("readOnly")),
                    write_only=bool(resolved.get("writeOnly")),
                    deprecated=bool(resolved.get("deprecated")),
                )
            )
        extra_type = None
        if isinstance(additional, dict) and additional:
            extra = self.type_of(additional, uri, pointer + "/additionalProperties", name + "Extra", top)
            if not isinstance(extra, ir.AnyJson):
                extra_type = extra
        return ir.ModelDef(name, pointer, description, tuple(fields), extra_type)

    def _peek(self, schema: Any, uri: str, pointer: str) -> dict:
        """The schema's own annotations (description, default …), through one `$ref`."""
        if isinstance(schema, dict) and "$ref" in schema:
            target = self.spec.resolve(schema["$ref"], uri, pointer + "/$ref")
            merged = dict(target.node) if isinstance(target.node, dict) else {}
            merged.update({k: v for k, v in schema.items() if k != "$ref"})
            return merged
        return schema if isinstance(schema, dict) else {}

    def _structural(self, node: dict, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        """Types that need no class of their own."""
        if "not" in node:
            self._report(pointer, "'not' is not supported; typed as any JSON")
        if "const" in node:
            value = node["const"]
            if isinstance(value, (str, int, float, bool)):
                return ir.Const(value)
            if value is None:
                return ir.Prim("none")
            self._report(pointer, "non-scalar const; typed as any JSON")
            return ir.AnyJson()
        if "enum" in node:
            values = node["enum"]
            non_null = [v for v in values if v is not None]
            if len(non_null) == 1 and isinstance(non_null[0], (str, int, float, bool)):
                t: ir.TypeRef = ir.Const(non_null[0])
                return ir.Nullable(t) if None in values else t
            if not non_null:
                return ir.Prim("none")
        for combinator in ("oneOf", "anyOf"):
            if combinator in node:
                return self._union(node, combinator, uri, pointer, hint, owner)
        if "allOf" in node:
            members = node["allOf"]
            if len(members) == 1:
                return self.type_of(members[0], uri, f"{pointer}/allOf/0", hint, owner)
        t = node.get("type")
        if isinstance(t, list):
            kinds = [k for k in t if k != "null"]
            nullable = "null" in t
            if not kinds:
                return ir.Prim("none")
            members_t = tuple(self._typed(node, k, uri, pointer, hint, owner) for k in kinds)
            core = members_t[0] if len(members_t) == 1 else ir.UnionOf(members_t)
            return ir.Nullable(core) if nullable else core
        if t is None:
            if "properties" in node or "additionalProperties" in node:
                t = "object"
            elif "items" in node:
                t = "array"
            else:
                return ir.AnyJson()
        return self._typed(node, t, uri, pointer, hint, owner)

    def _typed(self, node: dict, t: str, uri: str, pointer: str, hint: str, owner: str | None) -> ir.TypeRef:
        if t == "string":
            fmt = node.get("format")
            base: ir.TypeRef = ir.Formatted(_FORMATS[fmt]) if fmt in _FORMATS else ir.Prim("str")  # type: ignore[arg-type]
            return self._constrained(base, node, length=True)
        if t == "integer":
            return self._constrained(ir.Prim("int"), node, length=False)
        if t == "number":
            return self._constrained(ir.Prim("float"), node, length=False)
        if t == "boolean":
            return ir.Prim("bool")
        if t == "null":
            return ir.Prim("none")
        if t == "array":
            if "prefixItems" in node:
                self._report(pointer, "prefixItems (tuples) not supported; items typed as any JSON")
                return ir.ListOf(ir.AnyJson())
            items = node.get("items", {})
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
        def num(key: str) -> float | None:
            v = node.get(key)
            return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        c = ir.Constraints(
            ge=num("minimum"),
            le=num("maximum"),
            gt=num("exclusiveMinimum"),
            lt=num("exclusiveMaximum"),
            min_length=node.get("minLength") if length and isinstance(node.get("minLength"), int) else None,
            max_length=node.get("maxLength") if length and isinstance(node.get("maxLength"), int) else None,
        )
        return base if c.is_empty() else ir.Constrained(base, c)

    def _union(
        self, node: dict, combinator: str, uri: str, pointer: str, hint: str, owner: str | None
    ) -> ir.TypeRef:
        members: list[ir.TypeRef] = []
        nullable = False
        options = node[combinator] or []
        for i, member in enumerate(options):
            m_pointer = f"{pointer}/{combinator}/{i}"
            member_hint = hint + self._variant_name(member, i)
            t = self.type_of(member, uri, m_pointer, member_hint, owner)
            if t == ir.Prim("none"):
                nullable = True
                continue
            if isinstance(t, ir.Nullable):
                nullable, t = True, t.inner
            if t not in members:
                members.append(t)
        if "null" in (node.get("type") or []) if isinstance(node.get("type"), list) else False:
            nullable = True
        if not members:
            core: ir.TypeRef = ir.Prim("none") if nullable else ir.AnyJson()
            return core
        if any(isinstance(m, ir.AnyJson) for m in members):
            core = ir.AnyJson()
        else:
            core = members[0] if len(members) == 1 else ir.UnionOf(tuple(members))
        return ir.Nullable(core) if nullable and not isinstance(core, ir.AnyJson) else core

    def _variant_name(self, member: Any, index: int) -> str:
        if isinstance(member, dict):
            title = member.get("title")
            if isinstance(title, str) and class_name(title) != "Schema":
                return class_name(title)
            for prop in ("type", "object", "kind"):
                p = (member.get("properties") or {}).get(prop)
                if isinstance(p, dict):
                    value = p.get("const", (p.get("enum") or [None])[0])
                    if isinstance(value, str) and value:
                        return class_name(value)
        return f"Variant{index}"
