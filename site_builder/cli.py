"""The command line: parse arguments, call the pipeline, format what comes back."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from site_builder import __version__
from site_builder.build import Options, build, check
from site_builder.errors import ContentError, Diagnostic


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: say so in one line, traceback only on request
        if os.environ.get("SITE_BUILDER_DEBUG"):
            raise
        print(f"site-builder: internal error: {type(exc).__name__}: {exc}\n"
              "  (this is a bug; run again with SITE_BUILDER_DEBUG=1 for details)", file=sys.stderr)
        return 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="site-builder", description="Publish a sourced timeline as a static site.")
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    parser.add_argument("--site", "-C", type=Path, default=Path("."), metavar="DIR",
                        help="the site folder, holding site.yaml (default: current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("build", help="verify the content and write the site")
    p.add_argument("--out", type=Path, help="output folder (default: build/ in the site folder)")
    p.add_argument("--base-url", help="absolute URL the site is served from (overrides site.yaml)")
    p.add_argument("--drafts", action="store_true", help="include events marked draft: true")
    p.set_defaults(run=run_build)

    p = commands.add_parser("check", help="verify the content, write nothing")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=run_check)
    return parser


def run_build(args) -> int:
    options = Options(root=args.site, out=args.out, drafts=args.drafts, base_url=args.base_url)
    try:
        result = build(options)
    except ContentError as exc:
        return report_errors(exc.diagnostics, "build failed; the previous output was left as it was")
    print(result.summary("built", options.out_dir))
    return 0


def run_check(args) -> int:
    options = Options(root=args.site)
    try:
        result = check(options)
    except ContentError as exc:
        if args.format == "json":
            print(json.dumps({"ok": False, "errors": [d.as_dict() for d in exc.diagnostics]}, indent=2))
            return 1
        return report_errors(exc.diagnostics, "check failed")
    if args.format == "json":
        site = result.site
        print(json.dumps({"ok": True, "errors": [], "events": len(site.events), "sources": len(site.sources),
                          "excerpts": site.excerpt_count, "seconds": round(result.seconds, 3)}, indent=2))
    else:
        print(result.summary("checked"))
    return 0


def report_errors(diagnostics: list[Diagnostic], what: str) -> int:
    for d in diagnostics:
        print(d.format(), file=sys.stderr)
    count = len(diagnostics)
    print(f"{count} error{'s' if count != 1 else ''}; {what}", file=sys.stderr)
    return 1
