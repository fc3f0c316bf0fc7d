"""[integration] settings and the signed result token handed back to the business."""

from __future__ import annotations

import pytest

from components.integration.config import DEMO_LINK_SECRET, load_integration_config
from components.integration.links import mint_link
from components.integration.return_token import read_result_token, return_url_with_result
from components.integration.signing import TokenError
from components.store.settings import MEMORY_URL
from components.vlens.errors import ConfigError

SECRET = "result-token-secret-for-tests"


def test_demo_mode_keeps_everything_in_memory_with_open_links_and_the_demo_secret() -> None:
    config = load_integration_config(None, {}, demo=True)
    assert config.store.url == MEMORY_URL
    assert (config.link_secret, config.links_required, config.webhooks_enabled) == (
        DEMO_LINK_SECRET, False, False)


def test_webhooks_outside_demo_mode_get_a_durable_store_by_default() -> None:
    config = load_integration_config(
        {"integration": {"webhook_url": "https://hooks.example.com/vlens",
                         "webhook_secret": "s" * 16, "link_secret": "l" * 16}}, {}, demo=False)
    assert config.store.url.endswith("vlens-integration.sqlite3")
    assert config.webhooks_enabled and "s" * 16 not in repr(config)


def test_the_environment_overrides_the_secrets_and_names_postgresql_with_psycopg() -> None:
    config = load_integration_config(
        {"integration": {"database_path": "/tmp/x.sqlite3"}},
        {"VLENS_DATABASE_URL": "postgresql://u:pw@db/vlens", "VLENS_LINKS_REQUIRED": "yes",
         "VLENS_LINK_SECRET": "l" * 20}, demo=False)
    assert config.store.url == "postgresql+psycopg://u:pw@db/vlens"
    assert config.links_required


@pytest.mark.parametrize("section, message", [
    ({"link_secret": "too-short"}, "at least 16"),
    ({"webhook_url": "http://hooks.example.com", "webhook_secret": "s" * 16}, "https"),
    ({"webhook_url": "https://hooks.example.com"}, "webhook_secret is required"),
    ({"links_required": True}, "link_secret is required"),
    ({"links_required": "maybe", "link_secret": "l" * 16}, "true or false"),
])
def test_bad_integration_settings_are_named_without_their_values(section: dict[str, object],
                                                                 message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load_integration_config({"integration": section}, {}, demo=False)
    assert "s" * 16 not in str(raised.value) and "too-short" not in str(raised.value)


def test_the_business_reads_the_result_token_from_its_return_url() -> None:
    url = return_url_with_result("https://shop.example.com/done?step=kyc", SECRET,
                                 reference="c-1", verdict="verified", transaction_id="tx-9",
                                 now=1000.0, ttl_s=600)
    assert url.startswith("https://shop.example.com/done?step=kyc&vlens_result=")
    token = url.split("vlens_result=")[1]
    claims = read_result_token(token, SECRET, now=1599.0)
    assert (claims.reference, claims.verdict, claims.transaction_id) == ("c-1", "verified",
                                                                         "tx-9")


def test_an_expired_or_forged_result_token_is_refused() -> None:
    url = return_url_with_result("https://shop.example.com/done", SECRET, reference="c-1",
                                 verdict="not_verified", transaction_id=None, now=1000.0,
                                 ttl_s=600)
    token = url.split("vlens_result=")[1]
    with pytest.raises(TokenError, match="expired"):
        read_result_token(token, SECRET, now=1600.0)
    body, signature = token.split(".")
    forged_body = body[:-3] + ("abc" if body[-3:] != "abc" else "xyz")
    with pytest.raises(TokenError, match="tampered"):
        read_result_token(forged_body + "." + signature, SECRET, now=1000.0)
    link = mint_link(SECRET, "c-1", public_url="https://v.example.com").token
    with pytest.raises(TokenError, match="tampered"):  # a link token is not a result token
        read_result_token(link, SECRET, now=1000.0)
