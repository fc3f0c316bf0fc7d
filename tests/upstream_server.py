"""A raw-socket stand-in for Vlens (or a proxy in front of it) that answers as scripted:
dripping bytes, hanging, cutting the answer off. No framework would let a test misbehave so."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable


class ScriptedServer:
    """Reads each request whole, then lets ``answer`` write whatever it likes to the socket."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self._answer = answer
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen()
        self.base_url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.paths: list[str] = []  # of every request read whole, in arrival order
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection, contextlib.suppress(OSError):
            connection.settimeout(5)
            received = b""
            while b"\r\n\r\n" not in received:
                received += connection.recv(65536)
            head, _, body = received.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                body += connection.recv(65536)
            with self._lock:
                self.paths.append(head.split(b" ")[1].decode())
            self._answer(connection)

    @property
    def requests(self) -> int:
        return len(self.paths)

    def close(self) -> None:
        self._socket.close()
