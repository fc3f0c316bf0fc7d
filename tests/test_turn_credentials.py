"""Per-session TURN credentials minted from coturn's shared secret (clock injected).

That coturn accepts what ``mint`` makes, and refuses it expired or forged, is shown against a
real coturn in tests/test_deploy_coturn.py.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from components.turn_credentials import (
    TurnConfigError,
    mint,
    session_ice_servers,
    turn_settings,
)

SECRET = "0123456789abcdef-shared"
SECTION = {"turn_urls": ["turn:turn.example.com:3478?transport=udp"], "turn_secret": SECRET,
           "turn_ttl_s": 600, "ice_servers": [{"urls": ["stun:stun.example.com:3478"]}]}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_minted_credential_is_the_hmac_of_its_expiring_username() -> None:
    minted = mint(SECRET, 600, now=1_800_000_000.4, tag="ab12")
    assert minted.username == "1800000600:ab12"
    expected = hmac.new(SECRET.encode(), b"1800000600:ab12", hashlib.sha1).digest()
    assert base64.b64decode(minted.credential) == expected
    assert SECRET not in repr(minted) and minted.credential not in repr(minted)


def test_the_browser_gets_a_minted_credential_and_never_the_secret() -> None:
    store: dict[str, object] = {}
    servers = session_ice_servers(SECTION, {}, store, Clock())
    assert servers is not None
    stun, turn = servers
    assert stun == {"urls": ["stun:stun.example.com:3478"]}
    assert turn["urls"] == SECTION["turn_urls"]
    assert turn["username"].startswith("1800000600:")
    assert SECRET not in repr(servers)


def test_a_session_keeps_its_credential_until_half_its_life_is_gone() -> None:
    clock, store = Clock(), {}
    first = session_ice_servers(SECTION, {}, store, clock)
    clock.now += 290
    assert session_ice_servers(SECTION, {}, store, clock) == first
    clock.now += 20  # 310 s of 600 gone
    renewed = session_ice_servers(SECTION, {}, store, clock)
    assert renewed != first
    assert renewed is not None and renewed[1]["username"].startswith("1800000910:")
    other_session = session_ice_servers(SECTION, {}, {}, clock)
    assert other_session is not None and other_session[1] != renewed[1]


def test_environment_variables_override_the_secrets_file() -> None:
    settings = turn_settings({}, {"VLENS_TURN_SECRET": "from-env",
                                  "VLENS_TURN_URLS": "turn:a:3478, turn:b:3478",
                                  "VLENS_TURN_TTL_S": "120"})
    assert settings is not None
    assert settings.urls == ("turn:a:3478", "turn:b:3478")
    assert settings.ttl_s == 120 and settings.secret == "from-env"


@pytest.mark.parametrize("section", [
    {"turn_urls": ["turn:a:3478"]},
    {"turn_secret": SECRET},
    {"turn_secret": SECRET, "turn_urls": ["https://a"]},
    {"turn_secret": SECRET, "turn_urls": ["turn:a"], "turn_ttl_s": 10},
    {"turn_secret": SECRET, "turn_urls": ["turn:a"], "turn_ttl_s": "soon"},
])
def test_an_incomplete_turn_setting_is_named_without_its_value(section: dict[str, object]
                                                              ) -> None:
    with pytest.raises(TurnConfigError) as caught:
        turn_settings(section, {})
    assert SECRET not in str(caught.value)
    assert "[webrtc]" in str(caught.value)
    # the camera page still works: the relay is left out and the reason logged
    assert session_ice_servers(section, {}, {}) is None


def test_nothing_configured_leaves_ice_discovery_to_streamlit_webrtc() -> None:
    assert session_ice_servers(None, {}, {}) is None
