"""Problems in the user's input, reported as `file#/json/pointer: message`.

An error stops generation (exit 2, nothing written); a warning is printed as
`file#/pointer: warning: message` while generation goes on (`--strict` makes
warnings errors).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

# At most this many problems are printed; the rest are counted ("... and N more").
MAX_SHOWN = 50


def escape_pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: object) -> str:
    """JSON pointer (RFC 6901) for a sequence of keys and indexes."""
    return "".join("/" + escape_pointer_token(p) for p in parts)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Problem:
    file: str
    pointer: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}: {self.message}"

    def as_error(self) -> Problem:
        return replace(self, severity="error")


def warning(file: str, pointer: str, message: str) -> Problem:
    return Problem(file, pointer, message, "warning")


def problem_lines(problems: Iterable[Problem], limit: int = MAX_SHOWN) -> list[str]:
    """The lines to print: `error: file#/p: m` or `file#/p: warning: m`, at most `limit`
    of them, then `... and N more`."""
    problems = list(problems)
    lines = [
        f"error: {p}" if p.severity == "error" else f"{p.file}#{p.pointer}: warning: {p.message}"
        for p in problems[:limit]
    ]
    if len(problems) > limit:
        kind = "errors" if all(p.severity == "error" for p in problems[limit:]) else "problems"
        lines.append(f"... and {len(problems) - limit} more {kind}")
    return lines


class SpecError(Exception):
    """One or more problems that stop generation; each is one line of output."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, file: str, pointer: str, message: str) -> SpecError:
        return cls([Problem(file, pointer, message)])
