"""The site model: plain frozen data the renderers read. No HTML, no YAML here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from site_builder.errors import Location
from site_builder.model.dates import PartialDate, When
from site_builder.slugs import slugify


@dataclass(frozen=True)
class Lane:
    id: str
    label: str
    color: str


@dataclass(frozen=True)
class Era:
    """A named stretch of time (site.yaml `eras`), drawn as a band behind the chart and headed in the list."""

    label: str
    start: PartialDate
    end: PartialDate
    color: str  # #rrggbb, from the default palette when site.yaml gives none

    def holds(self, day: PartialDate) -> bool:
        """Whether the date's first day falls inside the era (compared as integers: any year works)."""
        first = (day.year, day.month or 1, day.day or 1)
        return (self.start.year, self.start.month or 1, self.start.day or 1) <= first \
            <= (self.end.year, self.end.month or 12, self.end.day or 31)


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str  # absolute, ends with "/"
    language: str
    timezone: str
    lanes: tuple[Lane, ...]
    theme: str = "default"
    web_editor: tuple[tuple[str, str], ...] = ()  # Decap's backend settings; empty: no /admin/ in the build
    # Interface strings the site words its own way: (English text, the site's, line, column in site.yaml).
    strings: tuple[tuple[str, str, int, int], ...] = ()
    eras: tuple[Era, ...] = ()  # in order of start
    start_at: str | PartialDate = "first"  # where the home page opens: "first", "latest" or a date

    def era_at(self, day: PartialDate) -> Era | None:
        """The era a date falls in (the latest to start, when eras overlap), or None."""
        return next((era for era in reversed(self.eras) if era.holds(day)), None)

    @property
    def base_path(self) -> str:
        """The path part of base_url ("/" or "/sub/"), prefixed to every internal link."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class TextQuote:
    """Where a verified quote sits in its source (W3C Web Annotation TextQuoteSelector)."""

    exact: str
    prefix: str
    suffix: str
    start: int  # character offsets into the source text, as archived
    end: int
    parts: tuple[tuple[int, int], ...]  # the matched pieces; several when the quote has elisions
    line: int  # line of the source file where the quote starts
    fragment: str  # `#:~:text=...` pointing a browser at these words
    # The parts in the source's visible text, where exact, prefix and suffix come from, when that
    # is not the archived text (a Markdown source); () when they are `parts`.
    visible: tuple[tuple[int, int], ...] = ()

    @property
    def shown(self) -> tuple[tuple[int, int], ...]:
        """Each part's offsets into the source's visible text."""
        return self.visible or self.parts

    @cached_property  # read for every excerpt shown, in every page, feed and export that shows it
    def quoted(self) -> tuple[str, ...]:
        """The source's own words for each part, white space folded: what readers see."""
        origin = self.shown[0][0]
        return tuple(" ".join(self.exact[s - origin:e - origin].split()) for s, e in self.shown)


@dataclass(frozen=True)
class Excerpt:
    event_id: str
    number: int  # 1-based position in its event
    source_id: str
    quote: str  # as the editor wrote it
    note: str | None
    selector: TextQuote

    @property
    def anchor(self) -> str:
        return f"excerpt-{self.event_id}-{self.number}"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    published: PartialDate
    published_at: datetime | None
    url: str | None
    language: str
    author: str | None
    text: str
    path: str
    body_line: int  # file line of the text's first line
    title_supplied: bool = False  # the editor wrote the title: the article has none
    format: str = "text"  # how the text is read: "text" as it is, "markdown" without its markup
    failed: bool = False  # its file has errors of its own: cited, but nothing to verify against

    def line_of(self, offset: int) -> int:
        return self.body_line + self.text.count("\n", 0, offset)


@dataclass(frozen=True)
class LocalImage:
    """An image file under content/media/: what the renderer needs to make its sizes."""

    path: str  # the file on disk
    digest: str  # of its bytes: output names change when the image does
    width: int  # upright, as its EXIF orientation turns it
    height: int
    # The media entry that named it first, for an error while making its sizes; not part of
    # what the image is, so two entries naming the same file share one set of sizes.
    where: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Media:
    """A figure on an event: an image, a video behind a click-to-load facade, or a linked figure."""

    kind: str  # image | video | link
    src: str  # as written: media/x.jpg or an http(s) URL
    alt: str | None = None
    caption: str | None = None  # Markdown inline
    credit: str | None = None
    link: str | None = None
    image: LocalImage | None = None  # a local image (kind image)
    poster: LocalImage | None = None  # a video's local poster
    player: str | None = None  # a video's page name: "youtube-<id>" or "vimeo-<id>"

    @property
    def remote(self) -> bool:
        """A remote image: shown as a linked figure, never hot-linked."""
        return self.kind == "image" and self.image is None


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    when: When
    place: str | None
    lane: str
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str  # Markdown
    excerpts: tuple[Excerpt, ...]
    related: tuple[str, ...]
    draft: bool
    path: str
    order: int = 0
    media: tuple[Media, ...] = ()
    short_title: str | None = None  # the chart's label; else the title cut at a word

    def sort_key(self) -> tuple:
        # Kept on the event: every load sorts all events again, and working a timed event's key
        # out means a zone lookup and a datetime.
        try:
            return self.__dict__["_sort_key"]
        except KeyError:
            key = self.__dict__["_sort_key"] = (*self.when.sort_key(), self.order, self.id)
            return key


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    events: tuple[Event, ...]  # chronological, drafts already filtered as asked
    sources: tuple[Source, ...]  # by id

    @cached_property
    def events_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @cached_property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def lanes_by_id(self) -> dict[str, Lane]:
        return {lane.id: lane for lane in self.config.lanes}

    @cached_property
    def excerpts_by_source(self) -> dict[str, tuple[Excerpt, ...]]:
        found: dict[str, list[Excerpt]] = {s.id: [] for s in self.sources}
        for event in self.events:
            for excerpt in event.excerpts:
                found[excerpt.source_id].append(excerpt)
        return {k: in_text_order(v) for k, v in found.items()}

    @cached_property
    def tags(self) -> tuple[tuple[str, str], ...]:
        """(slug, label) of every tag in use, alphabetical."""
        return _labels(tag for e in self.events for tag in e.tags)

    @cached_property
    def actors(self) -> tuple[tuple[str, str], ...]:
        return _labels(actor for e in self.events for actor in e.actors)

    @cached_property
    def periods(self) -> tuple[tuple[str, str, tuple[Event, ...]], ...]:
        """Events grouped by month (or year, for year-precision dates): (id, label, events)."""
        groups: dict[tuple, list[Event]] = {}
        for event in self.events:
            start = event.when.start
            groups.setdefault((start.year, start.month, start.years_ago), []).append(event)
        keys = [PartialDate(year, month, years_ago=ago) for year, month, ago in groups]
        return tuple((f"period-{key.iso()}", key.format(), tuple(events)) for key, events in zip(keys, groups.values()))

    @cached_property
    def excerpt_count(self) -> int:
        return sum(len(e.excerpts) for e in self.events)


def in_text_order(excerpts) -> tuple[Excerpt, ...]:
    """Excerpts as their source's text has them (Site.excerpts_by_source's order)."""
    return tuple(sorted(excerpts, key=lambda x: (x.selector.start, x.anchor)))


def _labels(names) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for name in dict.fromkeys(names):  # each name once, in order of first use
        seen.setdefault(slugify(name), name)
    return tuple(sorted(seen.items(), key=lambda kv: kv[1].casefold()))
