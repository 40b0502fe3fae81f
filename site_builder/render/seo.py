"""Discoverability: sitemap.xml, robots.txt and the schema.org JSON-LD each page carries, built as
plain data and serialised with Jinja's htmlsafe JSON dumper (`<`, `>`, `&` and `'` become \\u
escapes), so no text from content can close the <script type="application/ld+json"> it sits in."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

import jinja2
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from site_builder.model import Event, Excerpt, Site, Source
from site_builder.render.memo import Memo
from site_builder.render.pages import Page, RenderContext
from site_builder.render.urls import Urls

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_urls(ctx: RenderContext) -> list[str]:
    """Every page worth finding from a search engine, absolute (no 404, search or embed views)."""
    urls = ctx.urls
    pages = [urls.home(), urls.page("sources/")]
    pages += [urls.event(e) for e in ctx.site.events]
    pages += [urls.source(s.id) for s in ctx.site.sources]
    return [urls.absolute(p) for p in pages]


def sitemap_xml(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    urls = sitemap_urls(ctx)
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for url in urls:
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc").text = url
    ET.indent(root)
    yield "sitemap.xml", ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(ctx: RenderContext) -> Iterable[tuple[str, bytes]]:
    urls = ctx.urls
    # The embed view is not disallowed: crawlers must be able to read its `noindex`.
    lines = ["User-agent: *", f"Disallow: {urls.page('search/')}", "",
             f"Sitemap: {urls.absolute(urls.page('sitemap.xml'))}", ""]
    yield "robots.txt", "\n".join(lines).encode("utf-8")


# --- JSON-LD ------------------------------------------------------------------------------------

@jinja2.pass_context
def structured_data(context) -> Markup:
    """The page's schema.org description as safe JSON, for <script type="application/ld+json">."""
    site: Site = context["site"]
    urls: Urls = context["urls"]
    page: Page = context["page"]
    if page.kind == "event" and "event" in context:
        return Markup(event_ld_json(site, urls, context["event"], context.get("memo")))
    if page.kind == "source" and "source" in context:
        data = {"@context": "https://schema.org", **news_article_ld(site, urls, context["source"])}
    else:
        data = website_ld(site, urls)
    return Markup(htmlsafe_json_dumps(data, dumps=_compact_json))


def _compact_json(data, **kwargs) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), **kwargs)


def website_ld(site: Site, urls: Urls) -> dict:
    config = site.config
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": config.title,
        "description": config.description,
        "url": urls.absolute(urls.home()),
        "inLanguage": config.language,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint",
                       "urlTemplate": urls.absolute(urls.page("search/")) + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


def event_ld(site: Site, urls: Urls, event: Event) -> dict:
    data = _event_ld_head(urls, event)
    data["citation"] = [news_article_ld(site, urls, site.sources_by_id[s]) for s in _cited(event)]
    data["subjectOf"] = [quotation_ld(site, urls, x) for x in event.excerpts]
    return data


def event_ld_json(site: Site, urls: Urls, event: Event, memo: Memo | None = None) -> str:
    """_safe_json(event_ld(...)) made from pieces: the head and quotations serialised together, each
    source's citation once per render (memo), not per event citing it, put in before the top-level
    `,"subjectOf":` (the only one to be found: in a string, a quotation mark is escaped)."""
    memo = memo or Memo()
    citations = ",".join(memo.value(_citation_json, urls, site.sources_by_id[s]) for s in _cited(event))
    quotations = [quotation_ld(site, urls, x) for x in event.excerpts]
    rest = _safe_json({**_event_ld_head(urls, event), "subjectOf": quotations})
    at = rest.rindex(',"subjectOf":')
    return f'{rest[:at]},"citation":[{citations}]{rest[at:]}'


def _cited(event: Event) -> dict:
    return dict.fromkeys(x.source_id for x in event.excerpts)


def _safe_json(data) -> str:
    return str(htmlsafe_json_dumps(data, dumps=_compact_json))


def _citation_json(urls: Urls, source: Source) -> str:
    return _safe_json(news_article_ld(None, urls, source))


def _event_ld_head(urls: Urls, event: Event) -> dict:
    """event_ld without its citations and quotations (which come last)."""
    when = event.when
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": urls.absolute(urls.event(event)),
        "url": urls.absolute(urls.event(event)),
        "name": event.title,
        "description": " ".join(event.summary.split()),
        "startDate": when.iso(),  # as precise as the sources: "2025-06" stays a month
        "eventStatus": "https://schema.org/EventScheduled",
    }
    if when.start.years_ago:
        del data["startDate"]  # no ISO 8601 date says "66 million years ago" without claiming a year
    if when.end:
        data["endDate"] = when.end.iso()
    if event.place:
        data["location"] = {"@type": "Place", "name": event.place, "address": event.place}
    if event.actors:
        data["actor"] = [{"@type": "Person", "name": name} for name in event.actors]
    if event.tags:
        data["keywords"] = ", ".join(event.tags)
    return data


def news_article_ld(site: Site | None, urls: Urls, source: Source) -> dict:
    data = {
        "@type": "NewsArticle",
        "headline" if not source.title_supplied else "name": source.title,
        "publisher": {"@type": "Organization", "name": source.publisher},
        "datePublished": source.published_at.isoformat() if source.published_at else source.published.iso(),
        "inLanguage": source.language,
        "url": source.url or urls.absolute(urls.source(source.id)),
        "archivedAt": urls.absolute(urls.source(source.id)),
    }
    if source.author:
        data["author"] = {"@type": "Person", "name": source.author}
    return data


def quotation_ld(site: Site, urls: Urls, excerpt: Excerpt) -> dict:
    source = site.sources_by_id[excerpt.source_id]
    return {"@type": "Quotation", "text": " […] ".join(excerpt.selector.quoted),
            "url": urls.absolute(urls.excerpt(excerpt)),
            "isPartOf": {"@type": "NewsArticle", "headline" if not source.title_supplied else "name": source.title,
                         "url": source.url or urls.absolute(urls.source(source.id))}}
