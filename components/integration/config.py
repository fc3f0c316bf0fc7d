"""``[integration]`` settings: store location, link and webhook secrets, link policy.

Environment variables override the secrets section (``VLENS_LINK_SECRET``, ...). Secrets are
left out of ``repr`` and never appear in ``ConfigError`` text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.store.settings import StoreSettings, database_url_from
from components.vlens.errors import ConfigError
from components.vlens.settings_source import https_url, settings_table

SECTION = "integration"
MIN_SECRET_LENGTH = 16
# Demo only (no Vlens configuration): links minted by `vlens-verify link --demo` open in a demo
# app. Never used when Vlens is configured.
DEMO_LINK_SECRET = "vlens-demo-link-secret-not-for-production"
DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_RETURN_TOKEN_TTL_S = 600.0

ENV_OVERRIDES: Mapping[str, str] = {
    "VLENS_LINK_SECRET": "link_secret",
    "VLENS_WEBHOOK_URL": "webhook_url",
    "VLENS_WEBHOOK_SECRET": "webhook_secret",
    "VLENS_LINKS_REQUIRED": "links_required",
    "VLENS_PUBLIC_URL": "public_url",
    "VLENS_BUSINESS_NAME": "business_name",
}


@dataclass(frozen=True)
class IntegrationConfig:
    store: StoreSettings = field(repr=False)
    link_secret: str | None = field(default=None, repr=False)
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    links_required: bool = False
    public_url: str = DEFAULT_PUBLIC_URL
    business_name: str | None = None
    return_token_ttl_s: float = DEFAULT_RETURN_TOKEN_TTL_S

    @property
    def webhooks_enabled(self) -> bool:
        return bool(self.webhook_url and self.webhook_secret)


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"Integration setting {key} must be true or false")


def _secret(values: Mapping[str, Any], key: str) -> str | None:
    value = str(values.get(key) or "").strip()
    if value and len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"Integration setting {key} must be at least {MIN_SECRET_LENGTH} "
                          "characters long")
    return value or None


def load_integration_config(secrets: Mapping[str, Any] | None, environ: Mapping[str, str], *,
                            demo: bool) -> IntegrationConfig:
    """The integration settings; demo mode gets open links and a demo link secret unless
    configured otherwise (storage: ``components.store.settings``)."""
    values = settings_table(secrets, SECTION, environ, ENV_OVERRIDES)
    link_secret = _secret(values, "link_secret") or (DEMO_LINK_SECRET if demo else None)
    webhook_url = str(values.get("webhook_url") or "").strip() or None
    webhook_secret = _secret(values, "webhook_secret")
    if webhook_url:
        https_url(webhook_url, "Integration setting webhook_url")
        if webhook_secret is None:
            raise ConfigError("Integration setting webhook_secret is required with webhook_url")
    links_required = _flag(values.get("links_required", False), "links_required")
    if links_required and link_secret is None:
        raise ConfigError("Integration setting link_secret is required when links_required")
    try:
        ttl = float(values.get("return_token_ttl_s", DEFAULT_RETURN_TOKEN_TTL_S))
    except (TypeError, ValueError):
        raise ConfigError("Integration setting return_token_ttl_s must be seconds") from None
    return IntegrationConfig(
        store=database_url_from(values, environ, durable=bool(webhook_url) and not demo),
        link_secret=link_secret,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        links_required=links_required,
        public_url=str(values.get("public_url") or DEFAULT_PUBLIC_URL).rstrip("/"),
        business_name=str(values.get("business_name") or "").strip() or None,
        return_token_ttl_s=ttl,
    )
