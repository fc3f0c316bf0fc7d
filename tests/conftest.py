"""Shared fixtures: real JPEGs from tests/imagery.py and started Vlens simulators."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from components.vlens import RetryPolicy, VerificationImages, VlensClient
from components.vlens.auth import reset_token_managers
from components.vlens.limiters import reset_limiters
from components.vlens.simulator import Scenario, Simulator
from tests import imagery

FAST_RETRY = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``), the browser tests share one worker: one
    Chromium and one app server at a time, while the other workers run everything else."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))


@dataclass(frozen=True)
class Jpegs:
    id_front: bytes
    id_back: bytes
    faces: tuple[bytes, bytes, bytes]
    no_face: bytes
    two_faces: bytes


@pytest.fixture(scope="session")
def jpegs() -> Jpegs:
    """Real JPEG bytes: cards held in front of a desk, three webcam frames of a real face."""
    return Jpegs(
        id_front=imagery.jpeg(imagery.card_in_frame(imagery.id_card_front())),
        id_back=imagery.jpeg(imagery.card_in_frame(imagery.id_card_back())),
        faces=(imagery.jpeg(imagery.face_frame(seed=0)), imagery.jpeg(imagery.face_frame(seed=1)),
               imagery.jpeg(imagery.face_frame(seed=2))),
        no_face=imagery.jpeg(imagery.no_face_frame()),
        two_faces=imagery.jpeg(imagery.two_faces_frame()),
    )


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    """Tokens and rate limiters are process-wide by design; tests must not share them."""
    reset_token_managers()
    reset_limiters()
    yield
    reset_token_managers()
    reset_limiters()


@pytest.fixture
def images(jpegs: Jpegs) -> VerificationImages:
    return VerificationImages(jpegs.id_front, jpegs.id_back, jpegs.faces)


@pytest.fixture
def start_simulator() -> Iterator[Callable[..., Simulator]]:
    """``start_simulator(scenario=None)`` -> a started ``Simulator``, stopped after the test."""
    started: list[Simulator] = []

    def start(scenario: Scenario | None = None) -> Simulator:
        simulator = Simulator(scenario or Scenario())
        simulator.start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def client_for() -> Iterator[Callable[..., VlensClient]]:
    """``client_for(simulator, language="en", **config_changes)``: a client of that simulator
    with fast retry backoff (the policy itself is unchanged: 3 attempts)."""
    clients: list[VlensClient] = []

    def make(simulator: Simulator, language: str = "en", **changes: Any) -> VlensClient:
        config = replace(simulator.demo_config(), **changes)
        client = VlensClient(config, language, retry=FAST_RETRY)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def simulator(start_simulator: Callable[..., Simulator]) -> Simulator:
    """A simulator with the default scenario."""
    return start_simulator(Scenario())


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    """Put the root logger's handlers and level back after a test that configures logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
