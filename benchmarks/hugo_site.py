"""Write the Hugo site equivalent to a site-builder site: a page per event with its summary
(Markdown) and quotes, and one list page of every event (the anchor of benchmarks/against_hugo.py).

    python benchmarks/hugo_site.py SITE_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import yaml

LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"
CONFIG = {
    "baseURL": "https://example.org/",
    "languageCode": "en",
    # the home page is the list page; no section or taxonomy lists besides it
    "disableKinds": ["section", "taxonomy", "term"],
}


def front_matter_file(front: dict, body: str) -> str:
    """A Hugo content file with JSON front matter: any title, quote or URL stays one JSON string,
    so no text in the content can end the front matter or change its meaning."""
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n" + body.strip() + "\n"


def read_source(path: Path) -> dict:
    """A source's front matter (the fields the event page shows)."""
    _, head, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(head)
    return {key: str(meta.get(key, "")) for key in ("title", "publisher", "published", "url")}


def hugo_date(value: str) -> str:
    """The first day of a partial date ("2003", "2003-07"): Hugo needs a whole one."""
    parts = (value.split("-") + ["01", "01"])[:3]
    return f"{int(parts[0]):04d}-{parts[1]}-{parts[2]}"


def event_front_matter(event: dict, sources: dict[str, dict]) -> dict:
    when = str(event["date"])
    return {"title": str(event["title"]), "date": hugo_date(when), "when": when,
            "place": str(event.get("place", "")), "lane": str(event.get("lane", "")),
            "excerpts": [{"quote": str(e["quote"]), **sources[e["source"]]} for e in event["excerpts"]]}


def event_file(event: dict, sources: dict[str, dict]) -> str:
    return front_matter_file(event_front_matter(event, sources), str(event.get("summary", "")))


def write_event(site: Path, out: Path, event_path: Path, sources: dict[str, dict]) -> Path:
    """Write (or write again, after an edit) the Hugo page of one event file of the site."""
    event = yaml.safe_load(event_path.read_text(encoding="utf-8"))
    target = out / "content/events" / f"{event_path.stem}.md"
    target.write_text(event_file(event, sources), encoding="utf-8")
    return target


def read_sources(site: Path) -> dict[str, dict]:
    return {p.stem: read_source(p) for p in sorted((site / "content/sources").glob("*.md"))}


def generate_hugo(site: Path, out: Path) -> Path:
    """Write out/ as a Hugo site holding site/'s events; returns out."""
    if out.exists():
        shutil.rmtree(out)
    (out / "content/events").mkdir(parents=True)
    shutil.copytree(LAYOUTS, out / "layouts")
    title = str(yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))["title"])
    (out / "hugo.json").write_text(json.dumps(CONFIG | {"title": title}, indent=1), encoding="utf-8")
    sources = read_sources(site)
    for path in sorted((site / "content/events").glob("*.yaml")):
        write_event(site, out, path, sources)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    generate_hugo(args.site, args.out)
    print(f"wrote the Hugo site of {args.site} to {args.out}")


if __name__ == "__main__":
    main()
