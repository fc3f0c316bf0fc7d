"""At most one billable call per customer action, against a hostile or broken upstream.

A raw-socket server plays Vlens (or a proxy in front of it) answering in ways no framework
would: dripping the answer a byte at a time, cutting it off after the headers, sending far too
much. A verify POST is sent exactly once in each case, ends by its deadline, and reports
``possibly_billed`` when the work may have been done.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest

from components.vlens import VlensClient, VlensNetworkError, VlensServiceError, VlensTimeoutError
from components.vlens import transport as transport_module
from components.vlens.simulator import Simulator
from tests.conftest import Jpegs
from tests.upstream_server import ScriptedServer

ClientFor = Callable[..., VlensClient]
JSON_HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"


@pytest.fixture
def scripted(simulator: Simulator, client_for: ClientFor
             ) -> Iterator[Callable[..., tuple[ScriptedServer, VlensClient]]]:
    servers: list[ScriptedServer] = []

    def start(answer: Callable[[socket.socket], None], timeout_s: float = 1.0
              ) -> tuple[ScriptedServer, VlensClient]:
        server = ScriptedServer(answer)
        servers.append(server)
        client = client_for(simulator, base_url=server.base_url, username=None, password=None,
                            access_token="pre-issued", timeout_s=timeout_s)
        return server, client

    yield start
    for server in servers:
        server.close()


def drip(data: bytes, every_s: float = 0.1) -> Callable[[socket.socket], None]:
    def answer(connection: socket.socket) -> None:
        for i in range(len(data)):
            connection.sendall(data[i:i + 1])
            time.sleep(every_s)
    return answer


BODY = b'{"data": {"idFrontData": {"transaction_id": "x"}}, "error_code": null}' + b" " * 400


@pytest.mark.parametrize("where", ["body", "headers"])
def test_an_answer_dripped_byte_by_byte_ends_at_the_deadline(
    scripted: Callable[..., tuple[ScriptedServer, VlensClient]], jpegs: Jpegs, where: str
) -> None:
    head = JSON_HEADERS % len(BODY)
    answer = drip(BODY) if where == "body" else drip(head + BODY)

    def script(connection: socket.socket) -> None:
        if where == "body":
            connection.sendall(head)
        answer(connection)

    server, client = scripted(script, timeout_s=1.0)  # the whole drip would take 50 s or more
    started = time.monotonic()
    with pytest.raises(VlensTimeoutError) as caught:
        client.verify_id_front(jpegs.id_front)
    assert time.monotonic() - started < 2.5
    assert caught.value.possibly_billed and server.requests == 1


def test_an_answer_cut_off_after_its_headers_is_possibly_billed_and_not_resent(
    scripted: Callable[..., tuple[ScriptedServer, VlensClient]], jpegs: Jpegs
) -> None:
    server, client = scripted(lambda connection: connection.sendall(
        JSON_HEADERS % 1000 + b'{"data": {"idFrontData"'))
    with pytest.raises(VlensNetworkError) as caught:
        client.verify_id_front(jpegs.id_front)
    assert caught.value.possibly_billed and server.requests == 1
    with pytest.raises(VlensNetworkError) as listing:
        client.list_user_images("+201001234567")  # a read is safe to resend
    assert not listing.value.possibly_billed and server.requests == 4


def test_an_answer_larger_than_the_limit_is_refused(
    scripted: Callable[..., tuple[ScriptedServer, VlensClient]], jpegs: Jpegs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transport_module, "MAX_ANSWER_BYTES", 100_000)
    server, client = scripted(lambda connection: connection.sendall(
        JSON_HEADERS % 300_000 + b"[" + b" " * 299_999))
    with pytest.raises(VlensServiceError, match="larger than"):
        client.verify_id_front(jpegs.id_front)
    assert server.requests == 1
