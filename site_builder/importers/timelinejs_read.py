"""Read a TimelineJS timeline: its JSON, or its Google Sheets template exported as CSV, as one dict."""

from __future__ import annotations

import bisect
import csv
import io
import json
import json.scanner
import re
from pathlib import Path

from site_builder.content.yamlsafe import decode_text
from site_builder.errors import Report

CSV_COLUMNS = ("Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
               "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
               "Background")
_TIME = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*([AaPp][Mm])?\s*$")
MAX_TIMELINE_BYTES = 20 * 1024 * 1024


class TimelineReadError(ValueError):
    """The file is not a TimelineJS timeline we can read (with where, when known)."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line, self.column = line, column


def read_timeline(path: Path) -> dict:
    """A TimelineJS JSON object from a .json file or the template's CSV export."""
    text = _read_text(path)
    if text.lstrip().startswith(("{", "[")):
        try:
            data, lines = _json_with_lines(text)
        except json.JSONDecodeError as exc:
            raise TimelineReadError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise TimelineReadError("not a TimelineJS timeline: its JSON is nested too deeply") from None
        except ValueError as exc:  # a number of thousands of digits, NaN, Infinity
            raise TimelineReadError(f"not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise TimelineReadError(f"not a TimelineJS timeline: a JSON {json_type(data)}, "
                                    "not an object with an \"events\" list")
        if not isinstance(data.get("events"), list):
            raise TimelineReadError("not a TimelineJS timeline: no \"events\" list")
        for key in ("events", "eras"):
            for item in data.get(key) or () if isinstance(data.get(key), list) else ():
                if isinstance(item, dict) and id(item) in lines:
                    item["_line"] = lines[id(item)]
        return data
    return timeline_from_csv(text)


def _read_text(path: Path) -> str:
    """The file's text: a file (not a folder), of a sane size, in UTF-8."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_TIMELINE_BYTES + 1)
    except FileNotFoundError:
        raise TimelineReadError("no such file") from None
    except IsADirectoryError:
        raise TimelineReadError("a folder, not a file: pass the timeline's .json or .csv file") from None
    except OSError as exc:
        raise TimelineReadError(f"cannot read it: {exc.strerror or exc}") from None
    if len(data) > MAX_TIMELINE_BYTES:
        raise TimelineReadError(f"over the limit of {MAX_TIMELINE_BYTES:,} bytes for a timeline; "
                                "is it the file you meant?")
    report = Report()
    text = decode_text(data, str(path), report, MAX_TIMELINE_BYTES)
    if text is None:
        error = report.errors[0]
        raise TimelineReadError(error.message, error.line, error.column)
    return text


def _json_with_lines(text: str) -> tuple[object, dict[int, int]]:
    """The JSON's value, and the line each of its objects starts on (by id), so an import error
    points at its slide. Python's own scanner is used, as only it lets each object be seen."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines: dict[int, int] = {}
    decoder = json.JSONDecoder(parse_constant=_no_constant)
    parse_object = decoder.parse_object

    def located(s_and_end, *args):
        value, end = parse_object(s_and_end, *args)
        lines[id(value)] = bisect.bisect_right(starts, s_and_end[1] - 1)
        return value, end

    decoder.parse_object = located
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder.decode(text), lines


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def json_type(value) -> str:
    return {dict: "object", list: "list", str: "string", bool: "true or false",
            type(None): "null"}.get(type(value), "number")


def timeline_from_csv(text: str) -> dict:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows, line = [], 1
        for row in reader:
            rows.append((line + 1, row))  # the line the row starts on
            line = reader.line_num
    except csv.Error as exc:
        raise TimelineReadError(f"not a readable spreadsheet: {exc}", reader.line_num) from None
    if not rows or not {"Year", "Headline"} <= set(rows[0][1]):
        raise TimelineReadError("not a TimelineJS spreadsheet: the header needs at least Year and Headline "
                           f"(template columns: {', '.join(CSV_COLUMNS)})")
    data: dict = {"events": [], "eras": []}
    for number, row in rows:
        row = {k.strip(): (v if isinstance(v, str) else "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue  # a blank row of the sheet
        slide = {"text": {"headline": row.get("Headline", ""), "text": row.get("Text", "")}, "_row": number}
        start = _csv_date(row, "Year", "Month", "Day", "Time")
        if start:
            slide["start_date"] = start
        end = _csv_date(row, "End Year", "End Month", "End Day", "End Time")
        if end:
            slide["end_date"] = end
        for key, column in (("display_date", "Display Date"), ("group", "Group"), ("background", "Background")):
            if row.get(column):
                slide[key] = row[column]
        if row.get("Media"):
            slide["media"] = {"url": row["Media"], "credit": row.get("Media Credit", ""),
                              "caption": row.get("Media Caption", "")}
        kind = row.get("Type", "").lower()
        if kind == "title":
            data["title"] = slide
        elif kind == "era":
            data["eras"].append(slide)
        else:
            data["events"].append(slide)
    return data


def _csv_date(row: dict, year: str, month: str, day: str, time: str) -> dict | None:
    if not row.get(year):
        return None
    date = {"year": row[year]}
    if row.get(month):
        date["month"] = row[month]
    if row.get(day):
        date["day"] = row[day]
    m = _TIME.match(row.get(time, ""))
    if m:
        hour = int(m.group(1))
        if m.group(4):  # 12-hour clock
            hour = hour % 12 + (12 if m.group(4).lower() == "pm" else 0)
        date.update(hour=str(hour), minute=m.group(2))
        if m.group(3):
            date["second"] = m.group(3)
    elif row.get(time):
        date["_bad_time"] = row[time]
    return date
