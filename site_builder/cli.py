"""The command line: parse arguments, call the pipeline, format what comes back."""

from __future__ import annotations

import argparse
import functools
import atexit
import json
import os
import sys
import threading
from pathlib import Path

from site_builder import __version__
from site_builder.cache_folder import CACHE_VARIABLE
from site_builder.build import Options, build, check
from site_builder.errors import ContentError, Diagnostic, display_path, printable


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        if args.run is not run_new_site:
            _usable_site_folder(args.site)
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say to it
        _silence_stdout()
        return 1
    except _Refused as exc:
        say(f"site-builder: {exc}", err=True)
        return 1
    except OSError as exc:  # the machine's doing, not the content's: which file, and why
        say(f"site-builder: {_os_reason(exc)}", err=True)
        return 1
    except Exception as exc:  # a bug of ours: say so in one line, traceback only on request
        if os.environ.get("SITE_BUILDER_DEBUG"):
            raise
        say(f"site-builder: internal error: {type(exc).__name__}: {exc}\n"
            "  (this is a bug; run again with SITE_BUILDER_DEBUG=1 for details)", err=True)
        return 2


class _Refused(Exception):
    """An argument the command cannot work with; the message says which and why."""


def say(text: str, err: bool = False) -> None:
    """Print a message to the terminal, its names and values from content made printable."""
    print(printable(text, newlines=True), file=sys.stderr if err else sys.stdout)


def _usable_site_folder(folder: Path) -> None:
    if not folder.exists():
        raise _Refused(f"-C {folder}: no such folder")
    if not folder.is_dir():
        raise _Refused(f"-C {folder}: a file, not a folder; pass the folder that holds site.yaml")


def _os_reason(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _silence_stdout() -> None:
    """After a broken pipe, what is still buffered goes nowhere instead of failing again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def run() -> None:
    """The console script (and `python -m site_builder`): main(), then exit_now."""
    _standard_streams_open()
    exit_now(main())


def _standard_streams_open() -> None:
    """A closed stdin, stdout or stderr (`>&-`) becomes /dev/null, so that no file the command
    opens takes its number and nothing printed fails."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")


