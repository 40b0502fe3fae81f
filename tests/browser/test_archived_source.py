"""The Markdown copy of a source, as a reader sees it: formatted, its markup gone, a deep link
landing on the highlighted words."""

from __future__ import annotations

from playwright.sync_api import expect

MT = "moscow-times-2025-09-01-putin-sco-alaska"
BRIEFED = "2025-09-01-putin-briefed-xi-1"  # its quote runs over a paragraph break of the archive


def test_an_excerpt_anchor_on_a_markdown_source_highlights_the_words_and_no_markup(page, site_server, artifacts_dir):
    page.goto(site_server.url(f"sources/{MT}/#excerpt-{BRIEFED}"))
    first = page.locator(f"[id='excerpt-{BRIEFED}'] + mark")
    expect(first).to_be_in_viewport()
    marks = page.locator(".archived-text mark").evaluate_all(
        "ms => ms.filter(m => m.closest('p').previousElementSibling === document.querySelector(':target').closest('p')"
        " || m.closest('p') === document.querySelector(':target').closest('p')).map(m => m.innerText)")
    assert " ".join(" ".join(marks).split()) == (
        "He also said he had already briefed Chinese President Xi Jinping on last month’s meeting with "
        "Trump and planned to share more details with the other 23 leaders attending the summit in Tianjin.")
    shown = page.locator(".archived-text").inner_text()
    assert "**" not in shown and "](" not in shown and "[said]" not in shown
    assert "President Vladimir Putin said Monday" in shown
    expect(page.locator(".archived-text strong").first).to_have_text("Sergei Bobylev / POOL / TASS")
    expect(page.locator(".archived-text h2")).to_contain_text("Putin Says Alaska Talks")
    assert page.locator(".archived-text a[href='#']").count() == 0
    page.screenshot(path=str(artifacts_dir / "archived-source-desktop.png"), full_page=True)
