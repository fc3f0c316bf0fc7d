"""The VM's Caddyfile in a real Caddy: security headers, the operator host's allow-list, and no
/operator on the customers' host name. The upstream is a small HTTP server that records what
reaches it (the browser test tests/browser/test_security_headers_browser.py runs the real app
behind the same Caddy)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.caddy_proxy import Proxy, shipped_caddy


class Upstream(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), UpstreamHandler)
        self.paths: list[str] = []


class UpstreamHandler(BaseHTTPRequestHandler):
    server: Upstream

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        body = b"<html>app</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with shipped_caddy(tmp_path_factory.mktemp("caddy"), upstream.server_address[1],
                       operator_allow="192.0.2.0/24") as running:
        yield running


def get(proxy: Proxy, host: str, path: str = "/") -> requests.Response:
    return requests.get(f"http://127.0.0.1:{proxy.port}{path}", headers={"Host": host},
                        timeout=10, allow_redirects=False)


def test_the_customer_host_sends_the_security_headers(proxy: Proxy) -> None:
    reply = get(proxy, proxy.customer_host)
    assert reply.status_code == 200 and reply.text == "<html>app</html>"
    csp = reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert "default-src 'self'" in csp and "base-uri 'self'" in csp
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "camera=(self)" in reply.headers["Permissions-Policy"]
    assert "Server" not in reply.headers


def test_the_customer_host_does_not_pass_the_operator_path(proxy: Proxy,
                                                          upstream: Upstream) -> None:
    before = len(upstream.paths)
    for path in ("/operator", "/operator/", "/operator/x"):
        assert get(proxy, proxy.customer_host, path).status_code == 404
    assert len(upstream.paths) == before


def test_the_operator_host_refuses_addresses_outside_its_allow_list(
        proxy: Proxy, upstream: Upstream) -> None:
    before = len(upstream.paths)
    reply = get(proxy, proxy.operator_host, "/operator")
    assert reply.status_code == 403
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert len(upstream.paths) == before


def test_the_operator_host_admits_a_listed_address_and_frame_ancestors_is_configurable(
        upstream: Upstream, tmp_path: Path) -> None:
    with shipped_caddy(tmp_path, upstream.server_address[1], operator_allow="127.0.0.1/32",
                       frame_ancestors="https://shop.example.com") as proxy:
        reply = get(proxy, proxy.operator_host, "/operator")
    assert reply.status_code == 200
    assert upstream.paths[-1] == "/operator"
    assert ("frame-ancestors 'self' https://shop.example.com"
            in reply.headers["Content-Security-Policy"])
