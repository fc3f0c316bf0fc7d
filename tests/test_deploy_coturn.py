"""The shipped coturn configurations, run by a real coturn, probed by a real TURN client.

deploy/vm/turnserver.conf and the Kubernetes ConfigMap's turnserver.conf are started with only
their placeholder lines (host name, shared secret, addresses, port) filled in for this machine.
A TURN client (aioice, which aiortc uses) presents credentials minted by the app's own code
(components.turn_credentials): a fresh one must get a relay that reaches the app's address and
carries the reply back; an expired one, one signed with another secret and a fixed
user/password must be refused (401); a relay towards every private range the configs deny must
be refused (403), and so must a TCP relay (RFC 6062). Skipped where coturn is not installed
(``apt-get install coturn``); fails in CI, which installs it.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aioice import stun, turn
from aioice.stun import TransactionFailed

from components.turn_credentials import mint
from tests.programs import require_program

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET = "shared-secret-between-app-and-coturn"
# One address in each range the configs deny (the pod network 10.244/16 of the Kubernetes config
# is denied too: allowed-peer-ip is set to this machine's address in the probe).
DENIED_PEERS = ("10.1.2.3", "10.244.0.7", "172.16.5.5", "192.168.1.1", "169.254.169.254",
                "100.64.1.1", "127.0.0.1", "198.18.0.1", "0.0.0.1")


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
    """turnserver.conf from the ConfigMap; the Deployment adds secret and addresses as flags."""
    text = (REPO_ROOT / "deploy" / "coturn" / "coturn-configmap.yaml").read_text()
    body = text.split("turnserver.conf: |", 1)[1]
    return "\n".join(line[4:] for line in body.splitlines() if line.startswith("    "))


def filled_in(config: str, address: str, port: int, pidfile: Path) -> str:
    """The placeholders replaced for this machine; every other line exactly as shipped."""
    lines = [line for line in config.splitlines()
             if not line.startswith(("static-auth-secret=", "external-ip=", "allowed-peer-ip=",
                                     "listening-port=", "pidfile="))]
    return "\n".join([*lines, f"static-auth-secret={SECRET}", f"external-ip={address}",
                      f"allowed-peer-ip={address}", f"listening-port={port}",
                      f"pidfile={pidfile}", ""])


@pytest.fixture(scope="module", params=["vm", "kubernetes"])
def coturn(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    require_program("turnserver", "coturn")
    shipped = vm_config() if request.param == "vm" else kubernetes_config()
    assert re.search(r"^denied-peer-ip=127\.0\.0\.0-127\.255\.255\.255$", shipped, re.M)
    for required in ("use-auth-secret", "no-tcp-relay"):
        assert re.search(rf"^{required}$", shipped, re.M), required
    assert not re.search(r"^(user=|lt-cred-mech)", shipped, re.M)  # no fixed account
    try:
        address = app_address()
    except OSError:
        pytest.skip("this machine has no network interface besides loopback")
    tmp_path = tmp_path_factory.mktemp(f"coturn-{request.param}")
    port = free_udp_port()
    config = tmp_path / "turnserver.conf"
    config.write_text(filled_in(shipped, address, port, tmp_path / "turnserver.pid"))
    log = (tmp_path / "turnserver.log").open("wb")
    process = subprocess.Popen(["turnserver", "-c", str(config)], stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not all(f":{port} " in listening(kind) for kind in ("-lnu", "-lnt")):
            assert process.poll() is None, (tmp_path / "turnserver.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "coturn did not start listening"
            time.sleep(0.1)
        yield address, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def listening(kind: str) -> str:
    """``ss`` listing of listening UDP (-lnu) or TCP (-lnt) sockets."""
    return subprocess.run(["ss", kind], capture_output=True, text=True).stdout


class Inbox(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.errors: list[str] = []

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        self.received.append(data)

    def error_received(self, exc: Exception) -> None:
        self.errors.append(str(exc))


def fresh_credential(*, secret: str = SECRET, age_s: float = 0) -> tuple[str, str]:
    minted = mint(secret, 600, now=time.time() - age_s, tag="probe")
    return minted.username, minted.credential


async def allocation_refusal(server: tuple[str, int], username: str, password: str) -> str:
    try:
        relay, _ = await turn.create_turn_endpoint(Inbox, server, username, password)
    except TransactionFailed as exc:
        return str(exc)
    relay.close()
    await asyncio.sleep(0.1)
    return "allocated"


async def probe(address: str, port: int) -> dict[str, Any]:
    relay, client = await turn.create_turn_endpoint(Inbox, (address, port), *fresh_credential())
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
        return {"relayed": relay.get_extra_info("sockname"), "app": app.received,
                "client": delivered, "errors": list(client.errors)}
    finally:
        relay.close()
        app_transport.close()
        await asyncio.sleep(0.2)


async def tcp_relay_refusal(address: str, port: int) -> str:
    """An RFC 6062 Allocate for a TCP relay, over a TCP connection to coturn."""
    username, password = fresh_credential()
    loop = asyncio.get_running_loop()
    transport, client = await loop.create_connection(
        lambda: turn.TurnClientTcpProtocol((address, port), username=username,
                                           password=password, lifetime=600,
                                           channel_refresh_time=500),
        host=address, port=port)
    try:
        request = stun.Message(message_method=stun.Method.ALLOCATE,
                               message_class=stun.Class.REQUEST)
        request.attributes["LIFETIME"] = 600
        request.attributes["REQUESTED-TRANSPORT"] = turn.TCP_TRANSPORT
        try:
            await client.request_with_retry(request)
        except TransactionFailed as exc:
            return str(exc)
        return "allocated"
    finally:
        transport.close()


def test_a_minted_credential_relays_to_the_app_and_to_no_private_range(
        coturn: tuple[str, int]) -> None:
    address, port = coturn
    seen = asyncio.run(probe(address, port))
    relayed_host, relayed_port = seen["relayed"]
    assert relayed_host == address
    assert 49160 <= relayed_port <= 49659  # the relay range the firewall notes open
    assert seen["app"] == [b"to the app"]
    assert seen["client"] == [b"reply"]
    # denied-peer-ip keeps the relay out of private networks: one refusal per denied peer
    refusals = [e for e in seen["errors"] if "403" in e]
    assert len(refusals) == len(DENIED_PEERS), seen["errors"]


def test_expired_forged_and_fixed_credentials_are_refused(coturn: tuple[str, int]) -> None:
    address, port = coturn
    tries = {
        "expired": fresh_credential(age_s=601),
        "forged": fresh_credential(secret="a guessed secret"),
        "fixed": ("vlens", "CHANGE-ME-long-random-password"),
        "future expiry, bad signature": (f"{int(time.time()) + 10**6}:probe", "AAAA"),
    }
    seen = {name: asyncio.run(allocation_refusal((address, port), *pair))
            for name, pair in tries.items()}
    assert all("401" in outcome for outcome in seen.values()), seen


def test_a_tcp_relay_is_refused(coturn: tuple[str, int]) -> None:
    address, port = coturn
    outcome = asyncio.run(tcp_relay_refusal(address, port))
    assert "442" in outcome, outcome  # Unsupported Transport Protocol
