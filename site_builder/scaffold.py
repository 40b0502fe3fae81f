"""`site-builder new`: write a new event, source or whole site from the templates in scaffolds/;
and keep the site's schema/ files, which `new site` writes, up to date with its ids."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import jinja2
from packaging.requirements import InvalidRequirement, Requirement

from site_builder import __version__
from site_builder.content import placeholders
from site_builder.content.events import event_record
from site_builder.content.fields import CONVERTERS, EVENT_FIELDS, EXCERPT_FIELDS, SITE_FIELDS, SOURCE_FIELDS, Field
from site_builder.content.load import SitePaths, content_files, load_config, load_sources
from site_builder.content.yamlsafe import Scalar
from site_builder.errors import Location, Report, printable
from site_builder.model import Site, SiteConfig
from site_builder.newfiles import WriteError, usual_mode, write_files
from site_builder.content.schema import SCHEMA_FOLDER, schema_file, site_schema_files, written_by_site_builder
from site_builder.slugs import is_slug, slugify

SCAFFOLDS = Path(__file__).parent / "scaffolds"
PLACEHOLDER_SOURCE = placeholders.SOURCE


class ScaffoldError(Exception):
    """Something the editor asked for that cannot be written; the message says what to do."""


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SCAFFOLDS)), autoescape=False,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["yaml"] = _yaml_string
    return env


def _yaml_string(text: str) -> str:
    """A JSON string is a YAML string, once the characters YAML reads as line breaks or refuses
    (NEL, the separators, C1 controls) are escaped too."""
    return re.sub("[\x7f-\x9f\u2028\u2029\ufeff]", lambda m: f"\\u{ord(m.group()):04x}",
                  json.dumps(text, ensure_ascii=False))


def _schema_ref(root: Path, folder_depth: int, kind: str) -> str:
    """The site's own schema (schema/, made by `new site`), else the one in build/, relative to a
    file `folder_depth` folders below the site root."""
    name = schema_file(kind)
    return "../" * folder_depth + (name if (root / name).is_file() else "build/" + name)


def _write(files: dict[Path, str]) -> list[Path]:
    """Write every file or none; refuse when one exists."""
    for path in files:
        if os.path.lexists(path):
            raise ScaffoldError(f"{printable(str(path))} already exists; it was left as it is")
    try:
        written, kept = write_files(files)
    except WriteError as exc:
        raise ScaffoldError(str(exc)) from None
    if kept:  # made by someone else meanwhile
        for path in written:
            path.unlink(missing_ok=True)
        raise ScaffoldError(f"{printable(str(kept[0]))} already exists; it was left as it is")
    return written


def _checked(option: str, value: str, fields: tuple[Field, ...], name: str):
    """The value as the loader reads it for the field `name`, or a ScaffoldError with the
    loader's own message; refused also when it holds a character that is not printable."""
    if printable(value) != value:
        raise ScaffoldError(f"{option}: '{printable(value)}' holds a control or invisible character; "
                            "type it without")
    spec = next(f for f in fields if f.name == name)
    report = Report()
    result = CONVERTERS[spec.kind](Scalar(value, Location(option, 1, 1), False), spec, report)
    if report:
        error = report.errors[0]
        hint = f" ({error.hint})" if error.hint else ""
        raise ScaffoldError(f"{option}: {printable(error.message)}{printable(hint)}")
    return result


def _site(root: Path) -> SiteConfig:
    report = Report()
    config = load_config(SitePaths(root), report, None)
    if config is None or report:
        raise ScaffoldError(f"no usable site.yaml in {printable(str(root))}; run `site-builder check` to see why")
    return config


def new_event(root: Path, title: str, date: str, lane: str | None = None, source: str | None = None) -> Path:
    when = _checked("--date", date, EVENT_FIELDS, "date")
    title = _checked("title", title, EVENT_FIELDS, "title")
    config = _site(root)
    lanes = [lane.id for lane in config.lanes]
    if lane is not None:
        _checked("--lane", lane, EVENT_FIELDS, "lane")
        if lane not in lanes:
            raise ScaffoldError(f"--lane: unknown lane '{lane}'; lanes in site.yaml: {', '.join(lanes)}")
    if source is not None:
        _checked("--source", source, EXCERPT_FIELDS, "source")
        known = _source_ids(root)
        if source not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise ScaffoldError(f"--source: unknown source '{source}'; known sources: {listed}"
                                " (archive it first: `site-builder new source`)")
    event_id = f"{when.iso()}-{slugify(title)}"
    path = SitePaths(root).events / f"{event_id}.yaml"
    if os.path.lexists(path):
        raise ScaffoldError(f"{printable(str(path))} already exists; it was left as it is")
    _refuse_taken_event_id(root, event_id)
    text = _env().get_template("event.yaml").render(
        schema=_schema_ref(root, 2, "event"), title=title, date=when.iso(),
        lane=lane or lanes[0], lanes=lanes, source=source or PLACEHOLDER_SOURCE, timezone=config.timezone,
        help={f.name: f.help for f in EVENT_FIELDS},
        excerpt_help={f.name: f.help for f in EXCERPT_FIELDS}, event=placeholders.sample(placeholders.EVENT),
        excerpt=placeholders.sample(placeholders.EXCERPT), media=placeholders.sample(placeholders.MEDIA))
    _reads_back(text, path)
    return _write({path: text})[0]


