"""Lenient pydantic models: parsing never raises, bad fields raise only when read.

How parsing works: pydantic-core validates the whole payload first (the fast
path, costing what plain pydantic costs). Only when that fails does the SDK
fall back, field by field, to `_lenient`: each field is validated on its own;
a field that fails is kept raw and recorded, a nested object is rebuilt the
same way, and unknown fields are kept. The typed attribute of a bad field
then raises `InvalidDataError`; its raw accessor (`model._field()`) returns a
`JsonField` that never raises.

Validation is pydantic's strict JSON mode throughout (see `_validate`): a value
of the wrong JSON type is reported, never silently converted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache, partial
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

import pydantic
import pydantic_core
from pydantic import ConfigDict, TypeAdapter, ValidationError, model_serializer
from typing_extensions import Annotated, Literal, Self

from ._enums import OpenEnum
from ._types import MISSING, Bad, InvalidDataError, MissingFieldsError

__all__ = [
    "InvalidDataError",
    "MissingFieldsError",
    "JsonField",
    "SdkModel",
    "ModelBuilder",
    "OpenEnum",
    "NonNull",
    "parse_json",
    "parse_python",
    "mark_bad",
]

T = TypeVar("T")
M = TypeVar("M", bound="SdkModel")

_BAD = "_sdk_bad"  # key in __pydantic_private__ holding the bad fields of a model
_ROOT = ""  # key in the bad fields of a model parsed from JSON that is not an object

# Parsing matches JSON keys against wire names (aliases) only: a key that happens
# to equal a field's Python name (`pipeline_id` for `pipelineId`) is an unknown
# property, kept as such, so `to_dict()` gives back exactly what was received.
# (pydantic >= 2.11; older versions also accept Python names.)
_PYDANTIC = tuple(int(part) for part in pydantic.VERSION.split(".")[:2])
_BY_ALIAS_ONLY: dict[str, Any] = {"by_alias": True, "by_name": False} if _PYDANTIC >= (2, 11) else {}


# Per-class caches, kept outside the classes so pydantic and Enum never see them.
_WIRE_MAPS: dict[type, dict[str, str]] = {}
_EXTRA_TYPES: dict[type, Any] = {}


class JsonField(Generic[T]):
    """A field as it came over the wire. Never raises.

    - `is_known()`: present and of the declared type (`value` is the typed value);
    - `is_missing()`: absent from the JSON;
    - `is_null()`: present as JSON `null`;
    - `is_invalid()`: present but not of the declared type (`value` is None);
    - `raw`: the JSON value (None when missing).
    """

    __slots__ = ("_state", "_value", "_raw", "_model")

    def __init__(self, state: str, value: Any, raw: Any = MISSING, model: Any = None) -> None:
        self._state, self._value, self._raw, self._model = state, value, raw, model

    def is_known(self) -> bool:
        return self._state == "known"

    def is_missing(self) -> bool:
        return self._state == "missing"

    def is_null(self) -> bool:
        return self._state == "null"

    def is_invalid(self) -> bool:
        return self._state == "invalid"

    @property
    def value(self) -> T | None:
        return self._value

    @property
    def raw(self) -> object:
        if self._raw is MISSING:
            if self._state == "missing":
                return None
            self._raw = _to_json(self._value)
        return self._raw

    def __repr__(self) -> str:
        if self._state == "missing":
            return "JsonField(<missing>)"
        return f"JsonField({self._state}, {self.raw!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonField) and (self._state, self.raw) == (other._state, other.raw)

    __hash__ = None  # type: ignore[assignment]


class _NonNull:
    """Annotation for an optional property that may be absent but not `null`.

    `x: Annotated[Optional[int], NonNull] = None` reads as "None when absent" to type
    checkers, while validation (in Rust, at no extra cost) rejects an explicit `null`,
    so it is reported as a bad field like any other wrong type.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        return schema["schema"] if schema.get("type") == "nullable" else schema

    def __repr__(self) -> str:
        return "NonNull"


NonNull = _NonNull()


def _non_null(tp: Any) -> bool:
    return get_origin(tp) is Annotated and any(isinstance(m, _NonNull) for m in get_args(tp)[1:])


