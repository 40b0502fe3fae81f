"""A reader page is strict whatever headers it gets: its own policy in a <meta> refuses eval even
when only netlify.toml's loose "/*" policy (the one /admin/ needs) comes with it; serve's reload
script, added inline, is allowed by its hash and nothing else is."""

from __future__ import annotations

import re

from netlify_server import headers_for, netlify_header_rules

from tests.conftest import REPO
from tests.test_serve import serve  # noqa: F401  (serve: the fixture)

# A script of the site's own origin that tries eval (DevTools' evaluate is exempt from the policy).
TRY_EVAL_JS = ("try { eval('1'); document.documentElement.dataset.eval = 'ran'; }"
               "catch (e) { document.documentElement.dataset.eval = e.name; }")
META = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')


def loose_policy() -> str:
    loose = headers_for(netlify_header_rules(REPO / "netlify.toml"), "/no/such/address")["Content-Security-Policy"]
    assert "'unsafe-eval'" in loose
    return loose


def eval_result(page, url: str, body: bytes | None = None, headers: dict | None = None) -> str:
    """What a script of the page's own origin gets from eval, on the page at url: its body as
    served (or the one given), with the headers given (or as served)."""
    origin = re.match(r"https?://[^/]+", url).group()
    page.route(f"{origin}/try-eval.js", lambda route: route.fulfill(
        status=200, body=TRY_EVAL_JS, headers={"Content-Type": "application/javascript"}))

    def fulfill(route):
        served = route.fetch()
        html = body if body is not None else served.body()
        html = html.replace(b"</body>", b'<script src="/try-eval.js"></script></body>', 1)
        route.fulfill(status=200, body=html, headers=headers or served.headers)

    page.route(url, fulfill)
    page.goto(url)
    page.wait_for_function("() => document.documentElement.dataset.eval !== undefined")
    return page.evaluate("() => document.documentElement.dataset.eval")


def test_a_page_under_only_the_loose_header_still_refuses_eval(page, site_server, built_site, problems):
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": loose_policy()}
    home = (built_site / "index.html").read_bytes()
    assert eval_result(page, site_server.url("no-such-page/"), home, headers) == "EvalError"
    assert any("script-src" in v for v in problems.csp_violations), problems.report()
    problems.clear()


def test_without_its_meta_the_same_page_would_eval(page, site_server, built_site, problems):
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": loose_policy()}
    home = META.sub(b"", (built_site / "index.html").read_bytes(), count=1)
    assert eval_result(page, site_server.url("no-such-page/"), home, headers) == "ran"
    problems.clear()


def test_the_preview_s_reload_script_runs_under_the_page_s_policy(site, serve, page, problems):
    server = serve(site.root)
    assert eval_result(page, server.url) == "EvalError"  # the page's policy holds in the preview
    page.wait_for_function("() => window.LiveReload !== undefined")  # and the inline reload script ran
    assert all("script-src-elem" not in v and "inline" not in v for v in problems.csp_violations), problems.report()
    problems.clear()
