"""One settings table: a ``[section]`` of Streamlit secrets with environment variables on top.

Every config loader reads its table through here, so they agree on precedence (the environment
wins), on what counts as unset (missing, ``None`` or ``""``) and on what a callback or API address
may be (https, or plain http only to this machine).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError


def settings_table(secrets: Mapping[str, Any] | None, section: str, environ: Mapping[str, str],
                   env_overrides: Mapping[str, str]) -> dict[str, Any]:
    """``secrets[section]`` without unset keys, then each set ``env_overrides`` variable
    (name -> key) on top. ``ConfigError`` when the secrets cannot be read or the section is not
    a table; the message never contains a value."""
    values = _secrets_section(secrets, section)
    for env_name, key in env_overrides.items():
        env_value = environ.get(env_name, "").strip()
        if env_value:
            values[key] = env_value
    return values


def _secrets_section(secrets: Mapping[str, Any] | None, section: str) -> dict[str, Any]:
    if not secrets:
        return {}
    try:
        table = secrets.get(section)
    except Exception:  # Streamlit raises when secrets.toml is malformed
        message = f"The [{section}] secrets could not be read; check secrets.toml"
        raise ConfigError(message) from None
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise ConfigError(f"[{section}] in the secrets must be a table of keys")
    return {str(k): v for k, v in table.items() if v is not None and v != ""}


def is_loopback(host: str | None) -> bool:
    """True for this machine: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def https_url(url: str, what: str) -> str:
    """``url`` (trimmed of spaces) when it is https, or http to this machine.

    Over plain HTTP anyone on the path reads what is sent (keys, pictures, results) and can
    answer in the other side's place. ``ConfigError`` names ``what``, never the address."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        parts, host = urlsplit(""), ""
    if not host or parts.scheme not in ("https", "http"):
        raise ConfigError(f"{what} must be an https:// address")
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(f"{what} must use https:// (plain http:// is allowed only to this "
                          "machine: localhost, 127.0.0.1, ::1)")
    return url.strip()
