"""The theme's templates as the preview tracks them: one Jinja environment, kept while no template
file changes, and which templates each template uses (so a change renders only their pages)."""

from __future__ import annotations

import jinja2
import jinja2.meta

from site_builder.preview.load_steps import stamp
from site_builder.speed.reads import MISSING
from site_builder.render.theme import Theme


class Templates:
    """The theme's Jinja environment, kept while no template changes, and what each template uses."""

    def __init__(self) -> None:
        self.env: jinja2.Environment | None = None
        self.files: dict[str, tuple] = {}
        self.words: tuple = ()  # the language, the site's strings and the catalogues' stats
        self.version = 0
        self.changes: list[set | None] = []  # changes[v] = names changed going to version v+1
        self._closures: dict[str, frozenset | None] = {}

    def refresh(self, theme: Theme) -> None:
        """A new environment and version when any template file's stat changed, noting which."""
        files = {}
        for folder in reversed(theme.template_dirs):  # the first folder wins, as in the loader
            for path in folder.rglob("*"):
                if path.is_file():
                    files[path.relative_to(folder).as_posix()] = (str(path), *stamp(path))
        words = (theme.language, theme.strings,
                 tuple((str(p), *stamp(p)) for d in theme.locale_dirs for p in sorted(d.rglob("*.po"))))
        if self.env is not None and files == self.files and words == self.words:
            return
        changed = {n for n in files.keys() | self.files.keys() if files.get(n) != self.files.get(n)}
        self.changes.append(changed if self.env is not None and words == self.words else None)  # None: every page
        self.words = words
        self.version += 1
        self.files = files
        self.env = theme.environment()
        self._closures = {}

    def changed_since(self, version: int, names: frozenset | None) -> bool:
        """Whether any of these templates (None: any at all) changed after that version."""
        for changed in self.changes[version:]:
            if changed is None or names is None or changed & names:
                return True
        return False

    def closure_of(self, name: str, shown: set[str]) -> frozenset | None:
        """closure(name) and the closures of the templates it showed by calling them (once(),
        card()), kept once per set of names: the pages of one template mostly show the same."""
        if not shown:
            return self.closure(name)
        key = (name, frozenset(shown))
        found = self._closures.get(key, MISSING)
        if found is MISSING:
            found = self.closure(name)
            for other in shown:
                more = self.closure(other)
                found = None if found is None or more is None else found | more
            self._closures[key] = found
        return found

    def closure(self, name: str) -> frozenset | None:
        """The template and everything it extends, includes or imports."""
        if name in self._closures:
            return self._closures[name]
        self._closures[name] = None  # a cycle reads as "cannot tell"
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0]
            for ref in jinja2.meta.find_referenced_templates(self.env.parse(source)):
                if ref is None:
                    return None
                todo.append(ref)
        self._closures[name] = frozenset(seen)
        return self._closures[name]
