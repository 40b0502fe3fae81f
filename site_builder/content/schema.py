"""JSON Schemas for editors, generated from the field definitions the loader itself checks;
yaml-language-server reads them through the `# yaml-language-server: $schema=...` line that
`site-builder new` writes. A site's own copies (schema/) also list its source and lane ids."""

from __future__ import annotations

import json
from collections.abc import Iterable

from site_builder.content.fields import EVENT_FIELDS, SITE_FIELDS, SOURCE_FIELDS, Field
from site_builder.slugs import _ID_RE

SCHEMA_FOLDER = "schema"  # inside the build and in a site: schema/event.schema.json, ...
# The first words of a site's own schema file: site-builder rewrites only a file that starts so.
WRITTEN_BY = "Written by site-builder"
SITE_SCHEMA_NOTE = (f"{WRITTEN_BY} from site.yaml and content/sources/; `build` and `serve` rewrite it "
                    "when they change. Delete this line to keep the file as you edit it.")
DATE_PATTERN = (r"^(\d{4}(-\d{2}(-\d{2})?)?|\d{1,4}(-\d{2}(-\d{2})?)? +(BCE?|bce?)"
                r"|\d[\d,]*(\.\d+)? +((million|billion) +)?years? +ago)$")

# An editor's YAML is YAML 1.2, where `date: 2025` is a number and `draft: true` a boolean;
# the loader reads every value as text, so the schema accepts what the loader accepts.
_ID = {"type": "string", "pattern": _ID_RE.pattern}
_KINDS: dict[str, dict] = {
    "text": {"type": ["string", "number"], "minLength": 1},
    "line": {"type": ["string", "number"]},
    "id": _ID,
    "date": {"anyOf": [{"type": "string", "pattern": DATE_PATTERN},
                       {"type": "integer", "minimum": 1, "maximum": 9999}]},
    "end": {"anyOf": [{"type": "string", "pattern": DATE_PATTERN}, {"enum": ["present", "ongoing"]},
                      {"type": "integer", "minimum": 1, "maximum": 9999}]},
    "time": {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d([+-]([01]\d|2[0-3]):[0-5]\d)?$"},
    "timezone": {"type": "string", "pattern": r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", "examples": ["Europe/Kyiv", "UTC"]},
    "datetime": {"type": "string",
                 "pattern": r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z))?)?)?$"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "url": {"type": "string", "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$", "format": "uri"},
    "color": {"type": "string", "pattern": r"^#[0-9a-fA-F]{6}$"},
    "strings": {"type": "object", "additionalProperties": {"type": "string"}},
}


def field_schema(spec: Field) -> dict:
    if spec.kind == "records":
        schema = {"type": "array", "items": record_schema(spec.fields)}
        if spec.min_items and not spec.unless:
            schema["minItems"] = spec.min_items
    elif spec.kind in ("lines", "ids"):
        item = _KINDS["line" if spec.kind == "lines" else "id"]
        schema = {"anyOf": [item, {"type": "array", "items": item}]}  # a single value is a list of one
    else:
        schema = dict(_KINDS[spec.kind])
    return {"description": spec.help, **schema}


def record_schema(fields: tuple[Field, ...]) -> dict:
    schema: dict = {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "additionalProperties": False,
    }
    required = [f.name for f in fields if f.required and not f.unless]
    if required:
        schema["required"] = required
    waivable = [f for f in fields if f.unless]
    if waivable:  # e.g. excerpts: required and non-empty unless `draft: true`
        flag = waivable[0].unless
        assert all(f.unless == flag for f in waivable), "one waiving flag per record"
        schema["if"] = {"not": {"properties": {flag: {"const": True}}, "required": [flag]}}
        schema["then"] = {
            "required": [f.name for f in waivable if f.required],
            "properties": {f.name: {"minItems": f.min_items} for f in waivable if f.min_items},
        }
    return schema


SCHEMAS = {
    "event": (EVENT_FIELDS, "An event of a sourced timeline (content/events/*.yaml)."),
    "source": (SOURCE_FIELDS, "Front matter of an archived source (content/sources/*.md)."),
    "site": (SITE_FIELDS, "Site settings (site.yaml)."),
}


def json_schema(kind: str) -> dict:
    fields, title = SCHEMAS[kind]
    return {
        "$schema": "https://json-schema.org/draft-07/schema#",
        "$id": f"{kind}.schema.json",
        "title": title,
        **record_schema(fields),
    }


def schema_file(kind: str) -> str:
    """Where a schema is written inside the build, e.g. schema/event.schema.json."""
    return f"{SCHEMA_FOLDER}/{kind}.schema.json"


def schema_files() -> dict[str, bytes]:
    return {schema_file(kind): _json_bytes(json_schema(kind)) for kind in SCHEMAS}


def site_schema(kind: str, source_ids: Iterable[str], lane_ids: Iterable[str]) -> dict:
    """The schema with this site's ids as enums, so an editor offers them: the sources an excerpt
    may quote and the lanes an event may be in (none listed: any id, as in json_schema)."""
    schema = {"$comment": SITE_SCHEMA_NOTE, **json_schema(kind)}
    if kind == "event":
        properties = schema["properties"]
        if lanes := list(lane_ids):
            properties["lane"]["enum"] = lanes
        if sources := sorted(source_ids):
            properties["excerpts"]["items"]["properties"]["source"]["enum"] = sources
    return schema


def site_schema_files(source_ids: Iterable[str], lane_ids: Iterable[str]) -> dict[str, bytes]:
    """A site's schema/ files, by path inside the site."""
    source_ids, lane_ids = tuple(source_ids), tuple(lane_ids)
    return {schema_file(kind): _json_bytes(site_schema(kind, source_ids, lane_ids)) for kind in SCHEMAS}


def written_by_site_builder(data: bytes) -> bool:
    """Whether a schema file is one site-builder wrote and may rewrite (it still has the note)."""
    try:
        schema = json.loads(data)
    except ValueError:
        return False
    return isinstance(schema, dict) and str(schema.get("$comment", "")).startswith(WRITTEN_BY)


def _json_bytes(schema: dict) -> bytes:
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
