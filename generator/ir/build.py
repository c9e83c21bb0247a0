"""The reader chain: load → validate → read schemas and operations → `ir.Package`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from .. import ir
from ..errors import Problem, SpecError
from ..spec.config import Config
from ..spec.loader import Spec, display_path
from ..spec.validate import check_version, start_validation
from .naming import RESERVED_CLIENT_NAMES, class_name, package_name, package_version, pascal, snake, words
from .operations import OperationReader, check_config_references
from .placement import build_resources
from .schemas import SchemaReader
from .security import SecurityReader


def _host_stem(url: str) -> str | None:
    """`https://api.github.com` → 'github'; None for localhost, IPs and relative URLs."""
    host = urlsplit(url).hostname or ""
    labels = [label for label in host.split(".") if label not in ("api", "www", "")]
    if len(labels) < 2 or all(label.isdigit() for label in labels):
        return None
    return snake(labels[0]) or None


def _log_env(api_key_env: str) -> str:
    """`EXPERIMENTS_API_KEY` → `EXPERIMENTS_LOG`: the logging switch shares the key's prefix."""
    return api_key_env.removesuffix("_API_KEY").removesuffix("_KEY") + "_LOG"


def _client_name(stem: str, title: str) -> str:
    """`GitHub` from `github`, spelled as the title spells it (`OpenAI API` → `OpenAI`); `…Client`
    when it (or its `Async…` twin) would shadow a name the client module or the package
    `__init__` holds (`Page` → `PageClient`: `AsyncPage` is taken)."""
    spelled = next((t for t in re.findall(r"[A-Za-z][A-Za-z0-9]*", title) if t.lower() == stem.replace("_", "")), None)
    client = class_name(pascal(spelled or stem), reserved=set())
    if {client, "Async" + client} & RESERVED_CLIENT_NAMES:
        client += "Client"
    return client


def derive_names(spec: Spec, config: Config) -> ir.SdkNames:
    info = spec.root.get("info") or {}
    title = str(info.get("title") or "api")
    servers = spec.root.get("servers") or []
    first_url = str(servers[0].get("url", "")) if servers and isinstance(servers[0], dict) else ""
    stem_words = [w for w in words(title) if w.lower() not in {"api", "rest", "openapi", "the", "v1", "v2", "v3"}]
    stem = _host_stem(first_url) or "_".join(w.lower() for w in stem_words[:3]) or "api"
    package = config.get("package_name") or package_name(stem)
    client = config.get("client_name") or _client_name(stem, title)
    env_prefix = snake(package).upper()
    default_url = config.get("base_url") or first_url or "http://localhost"
    error = client + "Error"
    if error in RESERVED_CLIENT_NAMES:  # a client `API` would shadow `APIError`
        error = client + "SdkError"
    return ir.SdkNames(
        package_name=package,
        distribution_name=config.get("distribution_name") or package.replace("_", "-"),
        client_name=client,
        async_client_name="Async" + client,
        api_key_env=config.get("api_key_env") or f"{env_prefix}_API_KEY",
        base_url_env=config.get("base_url_env") or f"{env_prefix}_BASE_URL",
        log_env=config.get("log_env") or _log_env(config.get("api_key_env") or f"{env_prefix}_API_KEY"),
        title=title,
        version=package_version(config.get("version") or info.get("version")),
        default_base_url=default_url,
        api_version=str(info.get("version") or ""),
        error_name=error,
    )


def build_package(spec_path: Path, config: Config, ref_roots: Iterable[Path] = ()) -> ir.Package:
    """Read the spec into the IR. Problems the readers work around are the package's `warnings`;
    a SpecError lists every error found (meta-schema errors, every `$ref` that cannot be followed)."""
    spec = Spec(spec_path, ref_roots)
    shown = display_path(spec.uri)
    is_30 = check_version(spec.root, shown)
    # The meta-schema check (the slowest step on big specs) runs in a child process while the
    # schemas are read; its errors, if any, are reported before anything else.
    validation = start_validation(spec.root, shown, is_30)
    try:
        reader = SchemaReader(spec, is_30)
        try:
            reader.read_components()
        except RecursionError:
            raise SpecError.one(shown, "/components/schemas", "schemas nest too deeply to read") from None
        names = derive_names(spec, config)
        security = SecurityReader(spec, names)
        top = security.requirement(spec.root.get("security"), "/security")
        op_reader = OperationReader(spec, reader, config, security)
        ops = op_reader.read()
        check_config_references(config, ops)
        resources = build_resources(ops, set(reader.definitions))
        schemes, package_security, auth_required = security.finish(top, ops, {r.attr_name for r in resources})
        package = ir.Package(
            names=names,
            definitions=dict(reader.definitions),
            owner=dict(reader.owner),
            resources=resources,
            security_schemes=schemes,
            security=package_security,
            auth_required=auth_required,
            reports=tuple(reader.reports),
        )
    except SpecError as exc:
        # Report every error at once: the meta-schema's, then every `$ref` that cannot be followed.
        meta = [p for p in validation.wait() if p.severity == "error"]
        raise SpecError(_unique([*meta, *exc.problems, *spec.ref_problems()])) from None
    except RecursionError:
        validation.wait()
        raise
    except Exception:
        # The readers could not work around something: the meta-schema's complaints (warnings
        # until now) are then the best account of what is wrong with the input.
        meta = validation.wait()
        if meta:
            raise SpecError([p.as_error() for p in meta]) from None
        raise
    problems = validation.wait()
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SpecError(errors)
    warnings = _unique([*problems, *reader.warnings, *op_reader.warnings, *security.warnings])
    return replace(package, warnings=tuple(warnings))


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
