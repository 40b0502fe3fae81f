"""A Jinja Context whose calls from templates skip Jinja's checks when they cannot apply: every call
in a template goes through Context.call, which looks for `pass_context`-style markers on the callable
and its `__call__` (three attribute look-ups) before calling."""

# A plain function, a method of one, or a built-in cannot carry the marker anywhere but in the
# function's own attributes (nor can a functools cache wrapper, which copies them), so for those the
# check is one dict look-up; anything else takes Jinja's own path.

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from types import BuiltinFunctionType, FunctionType, MethodType

from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2.utils import internalcode

# functools' cache wrapper (slug() is one) copies the function's attributes, markers included.
_CACHED = type(lru_cache(maxsize=1)(len))


class DirectCallContext(Context):
    @internalcode
    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        kind = type(__obj)
        if kind is MethodType:
            func = __obj.__func__
            plain = type(func) is FunctionType and "jinja_pass_arg" not in func.__dict__
        elif kind is FunctionType or kind is _CACHED:
            plain = "jinja_pass_arg" not in __obj.__dict__
        else:
            plain = kind is BuiltinFunctionType  # (also a built-in's bound method): no attributes
        if not plain:
            return Context.call(__self, __obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")



_KEYABLE = (str, int)  # exact types: a Markup argument (equal to its text) is not kept


def remembered(translate: Callable) -> Callable:
    """Jinja's newstyle `gettext` or `ngettext` (ext.i18n), its result kept for arguments without
    variables: every page asks for the same strings, each through a context call and a `%` format
    (a large site's index of periods, an `ngettext` per period on each of its pages). The result
    depends on the arguments and on autoescaping only (the catalogue is the environment's)."""
    known: dict[tuple, str] = {}

    @pass_context
    def remembered(__context, *args, **variables):  # noqa: N807 (Jinja's own signature)
        if variables or not all(type(arg) in _KEYABLE for arg in args):
            return translate(__context, *args, **variables)
        key = (*args, __context.eval_ctx.autoescape)
        found = known.get(key)
        if found is None:
            found = known[key] = translate(__context, *args)
        return found

    return remembered
