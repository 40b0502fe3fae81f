"""The web editor at /admin/: Decap CMS, served from the site itself, with its config.yml generated
from the content model (content/fields.py), so a new field appears in the editor by itself."""

from __future__ import annotations

import re

from collections.abc import Iterable
from pathlib import Path

import yaml

from site_builder.content.fields import EVENT_FIELDS, SOURCE_FIELDS, Field
from site_builder.content.schema import field_schema
from site_builder.model import SiteConfig
from site_builder.render.pages import Page
from site_builder.render.policies import header_policy

ADMIN = "admin"  # the folder of the build, and the URL path, the editor is served at
CMS_FOLDER = Path(__file__).resolve().parent.parent / "vendor" / "decap-cms"
CMS_SCRIPT = "decap-cms.js"
ADMIN_PAGE = "admin/index.html"  # a template of the theme
EVENTS_FOLDER, SOURCES_FOLDER, MEDIA_FOLDER = "content/events", "content/sources", "content/media"

# What /admin/ may do, and no more, found by running the CMS in Chromium under a strict policy and
# reading its reports (policies.py says which exceptions). netlify.toml's "/admin/*" block holds the
# same policy (tests/test_web_editor_config.py checks it).
ADMIN_CSP = header_policy("admin")

_NO_PREVIEW = {"preview": False}  # the site's own preview (serve) shows the page; Decap's would not
_WIDGETS = {"text": "text", "bool": "boolean", "int": "number"}  # any other kind: a string


def cms_config(config: SiteConfig, backend: dict) -> dict:
    """Decap's configuration for this site: events and sources as folder collections, each field
    with the widget its kind needs, in the model's order."""
    return {
        "backend": backend,
        "media_folder": MEDIA_FOLDER,
        "public_folder": "/media",
        "omit_empty_optional_fields": True,  # an untouched optional field is left out, not written ""
        "collections": [
            {"name": "events", "label": "Events", "label_singular": "Event", "folder": EVENTS_FOLDER,
             "extension": "yaml", "format": "yml", "create": True, "editor": _NO_PREVIEW, "identifier_field": "title",
             "slug": "{{fields.date}}-{{slug}}", "summary": "{{date}} {{title}}",
             "fields": [_widget(f, config, "event") for f in EVENT_FIELDS]},
            {"name": "sources", "label": "Sources", "label_singular": "Source", "folder": SOURCES_FOLDER,
             "extension": "md", "format": "frontmatter", "create": True, "editor": _NO_PREVIEW,
             "identifier_field": "title",
             "slug": "{{slug}}", "summary": "{{publisher}}: {{title}}",
             "fields": [*(_widget(f, config, "source") for f in SOURCE_FIELDS),
                        {"name": "body", "label": "Archived text", "widget": "text",
                         "hint": "The article's text exactly as published: quotes are proved against it."}]},
        ],
    }


def _widget(spec: Field, config: SiteConfig, where: str) -> dict:
    """One field as a Decap widget: its label, help, whether it is required, and its kind's widget."""
    widget: dict = {"name": spec.name, "label": spec.name.replace("_", " ").capitalize(),
                    "hint": spec.help, "required": spec.required and not spec.unless}
    if (where, spec.name) == ("event", "lane"):
        widget |= {"widget": "select", "default": config.lanes[0].id,
                   "options": [{"label": lane.label, "value": lane.id} for lane in config.lanes]}
    elif (where, spec.name) == ("excerpt", "source"):
        # A source's id is its file name (the editor names new sources so): the relation stores it.
        widget |= {"widget": "relation", "collection": "sources", "value_field": "{{slug}}",
                   "search_fields": ["title", "publisher", "id"], "display_fields": ["{{publisher}}: {{title}}"]}
    elif spec.kind == "records":
        widget |= {"widget": "list", "summary": "{{fields.quote}}" if spec.name == "excerpts" else None,
                   "fields": [_widget(f, config, "excerpt" if spec.name == "excerpts" else where)
                              for f in spec.fields]}
        widget = {k: v for k, v in widget.items() if v is not None}
    elif spec.kind in ("lines", "ids"):
        item = Field(spec.name, "line" if spec.kind == "lines" else "id", spec.help)
        widget |= {"widget": "list", "field": {**_widget(item, config, where), "label": "Item"}}
    else:
        widget["widget"] = _WIDGETS.get(spec.kind, "string")
        if spec.kind == "int":
            widget["value_type"] = "int"
        pattern = _pattern(spec)
        if pattern:
            widget["pattern"] = [pattern, spec.help]
    return widget


def _pattern(spec: Field) -> str | None:
    """The regular expression the JSON Schema gives a text of this kind, if it has one."""
    schema = field_schema(spec)
    options = (schema, *schema.get("anyOf", ()))
    pattern = next((o["pattern"] for o in options if o.get("type") == "string" and "pattern" in o), None)
    words = [re.escape(word) for o in options for word in o.get("enum", ()) if isinstance(word, str)]
    if pattern and words:  # `end: present` is a text the form must take as the schema does
        return f"^(?:{pattern.removeprefix('^').removesuffix('$')}|{'|'.join(words)})$"
    return pattern


def config_yaml(config: SiteConfig, backend: dict) -> bytes:
    header = "# Written by site-builder from the content model (content/fields.py) and site.yaml: do not edit.\n"
    body = yaml.safe_dump(cms_config(config, backend), sort_keys=False, allow_unicode=True, width=100)
    return (header + body).encode("utf-8")


def cms_files() -> Iterable[tuple[str, Path]]:
    """The vendored CMS files, by name under /admin/: the bundle, its chunks and WebAssembly."""
    for path in sorted(CMS_FOLDER.iterdir()):
        if path.suffix in (".js", ".wasm"):
            yield path.name, path


def site_backend(config: SiteConfig) -> dict:
    """The backend site.yaml names (web_editor), or Git Gateway's, which serve's local backend replaces."""
    return dict(config.web_editor) or {"name": "git-gateway", "branch": "main"}


def web_editor(ctx) -> Iterable[tuple[str, bytes]]:
    """/admin/ in the build, only when site.yaml opts in with `web_editor:`: the page that loads
    the CMS (ADMIN_PAGE: no inline script; the CMS finds config.yml beside it), its config, the CMS."""
    config = ctx.site.config
    if config.web_editor:
        yield ctx.render(ADMIN_PAGE, Page(ctx.urls.page(f"{ADMIN}/"), "Edit", "", "admin"), script=CMS_SCRIPT)
        yield f"{ADMIN}/config.yml", config_yaml(config, site_backend(config))
        yield from ((f"{ADMIN}/{name}", path.read_bytes()) for name, path in cms_files())

