"""Stage 5, testing: the contract tests of a generated SDK, and the mock servers they run against.

Takes: an `ir.Package`, the spec path and the Jinja environment of stage 3.
Gives: the SDK's `tests/` files (`contract_tests.py`), with argument values
from the spec's examples or synthesized from schemas (`synth.py`), and the
Prism launcher (`mock.py`). `synth.py` and `mock.py` are copied into every
SDK's tests, so they use the standard library only.

May import: `generator.python`, `generator.ir`, `generator.spec`, `generator.errors`.
"""
