"""Jinja's compiled templates, writing each `{{ value }}` escaped as text rather than as Markup.

With autoescape on, a template compiles `{{ value }}` to `escape(value)`: markupsafe escapes
the text in C, then wraps it in a Markup, whose constructor is Python (an attribute check and
a call, about half a microsecond). That is 1.5 million Markups in a 10,000-event build, each
joined into the page at once. Here the compiled code calls `environment.output_text` instead:
the same escaped text, a plain str. The page's text is the same: wherever Jinja keeps output
as a value (`{% set %}` blocks, macros, `{% filter %}` blocks) it joins the parts and wraps the
result in a Markup itself. Anything but a str or a Markup goes through markupsafe as before.
"""

from __future__ import annotations

from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

try:
    from markupsafe import _escape_inner  # the C escape behind markupsafe.escape
except ImportError:  # pragma: no cover - another markupsafe: the same escape, without the shortcut
    def _escape_inner(text: str) -> str:
        return str(escape(text))


def output_text(value) -> str:
    """str(markupsafe.escape(value)), without making the Markup when value is a str."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:
        return value
    return escape(value)


class TextOutputCodeGenerator(CodeGenerator):
    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:  # ({% autoescape %} blocks)
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.output_text(")
        if finalize.src is not None:
            self.write(finalize.src)
