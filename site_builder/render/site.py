"""render_site: the whole site model to a mapping of output path -> bytes."""

from __future__ import annotations

from site_builder.model import Site
from site_builder.render.assets import collect_assets
from site_builder.render.chart import PLOTLY_JS, plotly_js
from site_builder.render.pages import PAGE_RENDERERS, RenderContext
from site_builder.render.publishing import PUBLISHING_RENDERERS
from site_builder.render.theme import Theme
from site_builder.render.urls import Urls

GENERATED_ASSETS = "assets/"  # templates under this folder render to static files (e.g. lane colours)


def render_site(site: Site, theme: Theme) -> dict[str, bytes]:
    env = theme.environment()
    static = theme.static_files()
    for name in env.list_templates(filter_func=lambda n: n.startswith(GENERATED_ASSETS)):
        rendered = env.get_template(name).render(site=site, config=site.config)
        static[name[len(GENERATED_ASSETS):]] = rendered.encode("utf-8")
    static.setdefault(PLOTLY_JS, plotly_js())  # the theme or site may pin its own copy
    asset_names, outputs = collect_assets(static)
    ctx = RenderContext(site, Urls(site, asset_names), env)
    for renderer in (*PAGE_RENDERERS, *PUBLISHING_RENDERERS):
        for path, data in renderer(ctx):
            outputs[path] = data
    return outputs
