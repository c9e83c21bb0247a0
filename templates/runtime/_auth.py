"""Credentials: what the client was given, what each call sends, and OAuth2 tokens.

A call's requirement is a tuple of alternatives, each the names of schemes sent together
(`(("basic",), ("bearer",))`: either one; `(("email", "key"),)`: both). The first alternative
whose credentials are all configured is sent; an empty alternative lets a call go without any;
otherwise the call raises `MissingCredentialsError`, naming the arguments and environment
variables that would satisfy it.

OAuth2 client credentials (RFC 6749 §4.4): the token is fetched from the scheme's token URL
(the client authenticating with HTTP basic), cached, and fetched again shortly before it
expires; a lock (a `threading.Lock`, or an `asyncio.Lock` for the async client) makes
concurrent calls wait for one fetch. Secrets never appear in a repr or a message.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from ._exceptions import APIResponseValidationError, MissingCredentialsError, status_error

__all__ = ["Credential", "Scheme", "Requirement", "Credentials", "AuthParts", "OAuth2Tokens"]

Requirement = tuple[tuple[str, ...], ...]

# A token is fetched again this long before it expires: a tenth of its lifetime, at most a minute.
MAX_EARLY_REFRESH = 60.0


@dataclass(frozen=True)
class Credential:
    """A credential argument of the client and the environment variable it defaults to."""

    arg: str
    env: str


@dataclass(frozen=True)
class Scheme:
    """A security scheme: `bearer`, `basic`, `api_key` (sent as the header, query parameter or
    cookie `param`) or `oauth2` (client credentials, a bearer token from `token_url`)."""

    name: str
    kind: str
    location: str
    param: str
    credentials: tuple[Credential, ...]
    token_url: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass
class AuthParts:
    """What a call's credentials add to its request, and the OAuth2 tokens among them."""

    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    tokens: list[tuple[OAuth2Tokens, str]] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<AuthParts headers={sorted(self.headers)} query={sorted(self.query)} cookies={sorted(self.cookies)}>"


def _clock() -> float:
    return time.monotonic()


