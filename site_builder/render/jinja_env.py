"""The Jinja environment themes render with: Jinja, with the shortcuts of jinja_calls.py (calls)
and jinja_codegen.py (output and attribute look-ups), and its globals in one dict."""

from __future__ import annotations

import jinja2

from site_builder.render.jinja_calls import DirectCallContext
from site_builder.render.jinja_codegen import ShortcutCodeGenerator, output_text


class ThemeEnvironment(jinja2.Environment):
    context_class = DirectCallContext
    code_generator_class = ShortcutCodeGenerator
    output_text = staticmethod(output_text)  # what the compiled templates call (jinja_codegen.py)

    def make_globals(self, d):
        """The globals as one dict, not Jinja's ChainMap over the environment's: every context
        (each page, each include) lists the globals' names, which a ChainMap works out in Python
        each time (110,000 times at 10,000 events). So a template sees the globals as they were
        when it loaded: Theme.environment sets them all before any template loads."""
        return {**self.globals, **(d or {})}
