"""Where the templates are: inside the installed wheel, or beside this package in a checkout."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    installed = Path(__file__).parent / "_templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "templates"