def _basic(user: str, password: str) -> str:
    """An RFC 7617 `Authorization` value: base64 of `user:password` in UTF-8."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class OAuth2Tokens:
    """The client-credentials token of one scheme, shared by every call of one client."""

    def __init__(self, scheme: Scheme, client_id: str, client_secret: str) -> None:
        self._scheme = scheme
        # RFC 6749 §2.3.1: the id and secret are form-encoded before they are joined.
        self._client_auth = _basic(quote(client_id, safe=""), quote(client_secret, safe=""))
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = threading.Lock()
        self._async_lock: Any = None

    def __repr__(self) -> str:
        return f"<OAuth2Tokens scheme={self._scheme.name!r}>"

    def _fresh(self) -> str | None:
        return self._token if self._token is not None and _clock() < self._refresh_at else None

    def _request(self, http: httpx.Client | httpx.AsyncClient, base_url: httpx.URL) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if self._scheme.scopes:
            form["scope"] = " ".join(self._scheme.scopes)
        headers = {
            "Authorization": self._client_auth,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        url = base_url.join(self._scheme.token_url or "")
        return http.build_request("POST", url, headers=headers, content=urlencode(form).encode())

    def _accept(self, response: httpx.Response) -> str:
        try:
            body: Any = json.loads(response.content) if response.content else None
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            raise status_error(response, body)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            message = f"The token endpoint of {self._scheme.name!r} answered without an access_token"
            raise APIResponseValidationError(response=response, body=None, message=message)
        lifetime = body.get("expires_in")
        if isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool):
            self._refresh_at = _clock() + lifetime - min(MAX_EARLY_REFRESH, lifetime / 10)
        else:
            self._refresh_at = float("inf")  # no expiry given: kept until a 401
        self._token = token
        return token

    def get(self, http: httpx.Client, base_url: httpx.URL) -> str:
        token = self._fresh()
        if token is not None:
            return token
        with self._lock:
            token = self._fresh()  # another thread may have fetched it while this one waited
            if token is not None:
                return token
            response = http.send(self._request(http, base_url))
            response.read()
            return self._accept(response)

    async def aget(self, http: httpx.AsyncClient, base_url: httpx.URL) -> str:
        token = self._fresh()
        if token is not None:
            return token
        if self._async_lock is None:
            import asyncio  # here, so that sync-only users never pay for importing it

            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            token = self._fresh()
            if token is not None:
                return token
            response = await http.send(self._request(http, base_url))
            await response.aread()
            return self._accept(response)

    def invalidate(self, token: str) -> None:
        """Forget `token` (refused with a 401), unless a newer one has replaced it already."""
        if self._token == token:
            self._token = None


class Credentials:
    """The credentials of one client: its arguments, else their environment variables."""

    def __init__(self, schemes: tuple[Scheme, ...], given: Mapping[str, str | None]) -> None:
        self._schemes = {s.name: s for s in schemes}
        self._values: dict[str, str] = {}
        for scheme in schemes:
            for c in scheme.credentials:
                value = given.get(c.arg)
                if value is None:
                    value = os.environ.get(c.env) or None
                if value is not None:
                    self._values[c.arg] = value
        self._tokens = {
            s.name: OAuth2Tokens(s, *(self._values[c.arg] for c in s.credentials))
            for s in schemes
            if s.kind == "oauth2" and self._has(s)
        }

    def __repr__(self) -> str:
        return f"<Credentials given={sorted(self._values)}>"

    def value(self, arg: str) -> str | None:
        return self._values.get(arg)

    def _has(self, scheme: Scheme) -> bool:
        return all(c.arg in self._values for c in scheme.credentials)

    def choose(self, requirement: Requirement, what: str) -> tuple[Scheme, ...]:
        """The schemes of the first alternative the client has every credential of."""
        for alternative in requirement:
            schemes = tuple(self._schemes[n] for n in alternative)
            if alternative and all(self._has(s) for s in schemes):
                return schemes
        if not requirement or () in requirement:
            return ()
        raise MissingCredentialsError(self._missing(requirement, what))

    def _missing(self, requirement: Requirement, what: str) -> str:
        ways = []
        for alternative in requirement:
            needed = [c for n in alternative for c in self._schemes[n].credentials if c.arg not in self._values]
            args = " and ".join(f"{c.arg}=" for c in needed)
            envs = " and ".join(c.env for c in needed)
            plural = "s" if len(needed) > 1 else ""
            ways.append(f"pass {args} to the client or set the {envs} environment variable{plural}")
        return f"{what} needs credentials: " + "; or ".join(ways)

    def parts(self, schemes: tuple[Scheme, ...], tokens: Mapping[str, str]) -> AuthParts:
        """What `schemes` add to a request; `tokens` holds the OAuth2 tokens to send."""
        out = AuthParts()
        for s in schemes:
            values = [self._values[c.arg] for c in s.credentials]
            if s.kind == "oauth2":
                value = "Bearer " + tokens[s.name]
                out.tokens.append((self._tokens[s.name], tokens[s.name]))
            elif s.kind == "basic":
                value = _basic(values[0], values[1])
            elif s.kind == "bearer":
                value = "Bearer " + values[0]
            else:
                value = values[0]
            where = {"header": out.headers, "query": out.query, "cookie": out.cookies}[s.location]
            where[s.param] = value
        return out

    def tokens(self, schemes: tuple[Scheme, ...], http: httpx.Client, base_url: httpx.URL) -> dict[str, str]:
        return {s.name: self._tokens[s.name].get(http, base_url) for s in schemes if s.kind == "oauth2"}

    async def atokens(
        self, schemes: tuple[Scheme, ...], http: httpx.AsyncClient, base_url: httpx.URL
    ) -> dict[str, str]:
        return {s.name: await self._tokens[s.name].aget(http, base_url) for s in schemes if s.kind == "oauth2"}


def redact(url: httpx.URL, secret_params: frozenset[str]) -> str:
    """`url` for a log line: the values of query parameters that carry credentials hidden."""
    if not secret_params or not url.query:
        return str(url)
    params = [(k, "***" if k in secret_params else v) for k, v in url.params.multi_items()]
    return str(url.copy_with(query=urlencode(params).encode()))
