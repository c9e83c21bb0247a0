"""Paths → IR operations, grouped into resources.

Where an operation lives on the client (`client.experiments.events.list`) is
derived from its path, as the best commercial SDKs name them:
- the static segments of the path (version prefixes like `v1` dropped) are the
  resource path; a final static segment after a parameter that is not a
  collection (`/experiment/{id}/insert`) is an action: the method's name;
- otherwise the method is `list` / `create` on a collection, `retrieve` /
  `update` / `delete` on an item; `replace` for PUT on a collection;
- a name taken twice in a resource falls back to the operationId's last word,
  then to `<name>_<http method>`.
The config's `resources` map (operationId → "a.b.method") overrides all of it.
Pagination is detected from the parameters and response shape, or configured.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from .. import ir
from ..errors import SpecError, escape_pointer_token
from ..spec.config import Config
from ..spec.loader import Spec, display_path
from .naming import Namer, attr_name, class_name, pascal, snake
from .schemas import SchemaReader

_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
_VERSION = re.compile(r"^(v\d+(\.\d+)*|api)$", re.IGNORECASE)
_RESERVED_METHODS = {
    "with_raw_response",
    "with_streaming_response",
    "with_options",
    "copy",
    "close",
    "api_key",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "default_query",
} | {
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "None",
    "True",
    "False",
}
_REQUEST_KWARGS = {"extra_headers", "extra_query", "extra_body", "timeout"}
_CURSOR_FIELDS = ("next_cursor", "cursor", "next_page_token", "nextCursor", "next_token", "nextPageToken")
_CURSOR_PARAMS = ("cursor", "page_token", "next_cursor", "after", "pageToken", "next_token")
_LIMIT_PARAMS = ("limit", "page_size", "per_page", "pageSize")


@dataclass
class _RawOp:
    path: str
    method: str
    node: dict
    path_params: list


def _media_kind(media: str) -> ir.BodyKind | None:
    m = media.split(";")[0].strip().lower()
    if m == "application/json" or m.endswith("+json") or m == "*/*":
        return "json"
    if m == "application/x-www-form-urlencoded":
        return "form"
    if m == "multipart/form-data":
        return "multipart"
    if m.startswith("text/"):
        return "text"
    return "binary"


def _pick_media(content: dict) -> tuple[str, Any] | None:
    if not content:
        return None
    order = ["json", "multipart", "form", "text", "binary"]
    ranked = sorted(content.items(), key=lambda kv: (order.index(_media_kind(kv[0]) or "binary"), kv[0]))
    return ranked[0]


class OperationReader:
    def __init__(self, spec: Spec, reader: SchemaReader, config: Config) -> None:
        self.spec = spec
        self.reader = reader
        self.config = config
        self.file = display_path(spec.uri)

    # ------------------------------------------------------------ helpers

    def _deref(self, node: Any, pointer: str) -> tuple[Any, str, str]:
        """(node, uri, pointer) after following `$ref`s."""
        if isinstance(node, dict) and "$ref" in node:
            target = self.spec.resolve(node["$ref"], self.spec.uri, pointer + "/$ref")
            return target.node, target.uri, target.pointer
        return node, self.spec.uri, pointer

    def _model_of(self, t: ir.TypeRef | None) -> ir.ModelDef | None:
        if isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.Named):
            d = self.reader.definitions.get(t.name)
            if isinstance(d, ir.AliasDef):
                return self._model_of(d.type)
            return d if isinstance(d, ir.ModelDef) else None
        return None

    def _list_item(self, t: ir.TypeRef | None) -> ir.TypeRef | None:
        if isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.ListOf):
            return t.item
        if isinstance(t, ir.Named):
            d = self.reader.definitions.get(t.name)
            if isinstance(d, ir.AliasDef):
                return self._list_item(d.type)
        return None

    # ------------------------------------------------------------ reading

    def read(self) -> tuple[list[ir.OperationDef], str, str | None, bool]:
        paths = self.spec.root.get("paths") or {}
        auth, auth_header, auth_required = self._security()
        raw_ops: list[_RawOp] = []
        for path in sorted(paths):
            item, _, item_pointer = self._deref(paths[path], f"/paths/{escape_pointer_token(path)}")
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                if isinstance(item.get(method), dict):
                    raw_ops.append(_RawOp(path, method, item[method], list(item.get("parameters") or [])))
        collections = self._collections(paths)
        self._plural = self._plural_names(raw_ops)
        # An API that declares `Link` on most of its page-numbered lists (GitHub) pages them all
        # that way, declared or not; otherwise each operation is judged on its own.
        page_ops = [r for r in raw_ops if r.method == "get" and self._takes_page(r)]
        declared = sum(1 for r in page_ops if self._declares_link(r))
        self._link_api = declared * 2 > len(page_ops)
        ops = [self._operation(r, collections, auth_required) for r in raw_ops]
        return self._place(ops), auth, auth_header, auth_required

    def _security(self) -> tuple[str, str | None, bool]:
        schemes = (self.spec.root.get("components") or {}).get("securitySchemes") or {}
        security = self.spec.root.get("security") or []
        auth, header = "none", None
        names = [n for req in security if isinstance(req, dict) for n in req] or sorted(schemes)
        for name in names:
            scheme, _, _ = self._deref(schemes.get(name), f"/components/securitySchemes/{name}")
            if not isinstance(scheme, dict):
                continue
            if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                auth = "bearer"
            elif scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                auth = "basic"
            elif scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                auth, header = "header", str(scheme.get("name"))
            elif scheme.get("type") in ("oauth2", "openIdConnect"):
                auth = "bearer"
            else:
                continue
            break
        required = bool(security) and not any(req == {} for req in security) and auth != "none"
        return auth, header, required

    def _plural_names(self, raw_ops: list[_RawOp]) -> dict[str, str]:
        """Top-level segments named in the singular whose operations are tagged with the plural
        (`/v1/experiment` tagged `Experiments`) take the tag's name, for every operation under them."""
        out: dict[str, str] = {}
        for raw in raw_ops:
            segs = [s for s in raw.path.strip("/").split("/") if s and not s.startswith("{")]
            while segs and _VERSION.match(segs[0]):
                segs = segs[1:]
            if not segs:
                continue
            first = snake(segs[0])
            for tag in raw.node.get("tags") or []:
                if snake(str(tag)) == first + "s":
                    out.setdefault(first, first + "s")
        return out

    def _collections(self, paths: dict) -> set[tuple[str, ...]]:
        """Static path prefixes followed by a parameter somewhere: those are collections."""
        out: set[tuple[str, ...]] = set()
        for path in paths:
            segs = [s for s in path.strip("/").split("/") if s]
            statics: list[str] = []
            for seg in segs:
                if seg.startswith("{"):
                    if statics:
                        out.add(tuple(statics))
                elif not (not statics and _VERSION.match(seg)):
                    statics.append(seg)
        return out

    def _params(self, raw: _RawOp, pointer: str, op_hint: str) -> list[ir.ParamDef]:
        merged: dict[tuple[str, str], tuple[Any, str]] = {}
        for source, base in (
            (raw.path_params, f"/paths/{escape_pointer_token(raw.path)}/parameters"),
            (raw.node.get("parameters") or [], pointer + "/parameters"),
        ):
            for i, p in enumerate(source):
                node, _, p_pointer = self._deref(p, f"{base}/{i}")
                if isinstance(node, dict) and "name" in node and "in" in node:
                    merged[(str(node["in"]), str(node["name"]))] = (node, p_pointer)
        out = []
        for (location, name), (node, p_pointer) in merged.items():
            if location not in ("path", "query", "header", "cookie"):
                continue
            schema = node.get("schema")
            if schema is None and isinstance(node.get("content"), dict) and node["content"]:
                schema = next(iter(node["content"].values())).get("schema")
            ptype = self.reader.type_of(
                schema if schema is not None else {},
                self.spec.uri,
                p_pointer + "/schema",
                op_hint + class_name(name),
                None,
            )
            example = node.get("example", ir.NO_DEFAULT)
            if example is ir.NO_DEFAULT and isinstance(node.get("examples"), dict) and node["examples"]:
                first, _, _ = self._deref(next(iter(node["examples"].values())), p_pointer)
                if isinstance(first, dict) and "value" in first:
                    example = first["value"]
            out.append(
                ir.ParamDef(
                    py_name=attr_name(name),
                    wire_name=name,
                    location=location,  # type: ignore[arg-type]
                    type=ptype,
                    required=bool(node.get("required")) or location == "path",
                    description=node.get("description"),
                    style=node.get("style"),
                    explode=node.get("explode"),
                    example=example,
                    schema=schema if isinstance(schema, dict) else None,
                )
            )
        order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
        path_order = re.findall(r"{([^}]+)}", raw.path)
        out.sort(key=lambda p: (order[p.location], path_order.index(p.wire_name) if p.wire_name in path_order else 0))
        return out

    def _body(self, raw: _RawOp, pointer: str, op_hint: str) -> ir.BodyDef | None:
        node, _, b_pointer = self._deref(raw.node.get("requestBody"), pointer + "/requestBody")
        if not isinstance(node, dict):
            return None
        picked = _pick_media(node.get("content") or {})
        if picked is None:
            return None
        media, media_obj = picked
        kind = _media_kind(media) or "binary"
        media_pointer = f"{b_pointer}/content/{escape_pointer_token(media)}"
        schema = (media_obj or {}).get("schema", {})
        btype = self.reader.type_of(schema, self.spec.uri, media_pointer + "/schema", op_hint + "Params", None)
        model = self._model_of(btype)
        example = (media_obj or {}).get("example", ir.NO_DEFAULT)
        if example is ir.NO_DEFAULT and isinstance((media_obj or {}).get("examples"), dict) and media_obj["examples"]:
            first, _, _ = self._deref(next(iter(media_obj["examples"].values())), media_pointer)
            if isinstance(first, dict) and "value" in first:
                example = first["value"]
        resolved, _, _ = self._deref(schema, media_pointer + "/schema")
        return ir.BodyDef(
            media_type=media,
            kind=kind,
            type=btype,
            required=bool(node.get("required")),
            fields=model.fields if model is not None and kind in ("json", "form", "multipart") else None,
            description=node.get("description"),
            example=example,
            schema=resolved if isinstance(resolved, dict) else None,
        )

    def _responses(self, raw: _RawOp, pointer: str, op_hint: str) -> tuple[ir.ResponseDef, tuple[ir.ResponseDef, ...]]:
        responses = raw.node.get("responses") or {}
        success: ir.ResponseDef | None = None
        errors = []
        for status in sorted(responses, key=str):
            node, _, r_pointer = self._deref(responses[status], f"{pointer}/responses/{escape_pointer_token(status)}")
            if not isinstance(node, dict):
                continue
            picked = _pick_media(node.get("content") or {})
            code = str(status)
            is_success = code.startswith("2")
            if picked is None:
                resp = ir.ResponseDef(code, None, "empty", None)
            else:
                media, media_obj = picked
                kind = _media_kind(media)
                schema = (media_obj or {}).get("schema")
                if kind == "json":
                    t = (
                        self.reader.type_of(
                            schema if schema is not None else {},
                            self.spec.uri,
                            f"{r_pointer}/content/{escape_pointer_token(media)}/schema",
                            op_hint + "Response",
                            None,
                        )
                        if is_success
                        else None
                    )
                    resp = ir.ResponseDef(code, media, "json", t)
                else:
                    resp = ir.ResponseDef(code, media, "text" if kind == "text" else "binary", None)
            if is_success and success is None:
                success = resp
            elif not is_success:
                errors.append(resp)
        return success or ir.ResponseDef("200", None, "empty", None), tuple(errors)

    def _pagination(
        self, op_id: str, params: list[ir.ParamDef], response: ir.ResponseDef, raw: _RawOp
    ) -> ir.PaginationDef | None:
        query = {p.wire_name for p in params if p.location == "query"}
        limit = next((q for q in _LIMIT_PARAMS if q in query), None)
        configured = self.config.pagination.get(op_id)
        item = self._list_item(response.type)
        model = self._model_of(response.type)
        if configured is not None:
            scheme = str(configured.get("scheme", ""))
            items_field = configured.get("items")
            item_type: ir.TypeRef | None = item
            if items_field and model is not None:
                f = next((f for f in model.fields if f.wire_name == items_field), None)
                item_type = self._list_item(f.type) if f else None
            return ir.PaginationDef(
                scheme=scheme,
                items_field=items_field,
                item_type=item_type or ir.AnyJson(),  # type: ignore[arg-type]
                cursor_param=configured.get("cursor_param"),
                cursor_field=configured.get("cursor_field"),
                limit_param=configured.get("limit_param", limit),
            )
        if raw.method != "get" or response.kind != "json":
            return None
        if item is not None:
            if "starting_after" in query:
                return ir.PaginationDef("after_id", None, item, "starting_after", None, limit)
            if "page" in query and (self._link_api or self._declares_link(raw)):
                return ir.PaginationDef("link_header", None, item, "page", None, limit)
            if "page" in query:
                return ir.PaginationDef("page_number", None, item, "page", None, limit)
            if "offset" in query:
                return ir.PaginationDef("offset", None, item, "offset", None, limit)
            return None
        if model is None:
            return None
        arrays = [f for f in model.fields if self._list_item(f.type) is not None]
        if not arrays:
            return None
        preferred = [f for f in arrays if f.wire_name in ("data", "objects", "items", "results", "events")]
        items_f = (preferred or arrays)[0] if (preferred or len(arrays) == 1) else None
        if items_f is None:
            return None
        item_t = self._list_item(items_f.type) or ir.AnyJson()
        if "starting_after" in query:
            return ir.PaginationDef("after_id", items_f.wire_name, item_t, "starting_after", None, limit)
        cursor_field = next((f.wire_name for f in model.fields if f.wire_name in _CURSOR_FIELDS), None)
        cursor_param = next((q for q in _CURSOR_PARAMS if q in query), None)
        if cursor_field and cursor_param:
            return ir.PaginationDef("cursor", items_f.wire_name, item_t, cursor_param, cursor_field, limit)
        if "offset" in query:
            return ir.PaginationDef("offset", items_f.wire_name, item_t, "offset", None, limit)
        if "page" in query:
            scheme = "link_header" if self._link_api or self._declares_link(raw) else "page_number"
            return ir.PaginationDef(scheme, items_f.wire_name, item_t, "page", None, limit)  # type: ignore[arg-type]
        return None

    def _takes_page(self, raw: _RawOp) -> bool:
        for p in [*raw.path_params, *(raw.node.get("parameters") or [])]:
            node, _, _ = self._deref(p, "")
            if isinstance(node, dict) and node.get("in") == "query" and node.get("name") == "page":
                return True
        return False

    def _declares_link(self, raw: _RawOp) -> bool:
        for status, resp in (raw.node.get("responses") or {}).items():
            node, _, _ = self._deref(resp, "")
            if str(status).startswith("2") and isinstance(node, dict):
                if any(h.lower() == "link" for h in (node.get("headers") or {})):
                    return True
        return False

    def _operation(self, raw: _RawOp, collections: set[tuple[str, ...]], auth_required: bool) -> ir.OperationDef:
        pointer = f"/paths/{escape_pointer_token(raw.path)}/{raw.method}"
        op_id = str(raw.node.get("operationId") or f"{raw.method}_{raw.path}")
        hint = pascal(op_id) or "Operation"
        params = self._params(raw, pointer, hint)
        body = self._body(raw, pointer, hint)
        response, errors = self._responses(raw, pointer, hint)
        pagination = self._pagination(op_id, params, response, raw)
        resource, method_name = self._derive_place(raw, collections, pagination, response)
        security = raw.node.get("security")
        requires_auth = auth_required if security is None else bool(security) and not any(s == {} for s in security)
        params, body = self._name_kwargs(params, body)
        return ir.OperationDef(
            operation_id=op_id,
            method=raw.method,
            path=raw.path,
            resource=resource,
            method_name=method_name,
            summary=raw.node.get("summary"),
            description=raw.node.get("description"),
            params=tuple(params),
            body=body,
            response=response,
            error_responses=errors,
            pagination=pagination,
            deprecated=bool(raw.node.get("deprecated")),
            requires_auth=requires_auth,
            pointer=pointer,
            skip_reason=self.config.skip.get(op_id),
        )

    def _name_kwargs(
        self, params: list[ir.ParamDef], body: ir.BodyDef | None
    ) -> tuple[list[ir.ParamDef], ir.BodyDef | None]:
        """Unique keyword names across parameters and (flattened) body properties."""
        namer = Namer(_REQUEST_KWARGS | {"self", "body"})
        params = [replace(p, py_name=namer.claim(p.py_name, "_")) for p in params]
        if body is not None and body.fields is not None:
            fields = tuple(replace(f, py_name=namer.claim(f.py_name, "_")) for f in body.fields)
            body = replace(body, fields=fields)
        return params, body

    def _derive_place(
        self,
        raw: _RawOp,
        collections: set[tuple[str, ...]],
        pagination: ir.PaginationDef | None,
        response: ir.ResponseDef,
    ) -> tuple[tuple[str, ...], str]:
        op_id = str(raw.node.get("operationId") or "")
        configured = self.config.resources.get(op_id)
        if configured:
            parts = [snake(p) or "x" for p in configured.split(".")]
            return tuple(parts[:-1]), parts[-1]
        segs = [s for s in raw.path.strip("/").split("/") if s]
        while segs and _VERSION.match(segs[0]):
            segs = segs[1:]
        statics = [s for s in segs if not s.startswith("{")]
        ends_in_param = bool(segs) and segs[-1].startswith("{")
        resource = list(statics)
        action = None
        if not ends_in_param and len(segs) >= 2 and tuple(statics) not in collections and not statics[-1].endswith("s"):
            action = statics[-1]
            resource = statics[:-1]
        names = [snake(s) or "root" for s in resource] or ["root"]
        names[0] = self._plural.get(names[0], names[0])
        if action is not None:
            method = snake(action)
        elif ends_in_param:
            method = {"get": "retrieve", "delete": "delete"}.get(raw.method, "update")
        else:
            is_list = pagination is not None or (response.type is not None and self._list_item(response.type))
            method = {
                "get": "list" if is_list else "retrieve",
                "post": "create",
                "put": "replace",
                "patch": "update",
                "delete": "delete",
            }.get(raw.method, raw.method)
        return tuple(names), method

    # ------------------------------------------------------------ placing

    def _place(self, ops: list[ir.OperationDef]) -> list[ir.OperationDef]:
        """Make method names unique per resource and distinct from sub-resource names."""
        children: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for op in ops:
            for i in range(1, len(op.resource)):
                children[op.resource[:i]].add(op.resource[i])
        taken: dict[tuple[str, ...], Namer] = defaultdict(Namer)
        for res, subs in children.items():
            taken[res] = Namer({_resource_attr(sub) for sub in subs})
        out = []
        for op in ops:
            namer = taken[op.resource]
            name = op.method_name
            if name in _RESERVED_METHODS:
                name += "_"
            if name in namer:
                # GitHub-style ids ("issues/list-comments") name the method well; others get the verb.
                fallback = snake(op.operation_id.split("/")[-1]) if "/" in op.operation_id else ""
                usable = fallback and fallback not in namer and fallback not in _RESERVED_METHODS
                name = fallback if usable else f"{name}_{op.method}"
            name = namer.claim(name, "_")
            out.append(replace(op, method_name=name))
        return out


