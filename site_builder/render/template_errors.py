"""A template's errors as content errors: located in the template file (path:line), so the
build, the forked render and the preview report them as they report a content error."""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from typing import TYPE_CHECKING
from collections.abc import Iterator

from site_builder.errors import ContentError, Diagnostic

if TYPE_CHECKING:
    from site_builder.render.theme import Theme

# jinja2 is imported when an error is met, not when this module is.


def template_diagnostic(exc: BaseException) -> Diagnostic | None:
    """An error a template raised, located in the template file as content errors are: Jinja's
    own, or any exception its code met (1/0, a recursion too deep). None when exc did not come
    from a template (a bug of site-builder's own, to be reported as one)."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Diagnostic(exc.filename, exc.lineno or 1, 1, f"template error: {exc.message}")
    what = exc if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".css", ".xml", ".js", ".json")):
            return Diagnostic(frame.filename, frame.lineno or 1, 1, f"template error: {what}")
    if isinstance(exc, jinja2.TemplateError):
        return Diagnostic("<templates>", 1, 1, f"template error: {exc}")
    return None


@contextmanager
def template_errors() -> Iterator[None]:
    """A template's error raised inside becomes a ContentError; any other exception passes."""
    try:
        yield
    except Exception as exc:
        diagnostic = template_diagnostic(exc)
        if diagnostic is None:
            raise
        raise ContentError([diagnostic]) from None


def compile_templates(theme: Theme) -> None:
    """Compile every template of the theme, each error located: a build compiles those it uses."""
    import jinja2

    env, errors = theme.environment(), []
    for name in env.list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            errors.append(template_diagnostic(exc))
    if errors:
        raise ContentError(errors)
