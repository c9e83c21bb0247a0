"""`sdksmith generate | check | mock`: the command line."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from .errors import Problem, SpecError, problem_lines

EXIT_DIFFERS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdksmith", description="Generate a typed Python SDK from an OpenAPI 3.0/3.1 spec."
    )
    parser.add_argument("--version", action="version", version=f"sdksmith {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("generate", "write the SDK for SPEC into DIR (atomically; hand-written files are kept)"),
        ("check", "exit 0 when DIR is exactly what `generate` would write, 1 (with a unified diff; -q: file names) otherwise"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("spec", metavar="SPEC", type=Path, help="OpenAPI document (YAML or JSON)")
        cmd.add_argument("-o", "--output", metavar="DIR", type=Path, required=True, help="output directory")
        cmd.add_argument(
            "--config",
            metavar="FILE",
            type=Path,
            default=None,
            help="generator config (default: sdksmith.yaml beside SPEC, if present)",
        )
        cmd.add_argument(
            "-q", "--quiet", action="store_true", help="print only errors (no warnings); check: file names, no diff"
        )
        cmd.add_argument(
            "--strict", action="store_true", help="treat warnings about the spec as errors (exit 2, nothing written)"
        )
        cmd.add_argument(
            "--ref-root",
            metavar="DIR",
            type=Path,
            action="append",
            default=[],
            help="a directory outside SPEC's own that its $refs may read (repeatable)",
        )
    help_text = "serve a mock of SPEC's API (Prism, as the contract tests use it) until interrupted"
    mock = sub.add_parser("mock", help=help_text, description=help_text)
    mock.add_argument("spec", metavar="SPEC", type=Path, help="OpenAPI document (YAML or JSON)")
    mock.add_argument("-p", "--port", type=int, default=4010, help="port to listen on (default: 4010)")
    mock.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sdksmith")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _print_problems(problems: list[Problem]) -> None:
    """One line per problem (at most MAX_SHOWN, then `... and N more`); never an empty report."""
    lines = problem_lines(problems) or ["error: the input was refused without a reason (an sdksmith bug)"]
    for line in lines:
        print(line, file=sys.stderr)


def _print_reports(pkg, quiet: bool) -> None:
    if quiet:
        return
    if pkg.warnings:
        _print_problems(list(pkg.warnings))
    if not pkg.reports:
        return
    print(f"sdksmith: {len(pkg.reports)} construct(s) typed as raw JSON:", file=sys.stderr)
    for report in pkg.reports[:20]:
        print(f"  #{report.pointer}: {report.message}", file=sys.stderr)
    if len(pkg.reports) > 20:
        print(f"  ... and {len(pkg.reports) - 20} more", file=sys.stderr)


def _mock(spec: Path, host: str, port: int) -> int:
    """Bundle SPEC to one JSON file and serve it with Prism until interrupted."""
    import signal
    import tempfile

    from .testing.contract_tests import bundle, spec_json
    from .testing.mock import PrismError, PrismServer, find_prism, node_available

    prism = find_prism([Path(__file__).resolve().parent.parent, spec.resolve().parent])
    if prism is None or not node_available():
        missing = "Node.js (node on PATH)" if prism is not None else "the prism binary"
        print(f"error: {missing} not found: run `npm ci` in the sdksmith checkout, or set PRISM_BIN", file=sys.stderr)
        return EXIT_BAD_INPUT
    with tempfile.TemporaryDirectory(prefix="sdksmith-mock-") as tmp:
        bundled = Path(tmp) / "spec.json"
        bundled.write_text(spec_json(bundle(spec)))
        server = PrismServer(bundled, prism=prism, host=host, port=port, passthrough=True)

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            server.start()
            print(f"sdksmith: mock server for {spec} at {server.base_url} (Ctrl-C to stop)", flush=True)
            return server.wait()
        except PrismError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except KeyboardInterrupt:
            return 0
        finally:
            server.close()
            signal.signal(signal.SIGTERM, previous)


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .output.writer import diff_tree, write_tree
    from .pipeline import produce

    if args.command == "mock":
        try:
            return _mock(args.spec, args.host, args.port)
        except SpecError as exc:
            _print_problems(exc.problems)
            return EXIT_BAD_INPUT
    from .python.format import GeneratedCodeError

    # Deeply nested (but finite) schemas are read recursively: allow for them.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 12_000))
    try:
        pkg, generated, seeds = produce(args.spec, args.config, strict=args.strict, ref_roots=args.ref_root)
        if args.command == "check" and pkg.warnings and not args.quiet:
            _print_problems(list(pkg.warnings))
        if args.command == "generate":
            write_tree(args.output, generated, seeds)
            _print_reports(pkg, args.quiet)
            if not args.quiet:
                print(f"sdksmith: wrote {len(generated)} files to {args.output}")
            return 0
        if not args.output.is_dir():
            print(f"sdksmith: {args.output} does not exist: `sdksmith generate` would create it")
            return EXIT_DIFFERS
        differing = diff_tree(args.output, generated)
        if differing:
            print(f"sdksmith: {args.output} is not what {args.spec} generates:")
            for drift in differing:
                if args.quiet:
                    print(f"  {drift.rel} ({drift.status})")
                else:
                    sys.stdout.write(drift.unified())
            return EXIT_DIFFERS
        if not args.quiet:
            print(f"sdksmith: {args.output} is up to date")
        return 0
    except SpecError as exc:
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT
    except GeneratedCodeError as exc:  # the spec was fine; the code we made of it was not
        print(f"internal error: {exc}", file=sys.stderr)
        print("this is an sdksmith bug: please report it with the spec (or the part named above)", file=sys.stderr)
        return EXIT_INTERNAL
    except RecursionError:
        print(f"error: {args.spec}#: the spec nests too deeply to process", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # an sdksmith bug: say so briefly, details on request
        if os.environ.get("SDKSMITH_DEBUG"):
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (set SDKSMITH_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def main() -> None:
    sys.exit(run())
