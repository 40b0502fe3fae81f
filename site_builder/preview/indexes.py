"""A new Site given the indexes the preview's last Site had worked out (events by id, excerpts
by source, tags, periods, ...), patched from the few events an edit changed: cheaper than working
every index out again from every event."""

from __future__ import annotations

import operator

from site_builder.model import Event, Site, in_text_order

CARRY_LIMIT = 64  # events changed in place: past this, a rebuild works the indexes out afresh


def carry_indexes(site: Site, previous: Site) -> None:
    """Give `site` the derived values `previous` had worked out, patched from the events that
    changed; only when the events are the same ids in the same order, at most CARRY_LIMIT of them
    new objects (else the Site's properties work every index out afresh)."""
    old, new = previous.events, site.events
    if len(old) != len(new):
        return
    changed = [n for n, (a, b) in enumerate(zip(old, new)) if a is not b]
    if len(changed) > CARRY_LIMIT or any(old[n].id != new[n].id for n in changed):
        return
    done, seed = previous.__dict__, site.__dict__
    if "events_by_id" in done:
        by_id = dict(done["events_by_id"])
        by_id.update((new[n].id, new[n]) for n in changed)
        seed["events_by_id"] = by_id
    if "excerpt_count" in done:
        seed["excerpt_count"] = done["excerpt_count"] + sum(len(new[n].excerpts) - len(old[n].excerpts)
                                                            for n in changed)
    if "sources_by_id" in done and _same_items(previous.sources, site.sources):
        seed["sources_by_id"] = done["sources_by_id"]
    if "lanes_by_id" in done and previous.config is site.config:
        seed["lanes_by_id"] = done["lanes_by_id"]
    if "excerpts_by_source" in done and _same_items(previous.sources, site.sources):
        seed["excerpts_by_source"] = _patched_excerpts(done["excerpts_by_source"], [old[n] for n in changed],
                                                       [new[n] for n in changed])
    # The first name in event order labels a slug: with the same names on every changed event
    # (and the order kept), the labels are the same.
    if all(old[n].tags == new[n].tags for n in changed) and "tags" in done:
        seed["tags"] = done["tags"]
    if all(old[n].actors == new[n].actors for n in changed) and "actors" in done:
        seed["actors"] = done["actors"]
    if "periods" in done and all(_month(old[n]) == _month(new[n]) for n in changed):
        seed["periods"] = _patched_periods(done["periods"], new, changed)


def _same_items(a: tuple, b: tuple) -> bool:
    return a is b or (len(a) == len(b) and all(map(operator.is_, a, b)))


def _month(event: Event) -> tuple:
    return event.when.start.year, event.when.start.month


def _patched_excerpts(before: dict, gone: list[Event], come: list[Event]) -> dict:
    """excerpts_by_source after the events `gone` were replaced by `come` (the same ids)."""
    ids = {e.id for e in gone}
    touched = {x.source_id for e in (*gone, *come) for x in e.excerpts}
    after = dict(before)
    for source_id in touched:
        kept = [x for x in before[source_id] if x.event_id not in ids]
        after[source_id] = in_text_order(kept + [x for e in come for x in e.excerpts if x.source_id == source_id])
    return after


def _patched_periods(before: tuple, events: tuple[Event, ...], changed: list[int]) -> tuple:
    """Site.periods with the groups holding the changed positions made again from `events`
    (every event still in its month, so the groups' bounds are the same)."""
    at, start, groups = iter(changed), 0, []
    pending = next(at, None)
    for period_id, label, members in before:
        end = start + len(members)
        if pending is not None and pending < end:
            groups.append((period_id, label, events[start:end]))
            while pending is not None and pending < end:
                pending = next(at, None)
        else:
            groups.append((period_id, label, members))
        start = end
    return tuple(groups)