def _describe_type(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Annotated:
        return _describe_type(get_args(tp)[0])
    if origin is Union:
        return " | ".join(_describe_type(a) for a in get_args(tp))
    if origin is Literal:
        return " | ".join(json.dumps(a) for a in get_args(tp))
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_describe_type(a) for a in get_args(tp))}]"
    if tp is type(None):
        return "null"
    if tp is object:
        return "any JSON"
    return getattr(tp, "__name__", repr(tp))


@cache
def _adapter(tp: Any) -> TypeAdapter[Any]:
    _complete(tp, set())
    return TypeAdapter(tp)


def _complete(tp: Any, seen: set[type]) -> None:
    """Build every model `tp` reaches, so that the models a call returns are complete
    (`__pydantic_complete__`, no `ForwardRef` in `model_fields`): an adapter of `list[Model]`
    builds its own schema but leaves the deferred classes as they were."""
    if isinstance(tp, type) and issubclass(tp, SdkModel):
        if tp in seen:
            return
        seen.add(tp)
        for klass in tp.__mro__:  # a page class's response model too
            if issubclass(klass, SdkModel) and klass is not SdkModel and not klass.__pydantic_complete__:
                klass.model_rebuild()
        for info in tp.model_fields.values():
            _complete(info.annotation, seen)
        return
    for arg in get_args(tp):
        _complete(arg, seen)


def _validate(tp: Any, value: Any) -> Any:
    """Validate decoded JSON as `tp`, exactly as JSON text is validated.

    Validation is pydantic's strict JSON mode: a value of the wrong JSON type is
    never converted (`"12"` is not an integer, `1` is not a boolean, `0` is not a
    date-time), so it is reported as bad and kept as received, and `to_dict()`
    gives back what came. Date-times, dates and enums still parse from strings.
    """
    # A model validates through its own validator (which also completes the class,
    # resolving the annotations `_lenient` reads); anything else through an adapter.
    validator: Any = tp if isinstance(tp, type) and issubclass(tp, SdkModel) else None
    try:
        encoded = pydantic_core.to_json(value)
    except pydantic_core.PydanticSerializationError:
        # Not encodable as JSON text (a lone surrogate in a string): validate the Python
        # data strictly instead; a date-time or enum given as such a string is then bad.
        if validator is not None:
            return validator.model_validate(value, strict=True, **_BY_ALIAS_ONLY)
        return _adapter(tp).validate_python(value, strict=True, **_BY_ALIAS_ONLY)
    if validator is not None:
        return validator.model_validate_json(encoded, strict=True, **_BY_ALIAS_ONLY)
    return _adapter(tp).validate_json(encoded, strict=True, **_BY_ALIAS_ONLY)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    return str(err.get("msg", "invalid"))


def _coerce(tp: Any, value: Any, path: str, *, known_invalid: bool = False) -> tuple[bool, Any, list[Bad]]:
    """Validate `value` as `tp` without raising: (ok, typed value, problems).

    Models are rebuilt field by field, containers item by item; anything else
    either validates or is reported as one bad value. `known_invalid`: the
    caller has just seen `value` fail as `tp`, so do not validate it whole again.
    """
    reason = "invalid"
    if not known_invalid:
        try:
            return True, _validate(tp, value), []
        except ValidationError as exc:
            reason = _first_error(exc)
    origin = get_origin(tp)
    inner = get_args(tp)[0] if origin is Annotated else tp
    origin = get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, SdkModel) and isinstance(value, dict):
        model = inner._lenient(value, path, known_invalid=inner is tp)
        return True, model, []
    if origin is list and isinstance(value, list):
        (item_tp,) = get_args(inner) or (Any,)
        out, ok = [], True
        for i, item in enumerate(value):
            item_ok, v, _ = _coerce(item_tp, item, f"{path}[{i}]")
            ok = ok and item_ok
            out.append(v)
        if ok:
            return True, out, []
    elif origin is dict and isinstance(value, dict):
        _, value_tp = get_args(inner) or (str, Any)
        out_d, ok = {}, True
        for k, item in value.items():
            item_ok, v, _ = _coerce(value_tp, item, f"{path}.{k}")
            ok = ok and item_ok
            out_d[k] = v
        if ok:
            return True, out_d, []
    elif origin is Union:
        members = get_args(inner)
        if value is None and type(None) in members and not _non_null(tp):
            return True, None, []
        # A union with a model member: keep the model that fits best.
        best: tuple[int, Any] | None = None
        for member in members:
            if isinstance(member, type) and issubclass(member, SdkModel) and isinstance(value, dict):
                candidate = member._lenient(value, path)
                score = len(candidate._own_bad())
                if best is None or score < best[0]:
                    best = (score, candidate)
            elif get_origin(member) in (list, dict, Union, Annotated):
                member_ok, v, _ = _coerce(member, value, path)
                if member_ok:
                    return True, v, []
        if best is not None:
            return True, best[1], []
    return False, value, [Bad(path, _describe_type(tp), value, reason)]


