"""Security: the spec's `securitySchemes` and `security` requirements → `ir.SecuritySchemeDef`s.

Requirements are read as they are met (the top-level one, then each operation's), keeping
scheme names; `finish()` then turns the schemes they use into credential arguments:

- the one `http` bearer or `apiKey` scheme of an API keeps `api_key` (and the `…_API_KEY`
  variable), so most SDKs look as they always did; with several, each is named after its scheme;
- `http` basic takes `username` and `password`; `oauth2` with a client-credentials flow takes
  `client_id` and `client_secret` (prefixed with the scheme's name when an API has several);
- `oauth2` without that flow and `openIdConnect` take a ready token, sent as a bearer token.

A spec with no scheme at all gets an optional bearer `api_key` (many leave their auth out).
A scheme that cannot be sent (`mutualTLS`, `http` digest, an undefined name) drops the
alternatives that need it, with a warning.
"""

from __future__ import annotations

import keyword
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..errors import Problem, escape_pointer_token, warning
from ..spec.loader import Spec, display_path
from .naming import snake

# The client constructor's other arguments: a credential never takes their names.
_CLIENT_ARGS = frozenset(
    {
        "self",
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "default_query",
        "http_client",
        "strict_response_validation",
        "info",
        "credentials",
    }
)


# The scheme of a spec that declares none.
_UNDECLARED = "bearer"


@dataclass(frozen=True)
class _Scheme:
    """A scheme as read, before its arguments are named."""

    kind: ir.SchemeKind
    location: str
    param: str
    token_url: str | None


class SecurityReader:
    def __init__(self, spec: Spec, names: ir.SdkNames) -> None:
        self.spec = spec
        self.names = names
        self.warnings: list[Problem] = []
        self._shown = display_path(spec.uri)
        self._schemes: dict[str, _Scheme | None] = {}
        self._used: dict[str, None] = {}  # an ordered set: schemes some requirement names
        self._scopes: dict[str, set[str]] = {}
        self._declared = False
        components = spec.root.get("components") or {}
        raw = components.get("securitySchemes") if isinstance(components, dict) else None
        for name, node in sorted((raw or {}).items()) if isinstance(raw, dict) else ():
            pointer = f"/components/securitySchemes/{escape_pointer_token(name)}"
            self._schemes[str(name)] = self._scheme(node, pointer)

    # ------------------------------------------------------------ reading

    def _deref(self, node: Any, pointer: str) -> Any:
        if isinstance(node, dict) and "$ref" in node:
            return self.spec.resolve(node["$ref"], self.spec.uri, pointer + "/$ref").node
        return node

    def _scheme(self, node: Any, pointer: str) -> _Scheme | None:
        node = self._deref(node, pointer)
        if not isinstance(node, dict):
            return None
        kind = node.get("type")
        if kind == "http":
            http = str(node.get("scheme", "")).lower()
            if http in ("bearer", "basic"):
                return _Scheme(http, "header", "Authorization", None)  # type: ignore[arg-type]
            kind = f"http {http}"
        elif kind == "apiKey":
            where, param = node.get("in"), node.get("name")
            if where in ("header", "query", "cookie") and isinstance(param, str) and param:
                return _Scheme("api_key", str(where), param, None)
        elif kind == "oauth2":
            flows = node.get("flows") or {}
            client = flows.get("clientCredentials") if isinstance(flows, dict) else None
            token_url = client.get("tokenUrl") if isinstance(client, dict) else None
            if isinstance(token_url, str) and token_url:
                return _Scheme("oauth2", "header", "Authorization", token_url)
            return _Scheme("bearer", "header", "Authorization", None)
        elif kind == "openIdConnect":
            return _Scheme("bearer", "header", "Authorization", None)
        self.warnings.append(warning(self._shown, pointer, f"security scheme of type {kind!r} is not supported"))
        return None

    def requirement(self, node: Any, pointer: str, uri: str | None = None) -> ir.Requirement | None:
        """A `security` array as alternatives of scheme names; None when there is none."""
        if node is None:
            return None
        self._declared = True
        shown = display_path(uri) if uri else self._shown
        alternatives: dict[tuple[str, ...], None] = {}
        for i, req in enumerate(node if isinstance(node, list) else []):
            if not isinstance(req, dict):
                continue
            names = tuple(str(n) for n in req)
            unusable = [n for n in names if self._schemes.get(n) is None]
            if unusable:
                why = "is not defined" if unusable[0] not in self._schemes else "cannot be sent"
                message = f"security scheme {unusable[0]!r} {why}: this alternative is left out"
                self.warnings.append(warning(shown, f"{pointer}/{i}", message))
                continue
            alternatives[names] = None
            self._used.update(dict.fromkeys(names))
            for n in names:
                scopes = req[n]
                self._scopes.setdefault(n, set()).update(str(s) for s in scopes if isinstance(scopes, list))
        return tuple(alternatives)

    # ------------------------------------------------------------ naming

    def finish(
        self, top: ir.Requirement | None, ops: list[ir.OperationDef], taken: set[str]
    ) -> tuple[tuple[ir.SecuritySchemeDef, ...], ir.Requirement, bool]:
        """(schemes, the package's requirement, whether every operation needs credentials).

        A spec that defines schemes but says nowhere which apply gets them all as optional
        alternatives: a credential given is sent, none is asked for. `taken` holds names the
        client already uses for something else (its resources)."""
        package = top or ()
        if not self._schemes and not self._declared:
            # No auth in the spec at all (GitHub's): an optional bearer `api_key`, as every SDK had.
            self._schemes[_UNDECLARED] = _Scheme("bearer", "header", "Authorization", None)
        if not self._declared:
            package = tuple((n,) for n, s in self._schemes.items() if s is not None) + ((),)
            self._used.update(dict.fromkeys(n for (n, *_) in package[:-1]))
        defs = self._name_schemes(taken | _CLIENT_ARGS)
        needs = [op.security if op.security is not None else package for op in ops]
        required = bool(ops) and all(req == package for req in needs) and bool(package) and () not in package
        return defs, package, required

    def _name_schemes(self, taken: set[str]) -> tuple[ir.SecuritySchemeDef, ...]:
        used = {n: s for n in self._used if (s := self._schemes.get(n)) is not None}
        count = Counter("token" if s.kind in ("bearer", "api_key") else s.kind for s in used.values())
        prefix = self.names.api_key_env.removesuffix("_API_KEY").removesuffix("_KEY")
        taken = set(taken)
        defs = []
        for name, s in used.items():
            own = snake(name) or "auth"
            if s.kind in ("bearer", "api_key"):
                args = ["api_key"] if count["token"] == 1 else [own]
            else:
                parts = ("username", "password") if s.kind == "basic" else ("client_id", "client_secret")
                args = [p if count[s.kind] == 1 else f"{own}_{p}" for p in parts]
            creds = []
            for arg in args:
                while arg in taken or keyword.iskeyword(arg) or keyword.issoftkeyword(arg):
                    arg += "_"
                taken.add(arg)
                env = self.names.api_key_env if arg == "api_key" else f"{prefix}_{arg.upper()}"
                creds.append(ir.CredentialDef(arg, env))
            defs.append(
                ir.SecuritySchemeDef(
                    name=name,
                    kind=s.kind,
                    location=s.location,  # type: ignore[arg-type]
                    param=s.param,
                    credentials=tuple(creds),
                    token_url=s.token_url,
                    scopes=tuple(sorted(self._scopes.get(name, ()))) if s.kind == "oauth2" else (),
                )
            )
        return tuple(defs)
