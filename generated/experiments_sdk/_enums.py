"""`OpenEnum`, the base of generated enums: a value the spec did not list is kept, never an error."""

from __future__ import annotations

from enum import Enum
from typing import Any, cast

__all__ = ["OpenEnum"]

# Per-class caches of unknown values, kept outside the classes so Enum never sees them.
_UNKNOWN_MEMBERS: dict[type, dict[object, Any]] = {}


class OpenEnum(Enum):
    """Base of generated enums (`class SpanType(str, OpenEnum)`): members are `str` (or `int`,
    `float`) and `str()`, `format()`, f-strings, `==` and `hash()` treat them as their values;
    unknown values are kept as non-member instances.

    `SpanType("llm") is SpanType.LLM`; `SpanType("new-kind")` is an instance
    too, with `.value == "new-kind"` and `.is_known is False`.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        member_type: Any = getattr(cls, "_member_type_", object)
        accepted = (int, float) if member_type is float else member_type  # JSON `2` is a number too
        if member_type is object or isinstance(value, bool) or not isinstance(value, accepted):
            return None
        if member_type is float:
            value = float(cast(Any, value))
        cache = _UNKNOWN_MEMBERS.setdefault(cls, {})
        pseudo = cache.get(value)
        if pseudo is None:
            pseudo = cast(Any, member_type).__new__(cls, value)
            pseudo._name_ = f"UNKNOWN[{value!r}]"
            pseudo._value_ = value
            cache[value] = pseudo
        return pseudo

    @property
    def is_known(self) -> bool:
        """False for a value the spec did not list (the server is newer than the SDK)."""
        return self._name_ in type(self).__members__

    # Members read as their values, like the raw values they stand for: `f"{kind}"` is
    # "llm", not "SpanType.LLM", and a member finds the raw value's dict entry.
    def __str__(self) -> str:
        return str(self._value_)

    def __format__(self, format_spec: str) -> str:
        return format(self._value_, format_spec)

    def __hash__(self) -> int:
        return hash(self._value_)
