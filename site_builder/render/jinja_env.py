"""The Jinja environment themes render with: Jinja, with the shortcuts of jinja_calls.py (calls)
and jinja_codegen.py (output and attribute look-ups), and its globals in one dict."""

from __future__ import annotations

import jinja2
from jinja2.utils import internalcode

from site_builder.render.jinja_calls import DirectCallContext
from site_builder.render.jinja_codegen import ShortcutCodeGenerator, output_text


class ThemeEnvironment(jinja2.Environment):
    context_class = DirectCallContext
    code_generator_class = ShortcutCodeGenerator
    output_text = staticmethod(output_text)  # what the compiled templates call (jinja_codegen.py)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: dict[tuple, jinja2.Template] = {}

    @internalcode
    def get_template(self, name, parent=None, globals=None):
        """Jinja's, the templates once loaded kept in a plain dict: every {% include %} asks again,
        and Jinja's cache takes a lock and reorders its list each time. Only while templates cannot
        change (auto_reload off) and for a name without globals of its own."""
        if globals is not None or self.auto_reload or type(name) is not str:
            return super().get_template(name, parent, globals)
        key = (name, parent)
        found = self._loaded.get(key)
        if found is None:
            found = self._loaded[key] = super().get_template(name, parent)
        return found

    def make_globals(self, d):
        """The globals as one dict, not Jinja's ChainMap, whose names every context (each page, each
        include) works out again in Python. A template sees the globals as they were when it loaded:
        Theme.environment sets them all before any template loads."""
        return {**self.globals, **(d or {})}