def _to_json(value: Any, omit: type | None = None) -> Any:
    """Python data as JSON data; models as `to_dict()` gives them (unset fields left out).

    `omit`: mapping entries whose value is of this type are left out (the client's NOT_GIVEN).
    """
    if isinstance(value, SdkModel):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_to_json(v, omit) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _to_json(v, omit) for k, v in value.items() if omit is None or not isinstance(v, omit)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return pydantic_core.to_jsonable_python(value, by_alias=True)


class SdkModel(pydantic.BaseModel):
    """Base of every generated model."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        defer_build=True,
        arbitrary_types_allowed=True,
    )

    # ------------------------------------------------------------ parsing

    @classmethod
    def from_json(cls, data: str | bytes, *, strict: bool = False) -> Self:
        """Parse JSON text. Never raises for bad data unless `strict=True`."""
        return parse_json(cls, data, strict=strict)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], *, strict: bool = False) -> Self:
        """Parse decoded JSON. Never raises for bad data unless `strict=True`."""
        return parse_python(cls, data, strict=strict)

    @classmethod
    def _wire_map(cls) -> dict[str, str]:
        wire_map = _WIRE_MAPS.get(cls)
        if wire_map is None:
            wire_map = _WIRE_MAPS[cls] = {(f.alias or name): name for name, f in cls.model_fields.items()}
        return wire_map

    @classmethod
    def _lenient(cls, data: Mapping[str, Any], path: str = "", *, known_invalid: bool = False) -> Self:
        """Build an instance field by field from decoded JSON; never raises.

        `known_invalid`: `data` has just failed validation as a whole; go field by field at once.
        """
        path = path or cls.__name__
        if not known_invalid:
            try:
                return _validate(cls, data)
            except ValidationError:
                pass
        if not cls.__pydantic_complete__:
            cls.model_rebuild()  # a deferred class: resolve the annotations read below
        fields = cls.model_fields
        wire_map = cls._wire_map()
        values: dict[str, Any] = {}
        extras: dict[str, Any] = {}
        bad: dict[str, Bad] = {}
        extra_tp = _extra_type(cls)
        for key, raw in data.items():
            name = wire_map.get(key)
            if name is None:
                by_name = not _BY_ALIAS_ONLY and key in fields  # pydantic < 2.11 matches names too
                if by_name:
                    name = key
                else:
                    extras[key] = raw
                    if extra_tp is not None:
                        ok, value, problems = _coerce(extra_tp, raw, f"{path}.{key}")
                        if ok:
                            extras[key] = value  # a nested model keeps its own bad fields
                        else:
                            bad[key] = problems[0]
                    continue
            info = fields[name]
            annotation = info.rebuild_annotation() if info.metadata else info.annotation
            ok, value, problems = _coerce(annotation, raw, f"{path}.{key}")
            if ok:
                values[name] = value
            else:
                bad[name] = problems[0]
        fields_set = set(values)
        for name, info in fields.items():
            if name in values or name in bad:
                continue
            if info.is_required():
                bad[name] = Bad(f"{path}.{info.alias or name}", _describe_type(info.annotation), MISSING, "missing")
            else:
                values[name] = info.get_default(call_default_factory=True)
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        object.__setattr__(obj, "__pydantic_fields_set__", fields_set)
        object.__setattr__(obj, "__pydantic_extra__", extras)
        object.__setattr__(obj, "__pydantic_private__", {_BAD: bad} if bad else None)
        return obj

    # ------------------------------------------------------------ access

    def _own_bad(self) -> dict[str, Bad]:
        private = object.__getattribute__(self, "__pydantic_private__")
        return (private or {}).get(_BAD) or {}

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            bad = self._own_bad().get(name)
            if bad is not None:
                raise InvalidDataError([bad])
            return super().__getattr__(name)

    def _json_field(self, name: str) -> JsonField[Any]:
        bad = self._own_bad().get(name)
        if bad is not None:
            if bad.raw is MISSING:
                return JsonField("missing", None)
            return JsonField("null" if bad.raw is None else "invalid", None, bad.raw)
        if name not in self.__pydantic_fields_set__:
            return JsonField("missing", None)
        value = self.__dict__.get(name)
        return JsonField("null" if value is None else "known", value)

    @property
    def additional_properties(self) -> dict[str, object]:
        """Properties the spec does not declare, as received."""
        return dict(self.__pydantic_extra__ or {})

    # ------------------------------------------------------------ checking

    def invalid_fields(self) -> list[str]:
        """Paths of every bad field, recursively."""
        return [p.path for p in _collect_bad(self)]

    def validate(self) -> Self:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        """Raise one `InvalidDataError` listing every bad field (recursively); return self."""
        problems = _collect_bad(self)
        if problems:
            raise InvalidDataError(problems)
        return self

    def is_valid(self) -> bool:
        return not _collect_bad(self)

    # ------------------------------------------------------------ output

    @model_serializer(mode="wrap")
    def _sdk_serialize(self, handler: Any) -> Any:
        data = handler(self)
        bad = self._own_bad()
        if bad and isinstance(data, dict):
            for name, problem in bad.items():
                if problem.raw is MISSING or name == _ROOT:
                    continue
                info = type(self).model_fields.get(name)
                data[(info.alias or name) if info else name] = problem.raw
        return data

    def to_dict(self) -> dict[str, object]:
        """The JSON object (as Python data): unknown and bad fields included, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)

    def to_json(self, *, indent: int | None = None) -> str:
        return self.model_dump_json(by_alias=True, exclude_unset=True, warnings=False, indent=indent)

    def __repr_args__(self) -> Any:
        bad = self._own_bad()
        for name, value in super().__repr_args__():
            if name not in bad:
                yield name, value
        yield from bad.items()