def _resource_attr(segment: str) -> str:
    return segment + "_" if segment in _RESERVED_METHODS else segment


_CLASS_VARIANTS = (
    "{}",
    "Async{}",
    "{}WithRawResponse",
    "Async{}WithRawResponse",
    "{}WithStreamingResponse",
    "Async{}WithStreamingResponse",
)


def build_resources(ops: list[ir.OperationDef], type_names: set[str]) -> tuple[ir.ResourceDef, ...]:
    """Nest operations into resources by their resource path.

    Resource classes share their modules with imported types, so a class name
    that a type already uses (in any of its variants) gets a `Resource` suffix."""
    paths: set[tuple[str, ...]] = set()
    for op in ops:
        for i in range(1, len(op.resource) + 1):
            paths.add(op.resource[:i])
    module_namer = Namer({"__init__"})
    modules = {p: module_namer.claim("_".join(p), "_") for p in sorted(paths)}
    class_namer = Namer()
    classes = {}
    for p in sorted(paths):
        name = class_name("_".join(p))
        if any(v.format(name) in type_names for v in _CLASS_VARIANTS):
            name += "Resource"
        classes[p] = class_namer.claim(name)

    def make(path: tuple[str, ...]) -> ir.ResourceDef:
        kids = sorted(p for p in paths if len(p) == len(path) + 1 and p[: len(path)] == path)
        attr = _resource_attr(path[-1])
        return ir.ResourceDef(
            path=path,
            attr_name=attr,
            class_name=classes[path],
            module=modules[path],
            operations=tuple(op for op in ops if op.resource == path),
            children=tuple(make(k) for k in kids),
        )

    return tuple(make(p) for p in sorted(p for p in paths if len(p) == 1))


def check_config_references(config: Config, ops: list[ir.OperationDef]) -> None:
    known = {op.operation_id for op in ops}
    problems = []
    for section, mapping in (("resources", config.resources), ("pagination", config.pagination), ("skip", config.skip)):
        for op_id in mapping:
            if op_id not in known:
                problems.append(
                    (f"/{section}/{escape_pointer_token(op_id)}", f"no operation has operationId {op_id!r}")
                )
    if problems:
        from ..errors import Problem

        raise SpecError([Problem(config.source or "config", p, m) for p, m in problems])
