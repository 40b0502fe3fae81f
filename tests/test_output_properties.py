"""For any text an editor can write into a title, a summary or a place, the build either refuses it
with a located error or publishes every output valid for its format: the feed and the sitemap are
well-formed XML 1.0, the JSON parses, the CSV reads back, the calendar parses, no page holds a
control character."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build import Options, render
from site_builder.errors import ContentError
from tests.conftest import SITE_YAML, SOURCE_TEXT, SiteDir

# Mostly words, with every kind of odd character an editor can paste: controls, separators, bidi
# marks, non-characters, markup, quotes and symbols outside the Basic Multilingual Plane.
ODD = "\x00\x01\x07\x0b\x0c\x1b\x7f\x85\x9f\u2028\u2029\u200b\u200d\u202e\u2066\ufeff\ufffe\uffff" \
      "<>&'\"]]>--`*_[]()#\\:\u201c\u201d\u00ab\u00bb\U0001F600\U0010FFFD\u0301"
text = st.text(alphabet=st.one_of(st.sampled_from("abc xyz Putin"), st.sampled_from(ODD),
                                  st.characters(exclude_categories=("Cs",))), min_size=1, max_size=40)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def event_yaml(title: str, summary: str, place: str) -> str:
    # JSON strings are YAML double-quoted scalars: every character arrives as written, escapes too.
    return (f"title: {json.dumps(title)}\ndate: 2025-08-15\ntimezone: America/Anchorage\n"
            f"place: {json.dumps(place)}\nlane: main\nsummary: {json.dumps(summary)}\nexcerpts:\n"
            "  - source: wire\n    quote: The talks took place in a trustful and constructive atmosphere.\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(title=text, summary=text, place=text)
def test_any_text_is_refused_with_a_location_or_published_valid_in_every_format(tmp_path, title, summary, place):
    root = tmp_path / "site"
    if root.exists():
        import shutil
        shutil.rmtree(root)
    site = SiteDir(root)
    site.write("site.yaml", SITE_YAML)
    site.source("wire", SOURCE_TEXT)
    site.event("2025-08-15-talks", event_yaml(title, summary, place))
    try:
        files = render(Options(root=root))[1]
    except ContentError as refused:
        assert refused.diagnostics and all(d.line >= 1 and d.column >= 1 for d in refused.diagnostics)
        return
    for name in ("feed.xml", "sitemap.xml"):
        ET.fromstring(files[name])  # expat refuses characters outside XML 1.0's ranges
    json.loads(files["events.json"])
    json.loads(files["timeline.json"])
    rows = list(csv.DictReader(io.StringIO(files["events.csv"].decode("utf-8-sig"))))
    assert len(rows) == 1
    icalendar.Calendar.from_ical(files["events.ics"])
    for name, data in files.items():
        if name.endswith(".html"):
            assert not CONTROL.search(data.decode("utf-8")), name