def mark_bad(model: SdkModel, name: str, bad: Bad) -> None:
    """Record `name` of `model` as a bad field (kept raw, raised when read, listed by `validate()`)."""
    private = object.__getattribute__(model, "__pydantic_private__")
    if private is None:
        private = {}
        object.__setattr__(model, "__pydantic_private__", private)
    private.setdefault(_BAD, {})[name] = bad


def _extra_type(cls: type[SdkModel]) -> Any:
    """The declared type of additional properties (from `__pydantic_extra__`), or None."""
    if cls not in _EXTRA_TYPES:
        tp = None
        for klass in cls.__mro__:
            if klass is SdkModel:
                break
            if "__pydantic_extra__" in klass.__dict__.get("__annotations__", {}):
                hint = get_type_hints(klass, include_extras=True)["__pydantic_extra__"]
                args = get_args(hint)
                tp = args[1] if len(args) == 2 else None
                break
        _EXTRA_TYPES[cls] = tp
    return _EXTRA_TYPES[cls]


def _collect_bad(value: Any, seen: set[int] | None = None) -> list[Bad]:
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return []
    out: list[Bad] = []
    if isinstance(value, SdkModel):
        seen.add(id(value))
        out.extend(value._own_bad().values())
        for item in value.__dict__.values():
            out.extend(_collect_bad(item, seen))
        for item in (value.__pydantic_extra__ or {}).values():
            out.extend(_collect_bad(item, seen))
    elif isinstance(value, list):
        for item in value:
            out.extend(_collect_bad(item, seen))
    elif isinstance(value, dict):
        for item in value.values():
            out.extend(_collect_bad(item, seen))
    return out


def _strict_error(tp: Any, exc: ValidationError, data: Any) -> InvalidDataError:
    """The error strict mode raises: every bad field, described as lenient mode describes it."""
    if data is not MISSING:
        problems = _collect_bad(_coerce_top(tp, data))
        if problems:
            return InvalidDataError(problems)
    err = exc.errors(include_url=False)[0]
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.get("loc", ()))
    name = getattr(tp, "__name__", "value")
    missing = err.get("type") == "missing"
    raw = MISSING if missing else err.get("input")
    expected = "a value" if missing else str(err.get("type", "?"))
    return InvalidDataError([Bad(f"{name}{loc}", expected, raw, str(err.get("msg")))])


