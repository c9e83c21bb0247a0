"""Paths → IR operations: parameters, bodies, responses, pagination, security requirements.

Each operation is read on its own; where it lives on the client and what its
method and keyword arguments are called is `generator.ir.placement`'s job.
Pagination is detected from the parameters and response shape, or configured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .. import ir
from ..errors import Problem, SpecError, escape_pointer_token, warning
from ..spec.config import Config
from ..spec.loader import Spec, display_path
from .naming import attr_name, class_name, pascal, snake, spec_text
from .placement import Endpoint, kwarg_names, place_operations
from .schemas import SchemaReader
from .security import SecurityReader

_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
# Where the items of a list response sit (`{"data": [...]}`), in order of preference.
_ITEMS_FIELDS = ("data", "objects", "items", "results", "events")
_CURSOR_FIELDS = ("next_cursor", "cursor", "next_page_token", "nextCursor", "next_token", "nextPageToken")
_CURSOR_PARAMS = ("cursor", "page_token", "next_cursor", "after", "pageToken", "next_token")
_LIMIT_PARAMS = ("limit", "page_size", "per_page", "pageSize")


@dataclass
class _RawOp:
    path: str
    method: str
    node: dict
    path_params: list
    # The document and pointer of the path item (another file's, for `/x: {$ref: paths/x.yaml}`).
    uri: str = ""
    item_pointer: str = ""
    # The operationId, made unique (a repeated one gets a derived id).
    op_id: str = ""


def _form_encoding(encoding: Any) -> tuple[tuple[str, str, bool], ...]:
    """(property, style, explode) of a form body's `encoding` object (OpenAPI: style `form`,
    exploded, unless said otherwise)."""
    out = []
    for name, entry in (encoding or {}).items() if isinstance(encoding, dict) else ():
        if isinstance(entry, dict) and ("style" in entry or "explode" in entry):
            style = str(entry.get("style") or "form")
            explode = entry.get("explode")
            out.append((str(name), style, bool(explode) if explode is not None else style == "form"))
    return tuple(sorted(out))


def _list(value: Any) -> list:
    return list(value) if isinstance(value, list) else []


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
    def __init__(self, spec: Spec, reader: SchemaReader, config: Config, security: SecurityReader) -> None:
        self.spec = spec
        self.reader = reader
        self.config = config
        self.security = security
        self.file = display_path(spec.uri)
        # Problems in the spec read around (undeclared path variables, repeated operationIds …).
        self.warnings: list[Problem] = []

    # ------------------------------------------------------------ helpers

    def _deref(self, node: Any, pointer: str, uri: str | None = None) -> tuple[Any, str, str]:
        """(node, uri, pointer) after following `$ref`s; `node` is at `uri#pointer` (default: the
        root document), and a relative `$ref` in it resolves against `uri`."""
        uri = uri or self.spec.uri
        if isinstance(node, dict) and "$ref" in node:
            target = self.spec.resolve(node["$ref"], uri, pointer + "/$ref")
            return target.node, target.uri, target.pointer
        return node, uri, pointer

    def _warn(self, uri: str, pointer: str, message: str) -> None:
        self.warnings.append(warning(display_path(uri), pointer, message))

    def _model_of(self, t: ir.TypeRef | None) -> ir.ModelDef | None:
        if isinstance(t, ir.Nullable):
            t = t.inner
        if isinstance(t, ir.Named):
            d = self.reader.definitions.get(t.name)
            if isinstance(d, ir.AliasDef):
                return self._model_of(d.type)
            return d if isinstance(d, ir.ModelDef) else None
        return None

    def _unalias(self, t: ir.TypeRef) -> ir.TypeRef:
        """`t` with nullability, constraints and type aliases seen through."""
        while True:
            if isinstance(t, (ir.Nullable, ir.Constrained)):
                t = t.inner
            elif isinstance(t, ir.Named) and isinstance(d := self.reader.definitions.get(t.name), ir.AliasDef):
                t = d.type
            else:
                return t

    def _is_file(self, t: ir.TypeRef) -> bool:
        """A file part: binary content, or an array of it (the same part name repeated)."""
        t = self._unalias(t)
        if isinstance(t, ir.ListOf):
            t = self._unalias(t.item)
        return t == ir.Formatted("binary")

    def _multipart(self, fields: tuple[ir.FieldDef, ...], encoding: Any) -> dict[str, Any]:
        """A multipart body's `BodyDef` fields: its file parts, those that take several files, and
        the other parts' content types: the `encoding` object's `contentType`, else JSON for an
        object or an array of objects (OpenAPI's defaults)."""
        declared = {
            str(name): str(entry["contentType"]).split(",")[0].strip()
            for name, entry in (encoding.items() if isinstance(encoding, dict) else ())
            if isinstance(entry, dict) and isinstance(entry.get("contentType"), str)
        }
        files, lists, types = [], [], []
        for f in fields:
            t = self._unalias(f.type)
            if self._is_file(t):
                files.append(f.wire_name)
                if isinstance(t, ir.ListOf):
                    lists.append(f.wire_name)
                continue
            item = self._unalias(t.item) if isinstance(t, ir.ListOf) else t
            members = item.members if isinstance(item, ir.UnionOf) else (item,)
            structured = any(
                isinstance(m, (ir.MapOf, ir.ListOf)) or self._model_of(m) is not None
                for m in map(self._unalias, members)
            )
            content_type = declared.get(f.wire_name) or ("application/json" if structured else None)
            if content_type:
                types.append((f.wire_name, content_type))
        return {"file_fields": tuple(files), "file_lists": tuple(lists), "part_types": tuple(types)}

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

    def read(self) -> list[ir.OperationDef]:
        paths = self.spec.root.get("paths") or {}
        raw_ops: list[_RawOp] = []
        for path in sorted(paths):
            item, item_uri, item_pointer = self._deref(paths[path], f"/paths/{escape_pointer_token(path)}")
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                if isinstance(item.get(method), dict):
                    params = _list(item.get("parameters"))
                    raw_ops.append(_RawOp(path, method, item[method], params, item_uri, item_pointer))
        self._unique_operation_ids(raw_ops)
        # An API that declares `Link` on most of its page-numbered lists (GitHub) pages them all
        # that way, declared or not; otherwise each operation is judged on its own.
        page_ops = [r for r in raw_ops if r.method == "get" and self._takes_page(r)]
        declared = sum(1 for r in page_ops if self._declares_link(r))
        self._link_api = declared * 2 > len(page_ops)
        ops, endpoints = [], []
        for r in raw_ops:
            op, returns_list = self._operation(r)
            ops.append(op)
            tags = tuple(str(t) for t in _list(r.node.get("tags")))
            model = self._model_of(op.response.type)
            arrays = [f for f in model.fields if self._list_item(f.type) is not None] if model else []
            endpoints.append(Endpoint(r.path, r.method, op.operation_id, tags, returns_list, len(arrays) == 1))
        return place_operations(ops, endpoints, self.config.resources)

    def _unique_operation_ids(self, raw_ops: list[_RawOp]) -> None:
        """Give each operation its id; a repeated operationId gets a derived one (with a warning)."""
        taken = {str(r.node["operationId"]) for r in raw_ops if r.node.get("operationId")}
        first: dict[str, _RawOp] = {}
        for raw in raw_ops:
            op_id = str(raw.node.get("operationId") or f"{raw.method}_{raw.path}")
            if raw.node.get("operationId") and op_id in first:
                stem, n = f"{op_id}_{raw.method}", 1
                derived = stem
                while derived in taken:
                    n += 1
                    derived = f"{stem}{n}"
                taken.add(derived)
                other = first[op_id]
                self._warn(
                    raw.uri,
                    f"{raw.item_pointer}/{raw.method}/operationId",
                    f"operationId {op_id!r} is also used by {other.method.upper()} {other.path}: "
                    f"this operation's id is taken as {derived!r}",
                )
                op_id = derived
            first.setdefault(op_id, raw)
            raw.op_id = op_id

    def _params(self, raw: _RawOp, pointer: str, op_hint: str) -> list[ir.ParamDef]:
        merged: dict[tuple[str, str], tuple[Any, str, str]] = {}
        op_pointer = f"{raw.item_pointer}/{raw.method}"
        for source, base in (
            (raw.path_params, f"{raw.item_pointer}/parameters"),
            (_list(raw.node.get("parameters")), f"{op_pointer}/parameters"),
        ):
            for i, p in enumerate(source):
                node, p_uri, p_pointer = self._deref(p, f"{base}/{i}", raw.uri)
                if isinstance(node, dict) and "name" in node and "in" in node:
                    merged[(str(node["in"]), str(node["name"]))] = (node, p_uri, p_pointer)
        template = re.findall(r"{([^}]+)}", raw.path)
        for (location, name), (_, p_uri, p_pointer) in list(merged.items()):
            if location == "path" and name not in template:
                self._warn(
                    p_uri,
                    p_pointer,
                    f"path parameter {name!r} is not in the path template {raw.path!r}: left out of the method",
                )
                del merged[(location, name)]
        for name in dict.fromkeys(template):
            if ("path", name) not in merged:
                self._warn(
                    raw.uri,
                    op_pointer,
                    f"path template variable {{{name}}} has no declared parameter: taken as a string argument",
                )
                merged[("path", name)] = ({"name": name, "in": "path", "required": True}, raw.uri, "")
        out = []
        for (location, name), (node, p_uri, p_pointer) in merged.items():
            if location not in ("path", "query", "header", "cookie"):
                continue
            if not p_pointer:  # undeclared: a plain string
                out.append(ir.ParamDef(attr_name(name), name, "path", ir.Prim("str"), True, schema={"type": "string"}))
                continue
            schema = node.get("schema")
            if schema is None and isinstance(node.get("content"), dict) and node["content"]:
                schema = next(iter(node["content"].values())).get("schema")
            ptype = self.reader.type_of(
                schema if schema is not None else {},
                p_uri,
                p_pointer + "/schema",
                op_hint + class_name(name),
                None,
            )
            example = node.get("example", ir.NO_DEFAULT)
            if example is ir.NO_DEFAULT and isinstance(node.get("examples"), dict) and node["examples"]:
                first, _, _ = self._deref(next(iter(node["examples"].values())), p_pointer, p_uri)
                if isinstance(first, dict) and "value" in first:
                    example = first["value"]
            out.append(
                ir.ParamDef(
                    py_name=attr_name(name),
                    wire_name=name,
                    location=location,  # type: ignore[arg-type]
                    type=ptype,
                    required=bool(node.get("required")) or location == "path",
                    description=spec_text(node.get("description")),
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
        node, b_uri, b_pointer = self._deref(
            raw.node.get("requestBody"), f"{raw.item_pointer}/{raw.method}/requestBody", raw.uri
        )
        if not isinstance(node, dict):
            return None
        picked = _pick_media(node.get("content") or {})
        if picked is None:
            return None
        media, media_obj = picked
        kind = _media_kind(media) or "binary"
        media_pointer = f"{b_pointer}/content/{escape_pointer_token(media)}"
        schema = (media_obj or {}).get("schema", {})
        btype = self.reader.type_of(schema, b_uri, media_pointer + "/schema", op_hint + "Params", None)
        if kind == "text" and not isinstance(btype, ir.Formatted):
            btype = ir.Prim("str")  # a text body is sent as text, whatever its schema says it holds
        model = self._model_of(btype)
        example = (media_obj or {}).get("example", ir.NO_DEFAULT)
        if example is ir.NO_DEFAULT and isinstance((media_obj or {}).get("examples"), dict) and media_obj["examples"]:
            first, _, _ = self._deref(next(iter(media_obj["examples"].values())), media_pointer, b_uri)
            if isinstance(first, dict) and "value" in first:
                example = first["value"]
        resolved, _, _ = self._deref(schema, media_pointer + "/schema", b_uri)
        fields = model.fields if model is not None and kind in ("json", "form", "multipart") else None
        parts = self._multipart(fields, (media_obj or {}).get("encoding")) if kind == "multipart" and fields else {}
        return ir.BodyDef(
            media_type=media,
            kind=kind,
            type=btype,
            required=bool(node.get("required")),
            fields=fields,
            description=spec_text(node.get("description")),
            example=example,
            schema=resolved if isinstance(resolved, dict) else None,
            encoding=_form_encoding((media_obj or {}).get("encoding")) if kind == "form" else (),
            **parts,
        )

    def _responses(self, raw: _RawOp, pointer: str, op_hint: str) -> tuple[ir.ResponseDef, tuple[ir.ResponseDef, ...]]:
        responses = raw.node.get("responses") or {}
        success: ir.ResponseDef | None = None
        errors = []
        for status in sorted(responses, key=str):
            node, r_uri, r_pointer = self._deref(
                responses[status], f"{raw.item_pointer}/{raw.method}/responses/{escape_pointer_token(status)}", raw.uri
            )
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
                            r_uri,
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
                success = replace(resp, events=self._events(node, r_uri, r_pointer, op_hint))
            elif not is_success:
                errors.append(resp)
        return success or ir.ResponseDef("200", None, "empty", None), tuple(errors)

    def _events(self, node: dict, uri: str, pointer: str, op_hint: str) -> ir.TypeRef | None:
        """The event type of a success response's `text/event-stream` content (any JSON when it
        declares no schema), or None when it has none."""
        content = node.get("content")
        if not isinstance(content, dict):
            return None
        media = next((m for m in content if m.split(";")[0].strip().lower() == "text/event-stream"), None)
        if media is None:
            return None
        schema = (content[media] or {}).get("schema") if isinstance(content[media], dict) else None
        at = f"{pointer}/content/{escape_pointer_token(media)}/schema"
        return self.reader.type_of(schema if schema is not None else {}, uri, at, op_hint + "Event", None)

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
            declared = None
            if items_field and model is not None:
                declared = next((f for f in model.fields if f.wire_name == items_field), None)
                item_type = self._list_item(declared.type) if declared else None
            return ir.PaginationDef(
                scheme=scheme,
                items_field=items_field,
                item_type=item_type or ir.AnyJson(),  # type: ignore[arg-type]
                cursor_param=configured.get("cursor_param"),
                cursor_field=configured.get("cursor_field"),
                limit_param=configured.get("limit_param", limit),
                page_model=model.name if model is not None and declared is not None else None,
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
        preferred = [f for f in arrays if f.wire_name in _ITEMS_FIELDS]
        items_f = (preferred or arrays)[0] if (preferred or len(arrays) == 1) else None
        if items_f is None:
            return None
        item_t = self._list_item(items_f.type) or ir.AnyJson()
        page = model.name
        if "starting_after" in query:
            return ir.PaginationDef("after_id", items_f.wire_name, item_t, "starting_after", None, limit, page)
        cursor_field = next((f.wire_name for f in model.fields if f.wire_name in _CURSOR_FIELDS), None)
        cursor_param = next((q for q in _CURSOR_PARAMS if q in query), None)
        if cursor_field and cursor_param:
            return ir.PaginationDef("cursor", items_f.wire_name, item_t, cursor_param, cursor_field, limit, page)
        if "offset" in query:
            return ir.PaginationDef("offset", items_f.wire_name, item_t, "offset", None, limit, page)
        if "page" in query:
            scheme = "link_header" if self._link_api or self._declares_link(raw) else "page_number"
            return ir.PaginationDef(scheme, items_f.wire_name, item_t, "page", None, limit, page)  # type: ignore[arg-type]
        return None

    def _takes_page(self, raw: _RawOp) -> bool:
        for p in [*raw.path_params, *(raw.node.get("parameters") or [])]:
            node, _, _ = self._deref(p, raw.item_pointer, raw.uri)
            if isinstance(node, dict) and node.get("in") == "query" and node.get("name") == "page":
                return True
        return False

    def _declares_link(self, raw: _RawOp) -> bool:
        for status, resp in (raw.node.get("responses") or {}).items():
            node, _, _ = self._deref(resp, raw.item_pointer, raw.uri)
            if str(status).startswith("2") and isinstance(node, dict):
                if any(h.lower() == "link" for h in (node.get("headers") or {})):
                    return True
        return False

    def _operation(self, raw: _RawOp) -> tuple[ir.OperationDef, bool]:
        """The operation, unplaced (`placement` names it), and whether it returns a list."""
        pointer = f"/paths/{escape_pointer_token(raw.path)}/{raw.method}"
        op_id = raw.op_id or str(raw.node.get("operationId") or f"{raw.method}_{raw.path}")
        hint = pascal(op_id) or "Operation"
        params = self._params(raw, pointer, hint)
        body = self._body(raw, pointer, hint)
        response, errors = self._responses(raw, pointer, hint)
        pagination = self._pagination(op_id, params, response, raw)
        returns_list = pagination is not None or self._is_list_response(response.type, raw.path)
        security = self.security.requirement(raw.node.get("security"), f"{pointer}/security", raw.uri)
        params, body = kwarg_names(params, body)
        op = ir.OperationDef(
            operation_id=op_id,
            method=raw.method,
            path=raw.path,
            resource=(),
            method_name="",
            summary=spec_text(raw.node.get("summary")),
            description=spec_text(raw.node.get("description")),
            params=tuple(params),
            body=body,
            response=response,
            error_responses=errors,
            pagination=pagination,
            deprecated=bool(raw.node.get("deprecated")),
            pointer=pointer,
            skip_reason=self.config.skip.get(op_id),
            security=security,
        )
        return op, returns_list

    def _is_list_response(self, t: ir.TypeRef | None, path: str) -> bool:
        """An array, or an object holding its items: in `data`, `objects`, `items` … (Gentrace's
        `{data: []}`), or in its only array beside a count, or in an array named like the path's end
        (GitHub's `{total_count, labels: []}` for `/runners/{id}/labels`)."""
        if self._list_item(t) is not None:
            return True
        model = self._model_of(t)
        if model is None:
            return False
        arrays = [f for f in model.fields if self._list_item(f.type) is not None]
        last = snake(path.rstrip("/").rsplit("/", 1)[-1])
        counted = any(f.wire_name in ("total_count", "count", "total", "totalCount") for f in model.fields)
        return any(f.wire_name in _ITEMS_FIELDS or snake(f.wire_name) == last for f in arrays) or (
            counted and len(arrays) == 1
        )


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
