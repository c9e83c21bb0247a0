"""Stage 1, the spec: read the user's documents.

Takes: a path to an OpenAPI 3.0/3.1 document (YAML or JSON, one file or many)
and the optional `sdksmith.yaml`. Gives: a `loader.Spec` (the root document and
one question, "what does this `$ref` point at?"), a validated `config.Config`,
and schema nodes normalized to 3.1 (`normalize.py`). Problems are `SpecError`s.

May import: `generator.errors` only.
"""
