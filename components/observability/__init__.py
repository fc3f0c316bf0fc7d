"""Logging setup and privacy-safe per-verification log events (no Streamlit imports)."""

from .events import VERIFICATION_LOGGER, StepTimer, log_verification, verification_event
from .logsetup import LogFormat, configure_logging

__all__ = [
    "VERIFICATION_LOGGER",
    "LogFormat",
    "StepTimer",
    "configure_logging",
    "log_verification",
    "verification_event",
]
