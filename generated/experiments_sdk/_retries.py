"""When to retry a failed call, and how long to wait first (see `_base_client` for the policy)."""

from __future__ import annotations

import email.utils
import random
import time

import httpx

__all__ = ["retry_after_seconds", "backoff_seconds", "should_retry"]

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The server's requested delay, from `retry-after-ms` or `Retry-After`, if valid and ≤ 60 s."""
    delay: float | None = None
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            delay = float(ms) / 1000
        except ValueError:
            delay = None
    if delay is None:
        after = headers.get("retry-after")
        if after is not None:
            try:
                delay = float(after)
            except ValueError:
                parsed = email.utils.parsedate_tz(after)
                if parsed is not None:
                    delay = email.utils.mktime_tz(parsed) - time.time()
    if delay is None or not (0 <= delay <= MAX_RETRY_AFTER):
        return None
    return delay


def backoff_seconds(retries_taken: int, headers: httpx.Headers | None) -> float:
    """How long to wait before try number `retries_taken + 1`."""
    if headers is not None:
        requested = retry_after_seconds(headers)
        if requested is not None:
            return requested
    delay = min(INITIAL_RETRY_DELAY * (2.0**retries_taken), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


def should_retry(response: httpx.Response) -> bool:
    verdict = response.headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    return response.status_code in (408, 409, 429) or response.status_code >= 500
