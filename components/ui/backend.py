"""Which Vlens service this session talks to: the configured one, or the embedded simulator."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from components.vlens.config import load_config
from components.vlens.errors import ConfigError

if TYPE_CHECKING:
    from components.vlens.config import VlensConfig


@dataclass(frozen=True)
class Backend:
    config: VlensConfig | None  # None only when the configuration is broken
    demo: bool
    problem: str | None = None  # ConfigError text: names keys, never values


def app_secrets() -> Any:
    """The app's secrets, or None when there is no secrets.toml (demo by default)."""
    return st.secrets if st.secrets.load_if_toml_exists() else None


def resolve_backend() -> Backend:
    """Configured Vlens from secrets/env; no configuration at all means demo mode."""
    try:
        config = load_config(app_secrets(), os.environ)
    except ConfigError as exc:
        return Backend(config=None, demo=False, problem=str(exc))
    if config is not None:
        return Backend(config=config, demo=False)
    from components.vlens.simulator import embedded_simulator

    return Backend(config=embedded_simulator().demo_config(), demo=True)


def webrtc_ice_servers() -> list[dict[str, Any]] | None:
    """``ice_servers`` from the ``[webrtc]`` secrets section, or None when not configured."""
    secrets = app_secrets()
    if secrets is None:
        return None
    try:
        section = secrets.get("webrtc")
    except (KeyError, FileNotFoundError):
        return None
    servers = section.get("ice_servers") if section else None
    return [dict(server) for server in servers] if servers else None
