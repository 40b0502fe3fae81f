"""Pieces: an event's share of a whole-site file (its VEVENT, its JSON record, its CSV row, ...), made
by a function registered with memo.keepable, which a build may keep between builds (speed/pieces.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from site_builder.model import Event
from site_builder.render.memo import OutsidePiece
from site_builder.render.pages import RenderContext
from site_builder.render.urls import Urls

T = TypeVar("T")


def piece(ctx: RenderContext, make: Callable[[RenderContext, Event], T], event: Event) -> T:
    """make(scope, event) through ctx.memo.piece, scope being ctx with a site that gives only the
    site's settings and the sources `event` quotes. A piece that reads more (a site's own template
    of the event's text naming its related events) is made with the whole site, and never kept."""
    try:
        return strict_piece(ctx, make, event)
    except OutsidePiece:
        return make(ctx, event)


def strict_piece(ctx: RenderContext, make: Callable[[RenderContext, Event], T], event: Event) -> T:
    """piece() without its way out: OutsidePiece when make reads more than its key holds (the
    tests hold the theme's own pieces to this)."""
    scope = ctx.__dict__.get("_piece_scope")
    if scope is None:
        scope = ctx.__dict__["_piece_scope"] = piece_scope(ctx)
    scope.site.event = event
    return ctx.memo.piece(make, scope, event)


def piece_scope(ctx: RenderContext) -> RenderContext:
    """A context over EventSite(ctx.site): the one a piece is made with."""
    site = EventSite(ctx.site)
    return RenderContext(site, Urls(site, ctx.urls.assets), ctx.env, ctx.memo)  # type: ignore[arg-type]


class EventSite:
    """The site as a piece sees it: site.yaml's settings (config, its lanes) and the sources the
    current event quotes."""

    __slots__ = ("_site", "event", "sources_by_id")

    def __init__(self, site) -> None:
        self._site = site
        self.event: Event | None = None
        self.sources_by_id = _QuotedSources(self)

    @property
    def config(self):
        return self._site.config

    @property
    def lanes_by_id(self):
        return self._site.lanes_by_id

    def __getattr__(self, name: str) -> Any:
        raise OutsidePiece(f"a kept piece read site.{name}, which is more than its event, the sources "
                           "it quotes and the site's settings: make it part of the piece's key, or do "
                           "not keep the piece")


class _QuotedSources(Mapping):
    """site.sources_by_id, of the sources the current event quotes only."""

    __slots__ = ("_of",)

    def __init__(self, of: EventSite) -> None:
        self._of = of

    def _quoted(self, source_id) -> bool:
        event = self._of.event
        if event is None or not any(x.source_id == source_id for x in event.excerpts):
            raise OutsidePiece(f"a kept piece read the source {source_id!r}, which its event does not quote")
        return True

    def __getitem__(self, source_id):
        self._quoted(source_id)
        return self._of._site.sources_by_id[source_id]

    def __contains__(self, source_id) -> bool:
        return self._quoted(source_id)

    def __iter__(self) -> Iterator:
        raise OutsidePiece("a kept piece listed every source")

    def __len__(self) -> int:
        raise OutsidePiece("a kept piece counted every source")


def cited(event: Event) -> tuple[str, ...]:
    """The ids of the sources the event quotes, sorted: with the event, a piece's key."""
    return tuple(sorted({x.source_id for x in event.excerpts}))
