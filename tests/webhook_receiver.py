"""A real webhook receiver for tests: an HTTP server on loopback that records what arrives.

``answers`` decides each reply in turn (an int status, or "hang" to hold the connection until
the receiver stops or ``release()`` is called); when they run out it answers 200.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from components.integration.signing import webhook_signature_valid

MAX_BODY = 1_000_000


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes
    answered: int | str

    @property
    def event_id(self) -> str:
        return self.headers["Webhook-Id"]

    def signed_with(self, secret: str) -> bool:
        return webhook_signature_valid(secret, self.headers, self.body)


class Receiver:
    def __init__(self, answers: list[int | str] | None = None, port: int = 0) -> None:
        self.answers = list(answers or [])
        self.deliveries: list[Delivery] = []
        self.visits: list[str] = []  # paths of GET requests (a browser sent back by the app)
        self.arrived = threading.Condition()
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length", "0")), MAX_BODY)
                body = self.rfile.read(length)
                with receiver.arrived:
                    answer: int | str = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.deliveries.append(Delivery(dict(self.headers.items()), body, answer))
                    receiver.arrived.notify_all()
                if answer == "hang":
                    receiver._release.wait(30)
                    return
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                with receiver.arrived:
                    receiver.visits.append(self.path)
                    receiver.arrived.notify_all()
                page = b"<html><body><h1>Welcome back</h1></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/vlens"

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        self._release.set()

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Delivery]:
        """Block until ``count`` deliveries arrived (or fail after ``timeout``)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.deliveries) >= count, timeout):
                raise AssertionError(f"{len(self.deliveries)} of {count} deliveries arrived")
            return list(self.deliveries)


@contextmanager
def running_receiver(answers: list[int | str] | None = None, port: int = 0
                     ) -> Iterator[Receiver]:
    receiver = Receiver(answers, port).start()
    try:
        yield receiver
    finally:
        receiver.stop()