def _source_ids(root: Path) -> set[str]:
    return set(load_sources(SitePaths(root), Report()))


def _refuse_taken_event_id(root: Path, event_id: str) -> None:
    """An event file of that name (any suffix, any folder), or one that says `id: <event_id>`."""
    paths = SitePaths(root)
    for name in content_files(paths.events, (".yaml", ".yml"), paths.root, Report()):
        try:
            data = name.read_bytes()
        except OSError:
            continue
        if name.stem == event_id or (event_id.encode() in data and _id_of(data, name) == event_id):
            raise ScaffoldError(f"the event id '{event_id}' is taken by {printable(str(name))}; "
                                "choose another title, or edit that event")


def _id_of(data: bytes, path: Path) -> str | None:
    record = event_record(data, str(path), Report())
    return record.values.get("id") if record is not None else None


def _reads_back(text: str, path: Path) -> None:
    """What is written reads without an error, by the loader's own reader (a safety net)."""
    report = Report()
    event_record(text.encode("utf-8"), str(path), report)
    if report:
        raise ScaffoldError(f"cannot write a valid event from these values: {report.errors[0].format()}")


def new_source(root: Path, source_id: str, title: str, publisher: str, published: str, url: str | None = None) -> Path:
    if not is_slug(source_id):
        raise ScaffoldError(f"--id: '{printable(source_id)}' cannot be a source id; try '{slugify(source_id)}'")
    values = {"title": _checked("--title", title, SOURCE_FIELDS, "title"),
              "publisher": _checked("--publisher", publisher, SOURCE_FIELDS, "publisher")}
    day, moment = _checked("--published", published, SOURCE_FIELDS, "published")
    values["published"] = moment.isoformat() if moment else day.iso()
    values["url"] = _checked("--url", url, SOURCE_FIELDS, "url") if url is not None else None
    _site(root)
    paths = SitePaths(root)
    target = paths.sources / f"{source_id}.md"
    if os.path.lexists(target):
        raise ScaffoldError(f"{printable(str(target))} already exists; it was left as it is")
    if source_id in _source_ids(root):
        raise ScaffoldError(f"--id: a source '{source_id}' already exists (its file names it in `id:`)")
    text = _env().get_template("source.md").render(
        schema=_schema_ref(root, 2, "source"), **values, help={f.name: f.help for f in SOURCE_FIELDS})
    return _write({target: text})[0]


# What `new site` writes: scaffold template -> path in the new site; and its schema/ files.
EXAMPLE_SOURCE = "example-news-2025-01-15-bridge-opens"
EXAMPLE_LANES = ("main",)  # as site.yaml lists them
SITE_FILES = {
    "site.yaml": "site.yaml",
    "example-source.md": f"content/sources/{EXAMPLE_SOURCE}.md",
    "example-event.yaml": "content/events/2025-01-15-footbridge-opens.yaml",
    "gitignore.txt": ".gitignore",
    "netlify.toml": "netlify.toml",
    "requirements.txt": "requirements.txt",
    "site-readme.md": "README.md",
    "vscode-settings.json": ".vscode/settings.json",
    "vscode-extensions.json": ".vscode/extensions.json",
}
# Copied as they are: the build cache plugin netlify.toml names (this repository's own, kept equal).
PLUGIN_FILES = {f"netlify-plugin/{name}": f"netlify/plugins/site-builder-cache/{name}"
                for name in ("index.js", "manifest.yml")}


