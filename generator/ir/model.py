"""The intermediate model: typed, immutable data between the spec and the templates.

Everything the templates need is computed here (names, wire names, module
placement, imports); templates only read these objects. Spec text (names,
descriptions, enum values, defaults) is carried as plain data and reaches
generated code only through the escaping filters of `generator.render`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Union

from ..errors import Problem

JsonValue = Union[None, bool, int, float, str, list["JsonValue"], dict[str, "JsonValue"]]  # noqa: UP007 (forward refs)


class _NoDefault:
    """Marker: a field with no default in the spec."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault()


# ---------------------------------------------------------------- types


@dataclass(frozen=True)
class Prim:
    """A JSON primitive: str, int, float, bool or None."""

    kind: Literal["str", "int", "float", "bool", "none"]


@dataclass(frozen=True)
class Formatted:
    """A string with a format the SDK turns into a richer Python type."""

    fmt: Literal["date-time", "date", "time", "uuid", "binary"]


@dataclass(frozen=True)
class AnyJson:
    """Any JSON value (no type in the spec, or a construct we cannot type)."""


@dataclass(frozen=True)
class ListOf:
    item: TypeRef


@dataclass(frozen=True)
class MapOf:
    value: TypeRef


@dataclass(frozen=True)
class Named:
    """A reference to a model, enum or alias generated in this package."""

    name: str


@dataclass(frozen=True)
class Const:
    value: str | int | float | bool


@dataclass(frozen=True)
class UnionOf:
    members: tuple[TypeRef, ...]


@dataclass(frozen=True)
class Nullable:
    inner: TypeRef


@dataclass(frozen=True)
class Constraints:
    """Numeric and length bounds from the spec (patterns are not enforced)."""

    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None
    min_length: int | None = None
    max_length: int | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in (self.ge, self.le, self.gt, self.lt, self.min_length, self.max_length))


@dataclass(frozen=True)
class Constrained:
    inner: TypeRef
    constraints: Constraints


TypeRef = Union[Prim, Formatted, AnyJson, ListOf, MapOf, Named, Const, UnionOf, Nullable, Constrained]  # noqa: UP007


# ---------------------------------------------------------------- definitions


@dataclass(frozen=True)
class FieldDef:
    py_name: str
    wire_name: str
    type: TypeRef
    required: bool
    default: JsonValue | _NoDefault = NO_DEFAULT
    description: str | None = None
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False

    @property
    def raw_accessor(self) -> str:
        """Name of the generated method returning the field's `JsonField`."""
        return "_" + self.py_name


@dataclass(frozen=True)
class ModelDef:
    name: str
    pointer: str
    description: str | None
    fields: tuple[FieldDef, ...]
    # Type of additional properties when the spec constrains them; None means
    # "any JSON" (unknown properties are always kept, whatever the spec says).
    extra_type: TypeRef | None = None


@dataclass(frozen=True)
class EnumMember:
    py_name: str
    value: str | int | float


@dataclass(frozen=True)
class EnumDef:
    name: str
    pointer: str
    description: str | None
    base: Literal["str", "int", "float"]
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class AliasDef:
    """A named schema that is not an object: an array, a union, a primitive."""

    name: str
    pointer: str
    description: str | None
    type: TypeRef


Definition = Union[ModelDef, EnumDef, AliasDef]  # noqa: UP007


@dataclass(frozen=True)
class TypesModule:
    """One module of `<package>/types/`: a strongly connected group of definitions."""

    name: str
    definitions: tuple[Definition, ...]
    # Other types modules this one imports, and the names it takes from each.
    imports: tuple[tuple[str, tuple[str, ...]], ...]


def walk_named(t: TypeRef) -> Iterator[str]:
    """Names of the definitions a type refers to."""
    if isinstance(t, Named):
        yield t.name
    elif isinstance(t, ListOf):
        yield from walk_named(t.item)
    elif isinstance(t, MapOf):
        yield from walk_named(t.value)
    elif isinstance(t, UnionOf):
        for m in t.members:
            yield from walk_named(m)
    elif isinstance(t, (Nullable, Constrained)):
        yield from walk_named(t.inner)


# ---------------------------------------------------------------- operations


ParamLocation = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True)
class ParamDef:
    py_name: str
    wire_name: str
    location: ParamLocation
    type: TypeRef
    required: bool
    description: str | None = None
    style: str | None = None
    explode: bool | None = None
    example: JsonValue | _NoDefault = NO_DEFAULT
    schema: dict | None = field(default=None, compare=False, hash=False)


BodyKind = Literal["json", "form", "multipart", "binary", "text"]


@dataclass(frozen=True)
class BodyDef:
    media_type: str
    kind: BodyKind
    type: TypeRef
    required: bool
    # When the body is an object, its properties become keyword arguments.
    fields: tuple[FieldDef, ...] | None
    description: str | None = None
    example: JsonValue | _NoDefault = NO_DEFAULT
    schema: dict | None = field(default=None, compare=False, hash=False)
    # A form body's `encoding`: (property wire name, style, explode) where the spec declares one.
    encoding: tuple[tuple[str, str, bool], ...] = ()
    # A multipart body's file parts (wire names), and those of them that take several files (an
    # array of binary content: the part repeated on the wire).
    file_fields: tuple[str, ...] = ()
    file_lists: tuple[str, ...] = ()
    # A multipart body's other parts that are not sent as plain text: (wire name, content type),
    # from `encoding.contentType`, else `application/json` for objects and arrays of objects.
    part_types: tuple[tuple[str, str], ...] = ()


