"""`pagefind --service`, spoken to directly: where its binary is, and its message protocol."""

from __future__ import annotations

import base64
import json
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path


# The longest a Pagefind process may take to answer one request (a part's files take the longest):
# past it the build fails rather than wait for ever on a binary that hangs.
ANSWER_SECONDS = 600


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build stops before anything goes live."""


def inside_bundle(path: str) -> bool:
    """Whether a relative path stays inside the folder it is written under."""
    return bool(path) and not path.startswith(("/", "\\")) and ".." not in path.replace("\\", "/").split("/")


def locate_pagefind() -> str:
    """The pagefind binary: PAGEFIND_BINARY_PATH, else the one the pagefind[bin] package brings."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None or not Path(binary).is_file():
        raise SearchIndexError("the pagefind binary is missing: install the package with "
                               "`pip install -e .`, which brings pagefind[bin]")
    return str(binary)


def _message(message_id: int, payload: bytes) -> bytes:
    """What json.dumps gives {"message_id": message_id, "payload": ...}, without decoding the payload."""
    return b'{"message_id": %d, "payload": %b}' % (message_id, payload)


class PagefindService:
    """`pagefind --service`, spoken to directly: base64 JSON messages, each ended by a comma. The
    official `pagefind` Python wrapper's protocol (we use its binary locator), without its polling
    for each answer, which is slow on a site of many records."""

    # Requests may be sent without waiting for the answers (`request_all`): Pagefind handles them in
    # turn and answers in order, which is checked, so the index is the one sending them one at a time
    # would build. A thread reads the answers, so neither side ever waits on a full pipe.

    def __init__(self, binary: str | None = None):
        binary = binary or locate_pagefind()
        self._errors = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise SearchIndexError(f"cannot run {binary}: {exc}") from exc
        self._sent = self._answered = 0
        self._answers: queue.Queue[bytes | None] = queue.Queue()  # None: pagefind's output ended
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._reader.start()

    def request(self, payload: dict) -> dict:
        return self.request_all([payload])[-1]

    def request_all(self, payloads: Iterable[dict]) -> list[dict]:
        """Send every request, then collect their answers; the first refusal raises."""
        return self.request_encoded((payload["type"], json.dumps(payload).encode("utf-8")) for payload in payloads)

    def request_encoded(self, requests: Iterable[tuple[str, bytes]]) -> list[dict]:
        """request_all for payloads already encoded: (type, the payload's JSON)."""
        types = []
        try:
            for kind, payload in requests:
                self._sent += 1
                self._process.stdin.write(base64.b64encode(_message(self._sent, payload)) + b",")
                types.append(kind)
            self._process.stdin.flush()
        except OSError as exc:
            raise SearchIndexError(f"pagefind stopped answering ({exc}){self._stderr()}") from exc
        return [self._answer(kind) for kind in types]

    def _answer(self, kind: str) -> dict:
        try:
            raw = self._answers.get(timeout=ANSWER_SECONDS)
        except queue.Empty:
            self._process.kill()
            raise SearchIndexError(f"pagefind gave no answer to {kind} in {ANSWER_SECONDS} s{self._stderr()}") from None
        self._answered += 1
        try:
            if raw is None:
                raise OSError("end of output")
            answer = json.loads(base64.b64decode(raw))
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"pagefind stopped answering ({exc}){self._stderr()}") from exc
        reply = answer.get("payload", {})
        if reply.get("type") == "Error":
            raise SearchIndexError(f"pagefind refused {kind}: {reply.get('message', reply)}")
        if answer.get("message_id") != self._answered:
            raise SearchIndexError(f"pagefind answered message {answer.get('message_id')} "
                                   f"when {self._answered} was next ({kind})")
        return reply

    def _read_answers(self) -> None:
        """Reader thread: each comma-ended message from pagefind's output, then None."""
        pending: list[bytes] = []  # the start of a message longer than one read (GetFiles' answer)
        try:
            while chunk := self._process.stdout.read1(1 << 16):
                *messages, rest = chunk.split(b",")
                if messages:
                    messages[0] = b"".join([*pending, messages[0]])
                    pending.clear()
                pending.append(rest)
                for message in messages:
                    self._answers.put(message)
        except (OSError, ValueError):  # the pipe was closed under us: the service is going away
            pass
        self._answers.put(None)

    def _stderr(self) -> str:
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", "replace").strip()
        return f": {text}" if text else ""

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._process.stdin.close()
        except OSError:  # it already stopped: the error that ended the work is what to report
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=10)
        self._errors.close()
