"""sdksmith: OpenAPI 3.0/3.1 → typed Python SDK (pydantic v2 models, httpx clients, contract tests)."""

__version__ = "0.1.0"
