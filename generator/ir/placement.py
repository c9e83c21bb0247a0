"""Where each operation lives on the client, and what its method and keyword arguments are called.

The names follow the REST shape of the paths, as the best hand-tuned SDKs do
(`client.projects.logs.insert`, `client.chat.completions.create`):

- **Resources** are the static path segments, after dropping version prefixes
  (`v1`, `v2beta`, `api`, `2010-04-01`), parameters and file extensions
  (`Calls.json`). A singular segment whose operations are tagged with its plural
  (`/v1/experiment` tagged `Experiments`) takes the plural; a compound segment
  tagged with its last word's plural, whose first word is another resource
  (`/v1/project_logs/{id}` tagged `Logs`, beside `/v1/project`), nests under it:
  `projects.logs`.
- **Methods**: GET on a collection is `list` (when it returns a list), POST
  `create`, PUT `replace`; on an item (the path ends in a parameter) GET is
  `retrieve`, PATCH and PUT `update` (PUT is `replace` when PATCH is there too),
  POST `update`, DELETE `delete`. A final segment that is not a collection and
  follows a parameter (`/experiment/{id}/insert`), or that holds a verb
  (`/acl/batch_update`), is an action: the method is named after it.
- **Clashes**: when two operations of one resource get one name, their
  operationIds decide, as words: the words they do not share are added
  (`delete_by_tag`, `list_for_user`, `fetch_post`). Never a number, never a
  doubled verb.
- **Keyword arguments** keep their natural snake_case names. Only a real clash is
  renamed, by one rule: a name that is a Python keyword, one of the method's
  own options (`timeout`, `extra_headers` …) or a name the method's body uses
  takes a trailing `_` (`class_`, `timeout_`); a body property that repeats a
  parameter's name is prefixed `body_`, a header or cookie that repeats a path
  or query parameter's name is prefixed with its location.

The config's `resources` map (operationId → "a.b.method") overrides placement.
"""

from __future__ import annotations

import keyword
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .. import ir
from .naming import (
    AMBIGUOUS,
    MAX_NAME,
    RESERVED_CLASSES,
    RESERVED_PARAMS,
    Namer,
    attr_name,
    class_name,
    module_name,
    shorten,
    snake,
    words,
)

# Leading segments that version an API rather than name a resource.
_VERSION = re.compile(
    r"^(v\d+([._-]\d+)*([a-z]+\d*)?|api|rest|\d{4}-\d{2}-\d{2}|\d+(\.\d+)+|latest)$",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\.(json|xml|csv|yaml|yml|txt|html)$", re.IGNORECASE)
# A namespace-qualified action or function (OData: `microsoft.graph.delta()`,
# `microsoft.graph.getByPath(path='{path}')`): two dots or parentheses set it apart from a file name.
_QUALIFIED_ACTION = re.compile(r"^(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)(\(.*\))?$")
# Words that make a path segment an action rather than a collection.
_VERBS = frozenset(
    """abort accept activate add apply approve archive assign attach authorize batch block cancel capture
    check checkout clear clone close commit complete compute confirm convert copy count create deactivate
    decline delete deploy detach disable dismiss download duplicate enable estimate evaluate execute
    expire export fetch finalize find flush follow generate get grant import increment insert invite
    invalidate link list lock login logout mark merge move mute notify open pause pay pin preview print
    process publish purge query read reactivate redeem refresh refund register reject release reload
    remove render reopen replace report request rerun reset resolve restart restore resume retry
    revert revoke rotate run schedule search send set share sign simulate sort start stop submit
    subscribe summarize suspend sync test toggle track transfer trigger unarchive unassign unblock
    unfollow unlink unlock unmute unpin unpublish unsubscribe unwatch update upgrade upload upsert
    validate verify void watch""".split()
)
# What each HTTP method is called on a collection and on an item.
_ON_COLLECTION = {"get": "list", "post": "create", "put": "replace", "patch": "update", "delete": "delete"}
_ON_ITEM = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "delete"}
# HTTP words that only repeat what a method name says (`retrieve_get`, `update_patch`).
_SAME_AS = {
    "list": {"get"},
    "retrieve": {"get", "read", "fetch"},
    "create": {"post", "add", "new"},
    "update": {"patch", "put", "modify", "edit"},
    "replace": {"put"},
    "delete": {"delete", "remove", "destroy"},
}
_RANK = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
_HTTP_WORDS = frozenset(_RANK)
# Which HTTP method owns a name when several operations of a resource want it.
_OWNER = {"list": "get", "retrieve": "get", "create": "post", "update": "patch", "replace": "put", "delete": "delete"}