ResponseKind = Literal["json", "text", "binary", "empty"]


@dataclass(frozen=True)
class ResponseDef:
    status: str
    media_type: str | None
    kind: ResponseKind
    type: TypeRef | None
    # The event of a `text/event-stream` beside (or instead of) the body: `Stream[events]`.
    events: TypeRef | None = None


@dataclass(frozen=True)
class PaginationDef:
    scheme: Literal["cursor", "after_id", "offset", "page_number", "link_header"]
    items_field: str | None  # wire name of the list in the body (None: the body is the list)
    item_type: TypeRef
    # Wire names of the request parameter and response field that carry the cursor.
    cursor_param: str | None = None
    cursor_field: str | None = None
    limit_param: str | None = None
    # The response model a page is (the page has its fields, typed), when the body is an object
    # whose model declares the items field; None: a plain page of items. The page classes'
    # names are settled once every type and resource is named (`placement.name_pages`).
    page_model: str | None = None
    page_class: str | None = None
    async_page_class: str | None = None


@dataclass(frozen=True)
class OperationDef:
    operation_id: str
    method: str
    path: str
    resource: tuple[str, ...]
    method_name: str
    summary: str | None
    description: str | None
    params: tuple[ParamDef, ...]
    body: BodyDef | None
    response: ResponseDef
    error_responses: tuple[ResponseDef, ...]
    pagination: PaginationDef | None
    deprecated: bool
    pointer: str
    skip_reason: str | None = None
    # The operation's own `security` (alternatives of scheme names; `()` is "no auth"), or None
    # when it follows the package's.
    security: Requirement | None = None


@dataclass(frozen=True)
class ResourceDef:
    path: tuple[str, ...]
    attr_name: str
    class_name: str
    module: str
    operations: tuple[OperationDef, ...]
    children: tuple[ResourceDef, ...]


# ---------------------------------------------------------------- security


SchemeKind = Literal["bearer", "basic", "api_key", "oauth2"]

# Alternatives, each the names of schemes sent together (`security: [{a: [], b: []}, {c: []}]` is
# `(("a", "b"), ("c",))`); an empty alternative allows a call with no credentials.
Requirement = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class CredentialDef:
    """One credential argument of the client and the environment variable it falls back to."""

    arg: str
    env: str


@dataclass(frozen=True)
class SecuritySchemeDef:
    """A security scheme the SDK sends (`components.securitySchemes`), with its argument names.

    `bearer` sends `Authorization: Bearer <token>`; `basic` base64(`username:password`);
    `api_key` the key as the header, query parameter or cookie `param`; `oauth2` a bearer token
    fetched from `token_url` with the client-credentials grant.
    """

    name: str
    kind: SchemeKind
    location: Literal["header", "query", "cookie"]
    param: str
    credentials: tuple[CredentialDef, ...]
    token_url: str | None = None
    scopes: tuple[str, ...] = ()


# ---------------------------------------------------------------- package


@dataclass(frozen=True)
class Report:
    """An unsupported or lossy construct, reported instead of dropped silently."""

    pointer: str
    message: str


@dataclass(frozen=True)
class SdkNames:
    package_name: str
    distribution_name: str
    client_name: str
    async_client_name: str
    api_key_env: str
    base_url_env: str
    log_env: str
    title: str
    version: str
    default_base_url: str
    # The spec's own `info.version`, as written (`version` is its PEP 440 form).
    api_version: str = ""
    # The base exception every error of the SDK derives from (`GentraceError`).
    error_name: str = "SdkError"


@dataclass(frozen=True)
class Package:
    names: SdkNames
    definitions: dict[str, Definition] = field(default_factory=dict, compare=False, hash=False)
    # Definition name -> the definition whose module holds it: inline schemas live with the
    # component that owns them; a component owns itself.
    owner: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # Placement into `types/` modules, filled by the python stage (`generator.python.modules`).
    modules: tuple[TypesModule, ...] = ()
    # Definition name -> module name, for every generated definition.
    module_of: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    resources: tuple[ResourceDef, ...] = ()
    security_schemes: tuple[SecuritySchemeDef, ...] = ()
    # The operations' default requirement (the spec's top-level `security`).
    security: Requirement = ()
    # Every operation needs credentials: the client checks them when it is created.
    auth_required: bool = False
    reports: tuple[Report, ...] = ()
    # Problems in the spec that generation worked around (`file#/pointer: warning: ...`).
    warnings: tuple[Problem, ...] = ()

    @property
    def credentials(self) -> tuple[CredentialDef, ...]:
        """The client's credential arguments, in the order of its schemes."""
        return tuple(c for s in self.security_schemes for c in s.credentials)
