"""The pipeline: load -> render -> write. `check`, `build` and `serve` all go through here."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.content.load import load_site
from site_builder.errors import ContentError, Diagnostic
from site_builder.model import Site
from site_builder.output import write_site
from site_builder.render.publishing import POSTPROCESSORS
from site_builder.render.site import render_site
from site_builder.render.theme import Theme, ThemeError


@dataclass(frozen=True)
class Options:
    root: Path = Path(".")
    out: Path | None = None  # default: <root>/build
    drafts: bool = False
    base_url: str | None = None

    @property
    def out_dir(self) -> Path:
        return self.out if self.out is not None else self.root / "build"


@dataclass(frozen=True)
class Result:
    site: Site
    files: dict[str, bytes]
    written: int
    seconds: float

    @property
    def pages(self) -> int:
        return sum(1 for path in self.files if path.endswith(".html"))

    def summary(self, verb: str, dest: Path | None = None) -> str:
        site = self.site
        text = (f"{verb} {len(site.events)} events, {len(site.sources)} sources, "
                f"{site.excerpt_count} excerpts verified")
        if dest is not None:
            text += f", {self.pages} pages ({self.written} files) written to {dest}"
        return text + f" in {self.seconds:.2f} s"


def check(options: Options) -> Result:
    """Load and verify everything, write nothing. Raises ContentError."""
    started = time.perf_counter()
    site = load_site(options.root, include_drafts=True, base_url=options.base_url)
    return Result(site, {}, 0, time.perf_counter() - started)


def render(options: Options) -> tuple[Site, dict[str, bytes]]:
    site = load_site(options.root, include_drafts=options.drafts, base_url=options.base_url)
    try:
        theme = Theme.for_site(Path(options.root), site.config.theme)
        return site, render_site(site, theme)
    except ThemeError as exc:
        raise ContentError([Diagnostic(str(Path(options.root) / "site.yaml"), 1, 1, str(exc))])
    except jinja2.TemplateError as exc:
        raise ContentError([template_diagnostic(exc)])


def build(options: Options) -> Result:
    """Render and write the site atomically. On any error build/ is left as it was."""
    started = time.perf_counter()
    site, files = render(options)

    def finish(staging: Path) -> None:
        for postprocess in POSTPROCESSORS:
            postprocess(staging, site)

    written = write_site(files, options.out_dir, finish)
    return Result(site, files, written, time.perf_counter() - started)


def template_diagnostic(exc: jinja2.TemplateError) -> Diagnostic:
    """A template error located in the template file, as content errors are."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Diagnostic(exc.filename, exc.lineno or 1, 1, f"template error: {exc.message}")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".css", ".xml", ".js", ".json")):
            return Diagnostic(frame.filename, frame.lineno or 1, 1, f"template error: {exc}")
    return Diagnostic("<templates>", 1, 1, f"template error: {exc}")
