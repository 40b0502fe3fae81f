"""Content is text, never markup: a title or quotation full of HTML reaches the reader as those
very characters, in the list, the chart's JSON and its hover label, and runs nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reader import markers, wake_chart

HOSTILE = '</script><script src="/x.js"></script><img src=x onerror="window.pwned=1"> & <b>bold</b> %{x}'
SITE_YAML = """\
title: "Escaping check"
description: "A site whose content tries to be markup."
base_url: https://example.org/
language: en
timezone: UTC
lanes:
  - id: main
    label: "Main <i>lane</i>"
    color: "#1d6fa3"
"""
SOURCE = """\
---
title: {title}
publisher: "Publisher"
published: 2025-01-02
language: en
---
It said {hostile} and more.
"""
EVENT = """\
title: {title}
date: 2025-01-01
lane: main
actors: ["Actor <script>"]
tags: ["tag & <tag>"]
summary: "Summary with <script>window.pwned=1</script> in it."
excerpts:
  - source: hostile
    quote: {quote}
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, serve_site):
    import json

    from site_builder.build import Options, build

    root = tmp_path_factory.mktemp("hostile")
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "content" / "sources").mkdir(parents=True)
    (root / "content" / "events").mkdir(parents=True)
    (root / "content" / "sources" / "hostile.md").write_text(
        SOURCE.format(hostile=HOSTILE, title=json.dumps("Source " + HOSTILE)), encoding="utf-8")
    (root / "content" / "events" / "2025-01-01-hostile.yaml").write_text(
        EVENT.format(title=json.dumps(HOSTILE), quote=json.dumps(f"It said {HOSTILE}")), encoding="utf-8")
    build(Options(root=root, out=root / "build"))
    return serve_site(root / "build")


def test_markup_in_content_is_shown_as_text_and_never_runs(page, hostile_server):
    page.goto(hostile_server.url(""))
    expect(page.locator(".event-title")).to_have_text(HOSTILE)
    expect(page.locator(".event-card blockquote")).to_contain_text(HOSTILE)
    expect(page.locator(".event-card img")).to_have_count(0)
    wake_chart(page)
    target = markers(page)[0]
    page.mouse.move(target["x"], target["y"])
    label = page.locator("#chart-plot .hoverlayer .hovertext")
    expect(label).to_contain_text("<b>bold</b>")
    expect(page.locator("#chart-plot .ytick")).to_have_text("Main <i>lane</i>")
    expect(page.locator("#chart-plot [style*='italic'], #chart-plot [style*='bold']")).to_have_count(0)
    assert page.evaluate("window.pwned") is None


def test_markup_in_content_stays_text_on_event_and_source_pages(page, hostile_server):
    page.goto(hostile_server.url("events/2025-01-01-hostile/"))
    expect(page.locator("h1")).to_have_text(HOSTILE)
    page.locator(".excerpt cite a").click()
    expect(page.locator(".archived-text mark")).to_contain_text(HOSTILE)
    assert page.evaluate("window.pwned") is None
