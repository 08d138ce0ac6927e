"""A webhook receiver on 127.0.0.1 for the notification tests: a real HTTP server in a
thread that checks each request's Standard Webhooks signature and can be told to answer
the first request too late (a timeout at the sender)."""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook


@dataclass
class Receiver:
    """What the receiver saw: every request (headers, body, signature valid or not)."""

    url: str = ""
    secret: str = ""
    slow_first: float = 0.0
    status: int = 204
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events_once(self) -> list[str]:
        """The webhook ids in the order first seen, each once (the receiver's dedup)."""
        seen: list[str] = []
        for request in self.requests:
            if request["id"] not in seen:
                seen.append(request["id"])
        return seen


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                Webhook(state.secret).verify(body, headers)
                valid = True
            except Exception:
                valid = False
            with state.lock:
                first = not state.requests
                state.requests.append(
                    {"id": headers.get("webhook-id"), "valid": valid, "body": json.loads(body)}
                )
            if first and state.slow_first:
                time.sleep(state.slow_first)  # the sender gives up before this answer
            try:
                self.send_response(state.status)
                self.end_headers()
            except OSError:
                pass  # the sender has hung up

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/nsw"
    yield state
    server.shutdown()
    server.server_close()
