"""A theme is a list of folders searched in order: the site's own, then the theme's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.errors import ContentError, Diagnostic
from site_builder.model import SiteConfig
from site_builder.render.i18n import (Language, TemplateWords, catalogue_errors, language_error, messages,
                                     string_errors, template_gettext)
from site_builder.render.jinja_calls import remembered
from site_builder.render.jinja_env import ThemeEnvironment
from site_builder.render.markdown import render_markdown
from site_builder.render.packaged import packaged_themes
from site_builder.render.policies import meta_policy


def _refuse_links_outside(folder: Path, root: Path) -> None:
    """Templates and static files are published or read by templates: a link among them must not
    reach outside the site (as content/'s may not), or a build would publish what it points at."""
    limit = root.resolve()
    if folder.is_symlink() and not folder.resolve().is_relative_to(limit):
        raise ThemeError("this folder links to a place outside the site folder", str(folder))
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(parent, name)
            if path.is_symlink() and not path.resolve().is_relative_to(limit):
                raise ThemeError("this file links to a place outside the site folder", str(path))


class ThemeError(Exception):
    """A theme that cannot be used; `path` is the file at fault when there is one."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class _TemplateFiles(jinja2.FileSystemLoader):
    """Jinja's loader, with a template that is not UTF-8 text refused as a located template error."""

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            pieces = template.split("/")
            path = next((p for p in (os.path.join(d, *pieces) for d in self.searchpath) if os.path.isfile(p)), template)
            raise jinja2.TemplateSyntaxError(f"the template is not UTF-8 text ({exc.reason} at byte {exc.start})",
                                             1, template, path) from None


@dataclass(frozen=True)
class Theme:
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    language: str = "en"
    strings: tuple[tuple[str, str, int, int], ...] = ()  # site.yaml's overrides (SiteConfig.strings)
    # The gettext catalogues (locales/<lang>/LC_MESSAGES/messages.po): the site's, then the theme's.
    locale_dirs: tuple[Path, ...] = ()

    @classmethod
    def checked_for_site(cls, root: Path, config: SiteConfig) -> Theme:
        """The site's theme in its language, or ContentError: a theme that cannot be found, a
        language the interface does not speak, a `strings:` entry that is no string of the theme."""
        site_yaml = str(Path(root) / "site.yaml")
        try:
            theme = cls.for_site(Path(root), config.theme, config.language, config.strings)
        except ThemeError as exc:
            raise ContentError([Diagnostic(exc.path or site_yaml, 1, 1, str(exc))]) from None
        errors = [e for e in (language_error(config, site_yaml, theme.locale_dirs),
                              *catalogue_errors(theme.locale_dirs, config.language),
                              *string_errors(config, theme.locale_dirs, site_yaml)) if e]
        if errors:
            raise ContentError(errors)
        return theme

    @classmethod
    def for_site(cls, root: Path, name: str, language: str = "en", strings: tuple = ()) -> Theme:
        candidates = [root / "themes" / name, packaged_themes() / name]
        theme_dir = next((c for c in candidates if (c / "templates").is_dir()), None)
        if theme_dir is None:
            raise ThemeError(f"theme '{name}' not found (looked in {', '.join(map(str, candidates))})")
        templates = [d for d in (root / "templates", theme_dir / "templates") if d.is_dir()]
        statics = [d for d in (root / "static", theme_dir / "static") if d.is_dir()]
        for folder in (root / "templates", root / "static"):
            _refuse_links_outside(folder, root)
        if theme_dir.is_relative_to(root):  # a theme of the site's own; the packaged ones are ours
            for folder in (theme_dir / "templates", theme_dir / "static"):
                _refuse_links_outside(folder, root)
        locales = tuple(d for d in (root / "locales", theme_dir / "locales") if d.is_dir())
        return cls(tuple(templates), tuple(statics), language, tuple(strings), locales)

    def environment(self) -> jinja2.Environment:
        env = ThemeEnvironment(
            loader=_TemplateFiles([str(d) for d in self.template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Templates do not change during a build, and serve makes a new environment when
            # one does: without this, every {% include %} of every page stats its file.
            auto_reload=False,
            extensions=["jinja2.ext.i18n"],
        )
        env.policies["ext.i18n.trimmed"] = True  # a {% trans %} block's line breaks are not part of its text
        env.words = messages(self.locale_dirs, self.language, self.strings)  # i18n.words() reads it
        words = TemplateWords(env.words)
        env.install_gettext_translations(words, newstyle=True)
        language = Language(self.language, env.words)
        gettext, ngettext = template_gettext(words, language)  # Jinja's, numbers in the site's digits
        env.globals["_"] = env.globals["gettext"] = remembered(gettext)
        env.globals["ngettext"] = remembered(ngettext)
        env.globals["language"] = language
        env.filters["markdown"] = render_markdown
        env.filters["date_long"] = lambda value: _dated(language, value, False)
        env.filters["date_short"] = lambda value: _dated(language, value, True)
        env.filters["moment_utc"] = language.moment
        from site_builder.render.publishing import TEMPLATE_GLOBALS  # late: publishing renders with themes

        env.globals.update(TEMPLATE_GLOBALS)
        env.globals["content_security_policy"] = meta_policy
        return env

    def static_files(self) -> dict[str, bytes]:
        """Logical name (css/site.css) -> bytes; the site's own file wins over the theme's."""
        files: dict[str, bytes] = {}
        for folder in reversed(self.static_dirs):
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
        return files


def _dated(language: Language, value, short: bool) -> str:
    """An event's When or a source's PartialDate, written in the site's language."""
    return language.when(value, short) if hasattr(value, "start") else language.date(value, short)
