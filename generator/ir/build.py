"""The reader chain: load → validate → read schemas and operations → `ir.Package`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from .. import ir
from ..errors import SpecError
from ..spec.config import Config
from ..spec.loader import Spec, display_path
from ..spec.validate import check_version, start_validation
from .naming import class_name, pascal, snake, words
from .operations import OperationReader, build_resources, check_config_references
from .schemas import SchemaReader


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


def derive_names(spec: Spec, config: Config) -> ir.SdkNames:
    info = spec.root.get("info") or {}
    title = str(info.get("title") or "api")
    servers = spec.root.get("servers") or []
    first_url = str(servers[0].get("url", "")) if servers and isinstance(servers[0], dict) else ""
    stem_words = [w for w in words(title) if w.lower() not in {"api", "rest", "openapi", "the", "v1", "v2", "v3"}]
    stem = _host_stem(first_url) or "_".join(w.lower() for w in stem_words[:3]) or "api"
    if stem[0].isdigit():
        stem = "api_" + stem
    package = config.get("package_name") or stem
    client = config.get("client_name") or class_name(pascal(stem))
    env_prefix = snake(package).upper()
    default_url = config.get("base_url") or first_url or "http://localhost"
    return ir.SdkNames(
        package_name=package,
        distribution_name=config.get("distribution_name") or package.replace("_", "-"),
        client_name=client,
        async_client_name="Async" + client,
        api_key_env=config.get("api_key_env") or f"{env_prefix}_API_KEY",
        base_url_env=config.get("base_url_env") or f"{env_prefix}_BASE_URL",
        log_env=config.get("log_env") or _log_env(config.get("api_key_env") or f"{env_prefix}_API_KEY"),
        title=title,
        version=str(config.get("version") or info.get("version") or "0.0.0"),
        default_base_url=default_url,
    )


def build_package(spec_path: Path, config: Config) -> ir.Package:
    spec = Spec(spec_path)
    shown = display_path(spec.uri)
    is_30 = check_version(spec.root, shown)
    # The meta-schema check (the slowest step on big specs) runs in a child process while the
    # schemas are read; its problems, if any, are reported before anything else.
    validation = start_validation(spec.root, shown, is_30)
    try:
        reader = SchemaReader(spec, is_30)
        try:
            reader.read_components()
        except RecursionError:
            raise SpecError.one(shown, "/components/schemas", "schemas nest too deeply to read") from None
        ops, auth, auth_header, auth_required = OperationReader(spec, reader, config).read()
        check_config_references(config, ops)
        package = ir.Package(
            names=derive_names(spec, config),
            definitions=dict(reader.definitions),
            owner=dict(reader.owner),
            resources=build_resources(ops, set(reader.definitions)),
            auth=auth,  # type: ignore[arg-type]
            auth_header=auth_header,
            auth_required=auth_required,
            reports=tuple(reader.reports),
        )
    except Exception:
        validation.wait()
        raise
    validation.wait()
    return package
