"""A fake helpdesk API: a real HTTP server on loopback that records requests and follows a script.

Unscripted requests get the answers the four platforms' APIs give on success, enough for
write-back to run: Freshdesk's ticket (with its own tags), Intercom's and Front's tags.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, str], Any]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None


class FakePlatform:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._script: dict[tuple[str, str], deque[Answer]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakePlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, method: str, path: str, *answers: Answer) -> None:
        """Answer the next requests to (method, path) with these, in order; then as usual."""
        with self._lock:
            self._script.setdefault((method, path), deque()).extend(answers)

    def made(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or r.path == path)
            ]

    def _answer(self, method: str, path: str, body: Any) -> Answer:
        with self._lock:
            scripted = self._script.get((method, path))
            if scripted:
                return scripted.popleft()
        if method == "POST" and path == "/tags":  # Intercom and Front create a tag by name
            return 200, {}, {"type": "tag", "id": "tag_" + body["name"], "name": body["name"]}
        if method == "GET" and path == "/tags":  # Front lists the company's tags
            existing = {"id": "tag_existing", "name": "triage__sentiment__negative"}
            return 200, {}, {"_results": [existing], "_pagination": {"next": None}}
        if method == "GET" and path.startswith("/api/v2/tickets/"):  # Freshdesk's ticket
            return (
                200,
                {},
                {"id": path.rsplit("/", 1)[-1], "tags": ["vip", "triage__type__neutral"]},
            )
        return 200, {}, {}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with platform._lock:
                    platform.requests.append(
                        Recorded(
                            method=self.command,
                            path=self.path,
                            headers={k.lower(): v for k, v in self.headers.items()},
                            body=body,
                        )
                    )
                status, headers, answer = platform._answer(self.command, self.path, body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        return Handler
