"""netlify.toml and --base-url: what production serves, read from the real file and a real build."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from site_builder.build import Options, build, render
from tests.browser.netlify_server import headers_for, netlify_header_rules
from tests.conftest import REPO

NETLIFY = REPO / "netlify.toml"
README_BUILD = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/site-builder build"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render(Options(root=REPO))[1]


def page_paths(files) -> list[str]:
    """The URL path each HTML page is served at, plus the embed view's."""
    paths = {"/embed/"}
    for name in files:
        if name.endswith("index.html"):
            paths.add("/" + name[: -len("index.html")])
        elif name.endswith(".html"):
            paths.add("/" + name)
    return sorted(paths)


def policies(path: str, merge: str) -> list[dict[str, list[str]]]:
    """The Content-Security-Policies a browser receives for `path`, each as directive -> sources.

    merge="later wins": one value per header, the last matching block's (what `netlify dev` does);
    merge="all sent": every matching block's value (browsers then enforce each of them).
    """
    rules = netlify_header_rules(NETLIFY)
    if merge == "later wins":
        values = [v for k, v in headers_for(rules, path).items() if k.lower() == "content-security-policy"]
    else:
        values = [v for rule in rules if rule.pattern.match(path)
                  for k, v in rule.values.items() if k.lower() == "content-security-policy"]
    parsed = []
    for value in values:
        directives = {}
        for part in value.split(";"):
            if part.strip():
                name, *sources = part.split()
                directives[name] = sources
        parsed.append(directives)
    return parsed


def script_sources(policy: dict[str, list[str]]) -> list[str]:
    return policy.get("script-src", policy.get("default-src", []))


def test_the_build_command_is_the_readmes_with_the_deploy_address():
    config = tomllib.loads(NETLIFY.read_text())
    assert config["build"]["publish"] == "build"
    assert config["build"]["environment"]["PYTHON_VERSION"] == "3.11"
    assert README_BUILD in (REPO / "README.md").read_text()
    assert config["build"]["command"] == README_BUILD + ' --base-url "$URL"'
    for context in ("deploy-preview", "branch-deploy"):
        assert config["context"][context]["command"] == README_BUILD + ' --base-url "$DEPLOY_PRIME_URL"'


def test_unknown_addresses_get_the_404_page_with_a_404_status():
    redirects = tomllib.loads(NETLIFY.read_text())["redirects"]
    assert {"from": "/*", "to": "/404.html", "status": 404} in redirects


@pytest.mark.parametrize("merge", ["later wins", "all sent"])
def test_every_page_runs_scripts_only_from_the_site_with_no_inline_code_or_eval(files, merge):
    for path in page_paths(files):
        received = policies(path, merge)
        assert received, f"{path} has no Content-Security-Policy"
        for policy in received:
            assert "'self'" in script_sources(policy), path
        # A browser enforces every policy it receives: one that forbids a thing forbids it ("/*"
        # allows what /admin/ needs; each page's own policy takes it away again).
        assert any(not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "blob:"} & set(script_sources(policy))
                   and policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
                   for policy in received), path


@pytest.mark.parametrize("merge", ["later wins", "all sent"])
def test_only_the_embed_view_may_be_framed(files, merge):
    for path in page_paths(files):
        received = policies(path, merge)
        framing_denied = any(p.get("frame-ancestors") == ["'none'"] for p in received)
        assert framing_denied == (not path.startswith("/embed/")), path
    assert any(p.get("frame-ancestors") == ["*"] for p in policies("/embed/", merge))


@pytest.mark.parametrize("merge", ["later wins", "all sent"])
def test_only_the_search_page_may_compile_webassembly_for_pagefind(files, merge):
    for path in page_paths(files):
        wasm = all("'wasm-unsafe-eval'" in script_sources(p) for p in policies(path, merge))
        assert wasm == path.startswith("/search/"), path


def test_every_response_says_nosniff_and_a_referrer_policy(files):
    rules = netlify_header_rules(NETLIFY)
    for name in ["feed.xml", "events.json", "pagefind/pagefind.js", *files]:
        headers = {k.lower(): v for k, v in headers_for(rules, "/" + name).items()}
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", name


def test_only_content_hashed_assets_are_cached_forever(files):
    rules = netlify_header_rules(NETLIFY)
    assets = [name for name in files if name.startswith("assets/")]
    assert assets
    images = ["media/0123456789abcdef0123-480.avif", "media/0123456789abcdef0123-960.jpg"]  # render/media.py
    for name in [*files, *images]:
        headers = {k.lower(): v for k, v in headers_for(rules, "/" + name).items()}
        immutable = "immutable" in headers.get("cache-control", "")
        assert immutable == name.startswith(("assets/", "media/")), name
        if immutable:
            named = re.search(r"\.[0-9a-f]{10}\.\w+$", name) or re.fullmatch(r"media/[0-9a-f]{20}-\d+\.\w+", name)
            assert named, f"{name} is cached forever but has no content hash"


# --- a site served under a sub-path (deploy previews, project pages) ------------------------------

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for attr in ("href", "src", "action", "data-pagefind-bundle"):
            if a.get(attr):
                self.urls.append(a[attr])


