"""Write a synthetic site of N events and M sources whose excerpts really are in their sources,
the same for a seed (what it varies: benchmarks/README.md).

    python benchmarks/generate_site.py OUT_DIR --events 10000 --sources 500 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = ("talks summit minister delegation ceasefire agreement sanctions border envoy proposal "
         "statement security guarantees negotiations capital meeting president foreign council "
         "energy grain corridor prisoners exchange observers mission report officials region "
         "parliament vote aid package military drones strike port bridge treaty conference "
         "spokesperson briefing reporters week month today earlier later according said told "
         "would could should must never always again further direct indirect formal informal").split()
LANES = [("diplomacy", "Diplomacy", "#1d6fa3"), ("military", "Military", "#b23a48"),
         ("economy", "Economy", "#2f7d4f"), ("domestic", "Domestic", "#6b4fa0")]
TAGS = [f"topic-{i}" for i in range(40)]
ACTORS = [f"Actor {chr(65 + i % 26)}{i // 26}" for i in range(60)]
ZONES = ["Europe/Kyiv", "Europe/Moscow", "America/New_York", "Europe/Istanbul", "Asia/Shanghai", "UTC"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def source_text(rng: random.Random) -> str:
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(6, 14))]
    return "\n\n".join(paragraphs) + "\n"


def pick_quote(rng: random.Random, text: str) -> str:
    sentences = [s.strip() for p in text.split("\n\n") for s in p.split(". ") if len(s.split()) > 6]
    chosen = rng.choice(sentences)
    words = chosen.rstrip(".").split()
    length = rng.randint(5, min(len(words), 20))
    start = rng.randint(0, len(words) - length)
    return " ".join(words[start:start + length])


def event_date(rng: random.Random, i: int, n: int, years: int = 11) -> tuple[str, str | None]:
    year = 2026 - years + (i * years) // n
    month = rng.randint(1, 12)
    roll = rng.random()
    if roll < 0.02:
        return f"{year}", None
    if roll < 0.14:
        return f"{year}-{month:02d}", None
    day = rng.randint(1, 28)
    end = f"{year}-{month:02d}-{min(28, day + rng.randint(1, 3)):02d}" if roll > 0.95 else None
    return f"{year}-{month:02d}-{day:02d}", end


def markdown_summary(rng: random.Random, i: int) -> str:
    """A summary sentence with an emphasised word and a web link, as editors write them."""
    words = sentence(rng).split()
    at = rng.randrange(1, len(words) - 1)
    words[at] = f"*{words[at]}*"
    words.insert(-1, f"[report {i}](https://example.org/reports/{i})")
    return " ".join(words)


def generate(out: Path, events: int, sources: int, seed: int = 1, *, years: int = 11,
             excerpts: tuple[int, int] = (1, 3), markdown: bool = False) -> Path:
    """The site; run.py's shape by default. years: the span the dates are spread over; excerpts:
    how many each event quotes (least, most); markdown: emphasis and a link in every summary."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "content/events").mkdir(parents=True)
    (out / "content/sources").mkdir(parents=True)
    lanes = "".join(f"  - id: {i}\n    label: {label}\n    color: \"{color}\"\n" for i, label, color in LANES)
    (out / "site.yaml").write_text(
        f"title: Synthetic timeline\ndescription: {events} generated events.\n"
        f"base_url: https://example.org/\nlanguage: en\ntimezone: UTC\nlanes:\n{lanes}", encoding="utf-8")
    texts = []
    for s in range(sources):
        text = source_text(rng)
        texts.append(text)
        (out / f"content/sources/source-{s:05d}.md").write_text(
            f"---\ntitle: Report number {s}\npublisher: Wire {s % 7}\n"
            f"published: 20{15 + s % 11}-0{1 + s % 9}-1{s % 10}\n"
            f"url: https://example.org/articles/{s}\nlanguage: en\n---\n{text}", encoding="utf-8")
    ids = [f"event-{i:06d}" for i in range(events)]
    for i, eid in enumerate(ids):
        date, end = event_date(rng, i, events, years)
        lines = [f"title: {sentence(rng)[:-1]}", f"date: {date}"]
        if end:
            lines.append(f"end: {end}")
        if date.count("-") == 2 and rng.random() < 0.2:
            hour = rng.randint(0, 23)
            hour += 8 if 1 <= hour <= 3 else 0  # never a local time a clock change skips or repeats
            lines += [f"time: \"{hour:02d}:{rng.choice(['00', '15', '30', '45'])}\"",
                      f"timezone: {rng.choice(ZONES)}"]
        lines += [f"place: City {rng.randint(1, 200)}", f"lane: {rng.choice(LANES)[0]}",
                  f"actors: [{', '.join(rng.sample(ACTORS, rng.randint(1, 3)))}]",
                  f"tags: [{', '.join(rng.sample(TAGS, rng.randint(1, 4)))}]",
                  "summary: >-", *(f"  {sentence(rng)}" for _ in range(rng.randint(1, 4)))]
        if markdown:
            lines.append(f"  {markdown_summary(rng, i)}")
        lines.append("excerpts:")
        for _ in range(rng.randint(*excerpts)):
            s = rng.randrange(sources)
            lines += [f"  - source: source-{s:05d}", f"    quote: {pick_quote(rng, texts[s])}"]
        if i > 0 and rng.random() < 0.3:
            lines.append(f"related: [{ids[rng.randrange(i)]}]")
        (out / f"content/events/{eid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=None, help="default: events / 20")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=11, help="the span of the dates (default: 11)")
    parser.add_argument("--excerpts", type=int, nargs=2, default=(1, 3), metavar=("LEAST", "MOST"),
                        help="excerpts per event (default: 1 3)")
    parser.add_argument("--markdown", action="store_true", help="emphasis and a link in every summary")
    args = parser.parse_args()
    generate(args.out, args.events, args.sources or max(1, args.events // 20), args.seed,
             years=args.years, excerpts=tuple(args.excerpts), markdown=args.markdown)
    print(f"wrote {args.events} events and {args.sources or max(1, args.events // 20)} sources to {args.out}")


if __name__ == "__main__":
    main()
