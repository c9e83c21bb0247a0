"""The runtime copied verbatim into every generated SDK (this marker file is not copied).

Layers, each importing only those below it (checked by `lint-imports`):
`_base_client` → `_pagination` → `_response` → `_streaming` → `_models`, `_exceptions` → `_types`, `_qs`;
`_module_client` stands alone.
"""
