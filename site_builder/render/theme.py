"""A theme is a list of folders searched in order: the site's own, then the theme's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.render.jinja_env import ThemeEnvironment
from site_builder.render.markdown import render_markdown


def _packaged_themes() -> Path:
    """Themes installed inside the package; in a source checkout, the repository's themes/."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "themes"
    return installed if installed.is_dir() else package.parent / "themes"


class ThemeError(Exception):
    pass


@dataclass(frozen=True)
class Theme:
    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]

    @classmethod
    def for_site(cls, root: Path, name: str) -> "Theme":
        candidates = [root / "themes" / name, _packaged_themes() / name]
        theme_dir = next((c for c in candidates if (c / "templates").is_dir()), None)
        if theme_dir is None:
            raise ThemeError(f"theme '{name}' not found (looked in {', '.join(map(str, candidates))})")
        templates = [d for d in (root / "templates", theme_dir / "templates") if d.is_dir()]
        statics = [d for d in (root / "static", theme_dir / "static") if d.is_dir()]
        return cls(tuple(templates), tuple(statics))

    def environment(self) -> jinja2.Environment:
        env = ThemeEnvironment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Templates do not change during a build, and serve makes a new environment when
            # one does: without this, every {% include %} of every page stats its file.
            auto_reload=False,
        )
        env.filters["markdown"] = render_markdown
        from site_builder.render.publishing import TEMPLATE_GLOBALS  # late: publishing renders with themes

        env.globals.update(TEMPLATE_GLOBALS)
        return env

    def static_files(self) -> dict[str, bytes]:
        """Logical name (css/site.css) -> bytes; the site's own file wins over the theme's."""
        files: dict[str, bytes] = {}
        for folder in reversed(self.static_dirs):
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[path.relative_to(folder).as_posix()] = path.read_bytes()
        return files
