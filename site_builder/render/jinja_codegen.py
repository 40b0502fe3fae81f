"""Jinja's compiled templates, with two shortcuts in the Python they compile to: `{{ value }}` is
written escaped as plain text rather than as a Markup, and `a.b` is an inline getattr; the pages
they make are the same."""

# - With autoescape on, `{{ value }}` compiles to `escape(value)`: markupsafe escapes in C, then wraps
#   the text in a Markup, whose constructor is Python, only for it to be joined into the page at once.
#   Here it is `environment.output_text`: the same escaped text, a plain str. Wherever Jinja keeps
#   output as a value (`{% set %}` blocks, macros, `{% filter %}` blocks) it joins the parts and wraps
#   the result in a Markup itself. Anything but a str or a Markup goes through markupsafe.
# - `a.b` is `getattr(a, "b")`, and `environment.getattr(a, "b")` (which also tries `a["b"]`, then
#   gives an Undefined) only when `a` has no attribute `b`: a Python call less, the same value.

from __future__ import annotations

import jinja2
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


class ShortcutCodeGenerator(CodeGenerator):
    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:  # ({% autoescape %} blocks)
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.output_text(")
        if finalize.src is not None:
            self.write(finalize.src)

    def visit_Getattr(self, node, frame) -> None:
        # An environment that looks attributes up its own way (a sandbox) keeps its way.
        if self.environment.is_async or type(self.environment).getattr is not jinja2.Environment.getattr:
            super().visit_Getattr(node, frame)
            return
        value, obj = self.temporary_identifier(), self.temporary_identifier()
        self.write(f"({value} if ({value} := getattr(({obj} := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing else environment.getattr({obj}, {node.attr!r}))")
