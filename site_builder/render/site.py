"""render_site: the whole site model to a mapping of output path -> bytes."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator

import jinja2

from site_builder.model import Site
from site_builder.render.assets import collect_assets
from site_builder.render.chart import PLOTLY_JS, plotly_js
from site_builder.render.memo import Memo
from site_builder.render.pages import PAGE_RENDERERS, RenderContext
from site_builder.render.publishing import PUBLISHING_RENDERERS
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls
from site_builder.content.schema import schema_files

GENERATED_ASSETS = "assets/"  # templates under this folder render to static files (e.g. lane colours)
ROOT_FILES = ("favicon.ico",)  # static files served at their own name: browsers ask for /favicon.ico unprompted

ContextFactory = Callable[[Site, dict[str, str], jinja2.Environment, Memo], RenderContext]


def plain_context(site: Site, asset_names: dict[str, str], env: jinja2.Environment, memo: Memo) -> RenderContext:
    return RenderContext(site, Urls(site, asset_names), env, memo)


def run_renderer(renderer: Callable, ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    return renderer(ctx)


def renderers() -> tuple[Callable, ...]:
    """Every renderer, in order: when two write the same path, the later one wins."""
    return (*PAGE_RENDERERS, *PUBLISHING_RENDERERS)


def render_site(site: Site, theme: Theme, env: jinja2.Environment | None = None,
                make_context: ContextFactory = plain_context, run: Callable = run_renderer,
                memo: Memo | None = None) -> dict[str, bytes]:
    """Every output file. `serve` passes its long-lived environment, a caching context, a `run`
    that skips renderers whose inputs did not change and a memo that keeps what it can between
    rebuilds (site_builder/preview/renderer.py); otherwise each render has a fresh memo."""
    env = env if env is not None else theme.environment()
    asset_names, outputs = static_outputs(site, theme, env)
    ctx = make_context(site, asset_names, env, memo if memo is not None else Memo())
    with _model_frozen():
        for renderer in renderers():
            for path, data in run(renderer, ctx):
                outputs[path] = data
    outputs.update(schema_files())  # editors point their YAML plugin here
    return outputs


@contextmanager
def _model_frozen() -> Iterator[None]:
    """The site (all of it alive until the end) out of the collector's sight while rendering: the
    pages' allocations set off full collections that walked it again and again. A forked worker's
    inherited objects are frozen already (speed/forked_render.py): left as they are."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def static_outputs(site: Site, theme: Theme, env: jinja2.Environment) -> tuple[dict[str, str], dict[str, bytes]]:
    """(logical asset name -> hashed output path, output path -> bytes) of the theme's static files
    and the templates under assets/."""
    static = theme.static_files()
    for name in env.list_templates(filter_func=lambda n: n.startswith(GENERATED_ASSETS)):
        rendered = env.get_template(name).render(site=site, config=site.config)
        static[name[len(GENERATED_ASSETS):]] = rendered.encode("utf-8")
    static.setdefault(PLOTLY_JS, plotly_js())  # the theme or site may pin its own copy
    at_root = {name: static.pop(name) for name in ROOT_FILES if name in static}
    names, outputs = collect_assets(static)
    outputs.update(at_root)
    return names, outputs
