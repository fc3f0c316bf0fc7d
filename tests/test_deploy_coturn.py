"""The shipped coturn configurations, run by a real coturn, probed by a real TURN client.

deploy/vm/turnserver.conf and the Kubernetes ConfigMap's turnserver.conf are started with only
their placeholder lines (host name, password, addresses, port) filled in for this machine. A TURN
client (aioice, which aiortc uses) must be refused with a wrong password, get a relay with the
right one, reach the app's address through it and get the app's reply back, and be refused
(403) a relay towards every private range the configs deny. Skipped where coturn is not
installed (``apt-get install coturn``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aioice import turn
from aioice.stun import TransactionFailed

REPO_ROOT = Path(__file__).resolve().parents[1]
USERNAME, PASSWORD = "vlens", "s3cret-turn-password"
# One address in each range the configs deny (the pod network 10.244/16 of the Kubernetes config
# is denied too: allowed-peer-ip is set to this machine's address in the probe).
DENIED_PEERS = ("10.1.2.3", "10.244.0.7", "172.16.5.5", "192.168.1.1", "169.254.1.1",
                "100.64.1.1", "127.0.0.1")


def app_address() -> str:
    """This machine's non-loopback IPv4 address: where "the app" listens in the probe."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; picks the outgoing interface
        return str(probe.getsockname()[0])


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("0.0.0.0", 0))
        return int(sock.getsockname()[1])


def vm_config() -> str:
    return (REPO_ROOT / "deploy" / "vm" / "turnserver.conf").read_text()


def kubernetes_config() -> str:
    """turnserver.conf from the ConfigMap; the Deployment adds user and addresses as flags."""
    text = (REPO_ROOT / "deploy" / "coturn" / "coturn-configmap.yaml").read_text()
    body = text.split("turnserver.conf: |", 1)[1]
    return "\n".join(line[4:] for line in body.splitlines() if line.startswith("    "))


def filled_in(config: str, address: str, port: int, pidfile: Path) -> str:
    """The placeholders replaced for this machine; every other line exactly as shipped."""
    lines = [line for line in config.splitlines()
             if not line.startswith(("user=", "external-ip=", "allowed-peer-ip=",
                                     "listening-port=", "pidfile="))]
    return "\n".join([*lines, f"user={USERNAME}:{PASSWORD}", f"external-ip={address}",
                      f"allowed-peer-ip={address}", f"listening-port={port}",
                      f"pidfile={pidfile}", ""])


@pytest.fixture(params=["vm", "kubernetes"])
def coturn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    if shutil.which("turnserver") is None:
        pytest.skip("coturn is not installed (apt-get install coturn)")
    shipped = vm_config() if request.param == "vm" else kubernetes_config()
    assert re.search(r"^denied-peer-ip=127\.0\.0\.0-127\.255\.255\.255$", shipped, re.M)
    try:
        address = app_address()
    except OSError:
        pytest.skip("this machine has no network interface besides loopback")
    port = free_udp_port()
    config = tmp_path / "turnserver.conf"
    config.write_text(filled_in(shipped, address, port, tmp_path / "turnserver.pid"))
    log = (tmp_path / "turnserver.log").open("wb")
    process = subprocess.Popen(["turnserver", "-c", str(config)], stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while f":{port} " not in subprocess.run(["ss", "-lun"], capture_output=True,
                                                 text=True).stdout:
            assert process.poll() is None, (tmp_path / "turnserver.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "coturn did not start listening"
            time.sleep(0.1)
        yield address, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class Inbox(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.errors: list[str] = []

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        self.received.append(data)

    def error_received(self, exc: Exception) -> None:
        self.errors.append(str(exc))


async def probe(address: str, port: int) -> dict[str, Any]:
    server = (address, port)
    try:
        await turn.create_turn_endpoint(Inbox, server, USERNAME, "wrong password")
        wrong_password = "allocated"
    except TransactionFailed as exc:
        wrong_password = str(exc)
    relay, client = await turn.create_turn_endpoint(Inbox, server, USERNAME, PASSWORD)
    loop = asyncio.get_running_loop()
    app_transport, app = await loop.create_datagram_endpoint(Inbox, local_addr=(address, 0))
    try:
        relay.sendto(b"to the app", app_transport.get_extra_info("sockname"))
        await asyncio.sleep(1.0)
        app_transport.sendto(b"reply", tuple(relay.get_extra_info("sockname")))
        await asyncio.sleep(0.5)
        delivered = list(client.received)
        for peer in DENIED_PEERS:
            relay.sendto(b"probe", (peer, 9))
        await asyncio.sleep(1.5)
        return {"wrong_password": wrong_password, "relayed": relay.get_extra_info("sockname"),
                "app": app.received, "client": delivered, "errors": list(client.errors)}
    finally:
        relay.close()
        app_transport.close()
        await asyncio.sleep(0.2)


def test_shipped_coturn_config_relays_to_the_app_only(coturn: tuple[str, int]) -> None:
    address, port = coturn
    seen = asyncio.run(probe(address, port))
    assert "401" in str(seen["wrong_password"])
    relayed_host, relayed_port = seen["relayed"]
    assert relayed_host == address
    assert 49160 <= relayed_port <= 49659  # the relay range the firewall notes open
    assert seen["app"] == [b"to the app"]
    assert seen["client"] == [b"reply"]
    # denied-peer-ip keeps the relay out of private networks: one refusal per denied peer
    refusals = [e for e in seen["errors"] if "403" in e]
    assert len(refusals) == len(DENIED_PEERS), seen["errors"]
