"""The sample text `site-builder new event` writes is refused in a published event and listed in a draft."""

from __future__ import annotations

import pytest

from site_builder.content import placeholders

PATH = "content/events/2025-09-03-talks-resume.yaml"


def new_event(site, *args: str) -> str:
    assert site.cli("new", "event", "Talks resume", "--date", "2025-09-03", *args).returncode == 0
    return (site.root / PATH).read_text()


def publish(site, text: str) -> None:
    (site.root / PATH).write_text(text.replace("draft: true", "draft: false"))


def test_published_event_with_the_sample_summary_is_refused(site):
    text = new_event(site, "--source", "wire").replace(
        placeholders.EXCERPT["quote"][0], "Putin suggested their next meeting be held in Moscow")
    publish(site, text)
    result = site.cli("check")
    assert result.returncode == 1
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("summary:"))
    assert f"{PATH}:{line}:" in result.stderr
    assert "summary: this is the placeholder `new` wrote" in result.stderr
    assert "hint: write what happened" in result.stderr


def test_published_event_with_the_sample_quote_names_the_placeholder_not_a_passage(site):
    publish(site, new_event(site, "--source", "wire"))
    result = site.cli("check")
    assert result.returncode == 1
    assert "excerpt 1: quote: this is the placeholder `new` wrote" in result.stderr
    assert "closest passage" not in result.stderr and "not in source" not in result.stderr


@pytest.mark.parametrize("group, field", [("EVENT", "short_title"), ("EVENT", "place"), ("EXCERPT", "note"),
                                          ("MEDIA", "alt"), ("MEDIA", "caption"), ("MEDIA", "credit")])
def test_every_commented_sample_is_refused_once_uncommented(site, group, field):
    sample = getattr(placeholders, group)[field][0]
    text = new_event(site, "--source", "wire")
    assert sample in text  # the scaffold writes the very text the check knows
    site.write("content/media/photo.jpg", b"\xff\xd8\xff\xe0" + bytes(64))
    text = (text.replace(placeholders.EXCERPT["quote"][0], "Putin suggested their next meeting be held in Moscow")
            .replace(placeholders.EVENT["summary"][0], "Talks resume.")
            .replace(f"# {field}:", f"{field}:").replace("    # note:", "    note:")
            .replace("# media:", "media:").replace("#   - kind", "  - kind").replace("#     ", "    "))
    if field != "note":
        text = text.replace(f"note: {placeholders.EXCERPT['note'][0]}", "note: Said in Moscow.")
    for other, (value, _) in placeholders.MEDIA.items():
        if other != field:
            text = text.replace(f"{other}: {value}", f"{other}: Real {other}")
    publish(site, text)
    result = site.cli("check")
    assert result.returncode == 1, result.stdout
    assert f"{field}: this is the placeholder `new` wrote" in result.stderr
    assert result.stderr.count("placeholder") == 1


def test_draft_lists_each_placeholder_it_still_has(site):
    new_event(site)
    result = site.cli("check")
    assert result.returncode == 0, result.stderr
    for field in ("summary", "excerpt 1: source", "excerpt 1: quote"):
        assert f"draft {PATH}:" in result.stdout and f"{field}: this is the placeholder `new` wrote" in result.stdout


def test_a_real_event_in_anchorage_is_not_taken_for_a_placeholder(site):
    site.event("2025-08-15-talks", "title: Talks\ndate: 2025-08-15\nplace: Anchorage, Alaska, United States\n"
               "summary: The two presidents meet.\nexcerpts:\n  - source: wire\n"
               "    quote: The talks took place in a trustful and constructive atmosphere.\n"
               "    note: Speaking to reporters after the talks.\n")
    assert site.cli("check").returncode == 0