def test_under_a_sub_path_every_internal_link_asset_and_anchor_resolves_there(tmp_path):
    base = "https://example.org/deploy/sub/"
    out = tmp_path / "build"
    build(Options(root=REPO, out=out, base_url=base))
    pages = {p.relative_to(out).as_posix(): p for p in out.rglob("*.html")}
    parsed = {name: Links() for name in pages}
    for name, parser in parsed.items():
        parser.feed(pages[name].read_text(encoding="utf-8"))
    checked = 0
    for name, parser in parsed.items():
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and not url.startswith(base):
                continue  # the publishers' originals
            path = url[len("https://example.org"):] if url.startswith(base) else parts.path
            if not path:
                continue  # a fragment on the same page
            assert path.startswith("/deploy/sub/"), f"{name}: {url} escapes the sub-path"
            rel = path[len("/deploy/sub/"):]
            target = out / rel / "index.html" if rel.endswith("/") or rel == "" else out / rel
            assert target.is_file(), f"{name}: {url} points at nothing"
            fragment = urldefrag(url).fragment
            if fragment and not fragment.startswith(":~:") and target.suffix == ".html":
                assert fragment in parsed[target.relative_to(out).as_posix()].ids, f"{name}: {url}"
            checked += 1
    assert checked > 200


PLUGIN_RUN = """
const plugin = require(process.argv[1]);
const calls = [];
const utils = {cache: {
  restore: async (path) => { calls.push(["restore", path]); return true; },
  save: async (path) => { calls.push(["save", path]); return true; },
}};
(async () => {
  await plugin.onPreBuild({utils});
  await plugin.onPostBuild({utils});
  console.log(JSON.stringify(calls));
})();
"""


def run_cache_plugin(plugin_dir, cache: str | None) -> list[list[str]]:
    import json
    import os
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "node is needed to run the Netlify plugin (scripts/test installs the test tools with npm)"
    env = {k: v for k, v in os.environ.items() if k != "SITE_BUILDER_CACHE"}
    if cache is not None:
        env["SITE_BUILDER_CACHE"] = cache
    result = subprocess.run([node, "-e", PLUGIN_RUN, str(plugin_dir / "index.js")], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_build_cache_is_restored_before_and_saved_after_each_netlify_build():
    config = tomllib.loads(NETLIFY.read_text())
    cache = config["build"]["environment"]["SITE_BUILDER_CACHE"]
    assert not cache.startswith(("/", "build")), "the cache lives in the checkout, never in what is published"
    assert (REPO / ".gitignore").read_text().count("/.cache/") == 1
    [plugin] = [p for p in config["plugins"] if p["package"].endswith("site-builder-cache")]
    plugin_dir = REPO / plugin["package"]
    assert "name: site-builder-cache" in (plugin_dir / "manifest.yml").read_text()
    assert run_cache_plugin(plugin_dir, cache) == [["restore", cache], ["save", cache]]
    assert run_cache_plugin(plugin_dir, "off") == []
    assert run_cache_plugin(plugin_dir, None) == []


# --- each page's own policy, in a <meta> (render/policies.py) ---------------------------------------

class MetaPolicy(HTMLParser):
    def __init__(self):
        super().__init__()
        self.policies: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(a.get("content") or "")


def parsed_policy(value: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in value.split(";") if part.strip())}


@pytest.mark.parametrize("toml", ["netlify.toml", "site_builder/scaffolds/netlify.toml"])
def test_every_page_carries_its_netlify_policy_in_a_meta_without_frame_ancestors(files, toml):
    rules = netlify_header_rules(REPO / toml)
    loose = parsed_policy(headers_for(rules, "/no/such/address")["Content-Security-Policy"])
    pages = [name for name in files if name.endswith(".html") and not name.startswith("admin/")]
    assert "index.html" in pages and "404.html" in pages and "embed/index.html" in pages
    for name in pages:
        parser = MetaPolicy()
        parser.feed(files[name].decode("utf-8"))
        assert len(parser.policies) == 1, f"{name} has no policy of its own"
        meta = parsed_policy(parser.policies[0])
        assert meta != loose, name
        urls = ["/" + name] + (["/" + name.removesuffix("index.html")] if name.endswith("index.html") else [])
        for url in urls:  # /index.html and /: the same page
            block = parsed_policy(headers_for(rules, url)["Content-Security-Policy"])
            assert "frame-ancestors" in block and "frame-ancestors" not in meta, url
            assert meta == {k: v for k, v in block.items() if k != "frame-ancestors"}, url


def test_a_page_kind_s_policy_is_its_netlify_block_s():
    from site_builder.render.policies import header_policy

    rules = netlify_header_rules(NETLIFY)
    for url, kind in (("/", "page"), ("/events/x/", "page"), ("/search/", "search"), ("/embed/", "embed"),
                      ("/videos/x.html", "video"), ("/admin/", "admin")):
        block = headers_for(rules, url)["Content-Security-Policy"]
        assert parsed_policy(block) == parsed_policy(header_policy(kind)), url
