"""`site-builder new`: write a new event, source or whole site from the templates in scaffolds/."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from site_builder.content import dates
from site_builder.content.fields import EVENT_FIELDS, SOURCE_FIELDS, parse_published
from site_builder.content.load import SitePaths, load_config
from site_builder.errors import Report
from site_builder.schema import schema_file
from site_builder.slugs import is_slug, slugify

SCAFFOLDS = Path(__file__).parent / "scaffolds"
PLACEHOLDER_SOURCE = "replace-with-a-source-id"


class ScaffoldError(Exception):
    """Something the editor asked for that cannot be written; the message says what to do."""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SCAFFOLDS)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = lambda text: json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string
    return env


def _schema_ref(folder_depth: int, kind: str) -> str:
    """The schema in build/, relative to a file `folder_depth` folders below the site root."""
    return "../" * folder_depth + "build/" + schema_file(kind)


def _write_new(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; it was left as it is") from None
    return path


def new_event(root: Path, title: str, date: str, lane: str | None = None, source: str | None = None) -> Path:
    try:
        when = dates.parse_partial_date(date)
    except dates.DateError as exc:
        raise ScaffoldError(f"--date: {exc}" + (f" ({exc.hint})" if exc.hint else "")) from None
    if not title.strip():
        raise ScaffoldError("the title is empty")
    report = Report()
    config = load_config(SitePaths(root), report, None)
    if config is None:
        raise ScaffoldError(f"no usable site.yaml in {root}; run `site-builder check` to see why")
    lanes = [lane.id for lane in config.lanes]
    if lane is not None and lane not in lanes:
        raise ScaffoldError(f"unknown lane '{lane}'; lanes in site.yaml: {', '.join(lanes)}")
    if source is not None and not is_slug(source):
        raise ScaffoldError(f"'{source}' cannot be a source id (lowercase letters, digits and dashes)")
    text = _env().get_template("event.yaml").render(
        schema=_schema_ref(2, "event"), title=" ".join(title.split()), date=when.iso(),
        lane=lane or lanes[0], lanes=lanes, source=source or PLACEHOLDER_SOURCE, timezone=config.timezone,
        help={f.name: f.help for f in EVENT_FIELDS},
        excerpt_help={f.name: f.help for f in next(f for f in EVENT_FIELDS if f.name == "excerpts").fields})
    path = SitePaths(root).events / f"{when.iso()}-{slugify(title)}.yaml"
    return _write_new(path, text)


def new_source(root: Path, source_id: str, title: str, publisher: str, published: str, url: str | None = None) -> Path:
    if not is_slug(source_id):
        raise ScaffoldError(f"--id: '{source_id}' cannot be a source id; try '{slugify(source_id)}'")
    try:
        parse_published(published)
    except dates.DateError as exc:
        raise ScaffoldError(f"--published: {exc}" + (f" ({exc.hint})" if exc.hint else "")) from None
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise ScaffoldError(f"--url: '{url}' is not an http(s) address")
    text = _env().get_template("source.md").render(
        schema=_schema_ref(2, "source"), title=title, publisher=publisher, published=published, url=url,
        help={f.name: f.help for f in SOURCE_FIELDS})
    return _write_new(SitePaths(root).sources / f"{source_id}.md", text)


# What `new site` writes: scaffold template -> path in the new site.
SITE_FILES = {
    "site.yaml": "site.yaml",
    "example-source.md": "content/sources/example-news-2025-01-15-bridge-opens.md",
    "example-event.yaml": "content/events/2025-01-15-footbridge-opens.yaml",
    "gitignore.txt": ".gitignore",
}


def new_site(folder: Path, title: str | None = None) -> list[Path]:
    """A small site that builds: site.yaml, one source, one event quoting it."""
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} is not empty; choose a new folder")
    env = _env()
    title = title or folder.resolve().name.replace("-", " ").replace("_", " ").capitalize()
    return [_write_new(folder / target, env.get_template(template).render(title=title))
            for template, target in SITE_FILES.items()]
