"""Short-lived TURN credentials for one browser session (coturn's ``use-auth-secret`` scheme).

coturn and the app share one secret. For each session the app mints
``username = "<unix expiry>:<session tag>"`` and ``credential = base64(HMAC-SHA1(secret,
username))``; coturn recomputes the HMAC and refuses the credential once the expiry has passed.
Only the minted pair reaches the browser, never the secret. No Streamlit import: the caller
passes its settings source and the session's store.

Settings: ``[webrtc] turn_urls`` / ``turn_secret`` / ``turn_ttl_s`` in secrets, or the
``VLENS_TURN_URLS`` (comma separated) / ``VLENS_TURN_SECRET`` / ``VLENS_TURN_TTL_S`` variables,
which win.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

DEFAULT_TTL_S: Final = 1800  # covers a capture session with room to spare; coturn re-checks
MIN_TTL_S: Final = 60  # the expiry on every refresh, so it must outlast the camera session
MAX_TTL_S: Final = 24 * 3600
STORE_KEY: Final = "webrtc.turn_credential"  # (expires_at, ice server dict)
log = logging.getLogger(__name__)


class SessionStore(Protocol):
    """Where a session keeps its credential (``st.session_state`` or a plain dict)."""

    def get(self, key: str, /) -> Any: ...

    def __setitem__(self, key: str, value: Any, /) -> None: ...


class TurnConfigError(ValueError):
    """A TURN setting is unusable; the message names the key, never a value."""


@dataclass(frozen=True)
class TurnSettings:
    urls: tuple[str, ...]
    secret: str = field(repr=False)
    ttl_s: int = DEFAULT_TTL_S


@dataclass(frozen=True)
class TurnCredential:
    username: str
    credential: str = field(repr=False)
    expires_at: int

    def ice_server(self, urls: tuple[str, ...]) -> dict[str, Any]:
        return {"urls": list(urls), "username": self.username, "credential": self.credential}


def mint(secret: str, ttl_s: int, *, now: float, tag: str | None = None) -> TurnCredential:
    """A credential valid for ``ttl_s`` seconds from ``now`` (TURN REST API / coturn scheme)."""
    expires_at = int(now) + ttl_s
    username = f"{expires_at}:{tag}" if tag else str(expires_at)
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return TurnCredential(username, base64.b64encode(digest).decode("ascii"), expires_at)


def turn_settings(webrtc_section: Mapping[str, Any] | None,
                  environ: Mapping[str, str]) -> TurnSettings | None:
    """The TURN settings, or None when no shared secret is configured (no minted TURN)."""
    section = dict(webrtc_section or {})
    secret = environ.get("VLENS_TURN_SECRET", "").strip() or str(
        section.get("turn_secret", "") or "").strip()
    env_urls = environ.get("VLENS_TURN_URLS", "").strip()
    raw_urls: Any = env_urls.split(",") if env_urls else section.get("turn_urls", ())
    if isinstance(raw_urls, str):
        raw_urls = [raw_urls]
    urls = tuple(u for u in (str(u).strip() for u in raw_urls or ()) if u)
    if not secret and not urls:
        return None
    if not secret:
        raise TurnConfigError("[webrtc] turn_urls is set but turn_secret (or VLENS_TURN_SECRET) "
                              "is missing")
    if not urls:
        raise TurnConfigError("[webrtc] turn_secret is set but turn_urls (or VLENS_TURN_URLS) "
                              "lists no TURN server")
    if bad := [u for u in urls if not u.startswith(("turn:", "turns:"))]:
        raise TurnConfigError(f"[webrtc] turn_urls must start with turn: or turns: "
                              f"({len(bad)} do not)")
    raw_ttl = environ.get("VLENS_TURN_TTL_S", "").strip() or section.get("turn_ttl_s",
                                                                         DEFAULT_TTL_S)
    try:
        ttl = int(raw_ttl)
    except (TypeError, ValueError):
        raise TurnConfigError("[webrtc] turn_ttl_s must be a whole number of seconds") from None
    if not MIN_TTL_S <= ttl <= MAX_TTL_S:
        raise TurnConfigError(f"[webrtc] turn_ttl_s must be between {MIN_TTL_S} and {MAX_TTL_S}")
    return TurnSettings(urls, secret, ttl)


def session_turn_server(settings: TurnSettings, store: SessionStore,
                        clock: Callable[[], float] = time.time) -> dict[str, Any]:
    """This session's TURN ICE server entry, minted once and re-minted when less than half of
    its life is left (``store`` is the session's state, e.g. ``st.session_state``)."""
    now = clock()
    held = store.get(STORE_KEY)
    if isinstance(held, tuple) and len(held) == 2 and held[0] - now > settings.ttl_s / 2:
        return dict(held[1])
    credential = mint(settings.secret, settings.ttl_s, now=now, tag=secrets.token_hex(6))
    server = credential.ice_server(settings.urls)
    store[STORE_KEY] = (credential.expires_at, server)
    return dict(server)


def session_ice_servers(webrtc_section: Mapping[str, Any] | None, environ: Mapping[str, str],
                        store: SessionStore,
                        clock: Callable[[], float] = time.time) -> list[dict[str, Any]] | None:
    """``[webrtc] ice_servers`` (e.g. STUN) plus this session's minted TURN server; None when
    neither is configured. An unusable TURN setting is logged (key names only) and left out."""
    section = webrtc_section or {}
    servers = [dict(server) for server in section.get("ice_servers") or ()]
    try:
        settings = turn_settings(section, environ)
    except TurnConfigError as exc:
        log.error("TURN relay not offered: %s", exc)
        settings = None
    if settings is not None:
        servers.append(session_turn_server(settings, store, clock))
    return servers or None
