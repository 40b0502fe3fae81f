"""What each draft still needs before it can be published: the checks the loader waives for an
event marked `draft: true` (an excerpt, proof of the quotations in its own words, no sample text
left by `new`)."""

from __future__ import annotations

from site_builder.content.events import read_event_record
from site_builder.content.fields import Record
from site_builder.content.placeholders import placeholders_in
from site_builder.content.quoted_prose import check_event_prose
from site_builder.errors import Diagnostic, Report
from site_builder.model import Event, Source


def draft_needs(event: Event, sources: dict[str, Source]) -> list[Diagnostic]:
    """What `check` would report of this draft without its `draft: true`; [] when it is ready.
    The event loaded without errors: only the waived checks can fail."""
    needs = []
    if not event.excerpts:
        needs.append(Diagnostic(event.path, 0, 0, "needs an excerpt quoted from an archived source"))
    record = read_event_record(event.path, Report())
    if record is not None:
        published = Record({k: v for k, v in record.values.items() if k != "draft"}, record.locs, record.loc)
        report = Report()
        check_event_prose(event.path, published, sources, report)
        needs += report.diagnostics + placeholders_in(record)
    return needs
