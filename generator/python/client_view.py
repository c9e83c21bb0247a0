"""How operations read as Python: method parameters, return types, the request each method sends.

Jinja filters for the resource templates; everything here returns code built
from identifiers (valid by construction) and `py_literal` strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from .render import TypeNames, docstring, py_literal

# What a page class (templates/runtime/_pagination.py) adds to its response model.
_PAGE_MEMBERS = {"items", "has_next_page", "next_page_info", "get_next_page", "iter_pages"}


@dataclass(frozen=True)
class Kwarg:
    name: str
    annotation: str
    required: bool
    wire_name: str
    where: str  # path | query | header | cookie | body | whole_body


class ClientView:
    def __init__(self, definitions: dict[str, ir.Definition]) -> None:
        self.definitions = definitions
        self.types = TypeNames()

    # ------------------------------------------------------------ types

    def _expanded_alias(self, t: ir.TypeRef, seen: frozenset[str]) -> ir.AliasDef | None:
        """The alias `t` names, when it must be spelled out in a request annotation: it leads to a
        model or an enum (which callers may pass as plain data) and is not recursive."""
        if not isinstance(t, ir.Named) or t.name in seen:
            return None
        d = self.definitions.get(t.name)
        if not isinstance(d, ir.AliasDef):
            return None

        def leads_to_class(tr: ir.TypeRef, visited: frozenset[str]) -> bool:
            for name in ir.walk_named(tr):
                target = self.definitions.get(name)
                if isinstance(target, (ir.ModelDef, ir.EnumDef)):
                    return True
                if (
                    isinstance(target, ir.AliasDef)
                    and name not in visited
                    and leads_to_class(target.type, visited | {name})
                ):
                    return True
            return False

        return d if leads_to_class(d.type, seen | {t.name}) else None

    def request_annotation(self, t: ir.TypeRef, seen: frozenset[str] = frozenset()) -> str:
        """What a caller may pass for a value of type `t`: models also as plain mappings."""
        if isinstance(t, ir.Named):
            d = self.definitions.get(t.name)
            if isinstance(d, ir.ModelDef):
                return f"Union[{t.name}, Mapping[str, object]]"
            if isinstance(d, ir.EnumDef):
                return f"Union[{t.name}, {d.base}]"
            if isinstance(d, ir.AliasDef) and _is_date(d.type):  # `DiscoveryTime = datetime`: ISO text too
                return f"Union[{t.name}, str]"
            alias = self._expanded_alias(t, seen)
            if alias is not None:  # an alias of models: spelled out, so its models accept mappings too
                return self.request_annotation(alias.type, seen | {t.name})
            return t.name
        if isinstance(t, ir.ListOf):
            return f"Sequence[{self.request_annotation(t.item, seen)}]"
        if isinstance(t, ir.MapOf):
            return f"Mapping[str, {self.request_annotation(t.value, seen)}]"
        if isinstance(t, ir.Nullable):
            inner = self.request_annotation(t.inner, seen)
            return inner if inner == "object" else f"Optional[{inner}]"
        if isinstance(t, ir.UnionOf):
            return "Union[" + ", ".join(self.request_annotation(m, seen) for m in t.members) + "]"
        if isinstance(t, ir.Constrained):
            return self.request_annotation(t.inner, seen)
        if isinstance(t, ir.Formatted) and t.fmt in ("date-time", "date"):
            return f"Union[{self.types.annotation(t)}, str]"
        return self.types.annotation(t)

    def kwargs(self, op: ir.OperationDef) -> list[Kwarg]:
        out = [
            Kwarg(p.py_name, self.request_annotation(p.type), p.required, p.wire_name, p.location) for p in op.params
        ]
        body = op.body
        if body is not None and body.fields is not None:
            for f in body.fields:
                if f.read_only:
                    continue
                annotation = self.request_annotation(f.type)
                if f.wire_name in body.file_fields:
                    annotation = "Sequence[FileTypes]" if f.wire_name in body.file_lists else "FileTypes"
                out.append(Kwarg(f.py_name, annotation, body.required and f.required, f.wire_name, "body"))
        elif body is not None:
            out.append(
                Kwarg(
                    "body",
                    self.request_annotation(body.type) if body.kind != "binary" else "FileContent",
                    body.required,
                    "",
                    "whole_body",
                )
            )
        return out

    # ------------------------------------------------------------ signature

    def params(self, op: ir.OperationDef) -> str:
        """The parameter list after `self`, as source text."""
        kws = self.kwargs(op)
        paths = [k for k in kws if k.where == "path"]
        positional = paths[0] if len(paths) == 1 else None
        parts = []
        if positional is not None:
            parts.append(f"{positional.name}: {positional.annotation}")
        parts.append("*")
        rest = [k for k in kws if k is not positional]
        for k in sorted(rest, key=lambda k: not k.required):
            if k.required:
                parts.append(f"{k.name}: {k.annotation}")
            else:
                parts.append(f"{k.name}: Union[{k.annotation}, NotGiven] = NOT_GIVEN")
        parts += [
            "extra_headers: Optional[Headers] = None",
            "extra_query: Optional[Query] = None",
            "extra_body: Optional[Mapping[str, object]] = None",
            "timeout: Union[Timeout, NotGiven] = NOT_GIVEN",
        ]
        return ", ".join(parts)

    def cast_type(self, op: ir.OperationDef) -> str:
        if op.pagination is not None:
            return self.types.annotation(op.pagination.item_type)
        if op.response.kind == "json" and op.response.type is not None:
            return self.types.annotation(op.response.type)
        return "object"

    def page_type(self, op: ir.OperationDef, is_async: bool) -> str:
        """The class of a paged operation's pages: the generated page of its response model, or a
        plain page of its items."""
        p = op.pagination
        assert p is not None
        if p.page_class is not None and p.async_page_class is not None:
            return p.async_page_class if is_async else p.page_class
        return f"{'AsyncPage' if is_async else 'SyncPage'}[{self.cast_type(op)}]"

    def page_classes(self, resource: ir.ResourceDef) -> list[tuple[str, str, str, str]]:
        """(sync class, async class, item type, response model) of every page class the resource's
        methods return, once each."""
        out: dict[str, tuple[str, str, str, str]] = {}
        for op in resource.operations:
            p = op.pagination
            if p is not None and p.page_class and p.async_page_class and p.page_model:
                out.setdefault(p.page_class, (p.page_class, p.async_page_class, self.cast_type(op), p.page_model))
        return list(out.values())

    def pages_shadow_fields(self, resource: ir.ResourceDef) -> bool:
        """Whether a page class's response model has a field named like a page member (`items`):
        the page's member wins, which pyright reports as an incompatible override."""
        for _, _, _, model in self.page_classes(resource):
            d = self.definitions.get(model)
            if isinstance(d, ir.ModelDef) and any(f.py_name in _PAGE_MEMBERS for f in d.fields):
                return True
        return False

    def return_type(self, op: ir.OperationDef, is_async: bool) -> str:
        if op.pagination is not None:
            item = self.cast_type(op)
            page = self.page_type(op, is_async)
            return f"AsyncPaginator[{item}, {page}]" if is_async else page
        kind = op.response.kind
        if kind == "empty":
            return "None"
        if kind == "text":
            return "str"
        if kind == "binary":
            return "AsyncBinaryAPIResponse" if is_async else "BinaryAPIResponse"
        return self.cast_type(op)

    # ------------------------------------------------------------ server-sent events

    def streams(self, op: ir.OperationDef) -> bool:
        """Whether the method can return `Stream[event]`: the response declares a `text/event-stream`."""
        return op.response.events is not None and op.pagination is None

    def stream_flag(self, op: ir.OperationDef) -> Kwarg | None:
        """The boolean `stream` body property that chooses the event stream over the JSON body."""
        if op.response.kind != "json":
            return None
        return next((k for k in self.kwargs(op) if k.where == "body" and k.wire_name == "stream"), None)

    def stream_method(self, op: ir.OperationDef, is_async: bool) -> str:
        """The method of an operation that streams: always (`Stream[event]`), or with `stream=True`
        (overloads: `Literal[True]` gives `Stream[event]`, anything else the JSON model)."""
        assert op.response.events is not None
        event = self.types.annotation(op.response.events)
        stream = f"{'AsyncStream' if is_async else 'Stream'}[{event}]"
        prefix, wait = ("async ", "await ") if is_async else ("", "")
        name, options = op.method_name, self.request_options(op)
        flag = self.stream_flag(op)
        if flag is None:
            body = f"return {wait}self._client.request_stream({event}, {options})"
            return f"{prefix}def {name}(self, {self.params(op)}) -> {stream}:\n        {self.method_doc(op)}\n        {body}\n"
        cast = self.cast_type(op)
        given = f"{flag.name}: Union[{flag.annotation}, NotGiven] = NOT_GIVEN"
        declared = f"{flag.name}: {flag.annotation}" if flag.required else given
        params = self.params(op)
        assert declared in params, (declared, params)
        on = params.replace(declared, f"{flag.name}: Literal[True]")
        off = params.replace(declared, f"{flag.name}: Union[Literal[False], NotGiven] = NOT_GIVEN")
        if flag.required:
            off = params.replace(declared, f"{flag.name}: Literal[False]")
        chosen = (
            f"self._client.request_stream({event}, {options}) if {flag.name} is True "
            f'else self._client.request({cast}, {options}, kind="json")'
        )
        return (
            f"@overload\n    {prefix}def {name}(self, {on}) -> {stream}: ...\n\n"
            f"    @overload\n    {prefix}def {name}(self, {off}) -> {cast}: ...\n\n"
            f"    {prefix}def {name}(self, {params}) -> Union[{cast}, {stream}]:\n"
            f"        {self.method_doc(op)}\n"
            f"        return {wait}({chosen})\n"
        )

    # ------------------------------------------------------------ request

    def request_options(self, op: ir.OperationDef) -> str:
        kws = self.kwargs(op)
        by_where: dict[str, list[Kwarg]] = {}
        for k in kws:
            by_where.setdefault(k.where, []).append(k)

        def mapping(items: list[Kwarg]) -> str:
            return "{" + ", ".join(f"{py_literal(k.wire_name)}: {k.name}" for k in items) + "}"

        path_args = by_where.get("path", [])
        url = py_literal(op.path)
        if path_args:
            url = f"path_template({url}, {mapping(path_args)})"
        args = [f"method={py_literal(op.method)}", f"url={url}"]
        if by_where.get("query"):
            args.append(f"query={mapping(by_where['query'])}")
        headers = by_where.get("header", [])
        header_items = [f"{py_literal(k.wire_name)}: {k.name}" for k in headers]
        media = op.response.media_type
        asks_other = media and media.split(";")[0].strip().lower() != "application/json"
        if asks_other and not any(k.wire_name.lower() == "accept" for k in headers):
            # The runtime asks for JSON by default; a server negotiating content (Prism does) answers
            # 406 to that for text, binary and vendor JSON types (`application/vnd.github+json`).
            header_items.insert(0, f"{py_literal('Accept')}: {py_literal(media)}")
        body = op.body
        sends = body.media_type.split(";")[0].strip() if body is not None and body.kind in ("binary", "text") else ""
        if sends and "*" not in sends and not any(k.wire_name.lower() == "content-type" for k in headers):
            header_items.append(f"{py_literal('Content-Type')}: {py_literal(sends)}")
        if header_items:
            args.append("headers={" + ", ".join(header_items) + "}")
        if by_where.get("cookie"):
            args.append(f"cookies={mapping(by_where['cookie'])}")
        styles = {
            p.wire_name: (p.style or "form", p.explode if p.explode is not None else (p.style or "form") == "form")
            for p in op.params
            if p.location == "query" and (p.style not in (None, "form") or p.explode is False)
        }
        if styles:
            args.append(
                "query_styles="
                + py_literal({k: list(v) for k, v in styles.items()}).replace("[", "(").replace("]", ")")
            )
        if op.security is not None:
            args.append(f"security={py_literal(op.security)}")
        if body is not None:
            target = {"json": "json", "form": "form", "multipart": "files", "binary": "content", "text": "content"}[
                body.kind
            ]
            value = mapping(by_where.get("body", [])) if body.fields is not None else "body"
            if body.kind == "text" and body.fields is None:
                value = "body.encode() if isinstance(body, str) else body"
            if target in ("content", "form", "files") and not body.required and body.fields is None:
                value = f"None if isinstance(body, NotGiven) else {value}"
            if body.fields is not None and not body.required and by_where.get("body"):
                # An optional body is sent only when some field of it was given: `{}` can be
                # invalid (a schema with required properties), no body never is.
                given = ", ".join(k.name for k in by_where["body"])
                absent = "NOT_GIVEN" if target == "json" else "None"
                value = f"{value} if any(not isinstance(v, NotGiven) for v in ({given},)) else {absent}"
            args.append(f"{target}={value}")
            if body.file_fields:
                names = [py_literal(name) for name in body.file_fields]
                args.append("file_fields=(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")")
            if body.part_types:
                args.append("part_types=" + py_literal(dict(body.part_types)))
            if body.kind == "form" and body.encoding:
                encoding = {name: (style, explode) for name, style, explode in body.encoding}
                args.append("form_encoding=" + py_literal({k: list(v) for k, v in encoding.items()}))
        args += ["extra_headers=extra_headers", "extra_query=extra_query", "extra_body=extra_body", "timeout=timeout"]
        return "RequestOptions(" + ", ".join(args) + ")"

    def page_spec(self, op: ir.OperationDef) -> str:
        p = op.pagination
        assert p is not None
        args = [f"scheme={py_literal(p.scheme)}"]
        for name, value in (
            ("items", p.items_field),
            ("cursor_param", p.cursor_param),
            ("cursor_field", p.cursor_field),
            ("limit_param", p.limit_param),
        ):
            if value is not None:
                args.append(f"{name}={py_literal(value)}")
        return "PageSpec(" + ", ".join(args) + ")"

    def method_doc(self, op: ir.OperationDef) -> str:
        text = "\n\n".join(t for t in (op.summary, op.description) if t and t.strip())
        if op.deprecated:
            text = "Deprecated.\n\n" + text
        return docstring(text or f"{op.method.upper()} {op.path}", indent=8)

    def example_call(self, op: ir.OperationDef, attr_path: str, client: str = "client") -> str:
        """A call with the required arguments as placeholders, for the README."""
        kws = self.kwargs(op)
        paths = [k for k in kws if k.where == "path"]
        positional = paths[0] if len(paths) == 1 else None
        args = [positional.name] if positional is not None else []
        args += [f"{k.name}=..." for k in kws if k.required and k is not positional]
        return f"{client}.{attr_path}.{op.method_name}({', '.join(args)})"

    def all_resources(
        self, resources: tuple[ir.ResourceDef, ...], prefix: str = ""
    ) -> list[tuple[str, ir.ResourceDef]]:
        """(dotted attribute path from the client, resource) for every resource, depth first."""
        out = []
        for r in resources:
            path = f"{prefix}{r.attr_name}"
            out.append((path, r))
            out.extend(self.all_resources(r.children, path + "."))
        return out

    def type_names(self, resource: ir.ResourceDef, module_of: dict[str, str]) -> list[tuple[str, list[str]]]:
        """(types module, names) to import for a resource module."""

        def request_names(t: ir.TypeRef, seen: frozenset[str] = frozenset()) -> set[str]:
            """The names `request_annotation(t)` mentions (aliases of models spelled out)."""
            out: set[str] = set()
            for name in ir.walk_named(t):
                alias = self._expanded_alias(ir.Named(name), seen)
                out |= request_names(alias.type, seen | {name}) if alias is not None else {name}
            return out

        wanted: set[str] = set()
        for op in resource.operations:
            for p in op.params:
                wanted |= request_names(p.type)
            if op.body is not None:
                if op.body.fields is not None:
                    for f in op.body.fields:
                        wanted |= request_names(f.type)
                else:
                    wanted |= request_names(op.body.type)
            if op.pagination is not None:
                wanted |= set(ir.walk_named(op.pagination.item_type))
                if op.pagination.page_model is not None:
                    wanted.add(op.pagination.page_model)
            elif op.response.type is not None:
                wanted |= set(ir.walk_named(op.response.type))
            if op.response.events is not None and self.streams(op):
                wanted |= set(ir.walk_named(op.response.events))
        grouped: dict[str, list[str]] = {}
        for name in sorted(wanted):
            grouped.setdefault(module_of[name], []).append(name)
        return sorted(grouped.items())


def _is_date(t: ir.TypeRef) -> bool:
    while isinstance(t, ir.Constrained):
        t = t.inner
    return isinstance(t, ir.Formatted) and t.fmt in ("date-time", "date")
