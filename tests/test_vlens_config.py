"""load_config: secrets section, environment overrides, demo mode, errors that name keys only."""

from __future__ import annotations

import pytest

from components.vlens import ConfigError, load_config

FULL = {
    "base_url": "https://vlens.example/",
    "api_key": "key-SECRET-1",
    "tenancy_name": "acme",
    "username": "svc",
    "password": "pw-SECRET-2",
}


def test_nothing_configured_means_demo_mode() -> None:
    assert load_config(None, {}) is None
    assert load_config({}, {}) is None
    assert load_config({"other": {"x": 1}}, {"HOME": "/root"}) is None


def test_full_secrets_section() -> None:
    config = load_config({"vlens": {**FULL, "timeout_s": 12, "country": "EG"}}, {})
    assert config is not None
    assert config.base_url == "https://vlens.example"  # trailing slash dropped
    assert (config.api_key, config.tenancy_name, config.username) == ("key-SECRET-1", "acme", "svc")
    assert config.password == "pw-SECRET-2"
    assert config.timeout_s == 12.0
    assert config.country == "EG"
    assert config.uses_login and not config.demo


def test_environment_overrides_each_key() -> None:
    env = {
        "VLENS_BASE_URL": "https://env.example",
        "VLENS_API_KEY": "env-key",
        "VLENS_TENANCY_NAME": "env-tenant",
        "VLENS_USERNAME": "env-user",
        "VLENS_PASSWORD": "env-pass",
        "VLENS_ACCESS_TOKEN": "env-token",
    }
    config = load_config({"vlens": FULL}, env)
    assert config is not None
    assert (config.base_url, config.api_key, config.tenancy_name, config.username,
            config.password, config.access_token) == (
        "https://env.example", "env-key", "env-tenant", "env-user", "env-pass", "env-token")


def test_environment_alone_with_access_token() -> None:
    config = load_config(None, {"VLENS_BASE_URL": "https://e.example", "VLENS_API_KEY": "k",
                                "VLENS_TENANCY_NAME": "t", "VLENS_ACCESS_TOKEN": "tok"})
    assert config is not None
    assert config.access_token == "tok" and not config.uses_login


def test_empty_environment_values_do_not_override() -> None:
    config = load_config({"vlens": FULL}, {"VLENS_API_KEY": "  "})
    assert config is not None and config.api_key == "key-SECRET-1"


def test_missing_keys_are_named_without_values() -> None:
    partial = {"base_url": FULL["base_url"], "api_key": FULL["api_key"], "password": "pw-SECRET-2"}
    with pytest.raises(ConfigError) as caught:
        load_config({"vlens": partial}, {})
    message = str(caught.value)
    assert "tenancy_name" in message and "username" in message and "access_token" in message
    assert "pw-SECRET-2" not in message and "key-SECRET-1" not in message
    assert "base_url" not in message.split("missing")[1].split("in [")[0]


@pytest.mark.parametrize(("key", "value"), [("timeout_s", "soon"), ("timeout_s", -1),
                                            ("base_url", "ftp://vlens.example")])
def test_invalid_values_name_the_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"vlens": {**FULL, key: value}}, {})
    assert key in str(caught.value)
    assert str(value) not in str(caught.value)


@pytest.mark.parametrize("url", ["http://vlens.example", "http://10.0.0.5:8080",
                                 "http://127.0.0.1.attacker.example", "https://", "vlens.example"])
def test_a_base_url_that_is_not_https_off_this_machine_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match=r"base_url must .*https://"):
        load_config({"vlens": {**FULL, "base_url": url}}, {})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:8765/",
                                 "http://[::1]:8765", "https://vlens.example"])
def test_https_or_plain_http_to_this_machine_is_accepted(url: str) -> None:
    config = load_config({"vlens": {**FULL, "base_url": url}}, {})
    assert config is not None and config.base_url == url.rstrip("/")


def test_replicas_share_the_rate_limit_from_the_secrets_or_the_environment() -> None:
    assert load_config({"vlens": FULL}, {}).replicas == 1  # type: ignore[union-attr]
    config = load_config({"vlens": {**FULL, "replicas": 2}}, {"VLENS_REPLICAS": "3"})
    assert config is not None and config.replicas == 3
    for bad in ("0", "two", "61"):
        with pytest.raises(ConfigError, match="replicas"):
            load_config({"vlens": FULL}, {"VLENS_REPLICAS": bad})


def test_repr_hides_secrets() -> None:
    config = load_config({"vlens": {**FULL, "access_token": "tok-SECRET-3"}}, {})
    text = repr(config)
    for secret in ("key-SECRET-1", "pw-SECRET-2", "tok-SECRET-3"):
        assert secret not in text
    assert "acme" in text
