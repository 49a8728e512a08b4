"""Local HTTP servers on 127.0.0.1 for tests: a request recorder, and a helper to answer a request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reply(handler: BaseHTTPRequestHandler, status: int, kind: str, body: bytes) -> None:
    """Answer a request; a client that already gave up (a timeout test) is not an error."""
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve `handler` on 127.0.0.1 (a free port, yielded) in a thread until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


class Recorder(BaseHTTPRequestHandler):
    """Records every request path; answers 200 with a tiny body."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        reply(self, 200, "text/plain", b"ok")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def recording_server() -> Iterator[tuple[int, list[str]]]:
    """A server that records every request: (port, hits)."""
    handler = type("Handler", (Recorder,), {"hits": []})
    with serve(handler) as port:
        yield port, handler.hits