# Attributes of every resource class: a method may not take these names.
RESERVED_METHODS = frozenset(
    {"with_raw_response", "with_streaming_response", "with_options", "copy", "close", "api_key", "base_url"}
    | {"timeout", "max_retries", "default_headers", "default_query"}
    | set(keyword.kwlist)
)
# Keyword arguments every method takes, and names a method's body uses.
_METHOD_OPTIONS = frozenset({"extra_headers", "extra_query", "extra_body", "timeout"})
_BODY_NAMES = frozenset({"self", "path_template", "RequestOptions", "PageSpec", "NOT_GIVEN", "cast"} | RESERVED_PARAMS)


@dataclass(frozen=True)
class Endpoint:
    """What placement needs to know of one operation."""

    path: str
    method: str  # HTTP method, lowercase
    operation_id: str
    tags: tuple[str, ...]
    returns_list: bool  # an array, a page, or an object whose items field is plain to see
    holds_one_array: bool = False  # an object with exactly one array property (a list, on a collection)


@dataclass(frozen=True)
class _Segment:
    name: str  # snake_case identifier ('' for a parameter)
    is_param: bool
    is_action: bool = False  # spelled as an action whatever its word (`microsoft.graph.abs`)


def identifier(text: str) -> str:
    """A snake_case identifier for a path segment or operationId part (digits first spelled out)."""
    name = attr_name(text)
    if (
        name.endswith("_")
        and not snake(text).endswith("_")
        and not keyword.iskeyword(name[:-1])
        and name[:-1] not in AMBIGUOUS
    ):
        name = name[:-1]  # attr_name guards model attributes; resources and methods are not models
    return name


def _segments(path: str) -> list[_Segment]:
    out: list[_Segment] = []
    for raw in path.strip("/").split("/"):
        if not raw:
            continue
        qualified = _QUALIFIED_ACTION.match(raw)
        if qualified and (raw.count(".") >= 2 or qualified.group(2)) and snake(qualified.group(1)):
            out.append(_Segment(identifier(qualified.group(1)), False, is_action=True))
            continue
        # `{name}:cancel` (Google style): a parameter, then an action.
        head, sep, action = raw.rpartition(":") if raw.startswith("{") and "}:" in raw else (raw, "", "")
        if "{" in head:
            out.append(_Segment("", True))
        else:
            stripped = _EXTENSION.sub("", head)
            if all(s.is_param for s in out) and _VERSION.match(stripped):  # `/v1/…`, `/{tenant}/v2/…`
                continue
            name = identifier(stripped) if snake(stripped) else ""
            if name:
                out.append(_Segment(name, False))
        if sep and snake(action):
            out.append(_Segment(identifier(action), False))
    return out


def _is_plural(name: str) -> bool:
    last = name.rsplit("_", 1)[-1]
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _is_verb_like(name: str) -> bool:
    parts = name.split("_")
    return parts[0] in _VERBS or (len(parts) > 1 and any(p in _VERBS for p in parts[:-1]))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word if _is_plural(word) else word + "s"