def exit_now(code: int) -> None:
    """Exit with `code` after the exit handlers and a flush of the output, skipping Python's teardown,
    which frees a big site's model object by object; every file and process is closed by then. With a
    thread still running (after `serve`) it exits the usual way, which waits for it."""
    if threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()  # what the teardown would run first: multiprocessing's, weakref finalizers
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`), a closed stream: nothing to flush into
            pass
    os._exit(code)


def _site_option(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> argparse.ArgumentParser:
    """--site/-C DIR. After a command it means the same as before it; there it has no default of
    its own (SUPPRESS), which would replace the one given before the command."""
    parser.register("action", "parsers", _Commands)  # and so do its own commands (`new event`)
    parser.add_argument("--site", "-C", type=Path, default=default, metavar="DIR",
                        help="the site folder, holding site.yaml (default: current folder)")
    return parser


class _Commands(argparse._SubParsersAction):
    """Commands that each take --site/-C too: `site-builder build -C DIR`."""

    def add_parser(self, name, **kwargs):
        return _site_option(super().add_parser(name, **kwargs))


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="site-builder", description="Publish a sourced timeline as a static site.")
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    _site_option(parser, default=Path("."))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("build", help="verify the content and write the site", epilog=(
        "What it keeps between builds goes in ~/.cache/site-builder (or $XDG_CACHE_HOME/site-builder); "
        f"{CACHE_VARIABLE}=DIR keeps it in DIR, {CACHE_VARIABLE}=off keeps nothing (docs/publishing.md, Caches)."))
    p.add_argument("--out", help="output folder (default: build/ in the site folder); site-builder makes it, "
                                 "and replaces only a folder it made (or an empty one)")
    p.add_argument("--base-url", help="absolute URL the site is served from (overrides site.yaml)")
    p.add_argument("--drafts", action="store_true", help="include events marked draft: true")
    p.add_argument("--jobs", "-j", type=_positive, metavar="N",
                   help="processes to build with (default: one per core for sites of 500 events or more)")
    # Accepted and ignored: every build builds. Scripts and deploy commands written for the former
    # skip of an unchanged site still run.
    p.add_argument("--force", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--no-spare", dest="spare", action="store_false",
                   help="keep no copy of the replaced site beside the output folder (it is deleted, which is "
                        "slower: by default the next build writes its files over that copy)")
    p.set_defaults(run=run_build)

    p = commands.add_parser("check", help="verify the content, write nothing")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=run_check)

    add_authoring_commands(commands)
    add_import_commands(commands)
    return parser


def _port(text: str) -> int:
    port = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{printable(text)!r} is not a port: give a number from 1 to 65535")
    return port


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more, not {text!r}")
    return int(text)


def run_build(args) -> int:
    from site_builder.output.folder import OutputError, checked

    options = Options(root=args.site, out=None if args.out is None else Path(args.out), drafts=args.drafts,
                      base_url=args.base_url, jobs=args.jobs, spare=args.spare)
    try:
        if args.out == "":  # Path("") is the current folder: refused as the empty path it was
            checked(args.out, args.site)
        result = build(options)
    except ContentError as exc:
        return report_errors(exc.diagnostics, "build failed; the previous output was left as it was")
    except OutputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return 1
    print(result.summary("built", options.out_dir))
    if result.cache_unusable is not None:
        folder = display_path(result.cache_unusable.parent)
        print(f"note: the cache folder {folder} could not be used, so every page was rendered", file=sys.stderr)
        print(f"  hint: make {CACHE_VARIABLE} a folder you can write, or `off` (docs/publishing.md, Caches)",
              file=sys.stderr)
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
        drafts = [{"path": printable(display_path(event.path)), "ready": not needs,
                   "needs": [need.as_dict() for need in needs]} for event, needs in drafts_needs(site)]
        print(json.dumps({"ok": True, "errors": [], "events": len(site.events), "drafts": result.drafts,
                          "sources": len(site.sources), "excerpts": site.excerpt_count,
                          "seconds": round(result.seconds, 3), "draft_needs": drafts}, indent=2))
    else:
        print(result.summary("checked"))
        report_drafts(result.site)
    return 0


def drafts_needs(site) -> list:
    """(draft, what it still needs before it can be published) for every draft, by path."""
    from site_builder.content.drafts import draft_needs

    sources = {source.id: source for source in site.sources}
    return [(event, draft_needs(event, sources))
            for event in sorted((e for e in site.events if e.draft), key=lambda e: e.path)]


def report_drafts(site) -> None:
    """One line per draft: what it still needs before it can be published, or that it is ready."""
    for event, needs in drafts_needs(site):
        path = display_path(event.path)
        if not needs:
            say(f"draft {path}: ready to publish: remove `draft: true`")
        for need in needs:
            where = f":{need.line}:{need.column}" if need.line else ""
            say(f"draft {path}{where}: {need.message}")


def add_authoring_commands(commands) -> None:
    """serve, new and schema: the editor's loop (issue 4)."""
    p = commands.add_parser("serve", help="preview the site, rebuilding and reloading the browser on every save")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="address to listen on (default: 127.0.0.1, this machine only; the preview answers only "
                        "requests for this address, localhost, and when bound wider this machine's names)")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on, 1 to 65535 (default: 8000)")
    p.add_argument("--drafts", action="store_true", help="include events marked draft: true")
    p.add_argument("--open", action="store_true", help="open the preview in a web browser")
    p.set_defaults(run=run_serve)

    p = commands.add_parser("new", help="start a new event, source or site from a commented template")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    k = kinds.add_parser("event", help="write content/events/<date>-<slug>.yaml")
    k.add_argument("title")
    k.add_argument("--date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD")
    k.add_argument("--lane", help="a lane id from site.yaml (default: the first)")
    k.add_argument("--source", help="id of the source the first excerpt quotes")
    k.set_defaults(run=run_new_event)
    k = kinds.add_parser("source", help="write content/sources/<id>.md for you to paste the archived text into")
    k.add_argument("--id", required=True, dest="source_id")
    k.add_argument("--title", required=True)
    k.add_argument("--publisher", required=True)
    k.add_argument("--published", required=True, help="YYYY-MM-DD, or a date and time with offset")
    k.add_argument("--url")
    k.set_defaults(run=run_new_source)
    k = kinds.add_parser("site", help="create a new site folder that builds")
    k.add_argument("dir", type=Path)
    k.add_argument("--title", help="site title (default: from the folder name)")
    k.add_argument("--package", metavar="SPEC", help="the line of requirements.txt that installs site-builder, e.g. "
                   "a git URL or a wheel's path (default: site-builder==<this version>)")
    k.set_defaults(run=run_new_site)

    p = commands.add_parser("schema", help="print the JSON Schema editors use to check content files")
    p.add_argument("kind", nargs="?", choices=["event", "source", "site"], default="event")
    p.set_defaults(run=run_schema)


def run_serve(args) -> int:
    from site_builder.preview.server import PortInUse, serve

    try:
        return serve(args.site, bind=args.bind, port=args.port, drafts=args.drafts, open_browser=args.open)
    except PortInUse as exc:
        print(f"site-builder: {exc}", file=sys.stderr)
        return 2


def run_new_event(args) -> int:
    from site_builder.scaffold import new_event

    return _scaffolded(lambda: [new_event(args.site, args.title, args.date, args.lane, args.source)],
                       "fill in the excerpt, then remove `draft: true`; `site-builder check` verifies it")


def run_new_source(args) -> int:
    from site_builder.scaffold import new_source

    return _scaffolded(lambda: [new_source(args.site, args.source_id, args.title, args.publisher,
                                           args.published, args.url)],
                       "paste the article's text below the front matter, exactly as published")


def run_new_site(args) -> int:
    from site_builder.scaffold import installed_from, new_site

    status = _scaffolded(lambda: new_site(args.dir, args.title, args.package),
                         f"next: cd {printable(str(args.dir))} && site-builder serve")
    warning = installed_from()[1] if args.package is None and status == 0 else None
    if warning:
        say(f"site-builder: warning: {warning}", err=True)
    return status


def _scaffolded(write, next_step: str) -> int:
    from site_builder.scaffold import ScaffoldError

    try:
        paths = write()
    except ScaffoldError as exc:
        say(f"site-builder: {exc}", err=True)
        return 1
    for path in paths:
        say(f"wrote {printable(str(path))}")
    say(next_step)
    return 0


def run_schema(args) -> int:
    from site_builder.content.schema import json_schema

    print(json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False))
    return 0


def report_errors(diagnostics: list[Diagnostic], what: str) -> int:
    for d in diagnostics:
        print(d.format(), file=sys.stderr)
    count = len(diagnostics)
    say(f"{count} error{'s' if count != 1 else ''}; {what}", err=True)
    return 1


def add_import_commands(commands) -> None:
    """import: bring a timeline in from another tool (issue 5)."""
    p = commands.add_parser("import", help="turn another tool's timeline into event files")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    t = formats.add_parser("timelinejs", help="a TimelineJS JSON file, or its Google Sheets template as CSV")
    t.add_argument("file", type=Path, help="timeline.json or the sheet exported as .csv")
    t.add_argument("--out", type=Path, help="folder for the event files (default: content/events/ in the site)")
    t.add_argument("--allow-local-addresses", action="store_true",
                   help="download images from this machine or its network too (refused by default)")
    t.set_defaults(run=run_import_timelinejs)


def run_import_timelinejs(args) -> int:
    from site_builder.content.load import SitePaths
    from site_builder.importers.timelinejs import import_timelinejs
    from site_builder.importers.timelinejs_media import fetch_image
    from site_builder.importers.timelinejs_site import site_config
    from site_builder.newfiles import WriteError

    config, errors = site_config(args.site)  # its title may be empty: the title slide fills it
    if config is None:
        return report_errors(errors, "import needs a site: run it in the site's folder or pass -C DIR")
    out = args.out or SitePaths(args.site).events
    try:
        fetch = functools.partial(fetch_image, allow_local=args.allow_local_addresses)
        result, written, skipped = import_timelinejs(args.file, out, config, args.site, fetch)
    except ContentError as exc:
        return report_errors(exc.diagnostics, "nothing imported")
    except (WriteError, OSError) as exc:
        say(f"site-builder: {exc}", err=True)
        return 1
    count = f"{result.written} event{'s' if result.written != 1 else ''}"
    say(f"imported {count} from {printable(str(args.file))} into {printable(str(out))}/ as drafts")
    for path in skipped:
        say(f"  kept as it was (a file of that name exists): {printable(str(path))}")
    if result.notes:
        say("to check, and what was not carried over:")
        for note in result.notes:
            say(f"  - {printable(note)}")
    if result.added:
        say(f"added to site.yaml: {', '.join(result.added)}")
    if written:
        say("next: every event needs a verified excerpt from an archived source; "
            "`site-builder check` lists each one still missing.")
    return 0
