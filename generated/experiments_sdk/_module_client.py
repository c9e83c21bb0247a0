"""Module-level use: `from pkg import init, things; init(api_key=...); await things.list()`.

The module-level resources are proxies: each attribute access goes to the
default async client as it is at that moment, so `init()` may come after the
import, and may be called again to reconfigure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["ModuleClient", "ResourceProxy"]


class ModuleClient:
    """Holds the default client; created from the environment on first use unless `init()` ran."""

    def __init__(self, factory: Callable[..., Any]) -> None:
        self._factory = factory
        self._client: Any = None

    def init(self, **options: Any) -> Any:
        self._client = self._factory(**options)
        return self._client

    def get(self) -> Any:
        if self._client is None:
            self._client = self._factory()
        return self._client


class ResourceProxy:
    def __init__(self, holder: ModuleClient, name: str) -> None:
        self._holder = holder
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(self._holder.get(), self._name), attr)

    def __repr__(self) -> str:
        return f"<module-level resource {self._name!r} of the default client>"