class Placer:
    """Resource paths and method names for the operations of one spec."""

    def __init__(self, endpoints: Sequence[Endpoint], configured: Mapping[str, str]) -> None:
        self.endpoints = endpoints
        self.configured = configured
        self.segments = [_segments(e.path) for e in endpoints]
        renamed = self._renamed_roots()
        self.segments = [self._renamed(segs, renamed) for segs in self.segments]
        self.collections = self._collections()
        self.methods_at: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for e, segs in zip(endpoints, self.segments, strict=True):
            self.methods_at[self._shape(segs)].add(e.method)

    @staticmethod
    def _shape(segs: list[_Segment]) -> tuple[str, ...]:
        return tuple((s.name or "{}") for s in segs)

    @staticmethod
    def _renamed(segs: list[_Segment], renamed: Mapping[str, tuple[str, ...]]) -> list[_Segment]:
        if not segs or segs[0].is_param or segs[0].name not in renamed:
            return segs
        return [*(_Segment(n, False) for n in renamed[segs[0].name]), *segs[1:]]

    def _collections(self) -> set[tuple[str, ...]]:
        """Static prefixes followed by a parameter somewhere: those are collections."""
        out: set[tuple[str, ...]] = set()
        for segs in self.segments:
            statics: list[str] = []
            for s in segs:
                if s.is_param:
                    if statics:
                        out.add(tuple(statics))
                else:
                    statics.append(s.name)
        return out

    def _renamed_roots(self) -> dict[str, tuple[str, ...]]:
        """First segments renamed from tags: singular → plural, `project_logs` → `projects.logs`."""
        firsts = {segs[0].name for segs in self.segments if segs and not segs[0].is_param}
        plural_of: dict[str, str] = {}
        out: dict[str, tuple[str, ...]] = {}
        tags_of: dict[str, set[str]] = defaultdict(set)
        for e, segs in zip(self.endpoints, self.segments, strict=True):
            if segs and not segs[0].is_param:
                tags_of[segs[0].name] |= {snake(t) for t in e.tags}
        for first, tags in tags_of.items():
            # `/user` beside `/users` (GitHub: the authenticated user, and any user) stays apart.
            if _plural(first) in tags and first != _plural(first) and _plural(first) not in firsts:
                plural_of[first] = _plural(first)
        for first, tags in tags_of.items():
            if first in plural_of:
                out[first] = (plural_of[first],)
                continue
            head, _, tail = first.partition("_")
            if not tail or _plural(tail) not in tags or _plural(first) in tags:
                continue
            parent = plural_of.get(head) or (_plural(head) if _plural(head) in firsts else None)
            if parent is None and head not in firsts:
                continue
            out[first] = (parent or head, _plural(tail))
        return out

    def place(self, index: int) -> tuple[tuple[str, ...], str]:
        """(resource path, base method name) of one endpoint, before clashes are settled."""
        e, segs = self.endpoints[index], self.segments[index]
        configured = self.configured.get(e.operation_id)
        if configured:
            parts = [identifier(p) or "x" for p in configured.split(".")]
            return tuple(parts[:-1]) or ("root",), parts[-1]
        statics = [s.name for s in segs if not s.is_param]
        if segs and segs[-1].is_action:
            return tuple(statics[:-1]) or ("root",), statics[-1]
        ends_in_param = bool(segs) and segs[-1].is_param
        shape_methods = self.methods_at[self._shape(segs)]
        resource = list(statics)
        singleton = False
        if statics and not ends_in_param and len(segs) >= 2 and tuple(statics) not in self.collections:
            last = statics[-1]
            # `/files/{id}/content`, `/acl/batch_update` (one method): actions; `/repos/{o}/{r}/import`
            # (read, set and deleted): a singleton sub-resource.
            one_method = len(shape_methods - {"options", "head"}) <= 1
            after_param = segs[-2].is_param
            # A verb read and posted (`fetch`) is still an action; one also set or deleted is a thing.
            if (_is_verb_like(last) and not shape_methods & {"put", "patch", "delete"}) or (
                one_method and after_param and not _is_plural(last)
            ):
                return tuple(statics[:-1]) or ("root",), last
            singleton = after_param and not _is_plural(last)
        names = tuple(resource) or ("root",)
        if ends_in_param or singleton:
            if e.method == "put" and "patch" in shape_methods:
                return names, "replace"
            if e.method == "post" and shape_methods & {"put", "patch"}:
                return names, "create" if tuple(statics) in self.collections else "update"
            if e.method == "post" and singleton:
                return names, "create"
            return names, _ON_ITEM.get(e.method, e.method)
        if e.method == "get":
            on_collection = tuple(statics) in self.collections and e.holds_one_array
            return names, "list" if e.returns_list or on_collection else "retrieve"
        if (
            e.method == "put"
            and tuple(statics) not in self.collections
            and not _is_plural(statics[-1] if statics else "")
        ):
            return names, "update"
        return names, _ON_COLLECTION.get(e.method, e.method)


def _op_words(op: ir.OperationDef, resource: tuple[str, ...]) -> list[str]:
    """The words of an operationId that say more than its resource: `deletePetsByTag` → delete, by, tag."""
    text = op.operation_id.rsplit("/", 1)[-1]
    skip = {"id"}
    for r in resource:
        for part in r.split("_"):
            skip |= {part, _singular(part), _plural(part)}
    return [w for w in (w.lower() for w in words(text)) if w not in skip]


def _by_words(op: ir.OperationDef, others: list[ir.OperationDef]) -> list[str]:
    """`by_…` words naming what `op` is called with that the others are not: its path parameters,
    else its required query parameters, else (up to two of) its required body properties."""
    theirs = {p.wire_name for o in others for p in o.params if p.location == "path"}
    mine = [p.py_name for p in op.params if p.location == "path" and p.wire_name not in theirs]
    if not mine:
        mine = [p.py_name for p in op.params if p.location == "query" and p.required]
    if not mine and op.body is not None and op.body.fields:
        mine = [f.py_name for f in op.body.fields if f.required][:2]
    return ["by", "_and_".join(mine)] if mine else []


