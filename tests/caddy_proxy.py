"""The shipped deploy/vm/Caddyfile run by a real Caddy (Debian's ``caddy`` package).

Only its placeholders are filled in for this machine: the two host names become
``http://customer.localhost:<port>`` and ``http://operator.localhost:<port>`` (no certificates
offline), the upstream becomes the given port, and Caddy's admin endpoint is turned off so
parallel runs do not collide. Every header, matcher and response is exactly as shipped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.programs import require_program

REPO_ROOT = Path(__file__).resolve().parents[1]
CADDYFILE = REPO_ROOT / "deploy" / "vm" / "Caddyfile"


@dataclass(frozen=True)
class Proxy:
    port: int

    @property
    def customer_host(self) -> str:
        return f"customer.localhost:{self.port}"

    @property
    def operator_host(self) -> str:
        return f"operator.localhost:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def filled_in(shipped: str, port: int, upstream_port: int) -> str:
    text = shipped.replace("operator.verify.example.com {",
                           f"http://operator.localhost:{port} {{")
    text = text.replace("verify.example.com {", f"http://customer.localhost:{port} {{")
    text = text.replace("reverse_proxy 127.0.0.1:8501", f"reverse_proxy 127.0.0.1:{upstream_port}")
    return "{\n\tadmin off\n}\n" + text


@contextmanager
def shipped_caddy(tmp_path: Path, upstream_port: int, operator_allow: str,
                  frame_ancestors: str = "") -> Iterator[Proxy]:
    caddy = require_program("caddy", "caddy")
    port = free_port()
    config = tmp_path / "Caddyfile"
    config.write_text(filled_in(CADDYFILE.read_text(), port, upstream_port))
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "OPERATOR_ALLOW": operator_allow,
           "FRAME_ANCESTORS": frame_ancestors}
    log_path = tmp_path / "caddy.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([caddy, "run", "--config", str(config), "--adapter",
                                    "caddyfile"], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, log_path.read_text()[-2000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Caddy did not start listening"
                time.sleep(0.1)
        yield Proxy(port)
    finally:
        process.terminate()
        process.wait(timeout=10)