def new_site(folder: Path, title: str | None = None, package: str | None = None) -> list[Path]:
    """A small site that builds and deploys: site.yaml, one source, one event quoting it, and what
    Netlify needs. package: the requirement that installs site-builder (default: this version
    from the package index)."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise ScaffoldError(f"{printable(str(folder))} is a file; choose a new folder")
    try:
        if folder.is_dir() and any(folder.iterdir()):
            raise ScaffoldError(f"{printable(str(folder))} is not empty; choose a new folder")
    except OSError as exc:
        raise ScaffoldError(f"cannot read {printable(str(folder))}: {exc.strerror}") from None
    if title is None:
        title = folder.resolve().name.replace("-", " ").replace("_", " ").capitalize() or "Timeline"
        option = "the title made of the folder's name (pass --title)"
    else:
        option = "--title"
    title = _checked(option, title, SITE_FIELDS, "title")
    package = _requirement(package)
    env = _env()
    files = {folder / target: env.get_template(template).render(title=title, version=__version__, package=package)
             for template, target in SITE_FILES.items()}
    files.update({folder / target: (SCAFFOLDS / name).read_text(encoding="utf-8")
                  for name, target in PLUGIN_FILES.items()})
    files.update({folder / name: data.decode("utf-8")
                  for name, data in site_schema_files([EXAMPLE_SOURCE], EXAMPLE_LANES).items()})
    return _write(files)


def installed_from() -> tuple[str, str | None]:
    """The requirement that installs the site-builder running now, where a deploy can fetch it
    too, and a warning when it cannot: a version from the package index, the git commit or the web
    address it came from (PEP 610's direct_url.json); a local folder or file reaches no deploy."""
    import json
    from importlib import metadata

    pin = f"site-builder=={__version__}"
    try:
        origin = json.loads(metadata.distribution("site-builder").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        origin = None
    if not isinstance(origin, dict):
        return pin, None
    url, vcs = str(origin.get("url", "")), origin.get("vcs_info")
    if isinstance(vcs, dict) and url.startswith("https://") and vcs.get("commit_id"):
        return f"site-builder @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}", None
    if "archive_info" in origin and url.startswith("https://"):
        return f"site-builder @ {url}", None
    return pin, (f"requirements.txt names {pin}, but this site-builder was installed from {printable(url)}, "
                 "which a deploy cannot reach: if that version is not on the package index, run `new site` "
                 "again with --package (a git URL, or a wheel kept in the site; docs/publishing.md)")


def _requirement(package: str | None) -> str:
    """The line of requirements.txt that installs site-builder: the one that installed this
    site-builder (installed_from) unless the editor names another source (a git URL, a wheel)."""
    if package is None:
        return installed_from()[0]
    if printable(package) != package or not package.strip():
        raise ScaffoldError(f"--package: '{printable(package)}' must be one line of requirements.txt, "
                            "e.g. a git URL or the path of a wheel")
    package = package.strip()
    if not (_ARCHIVE.fullmatch(package) or _is_requirement(package)):
        what = "a pip option" if package.startswith("-") else "not a requirement"
        raise ScaffoldError(f"--package: '{package}' is {what}; give a requirement "
                            "('site-builder==0.1.0', 'site-builder @ git+https://...') "
                            "or the path or URL of a wheel or sdist ('./wheels/site_builder-0.1.0-py3-none-any.whl')")
    return package


# What --package accepts: a PEP 508 requirement (a name, extras, versions or `@ URL`, a marker),
# or the path or URL of a wheel or sdist. Never a pip option (`-e .`, `-r file`, `--index-url`,
# `--config-settings` after a requirement), never a line continued by a backslash:
# requirements.txt would obey it on every deploy.
_ARCHIVE = re.compile(r"(?!-)[^\s;#\\]+\.(?:whl|tar\.gz|tgz|tar\.bz2|zip)(?:#[^\s\\]*)?")


def _is_requirement(package: str) -> bool:
    """Whether package is one PEP 508 requirement, as pip's own parser reads it, and nothing pip
    would take as an option or a continuation."""
    if any(token.startswith("-") for token in package.split()) or "\\" in package:
        return False
    try:
        Requirement(package)
    except InvalidRequirement:
        return False
    return True


def refresh_site_schemas(root: Path, site: Site) -> list[Path]:
    """Bring the site's schema/ files up to date with its source and lane ids (`build` and `serve`
    call it): a file site-builder wrote (it carries its note) is rewritten; an empty schema/ gets
    all of them; a file the editor deleted, or one without the note, is never touched.
    A file that cannot be written is left as it was: the schemas help, the site does not need them."""
    folder = root / SCHEMA_FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return []
    wanted = site_schema_files((s.id for s in site.sources), (lane.id for lane in site.config.lanes))
    try:
        empty = not any(folder.iterdir())  # made by the editor to opt in: fill it
    except OSError:
        return []
    written = []
    for name, data in wanted.items():
        path = root / name
        if path.is_symlink():
            continue  # never written through a link
        try:
            old = path.read_bytes() if path.exists() else None
            if old == data or (old is None and not empty) or (old is not None and not written_by_site_builder(old)):
                continue
            if _replace(path, data, new=old is None):
                written.append(path)
        except (OSError, WriteError):
            continue
    return written


def _replace(path: Path, data: bytes, new: bool) -> bool:
    """Write path whole (a temporary file moved into place); when `new`, only if it still does not exist."""
    if new:
        return bool(write_files({path: data.decode("utf-8")})[0])
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, usual_mode())
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
