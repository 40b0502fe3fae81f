"""Each kind of page's Content-Security-Policy, decided here once: the pages carry it in a <meta>
(meta_policy) and netlify.toml's blocks send it as a header (tests/test_netlify.py checks both)."""

from __future__ import annotations

from markupsafe import Markup

# What every reader page may do: scripts, styles, fonts and data only from the site itself, images
# also as data: URLs, no plugins, no <base> elsewhere, forms only to the site, never framed.
_READER = {"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
           "font-src": "'self'", "connect-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
           "form-action": "'self'", "frame-ancestors": "'none'"}
VIDEO_HOSTS = "https://www.youtube-nocookie.com https://player.vimeo.com"

# One exception per need (netlify.toml says why for each).
POLICIES: dict[str, dict[str, str]] = {
    "page": _READER,
    "search": {**_READER, "script-src": "'self' 'wasm-unsafe-eval'"},  # Pagefind's WebAssembly
    "embed": {**_READER, "frame-ancestors": "*"},  # the one view other sites may frame
    # The player a video plays in: framed by its own event page, frames the video's host.
    "video": {**_READER, "frame-src": VIDEO_HOSTS, "frame-ancestors": "'self'"},
    # The web editor (Decap CMS): compiles its config's schema to code, injects its styles.
    "admin": {**_READER, "script-src": "'self' 'unsafe-eval'", "style-src": "'self' 'unsafe-inline'"},
}
# Directives a <meta> policy cannot carry (the HTML standard ignores them there).
HEADER_ONLY = ("frame-ancestors", "report-uri", "report-to", "sandbox")


def policy_kind(page_kind: str) -> str:
    """The policy a page of this kind (render.pages.Page.kind) gets: its own, or every reader page's."""
    return page_kind if page_kind in POLICIES else "page"


def header_policy(kind: str) -> str:
    """The policy as the Content-Security-Policy header sends it."""
    return "; ".join(f"{name} {sources}" for name, sources in POLICIES[policy_kind(kind)].items())


def meta_policy(page_kind: str) -> Markup:
    """The policy for a page's <meta http-equiv="Content-Security-Policy">: the header's without
    what a meta cannot carry. Markup: its quotes are written as they are (it holds no '"' or '<')."""
    directives = POLICIES[policy_kind(page_kind)]
    return Markup("; ".join(f"{name} {sources}" for name, sources in directives.items() if name not in HEADER_ONLY))
