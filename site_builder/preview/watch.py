"""Watching the site folder: after each burst of saves, a rebuild of what changed, published to the
app in one assignment, then the browser reloaded."""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
import traceback
from pathlib import Path

from site_builder.content.load import SitePaths, ignored_name, load_config
from site_builder.errors import ContentError, Diagnostic, Report, display_path
from site_builder.preview.app import Preview, Snapshot, terminal_safe
from site_builder.preview.session import Session

QUIET_SECONDS = 0.2  # a burst of saves (a git checkout) ends when nothing changed for this long


def snapshot_tree(paths: list[Path], root: Path | None = None) -> dict[str, tuple]:
    """path -> (mtime, size, inode, type) of everything under the watched paths but folders: also
    links, FIFOs and the like, so that adding or removing one rebuilds and the loader says what is
    wrong with it. A watched path that is a link out of root is noted, never walked."""
    limit = os.path.realpath(root) + os.sep if root is not None else None
    found: dict[str, tuple] = {}
    stack = []
    for top in map(str, paths):
        try:
            st = os.lstat(top)
            if stat.S_ISLNK(st.st_mode) and limit and not os.path.realpath(top).startswith(limit):
                found[top] = _stamp(st)
            elif os.path.isdir(top):
                stack.append(top)
            else:
                found[top] = _stamp(os.stat(top) if stat.S_ISLNK(st.st_mode) else st)
        except OSError:  # absent (a templates/ not made yet), or a link loop: the next scan looks again
            continue
    while stack:
        try:
            with os.scandir(stack.pop()) as listing:
                entries = list(listing)
        except OSError:  # vanished or unreadable: the next scan sees it
            continue
        for entry in entries:
            if ignored_name(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:  # a dangling link or a link loop: the link itself
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
            found[entry.path] = _stamp(st)
    return found


def _stamp(st: os.stat_result) -> tuple:
    return st.st_mtime_ns, st.st_size, st.st_ino, stat.S_IFMT(st.st_mode)


class Rebuilder:
    """Watches the site, waits for a quiet moment, rebuilds, publishes, reloads the browser.
    Unlike livereload's own watcher (its reload throttle), it never drops a change: anything seen
    during a rebuild starts another one."""

    def __init__(self, session: Session, preview: Preview, watched: list[Path], reload, out=sys.stdout):
        self.session, self.preview, self.watched = session, preview, watched
        self.reload = reload  # called (from this thread) after each publish
        self.out = out
        self._shown_errors: tuple = ()
        self._incomplete = False  # the first build left renderers for complete()
        self._stop = threading.Event()
        self._folder = os.getcwd()  # what a relative site path is relative to (see _in_folder)
        self._folder_gone = False
        self._pending: set[Path] = set()  # changed files seen, not yet rebuilt
        self._last_change = 0.0
        self.known = snapshot_tree(watched, session.root)  # before the first build: a save during it still counts

    def build_now(self, changed: set[Path] | None = None, after_first_pages: frozenset = frozenset()) -> None:
        """Rebuild and publish; after_first_pages: renderers to leave for complete()
        (on_request.AFTER_FIRST_PAGES)."""
        started = time.perf_counter()
        if changed and self._settings_changed(changed):  # a while on a large site: said first
            self._say("site.yaml changed: rendering every page again...")
        generation = self._rebuilt(changed, after_first_pages)
        if generation is None:
            return
        stats = generation.stats
        what = " (" + ", ".join(display_path(str(p)) for p in sorted(changed)[:3]) \
            + (" ...)" if len(changed) > 3 else ")") if changed else ""  # the first build: nothing to name
        if self._shown_errors:
            self._say("fixed: the content builds again")
        self._shown_errors = ()
        if stats.renderers_after_first_pages or stats.renderers_pages_when_asked:
            self.preview.complete.clear()  # until complete() has made them
            self._incomplete = True
        self._say(f"{'rebuilt' if changed else 'built'} in {time.perf_counter() - started:.2f} s{what}: "
                  f"{stats.pages_rendered} of {generation.pages} pages rendered"
                  + (" (the others when asked for, until all are)" if stats.renderers_pages_when_asked else "")
                  + f", {generation.verified} event{'' if generation.verified == 1 else 's'} verified"
                  + self._drafts_left_out()
                  + ("; the feeds, exports and sitemap follow" if stats.renderers_after_first_pages else ""))
        self.reload()

    def _settings_changed(self, changed: set[Path]) -> bool:
        """Whether site.yaml is among the changed files, after a good build, and reads without
        errors (they are said instead): every page is rendered again then."""
        paths = SitePaths(Path(self.session.root))
        if self.session.steps.config is None or paths.config.absolute() not in {Path(p).absolute() for p in changed}:
            return False
        report = Report()
        return load_config(paths, report, self.session.base_url) is not None and not report

    def _drafts_left_out(self) -> str:
        """The drafts the last load left out, as build and check count them ('' when none)."""
        loaded, site = self.session.steps.site_key, self.session.steps.site
        left_out = len(loaded[3]) - len(site.events) if loaded and site is not None else 0
        return f"; {left_out} draft{'' if left_out == 1 else 's'} left out (--drafts includes them)" if left_out else ""

    def complete(self) -> None:
        """The second step of a first build that left renderers out: a rebuild with nothing
        changed, in which only they run (the load and every page are taken as they were). Requests
        for files not found wait for it; its errors show as any rebuild's."""
        if not self._incomplete:
            return
        self._incomplete = False
        started = time.perf_counter()
        try:
            generation = self._rebuilt(set())
        finally:  # published (or failed): the requests waiting for it look again
            self.preview.complete.set()
        if generation is not None:
            self._say(f"made the feeds, exports and sitemap in {time.perf_counter() - started:.2f} s; "
                      "every page is ready")

    def _rebuilt(self, changed: set[Path] | None, after_first_pages: frozenset = frozenset()):
        """session.rebuild, its generation published; None when it failed (its errors shown)."""
        try:
            generation = self.session.rebuild(changed, after_first_pages)
        except ContentError as exc:
            self._failed(tuple(exc.diagnostics))
            return None
        except Exception as exc:  # a bug of ours or a file yanked away mid-read: report, keep serving
            if os.environ.get("SITE_BUILDER_DEBUG"):
                traceback.print_exc()
            self._failed((Diagnostic(str(self.session.root), 1, 1,
                                     f"internal error while rebuilding: {type(exc).__name__}: {exc}",
                                     "this may be a bug in site-builder; the previous good site is still served"),))
            return None
        self.preview.publish(Snapshot(generation.serving()))
        return generation

    def _failed(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        self.preview.publish(Snapshot(self.preview.snapshot.files, diagnostics))
        count = len(diagnostics)
        errors = f"{count} error{'s' if count != 1 else ''}"
        if diagnostics != self._shown_errors:  # each distinct set of errors once
            for d in diagnostics:
                self._say(d.format())
            self._say(f"{errors}; the browser shows {'it' if count == 1 else 'them'} until fixed, "
                      "the last good site is kept")
        else:
            self._say(f"still the same {errors} as above")
        self._shown_errors = diagnostics
        self.reload()

    def _say(self, text: str) -> None:
        """A line for the terminal: a file name's control characters are shown, not obeyed."""
        print(terminal_safe(text), file=self.out, flush=True)

    def watch_forever(self, interval: float = 0.1) -> None:
        """Poll the watched files; rebuild once per burst of changes, never losing one. Nothing
        stops it but stop(): an error of its own is said, and it keeps watching."""
        self.complete()
        while not self._stop.is_set():
            try:
                wait = self._poll(interval) if self._in_folder() else max(interval, QUIET_SECONDS)
            except Exception as exc:  # a bug of ours, or the folder changing under a scan
                if os.environ.get("SITE_BUILDER_DEBUG"):
                    traceback.print_exc()
                self._say(f"the watcher hit an error and keeps watching: {type(exc).__name__}: {exc}")
                wait = max(interval, QUIET_SECONDS)
            self._stop.wait(wait)

    def _in_folder(self) -> bool:
        """Whether the working folder is there. When it was deleted (the site folder itself, say,
        removed and made again), a relative site path is dead until this process enters a folder
        of that name again: it says so once, and enters it as soon as it is back (or the site
        folder, when that is named in full)."""
        try:
            os.getcwd()
            return True
        except FileNotFoundError:
            pass
        if not self._folder_gone:
            self._folder_gone = True
            self._say(f"the folder {self._folder} was deleted; rebuilds wait until it is back")
        root = Path(self.session.root)
        for folder in (self._folder, *([root] if root.is_absolute() else [])):
            try:
                os.chdir(folder)
            except OSError:
                continue
            self._folder_gone = False
            self._say(f"the folder {folder} is there again; watching it")
            return True
        return False

    def _poll(self, interval: float) -> float:
        """One scan, and a rebuild when a burst of changes has ended; the seconds to wait."""
        scan_started = time.monotonic()
        current = snapshot_tree(self.watched, self.session.root)
        changed = {Path(p) for p in current.keys() | self.known.keys() if current.get(p) != self.known.get(p)}
        self.known = current
        now = time.monotonic()
        if changed:
            self._pending |= changed
            self._last_change = now
        if self._pending and now - self._last_change >= QUIET_SECONDS:
            batch, self._pending = self._pending, set()
            self.build_now(batch)
            return 0  # changes saved during the rebuild show up in the next scan
        # Scanning a huge site takes longer: keep it under a fifth of the time. Once a change is
        # pending, look again as soon as the quiet period can have passed, not a slow cycle later.
        wait = max(interval, 4 * (time.monotonic() - scan_started))
        if self._pending:
            wait = min(wait, max(0.02, self._last_change + QUIET_SECONDS - time.monotonic()))
        return wait

    def stop(self) -> None:
        self._stop.set()


def watched_paths(root: Path) -> list[Path]:
    """Also those that do not exist yet: a templates/ folder made while serving counts."""
    return [root / "site.yaml", root / "content", root / "themes", root / "templates", root / "static"]


