"""Run the simulator app with uvicorn on loopback, in a background thread."""

from __future__ import annotations

import atexit
import socket
import threading
import time

import uvicorn

from ..config import VlensConfig
from .app import build_app
from .presets import DEFAULT_DEMO_SCENARIO, demo_scenario
from .scenario import Scenario
from .state import RecordedRequest, SimulatorState


class Simulator:
    """A real HTTP Vlens simulator. ``start()`` returns its base URL (ephemeral port by default)."""

    def __init__(self, scenario: Scenario | None = None, *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.scenario = scenario or Scenario()
        self.state = SimulatorState(self.scenario)
        self._host, self._port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url: str | None = None

    def start(self, timeout_s: float = 10.0) -> str:
        if self.base_url is not None:
            return self.base_url
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(build_app(self.state), log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"vlens-simulator-{port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Vlens simulator did not start")
            time.sleep(0.01)
        self.base_url = f"http://{self._host}:{port}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self.base_url = None

    def serve_forever(self) -> None:
        """Run in the calling thread until interrupted (the CLI's ``simulator`` command)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def requests(self) -> list[RecordedRequest]:
        """What the simulator received, oldest first (image fields as length + SHA-256)."""
        with self.state.lock:
            return list(self.state.requests)

    def requests_to(self, path_part: str) -> list[RecordedRequest]:
        return [r for r in self.requests if path_part.lower() in r.path.lower()]

    def demo_config(self, timeout_s: float = 30.0) -> VlensConfig:
        """Credentials the simulator accepts (its demo credentials; not secrets)."""
        if self.base_url is None:
            raise RuntimeError("start the simulator first")
        s = self.scenario
        return VlensConfig(base_url=self.base_url, api_key=s.api_key,
                           tenancy_name=s.tenancy_name, username=s.username,
                           password=s.password, timeout_s=timeout_s, demo=True)


_embedded: dict[str, Simulator] = {}
_embedded_lock = threading.Lock()


def embedded_simulator(scenario: str = DEFAULT_DEMO_SCENARIO) -> Simulator:
    """The process-wide simulator for the demo scenario ``scenario`` (see ``presets``), started
    on first use and stopped at exit; ValueError naming the valid scenarios for an unknown one."""
    preset = demo_scenario(scenario)
    with _embedded_lock:
        simulator = _embedded.get(scenario)
        if simulator is None or simulator.base_url is None:
            simulator = Simulator(preset)
            simulator.start()
            atexit.register(simulator.stop)
            _embedded[scenario] = simulator
        return simulator


def forget_demo_transaction(transaction_id: str | None) -> None:
    """Demo mode's "Delete my data now": the transaction and its images leave every embedded
    simulator of this process (a real Vlens keeps them under the tenant's retention)."""
    if not transaction_id:
        return
    with _embedded_lock:
        simulators = list(_embedded.values())
    for simulator in simulators:
        simulator.state.forget_transaction(transaction_id)


def demo_config(scenario: str = DEFAULT_DEMO_SCENARIO) -> VlensConfig:
    """Config pointing at the embedded simulator of ``scenario``."""
    return embedded_simulator(scenario).demo_config()
