"""A Vlens simulator: a real HTTP server on loopback with Vlens' endpoints, headers, envelopes
and error codes, plus scenario knobs for tests and demos."""

from .presets import DEFAULT_DEMO_SCENARIO, DEMO_SCENARIOS, demo_scenario
from .scenario import (
    DEMO_API_KEY,
    DEMO_OTP,
    DEMO_PASSWORD,
    DEMO_TENANT,
    DEMO_USERNAME,
    Fault,
    ForcedError,
    Scenario,
)
from .server import Simulator, demo_config, embedded_simulator, forget_demo_transaction
from .state import Blob, RecordedRequest

__all__ = [
    "DEFAULT_DEMO_SCENARIO",
    "DEMO_API_KEY",
    "DEMO_OTP",
    "DEMO_PASSWORD",
    "DEMO_SCENARIOS",
    "DEMO_TENANT",
    "DEMO_USERNAME",
    "Blob",
    "Fault",
    "ForcedError",
    "RecordedRequest",
    "Scenario",
    "Simulator",
    "demo_config",
    "demo_scenario",
    "embedded_simulator",
    "forget_demo_transaction",
]
