"""The httpx clients the SDK sends with, the checks on a client a user passes in, the
headers that describe the SDK and the logger of its requests.

`DefaultHttpxClient` / `DefaultAsyncHttpxClient` are httpx clients with the SDK's
defaults (timeout, redirects), for users who pass their own `http_client` but
want to keep those. `DefaultAioHttpClient` does the same over aiohttp, through
the `httpx-aiohttp` transport (the package's optional `[aiohttp]` extra).
"""

from __future__ import annotations

import logging
import os
import platform
from typing import TYPE_CHECKING, Any

import httpx

__all__ = [
    "DEFAULT_TIMEOUT",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
    "DefaultAioHttpClient",
    "check_http_client",
    "check_max_retries",
    "platform_headers",
    "setup_logger",
]

DEFAULT_TIMEOUT = httpx.Timeout(timeout=60.0, connect=5.0)


def _defaults(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    kwargs.setdefault("follow_redirects", True)
    return kwargs


class DefaultHttpxClient(httpx.Client):
    """`httpx.Client` with the SDK's default timeout and redirect following."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_defaults(kwargs))


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """`httpx.AsyncClient` with the SDK's default timeout and redirect following."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_defaults(kwargs))


if TYPE_CHECKING:

    class DefaultAioHttpClient(DefaultAsyncHttpxClient):
        """An async httpx client sending over aiohttp (`httpx-aiohttp`), with the SDK's defaults."""


def __getattr__(name: str) -> Any:
    # `DefaultAioHttpClient` is built on first use: importing aiohttp costs more than the rest
    # of the SDK, and most users never send with it.
    if name != "DefaultAioHttpClient":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from httpx_aiohttp import HttpxAiohttpClient
    except ImportError:

        class Missing(DefaultAsyncHttpxClient):
            def __init__(self, **kwargs: Any) -> None:
                raise RuntimeError(
                    "DefaultAioHttpClient needs httpx-aiohttp: install the SDK with its `aiohttp` extra"
                )

        cls: Any = Missing
    else:

        class Aio(HttpxAiohttpClient):
            """An async httpx client sending over aiohttp, with the SDK's defaults."""

            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**_defaults(kwargs))

        cls = Aio
    cls.__name__ = cls.__qualname__ = name
    globals()[name] = cls
    return cls


def check_http_client(http_client: object, expected: type[Any], kind: str) -> None:
    """A TypeError naming what a client of this kind takes, for an `http_client` of another kind."""
    if http_client is not None and not isinstance(http_client, expected):
        raise TypeError(
            f"http_client must be an instance of {expected.__module__}.{expected.__qualname__} for the "
            f"{kind} client; got {type(http_client).__module__}.{type(http_client).__qualname__}"
        )


def check_max_retries(max_retries: object) -> None:
    if not isinstance(max_retries, int) or isinstance(max_retries, bool):
        raise TypeError(f"max_retries must be an int (0: never retry); got {max_retries!r}")
    if max_retries < 0:
        raise ValueError(f"max_retries must be >= 0; got {max_retries}")


def platform_headers(package: str, version: str) -> dict[str, str]:
    return {
        "User-Agent": f"{package}/{version} python/{platform.python_version()}",
        "X-SDK-Lang": "python",
        "X-SDK-Package-Version": version,
        "X-SDK-OS": platform.system() or "unknown",
        "X-SDK-Arch": platform.machine() or "unknown",
        "X-SDK-Runtime": platform.python_implementation(),
        "X-SDK-Runtime-Version": platform.python_version(),
    }


def setup_logger(package: str, log_env: str) -> logging.Logger:
    """The package's logger; the `log_env` variable (`debug`, `info`) turns it on."""
    logger = logging.getLogger(package)
    level = os.environ.get(log_env, "").lower()
    if level in ("debug", "info") and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s")
        )
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    return logger
