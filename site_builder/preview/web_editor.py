"""The web editor in the preview: /admin/ (Decap CMS, served with its own CSP and without the reload
script) and /api/v1, the local backend, answering only pages of the preview's own origin."""

from __future__ import annotations

import json
import mimetypes

import jinja2
import yaml
from tornado import web

from site_builder.content.load import SitePaths, load_config
from site_builder.errors import Report
from site_builder.preview.access import _HostChecked
from site_builder.preview.local_backend import LocalBackend, Refused
from site_builder.render.admin import ADMIN_CSP, ADMIN_PAGE, CMS_SCRIPT, cms_files, config_yaml, site_backend
from site_builder.render.theme import packaged_themes

MAX_REQUEST = 40 << 20  # bytes of one request: a media file, base64-encoded


class AdminFiles(_HostChecked, web.RequestHandler):
    """GET /admin/...: the editor's page, its config.yml for the local backend, the CMS's files."""

    def initialize(self, root):
        self.root = root

    def get(self, name: str | None):
        if name is None:
            return self.redirect("/admin/", permanent=False)
        name = name.lstrip("/")
        if name in ("", "index.html"):
            data, kind = admin_page(self._site_config()), "text/html; charset=utf-8"
        elif name == "config.yml":
            config = self._site_config()
            if config is None:
                raise web.HTTPError(500, "site.yaml has errors; see the preview")
            data = config_yaml(config, site_backend(config))
            data += local_backend_yaml(self.request.host, self.request.host_name)
            kind = "text/yaml; charset=utf-8"
        else:
            path = dict(cms_files()).get(name)
            if path is None:
                raise web.HTTPError(404)
            data, kind = path.read_bytes(), mimetypes.guess_type(name)[0] or "application/octet-stream"
            if name.endswith(".wasm"):
                kind = "application/wasm"
        self.set_header("Content-Type", kind)
        self.set_header("Content-Security-Policy", ADMIN_CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")
        self.finish(data)

    def head(self, name: str | None):
        return self.get(name)  # tornado sends get's headers and drops its body

    def _site_config(self):
        return load_config(SitePaths(self.root), Report(), None)


class EditorApi(_HostChecked, web.RequestHandler):
    """POST /api/v1 {action, params}: Decap's local backend, for the preview's own pages only."""

    def initialize(self, backend: LocalBackend):
        self.backend = backend

    def post(self):
        access = self.application.settings["access"]
        if not access.origin_ok(self.request.headers.get("Origin", "")):
            return self._json(403, {"error": "only the preview's own pages may use the editor's backend"})
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            return self._json(415, {"error": "expected application/json"})
        if len(self.request.body) > MAX_REQUEST:
            return self._json(413, {"error": "request too large"})
        try:
            request = json.loads(self.request.body)
        except (ValueError, RecursionError):
            return self._json(400, {"error": "the request is not JSON the editor sends"})
        try:
            answer = self.backend.answer(request)
        except Refused as exc:
            self.backend.say(f"web editor: refused: {exc}")
            return self._json(422, {"error": str(exc)})
        except OSError as exc:
            return self._json(500, {"error": f"{type(exc).__name__}: {exc.strerror or exc}"})
        return self._json(200, answer)

    def _json(self, status: int, value) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(value))


def local_backend_yaml(host: str, host_name: str) -> bytes:
    """config.yml's local_backend block for the address the editor was opened at (an IPv6 one
    too: dumped, never formatted, so "[::1]" stays a string)."""
    block = {"local_backend": {"url": f"http://{host}/api/v1", "allowed_hosts": [host_name]}}
    return yaml.safe_dump(block, sort_keys=False, allow_unicode=True).encode("utf-8")


def admin_page(config) -> bytes:
    """The page that loads the CMS, from the packaged theme: serve offers it even while the site's
    own templates are broken."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(packaged_themes() / "default" / "templates")),
                             autoescape=True)
    return env.get_template(ADMIN_PAGE).render(config=config, script=CMS_SCRIPT).encode("utf-8")


def routes(root, say) -> list:
    """The editor's routes, before the preview's own."""
    return [(r"/admin(/.*)?", AdminFiles, {"root": root}),
            (r"/api/v1", EditorApi, {"backend": LocalBackend(root, say)})]
