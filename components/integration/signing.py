"""HMAC-SHA256 signed tokens (links, result tokens) and webhook signatures.

Token: ``base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, purpose + "." + part1))``
(no padding). The purpose ("link", "result") keeps one kind of token from passing as another.
Webhook: ``Webhook-Signature: v1=<hex HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

MAX_TOKEN_CHARS = 4096
SIGNATURE_VERSION = "v1"


class TokenError(ValueError):
    """A token that cannot be trusted; ``reason`` is ``malformed`` or ``tampered``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def sign_token(claims: Mapping[str, Any], secret: str, purpose: str) -> str:
    body = b64url(json.dumps(dict(claims), separators=(",", ":"), sort_keys=True).encode())
    return body + "." + b64url(_mac(secret, f"{purpose}.{body}".encode()))


def read_token(token: str, secret: str, purpose: str) -> dict[str, Any]:
    """The claims of a genuine token; ``TokenError`` otherwise (checked before parsing)."""
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise TokenError("malformed")
    body, signature = token.split(".")
    try:
        given = b64url_decode(signature)
    except (binascii.Error, ValueError):
        raise TokenError("malformed") from None
    if not hmac.compare_digest(given, _mac(secret, f"{purpose}.{body}".encode())):
        raise TokenError("tampered")
    try:
        claims = json.loads(b64url_decode(body))
    except (binascii.Error, ValueError):
        raise TokenError("malformed") from None
    if not isinstance(claims, dict):
        raise TokenError("malformed")
    return claims


def webhook_signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    message = f"{event_id}.{timestamp}.".encode() + body
    return f"{SIGNATURE_VERSION}=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def webhook_signature_valid(secret: str, headers: Mapping[str, str], body: bytes, *,
                            now: float | None = None, tolerance_s: float = 300.0) -> bool:
    """What a receiver does: recompute the signature; optionally refuse stale timestamps."""
    try:
        event_id = headers["Webhook-Id"]
        timestamp = int(headers["Webhook-Timestamp"])
        given = headers["Webhook-Signature"]
    except (KeyError, ValueError):
        return False
    if now is not None and abs(now - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(given, webhook_signature(secret, event_id, timestamp, body))
