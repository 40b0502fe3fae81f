"""Every URL of the site in one place: internal links, assets and absolute forms."""

from __future__ import annotations

from urllib.parse import urlsplit

from site_builder.model import Event, Excerpt, Site


class Urls:
    def __init__(self, site: Site, assets: dict[str, str]):
        self.site = site
        self.base = site.config.base_path
        self._origin = "{0.scheme}://{0.netloc}".format(urlsplit(site.config.base_url))
        self._assets = assets

    @property
    def assets(self) -> dict[str, str]:
        """Logical asset name -> output path (content-hashed)."""
        return self._assets

    def home(self, query: str = "") -> str:
        return self.base + (f"?{query}" if query else "")

    def event(self, event: Event | str) -> str:
        return f"{self.base}events/{getattr(event, 'id', event)}/"

    def source(self, source_id: str) -> str:
        return f"{self.base}sources/{source_id}/"

    def excerpt(self, excerpt: Excerpt) -> str:
        """The highlighted passage on our copy of the source."""
        return f"{self.source(excerpt.source_id)}#{excerpt.anchor}"

    def original(self, excerpt: Excerpt) -> str | None:
        """The passage on the publisher's page, via a text fragment."""
        url = self.site.sources_by_id[excerpt.source_id].url
        return url.split("#")[0] + excerpt.selector.fragment if url else None

    def page(self, path: str) -> str:
        return self.base + path

    def asset(self, name: str) -> str:
        return self.base + self._assets[name]

    def absolute(self, url: str) -> str:
        return self._origin + url


def output_path(url: str, base: str) -> str:
    """The file a URL is served from: /sub/events/x/ -> events/x/index.html."""
    path = url[len(base):] if url.startswith(base) else url.lstrip("/")
    return path + "index.html" if path.endswith("/") or not path else path