_CONNECTORS = frozenset({"and", "or", "by", "for", "with", "to", "from", "in", "of", "on", "at"})


def _complete_phrase(extra: list[str], op: ir.OperationDef) -> list[str]:
    """`create_and` → `create_and_run`: a phrase that ends on a connector takes the operationId's next word."""
    if not extra or extra[-1] not in _CONNECTORS:
        return extra
    all_words = [w.lower() for w in words(op.operation_id.rsplit("/", 1)[-1])]
    at = max((k for k, w in enumerate(all_words) if w == extra[-1]), default=len(all_words))
    return extra + all_words[at + 1 : at + 2]


def _keeper(ops: list[ir.OperationDef], members: list[int], base: str) -> int | None:
    """The operation that keeps a contested name: the one whose HTTP method owns it (`list` is GET's),
    on an item for item verbs and on a collection otherwise; else the first HTTP method in rank."""
    owner = _OWNER.get(base)
    candidates = [i for i in members if ops[i].method == owner] if owner else []
    if len(candidates) > 1:
        on_item = base in ("retrieve", "update", "delete", "replace")
        candidates = [i for i in candidates if ops[i].path.rstrip("/").endswith("}") == on_item] or candidates
        # `/threads/{id}/runs` is the runs collection; `/threads/runs` only shares its name.
        depth = max(ops[i].path.count("{") for i in candidates)
        candidates = [i for i in candidates if ops[i].path.count("{") == depth]
    if not candidates:
        best = min(_RANK.index(ops[i].method) if ops[i].method in _RANK else len(_RANK) for i in members)
        candidates = [i for i in members if ops[i].method == (_RANK[best] if best < len(_RANK) else None)]
    return candidates[0] if len(candidates) == 1 else None


def settle_clashes(ops: list[ir.OperationDef], children: Mapping[tuple[str, ...], set[str]]) -> list[ir.OperationDef]:
    """Unique method names per resource, distinct from its sub-resources, from operationId words."""
    by_place: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for i, op in enumerate(ops):
        by_place[(op.resource, op.method_name)].append(i)
    names = [op.method_name for op in ops]
    for (resource, base), members in by_place.items():
        if len(members) == 1:
            continue
        word_lists = {i: _op_words(ops[i], resource) for i in members}
        shared = set.intersection(*(set(w) for w in word_lists.values()))
        informative = {i: [w for w in word_lists[i] if w not in shared and w not in _HTTP_WORDS] for i in members}
        plain = [i for i in members if not set(informative[i]) - set(base.split("_"))]
        keeper = plain[0] if len(plain) == 1 else _keeper(ops, plain or members, base)
        for i in members:
            if i == keeper:
                continue
            base_words = set(base.split("_")) | _SAME_AS.get(base, set())
            extra = [w for w in word_lists[i] if w not in shared and w not in base_words]
            extra = _complete_phrase(extra, ops[i])
            if extra == [ops[i].method] or not extra:
                others = [ops[j] for j in members if j != i]
                extra = _by_words(ops[i], others) or ([ops[i].method] if ops[i].method not in base_words else [])
            if extra and extra[0] in _VERBS and extra[0] not in _HTTP_WORDS and base in _OWNER:
                names[i] = "_".join(extra)
            else:
                names[i] = "_".join([base, *extra])
    # Whatever still clashes (identical operationIds, a sub-resource's name) takes the HTTP
    # method, then the path's parameters, as words.
    out = []
    taken: dict[tuple[str, ...], Namer] = defaultdict(Namer)
    for res, subs in children.items():
        taken[res] = Namer({resource_attr(s) for s in subs})
    for i, op in enumerate(ops):
        namer = taken[op.resource]
        name = identifier(names[i]) or op.method
        if name in RESERVED_METHODS:
            name += "_"
        if name in namer:
            by = _by_words(op, [])
            for candidate in (
                f"{name}_{op.method}" if op.method not in name.split("_") else "",
                "_".join([name, *by]) if by else "",
                identifier(op.operation_id),
            ):
                if candidate and candidate not in namer and candidate not in RESERVED_METHODS:
                    name = candidate
                    break
        out.append(replace(op, method_name=namer.claim(name, "_")))
    return out


def resource_attr(segment: str) -> str:
    return segment + "_" if segment in RESERVED_METHODS else segment


