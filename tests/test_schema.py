"""The JSON Schema editors get is generated from the loader's own field definitions."""

from __future__ import annotations

import json
import re

from site_builder.content.fields import EVENT_FIELDS, SOURCE_FIELDS
from site_builder.content.schema import json_schema, site_schema, site_schema_files, written_by_site_builder


def test_event_schema_has_exactly_the_fields_the_loader_reads():
    schema = json_schema("event")
    assert list(schema["properties"]) == [f.name for f in EVENT_FIELDS]
    assert schema["required"] == [f.name for f in EVENT_FIELDS if f.required and not f.unless]
    assert schema["then"]["required"] == [f.name for f in EVENT_FIELDS if f.required and f.unless]
    assert schema["additionalProperties"] is False


def test_every_field_carries_the_loaders_help_text_as_its_description():
    schema = json_schema("event")
    for spec in EVENT_FIELDS:
        assert schema["properties"][spec.name]["description"] == spec.help


def test_excerpts_are_a_nonempty_list_of_source_and_quote():
    excerpts = json_schema("event")["properties"]["excerpts"]
    assert excerpts["type"] == "array"
    published = json_schema("event")["then"]  # applies unless `draft: true`
    assert "excerpts" in published["required"] and published["properties"]["excerpts"]["minItems"] == 1
    assert excerpts["items"]["required"] == ["source", "quote"]
    assert excerpts["items"]["additionalProperties"] is False


def test_source_front_matter_schema_requires_title_publisher_and_date():
    schema = json_schema("source")
    assert list(schema["properties"]) == [f.name for f in SOURCE_FIELDS]
    assert schema["required"] == ["title", "publisher", "published"]


def test_date_pattern_accepts_partial_dates_and_rejects_sloppy_ones():
    date = json_schema("event")["properties"]["date"]["anyOf"]
    pattern = re.compile(next(alt["pattern"] for alt in date if "pattern" in alt))
    assert all(pattern.match(text) for text in ("2025", "2025-06", "2025-06-02", "44 BCE", "0044-03-15 BC",
                                                "13.8 billion years ago", "12,000 years ago"))
    assert not any(pattern.match(text) for text in ("2025-6", "June 2025", "2025-06-02T10:00"))
    # Unquoted `date: 2025` is a number to an editor's YAML 1.2 parser; the loader accepts it.
    assert {"type": "integer", "minimum": 1, "maximum": 9999} in date


def test_schema_command_prints_the_event_schema(site):
    result = site.cli("schema", "event")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json_schema("event")


def test_build_writes_the_schemas_where_new_files_point(site):
    assert site.cli("build").returncode == 0
    written = json.loads((site.root / "build/schema/event.schema.json").read_text())
    assert written == json_schema("event")
    assert (site.root / "build/schema/source.schema.json").is_file()


def test_a_sites_own_event_schema_offers_its_source_and_lane_ids():
    schema = site_schema("event", ["wire", "agency"], ["main", "other"])
    assert schema["properties"]["lane"]["enum"] == ["main", "other"]
    assert schema["properties"]["excerpts"]["items"]["properties"]["source"]["enum"] == ["agency", "wire"]
    assert "enum" not in json_schema("event")["properties"]["lane"]  # the generic one is left as it was
    assert "enum" not in site_schema("event", [], [])["properties"]["lane"]  # no ids yet: any id


def test_only_a_schema_file_that_still_carries_the_note_is_site_builders_to_rewrite():
    files = site_schema_files(["wire"], ["main"])
    assert all(written_by_site_builder(data) for data in files.values())
    assert not written_by_site_builder(json.dumps(json_schema("event")).encode())
    assert not written_by_site_builder(b"{not json")
