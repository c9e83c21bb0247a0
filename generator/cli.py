"""`sdksmith generate | check`: the command line."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from .errors import SpecError

EXIT_DIFFERS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdksmith", description="Generate a typed Python SDK from an OpenAPI 3.0/3.1 spec."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("generate", "write the SDK for SPEC into DIR (atomically; hand-written files are kept)"),
        ("check", "exit 0 when DIR is exactly what `generate` would write, 1 (listing files) otherwise"),
    ):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("spec", metavar="SPEC", type=Path, help="OpenAPI document (YAML or JSON)")
        cmd.add_argument("-o", "--output", metavar="DIR", type=Path, required=True, help="output directory")
        cmd.add_argument(
            "--config", metavar="FILE", type=Path, default=None,
            help="generator config (default: sdksmith.yaml beside SPEC, if present)",
        )
        cmd.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    return parser


def _produce(spec: Path, config_path: Path | None, output: Path):
    from .build import build_package
    from .config import find_config, load_config
    from .fmt import format_tree
    from .generate import render_package, source_label
    from .writer import render_to_bytes

    config = load_config(find_config(spec, config_path))
    pkg = build_package(spec, config)
    files, seeds = render_package(pkg, source_label(spec))
    scratch = output.resolve().parent
    generated = render_to_bytes(files, format_tree, scratch)
    return pkg, generated, {k: v.encode() for k, v in seeds.items()}


def _print_reports(pkg, quiet: bool) -> None:
    if quiet or not pkg.reports:
        return
    print(f"sdksmith: {len(pkg.reports)} construct(s) typed as raw JSON:", file=sys.stderr)
    for report in pkg.reports[:20]:
        print(f"  #{report.pointer}: {report.message}", file=sys.stderr)
    if len(pkg.reports) > 20:
        print(f"  ... and {len(pkg.reports) - 20} more", file=sys.stderr)


def run(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .writer import diff_tree, write_tree

    try:
        pkg, generated, seeds = _produce(args.spec, args.config, args.output)
        if args.command == "generate":
            write_tree(args.output, generated, seeds)
            _print_reports(pkg, args.quiet)
            if not args.quiet:
                print(f"sdksmith: wrote {len(generated)} files to {args.output}")
            return 0
        differing = diff_tree(args.output, generated)
        if differing:
            print(f"sdksmith: {args.output} is not what {args.spec} generates:")
            for line in differing:
                print(f"  {line}")
            return EXIT_DIFFERS
        if not args.quiet:
            print(f"sdksmith: {args.output} is up to date")
        return 0
    except SpecError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
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
