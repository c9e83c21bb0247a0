"""Stage 3, Python: everything that turns the IR into Python source.

Takes: an `ir.Package`. Gives: the SDK's files as text (`package.py`), after
placing definitions into `types/` modules (`modules.py`). `render.py` owns the
only ways spec text reaches code (`py_literal`, `docstring`, `comment`);
`client_view.py` is how operations read as Python methods; `format.py` runs
ruff once over the whole rendered tree.

May import: `generator.ir`, `generator.spec`, `generator.errors`.
"""
