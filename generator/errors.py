"""Problems in the user's input, reported as `file#/json/pointer: message`, exit code 2."""

from __future__ import annotations

from dataclasses import dataclass


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

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}: {self.message}"


class SpecError(Exception):
    """One or more problems that stop generation; each is one line of output."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, file: str, pointer: str, message: str) -> SpecError:
        return cls([Problem(file, pointer, message)])