def kwarg_names(params: list[ir.ParamDef], body: ir.BodyDef | None) -> tuple[list[ir.ParamDef], ir.BodyDef | None]:
    """The method's keyword arguments: natural snake_case, renamed only on a real clash."""

    def natural(wire: str) -> str:
        name = identifier(wire) or "arg"
        return name + "_" if name in _METHOD_OPTIONS or name in _BODY_NAMES or keyword.iskeyword(name) else name

    whole_body = body is not None and body.fields is None  # sent as one `body` argument
    taken = Namer({*_METHOD_OPTIONS, *_BODY_NAMES, *(["body"] if whole_body else [])})
    order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
    named: dict[int, str] = {}
    for i in sorted(range(len(params)), key=lambda i: order[params[i].location]):
        p = params[i]
        name = natural(p.wire_name)
        if name in taken and p.location != "path":
            name = f"{p.location}_{name}"
        named[i] = taken.claim(name, "_")
    out = [replace(p, py_name=named[i]) for i, p in enumerate(params)]
    if body is not None and body.fields is not None:
        fields = []
        for f in body.fields:
            name = natural(f.wire_name)
            if name in taken:
                name = f"body_{name}"
            fields.append(replace(f, py_name=taken.claim(name, "_")))
        body = replace(body, fields=tuple(fields))
    return out, body


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
    modules = {p: module_namer.claim(module_name("_".join(p)), "_") for p in sorted(paths)}
    class_namer = Namer()
    classes = {}
    for p in sorted(paths):
        name = class_name("_".join(p))
        while any(v.format(name) in type_names for v in _CLASS_VARIANTS):  # `FooResource` may be a type too
            name += "Resource"
        classes[p] = class_namer.claim(name)

    children: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for p in sorted(paths):
        children[p[:-1]].append(p)
    placed: dict[tuple[str, ...], list[ir.OperationDef]] = defaultdict(list)
    for op in ops:
        placed[op.resource].append(op)

    def make(path: tuple[str, ...]) -> ir.ResourceDef:
        return ir.ResourceDef(
            path=path,
            attr_name=resource_attr(path[-1]),
            class_name=classes[path],
            module=modules[path],
            operations=tuple(placed[path]),
            children=tuple(make(k) for k in children[path]),
        )

    return name_pages(tuple(make(p) for p in children[()]), type_names)


def name_pages(resources: tuple[ir.ResourceDef, ...], type_names: set[str]) -> tuple[ir.ResourceDef, ...]:
    """Name the page classes of paged operations whose response is a model: `ExperimentListPage`
    and `AsyncExperimentListPage`, one pair per model. They are defined in each resource module
    that returns them, beside the types and resource classes it imports, so a name any of those
    (or the runtime's imports) use takes a number."""

    def all_of(rs: tuple[ir.ResourceDef, ...]) -> list[ir.ResourceDef]:
        return [x for r in rs for x in (r, *all_of(r.children))]

    taken = set(type_names) | RESERVED_CLASSES
    taken |= {v.format(r.class_name) for r in all_of(resources) for v in _CLASS_VARIANTS}
    namer = Namer(taken)
    names: dict[str, tuple[str, str]] = {}
    for r in all_of(resources):
        for op in r.operations:
            model = op.pagination.page_model if op.pagination else None
            if model is not None and model not in names:
                sync = shorten(model, MAX_NAME - 12) + "Page"
                while "Async" + sync in namer:
                    sync += "_"
                names[model] = (namer.claim(sync), namer.claim("Async" + sync))

    def named(op: ir.OperationDef) -> ir.OperationDef:
        p = op.pagination
        if p is None or p.page_model is None:
            return op
        sync, async_ = names[p.page_model]
        return replace(op, pagination=replace(p, page_class=sync, async_page_class=async_))

    def rebuild(r: ir.ResourceDef) -> ir.ResourceDef:
        return replace(
            r,
            operations=tuple(named(op) for op in r.operations),
            children=tuple(rebuild(c) for c in r.children),
        )

    return tuple(rebuild(r) for r in resources)


def place_operations(
    ops: list[ir.OperationDef], endpoints: Sequence[Endpoint], configured: Mapping[str, str]
) -> list[ir.OperationDef]:
    """`ops` with `resource` and `method_name` set (`endpoints[i]` describes `ops[i]`)."""
    placer = Placer(endpoints, configured)
    placed = []
    for i, op in enumerate(ops):
        resource, method = placer.place(i)
        placed.append(replace(op, resource=resource, method_name=method))
    children: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for op in placed:
        for i in range(1, len(op.resource)):
            children[op.resource[:i]].add(op.resource[i])
    return settle_clashes(placed, children)
