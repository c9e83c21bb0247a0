"""Strings that match a regular expression (`pattern`), for synthesized values.

Walks the parse tree of Python's own regex parser, choosing the shortest
branch that can meet the length bounds. Copied into every SDK's tests beside
`_synth.py`, so it uses the standard library only.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

__all__ = ["sample_pattern"]


def _regex_parser() -> Any:
    try:
        return importlib.import_module("re._parser")  # Python 3.11+
    except ImportError:
        return importlib.import_module("sre_parse")


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_NOT_DIGIT": "abcxyz-_ ",
    "CATEGORY_WORD": "abcxyz0123_",
    "CATEGORY_NOT_WORD": "-. :/",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "abcxyz0123",
}
_CANDIDATES = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. :/@+"


@functools.lru_cache(maxsize=4096)  # specs repeat their patterns across thousands of fields
def sample_pattern(pattern: str, min_length: int = 0, max_length: int | None = None, variant: int = 0) -> str | None:
    """A string in which `pattern` is found (JSON Schema patterns are unanchored), within the lengths.

    None when the pattern cannot be read (an ECMA-only construct) or no sample fits.
    """
    try:
        compiled = re.compile(pattern)
        tree = _regex_parser().parse(pattern)
    except (re.error, ValueError, TypeError, RecursionError):
        return None
    best: str | None = None
    for grow in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64):
        try:
            text = _Sampler(grow, variant).run(tree)
        except (RecursionError, ValueError):
            return None
        if compiled.search(text) is None:
            continue
        if best is None:
            best = text
        if len(text) < min_length:
            padded = text + "a" * (min_length - len(text))
            if compiled.search(padded) and (max_length is None or len(padded) <= max_length):
                return padded
            continue
        if max_length is not None and len(text) > max_length:
            break
        return text
    if best is None or len(best) < min_length or (max_length is not None and len(best) > max_length):
        return None
    return best


class _Sampler:
    def __init__(self, grow: int, variant: int) -> None:
        self.grow = grow
        self.variant = variant
        self.groups: dict[int, str] = {}

    def run(self, tree: Any) -> str:
        return "".join(self._node(op, av) for op, av in tree)

    def _node(self, op: Any, av: Any) -> str:
        name = str(op)
        if name == "LITERAL":
            return chr(av)
        if name == "NOT_LITERAL":
            return next(c for c in _CANDIDATES if ord(c) != av)
        if name == "ANY":
            return "a"
        if name == "AT":
            return ""
        if name == "IN":
            return self._in(av)
        if name == "CATEGORY":
            return _CATEGORY_CHARS.get(str(av), "a")[0]
        if name == "BRANCH":
            branches = av[1]
            return self.run(branches[self.variant % len(branches)])
        if name in ("SUBPATTERN", "ATOMIC_GROUP"):
            sub = av[-1] if name == "SUBPATTERN" else av
            text = self.run(sub)
            if name == "SUBPATTERN" and av[0] is not None:
                self.groups[av[0]] = text
            return text
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            count = max(low, min(self.grow, high))
            return "".join(self.run(sub) for _ in range(count))
        if name == "GROUPREF":
            return self.groups.get(av, "")
        if name in ("ASSERT", "ASSERT_NOT", "GROUPREF_EXISTS"):
            return ""
        raise ValueError(f"unsupported regex construct {name}")

    def _in(self, items: list[Any]) -> str:
        negate = bool(items) and str(items[0][0]) == "NEGATE"
        body = items[1:] if negate else items

        def member(ch: str) -> bool:
            code = ord(ch)
            for op, av in body:
                name = str(op)
                if name == "LITERAL" and code == av:
                    return True
                if name == "RANGE" and av[0] <= code <= av[1]:
                    return True
                if name == "CATEGORY" and _in_category(str(av), ch):
                    return True
            return False

        if not negate:
            options: list[str] = []
            for op, av in body:
                name = str(op)
                if name == "LITERAL":
                    options.append(chr(av))
                elif name == "RANGE":
                    options.append(chr(av[0]))
                elif name == "CATEGORY":
                    options.append(_CATEGORY_CHARS.get(str(av), "a")[0])
            if options:
                return options[self.variant % len(options)] if self.variant else options[0]
        for ch in _CANDIDATES:
            if member(ch) != negate:
                return ch
        return "a"


def _in_category(category: str, ch: str) -> bool:
    if category == "CATEGORY_DIGIT":
        return ch.isdigit()
    if category == "CATEGORY_NOT_DIGIT":
        return not ch.isdigit()
    if category == "CATEGORY_WORD":
        return ch.isalnum() or ch == "_"
    if category == "CATEGORY_NOT_WORD":
        return not (ch.isalnum() or ch == "_")
    if category == "CATEGORY_SPACE":
        return ch.isspace()
    if category == "CATEGORY_NOT_SPACE":
        return not ch.isspace()
    return False
