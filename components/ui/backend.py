"""Which Vlens service this session talks to: the configured one, or the embedded simulator."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from components.vlens.config import load_config
from components.vlens.errors import ConfigError

if TYPE_CHECKING:
    from components.vlens.config import VlensConfig

log = logging.getLogger(__name__)

DEMO_SCENARIO_ENV = "VLENS_DEMO_SCENARIO"


@dataclass(frozen=True)
class Backend:
    config: VlensConfig | None  # None only when the configuration is broken
    demo: bool
    problem: str | None = None  # ConfigError text: names keys, never values


def app_secrets() -> Any:
    """The app's secrets, or None when there is no secrets.toml (demo by default)."""
    return st.secrets if st.secrets.load_if_toml_exists() else None


def default_demo_scenario() -> str:
    """``VLENS_DEMO_SCENARIO`` when it names a demo scenario, else "verified"."""
    from components.vlens.simulator.presets import DEFAULT_DEMO_SCENARIO, DEMO_SCENARIOS

    name = os.environ.get(DEMO_SCENARIO_ENV, "").strip()
    if name in DEMO_SCENARIOS:
        return name
    if name:
        log.warning("%s=%r is not a demo scenario (valid: %s); using %r", DEMO_SCENARIO_ENV,
                    name, ", ".join(DEMO_SCENARIOS), DEFAULT_DEMO_SCENARIO)
    return DEFAULT_DEMO_SCENARIO


def chosen_demo_scenario() -> str:
    """The demo scenario this attempt chose on the review page, else the default. Kept in the
    attempt, not the selector's own key: Streamlit forgets a widget's value on pages that do
    not show it, and the results page's retry must use the same simulator."""
    from components.ui import session

    attempt = session.current()
    chosen = attempt.demo_scenario if attempt is not None else None
    return chosen if chosen is not None else default_demo_scenario()


def choose_demo_scenario(name: str) -> bool:
    """Remember ``name`` for this attempt; True when that changes the earlier choice."""
    from components.ui import session

    changed = chosen_demo_scenario() != name
    attempt = session.current()
    if attempt is not None:
        attempt.demo_scenario = name
    return changed


def resolve_backend(demo_scenario: str | None = None) -> Backend:
    """Configured Vlens from secrets/env; no configuration at all means demo mode, on the
    simulator of ``demo_scenario`` (None: this session's choice, see ``chosen_demo_scenario``)."""
    try:
        config = load_config(app_secrets(), os.environ)
    except ConfigError as exc:
        return Backend(config=None, demo=False, problem=str(exc))
    if config is not None:
        return Backend(config=config, demo=False)
    from components.vlens.simulator import embedded_simulator

    scenario = demo_scenario or chosen_demo_scenario()
    return Backend(config=embedded_simulator(scenario).demo_config(), demo=True)


def webrtc_section() -> Mapping[str, Any] | None:
    """The ``[webrtc]`` secrets section (ICE servers, TURN settings), or None."""
    secrets = app_secrets()
    if secrets is None:
        return None
    try:
        section = secrets.get("webrtc")
    except (KeyError, FileNotFoundError):
        return None
    return section if isinstance(section, Mapping) else None
