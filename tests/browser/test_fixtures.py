"""The browser fixtures themselves: production headers, compression, and loud failures."""

from netlify_server import headers_for, netlify_header_rules
from conftest import REPO


def test_pages_are_served_with_the_netlify_toml_security_headers(site_server):
    import urllib.request

    with urllib.request.urlopen(site_server.url("")) as response:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_text_is_served_gzip_compressed_when_asked(site_server):
    import urllib.request

    request = urllib.request.Request(site_server.url(""), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"


def test_later_header_blocks_override_earlier_ones_for_the_same_header():
    rules = netlify_header_rules(REPO / "netlify.toml")
    assert headers_for(rules, "/events/x/")["X-Content-Type-Options"] == "nosniff"


def test_an_inline_script_is_reported_as_a_csp_violation(page, site_server, problems):
    page.goto(site_server.url(""))
    page.evaluate("""() => { const s = document.createElement('script');
                            s.textContent = 'window.ran = true'; document.body.append(s); }""")
    page.wait_for_function("() => (window.__cspViolations || []).length > 0")
    assert problems.csp_violations, "an inline script ran under the production CSP"
    assert not page.evaluate("() => window.ran === true")
    problems.clear()


def test_unknown_addresses_get_the_404_page_with_status_404(page, site_server):
    response = page.goto(site_server.url("no/such/page/"))
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"


def test_axe_reports_a_violation_when_there_is_one(page, site_server, axe):
    page.goto(site_server.url(""))
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in [v["id"] for v in axe(page)]