@cache
def json_validator(tp: Any) -> Callable[[str | bytes], Any]:
    """The first, strict step of `parse_json` as one call (for hot loops such as event streams);
    raises pydantic's ValidationError where `parse_json` goes on to be lenient."""
    return partial(_adapter(tp).validate_json, strict=True, **_BY_ALIAS_ONLY)


def parse_json(tp: type[T] | Any, data: str | bytes, *, strict: bool = False) -> T:
    """Parse JSON text as `tp` (a model, `list[Model]`, any type). Lenient unless `strict`."""
    try:
        return json_validator(tp)(data)
    except ValidationError as exc:
        try:
            decoded = json.loads(data)
        except ValueError:
            if strict:
                raise _strict_error(tp, exc, MISSING) from None
            raise  # not JSON at all: nothing to be lenient about
        if strict:
            raise _strict_error(tp, exc, decoded) from None
        if get_origin(tp) is list and isinstance(decoded, list):
            return cast(T, _coerce_list(tp, decoded, exc))
    return cast(T, _coerce_top(tp, decoded))


def _coerce_list(tp: Any, items: list[Any], exc: ValidationError) -> list[Any]:
    """A list that failed validation: the error locations say which items are bad.

    The good items are validated together in one pass (pydantic's lax Python mode
    gives the same values as strict JSON mode for data strict mode accepted), and
    only the bad ones are rebuilt field by field.
    """
    bad = {e["loc"][0] for e in exc.errors(include_url=False) if e["loc"] and isinstance(e["loc"][0], int)}
    (item_tp,) = get_args(tp) or (Any,)
    good = iter(_adapter(tp).validate_python([item for i, item in enumerate(items) if i not in bad]))
    name = _describe_type(item_tp)
    return [
        _coerce(item_tp, item, f"{name}[{i}]", known_invalid=True)[1] if i in bad else next(good)
        for i, item in enumerate(items)
    ]


def parse_python(tp: type[T] | Any, data: Any, *, strict: bool = False) -> T:
    """Like `parse_json`, for already-decoded JSON."""
    _adapter(tp)  # completes the models `tp` reaches, once
    try:
        return _validate(tp, data)
    except ValidationError as exc:
        if strict:
            raise _strict_error(tp, exc, data) from None
    return cast(T, _coerce_top(tp, data))


def _coerce_top(tp: Any, data: Any) -> Any:
    """The lenient parse of `data`, which has just failed validation as `tp`."""
    name = getattr(tp, "__name__", "")
    if isinstance(tp, type) and issubclass(tp, SdkModel):
        if isinstance(data, dict):
            return tp._lenient(data, name, known_invalid=True)
        return _not_an_object(tp, data)
    _, value, _ = _coerce(tp, data, name or "$", known_invalid=True)
    return value


def _not_an_object(cls: type[M], data: object) -> M:
    """The lenient parse, as `cls`, of JSON that is not an object (a string, an array): an
    instance with no field set, keeping `data` as its one bad value, which `validate()` reports."""
    obj = cls._lenient({}, cls.__name__, known_invalid=True)
    bad = {_ROOT: Bad(cls.__name__, "an object", data, "not a JSON object"), **obj._own_bad()}
    object.__setattr__(obj, "__pydantic_private__", {_BAD: bad})
    return obj


class ModelBuilder(Generic[M]):
    """Fluent construction of a model; `build()` names every missing required field."""

    def __init__(self, model: type[M], source: M | None = None) -> None:
        self._model = model
        self._values: dict[str, object] = dict(source.to_dict()) if source is not None else {}

    def _set(self, name: str, value: object) -> Self:
        info = self._model.model_fields[name]
        self._values[info.alias or name] = value
        return self

    def raw(self, name: str, value: object) -> Self:
        """Set a field (by attribute or JSON name) to any JSON value, typed or not."""
        info = self._model.model_fields.get(name)
        self._values[(info.alias or name) if info else name] = value
        return self

    def additional_property(self, key: str, value: object) -> Self:
        """Set a property the spec does not declare."""
        self._values[key] = value
        return self

    def additional_properties(self, values: Mapping[str, object]) -> Self:
        self._values.update(values)
        return self

    def build(self) -> M:
        missing = [
            info.alias or name
            for name, info in self._model.model_fields.items()
            if info.is_required() and (info.alias or name) not in self._values
        ]
        if missing:
            raise MissingFieldsError(self._model.__name__, missing)
        return self._model._lenient({k: _to_json(v) for k, v in self._values.items()})
