"""Vlens connection settings from Streamlit secrets (``[vlens]``) and environment overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError
from .settings_source import https_url, settings_table

SECTION = "vlens"
DEFAULT_TIMEOUT_S = 30.0

# Environment variable -> key in the [vlens] section; the environment wins.
ENV_OVERRIDES: Mapping[str, str] = {
    "VLENS_BASE_URL": "base_url",
    "VLENS_API_KEY": "api_key",
    "VLENS_TENANCY_NAME": "tenancy_name",
    "VLENS_USERNAME": "username",
    "VLENS_PASSWORD": "password",
    "VLENS_ACCESS_TOKEN": "access_token",
    "VLENS_REPLICAS": "replicas",
}
_KNOWN_KEYS = {*ENV_OVERRIDES.values(), "timeout_s", "country"}
MAX_REPLICAS = 60  # each replica keeps at least 1 request per minute


@dataclass(frozen=True)
class VlensConfig:
    """Where and as whom to call Vlens. Secret fields are left out of ``repr``."""

    base_url: str
    api_key: str = field(repr=False)
    tenancy_name: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    country: str | None = None
    demo: bool = False  # True for the embedded simulator
    replicas: int = 1  # app processes sharing the tenant's rate limit: each one's share
    # (1/replicas) when there is no shared store (SQLite, CLI) or it cannot be reached

    @property
    def uses_login(self) -> bool:
        """True when the app logs in with username/password (and can log in again)."""
        return bool(self.username and self.password)

    @property
    def token_key(self) -> tuple[str, str, str]:
        """Identifies whose token this is: tokens are shared per (service, tenant, user)."""
        return (self.base_url, self.tenancy_name, self.username or "<access_token>")


def load_config(
    secrets: Mapping[str, Any] | None, environ: Mapping[str, str]
) -> VlensConfig | None:
    """Build the config from ``secrets["vlens"]`` and ``VLENS_*`` variables.

    Returns None when nothing is configured (demo mode). Raises ``ConfigError`` naming the
    missing or invalid keys, never their values.
    """
    values = settings_table(secrets, SECTION, environ, ENV_OVERRIDES)
    if not values:
        return None

    unknown = sorted(set(values) - _KNOWN_KEYS)
    missing = [k for k in ("base_url", "api_key", "tenancy_name") if not _text(values, k)]
    if not _text(values, "access_token"):
        missing += [k for k in ("username", "password") if not _text(values, k)]
        if "username" in missing or "password" in missing:
            missing.append("(or access_token)")
    if missing:
        raise ConfigError(
            f"Vlens settings are incomplete: missing {', '.join(missing)} in [{SECTION}] "
            "or the VLENS_* environment variables"
            + (f" (unrecognised keys: {', '.join(unknown)})" if unknown else "")
        )

    base_url = _base_url(_text(values, "base_url"))
    return VlensConfig(
        base_url=base_url,
        api_key=_text(values, "api_key"),
        tenancy_name=_text(values, "tenancy_name"),
        username=_text(values, "username") or None,
        password=_text(values, "password") or None,
        access_token=_text(values, "access_token") or None,
        timeout_s=_timeout(values.get("timeout_s")),
        country=_text(values, "country") or None,
        replicas=_replicas(values.get("replicas")),
    )


def _base_url(value: str) -> str:
    return https_url(value.rstrip("/"), "Vlens setting base_url").rstrip("/")


def _text(values: Mapping[str, Any], key: str) -> str:
    value = values.get(key)
    return str(value).strip() if value is not None else ""


def _replicas(value: Any) -> int:
    if value is None or value == "":
        return 1
    try:
        replicas = int(str(value))
    except ValueError:
        raise ConfigError("Vlens setting replicas must be a whole number") from None
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ConfigError(f"Vlens setting replicas must be between 1 and {MAX_REPLICAS}")
    return replicas


def _timeout(value: Any) -> float:
    if value is None or value == "":
        return DEFAULT_TIMEOUT_S
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        raise ConfigError("Vlens setting timeout_s must be a number of seconds") from None
    if not 0 < timeout <= 600:
        raise ConfigError("Vlens setting timeout_s must be between 0 and 600 seconds")
    return timeout
