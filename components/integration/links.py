"""Verification links: minted by the business, opened by the customer, used once.

A link is ``{public_url}/?link=<token>``; the token is signed with ``link_secret`` (see
``signing``). Claims: ``lid`` (link id), ``ref`` (the business's own customer reference), ``ret``
(return URL, optional), ``iat``/``exp`` (epoch seconds), ``c`` (optional phone/e-mail,
AES-GCM encrypted with a key derived from the secret, so the URL never shows them).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, select

from components.store import Store
from components.vlens.errors import ConfigError
from components.vlens.settings_source import https_url

from .signing import TokenError, b64url, b64url_decode, read_token, sign_token

PURPOSE = "link"
MAX_REFERENCE_CHARS = 200
MAX_RETURN_URL_CHARS = 2000
MAX_EXPIRY_S = 30 * 24 * 3600
DEFAULT_EXPIRY_S = 24 * 3600
_REFERENCE = re.compile(r"[A-Za-z0-9._:/+\-]{1,200}")
_NATIONAL_ID = re.compile(r"\d{14}")
_PHONE = re.compile(r"\+[1-9]\d{7,14}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}")


class LinkRefused(Exception):
    """A link that does not admit the customer. ``reason``: malformed, tampered, expired,
    used or not_configured (the i18n key ``link.refused.<reason>`` explains it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    email: str | None = None

    def __repr__(self) -> str:  # personal data: never in logs or tracebacks
        return "Contact(<hidden>)"


@dataclass(frozen=True)
class LinkClaims:
    link_id: str
    reference: str
    return_url: str | None
    issued_at: float
    expires_at: float
    contact: Contact | None = None


@dataclass(frozen=True)
class MintedLink:
    token: str
    url: str
    claims: LinkClaims


def check_reference(reference: str) -> str:
    """An opaque customer id of the business: stored and sent in clear, so an e-mail address
    (no ``@``) or a 14-digit national ID number is refused."""
    value = reference.strip()
    if not _REFERENCE.fullmatch(value):
        raise ValueError("the reference must be 1-200 characters: letters, digits and . _ : / "
                         "+ - (your own customer id, not an e-mail address)")
    if _NATIONAL_ID.fullmatch(value):
        raise ValueError("the reference looks like a national ID number; use your own "
                         "customer id")
    return value


def check_return_url(url: str) -> str:
    if len(url) > MAX_RETURN_URL_CHARS:
        raise ValueError(f"the return URL is longer than {MAX_RETURN_URL_CHARS} characters")
    try:
        return https_url(url, "the return URL")
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def check_contact(phone: str | None, email: str | None) -> Contact | None:
    if phone is not None and not _PHONE.fullmatch(phone.strip()):
        raise ValueError("the phone number must be in international form, e.g. +201001234567")
    if email is not None and not _EMAIL.fullmatch(email.strip()):
        raise ValueError("the e-mail address is not valid")
    if phone is None and email is None:
        return None
    return Contact(phone.strip() if phone else None, email.strip().lower() if email else None)


def _contact_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"vlens link contact key", hashlib.sha256).digest()


def _seal(contact: Contact, secret: str) -> str:
    nonce = os.urandom(12)
    plain = json.dumps({"p": contact.phone, "e": contact.email}).encode()
    return b64url(nonce + AESGCM(_contact_key(secret)).encrypt(nonce, plain, b"contact"))


def _unseal(sealed: str, secret: str) -> Contact:
    data = b64url_decode(sealed)
    plain = AESGCM(_contact_key(secret)).decrypt(data[:12], data[12:], b"contact")
    values = json.loads(plain)
    return Contact(values.get("p"), values.get("e"))


def mint_link(secret: str, reference: str, *, public_url: str, return_url: str | None = None,
              phone: str | None = None, email: str | None = None,
              expires_in_s: float = DEFAULT_EXPIRY_S,
              clock: Callable[[], float] = time.time) -> MintedLink:
    """A signed link for ``reference``; ``ValueError`` names the bad input."""
    if not 60 <= expires_in_s <= MAX_EXPIRY_S:
        raise ValueError("the expiry must be between 1 minute and 30 days")
    now = clock()
    claims = LinkClaims(
        link_id=uuid.uuid4().hex,
        reference=check_reference(reference),
        return_url=check_return_url(return_url) if return_url else None,
        issued_at=round(now),
        expires_at=round(now + expires_in_s),
        contact=check_contact(phone, email),
    )
    body: dict[str, Any] = {"v": 1, "lid": claims.link_id, "ref": claims.reference,
                            "iat": claims.issued_at, "exp": claims.expires_at}
    if claims.return_url:
        body["ret"] = claims.return_url
    if claims.contact is not None:
        body["c"] = _seal(claims.contact, secret)
    token = sign_token(body, secret, PURPOSE)
    return MintedLink(token, f"{public_url.rstrip('/')}/?{urlencode({'link': token})}", claims)


def read_link(token: str, secret: str, *, now: float) -> LinkClaims:
    """The claims of a genuine, unexpired link (its use is checked by ``open_link``)."""
    try:
        body = read_token(token.strip(), secret, PURPOSE)
    except TokenError as exc:
        raise LinkRefused(exc.reason) from None
    try:
        claims = LinkClaims(
            link_id=str(body["lid"]),
            reference=str(body["ref"]),
            return_url=str(body["ret"]) if body.get("ret") else None,
            issued_at=float(body["iat"]),
            expires_at=float(body["exp"]),
            contact=_unseal(str(body["c"]), secret) if body.get("c") else None,
        )
    except (KeyError, TypeError, ValueError, InvalidTag):
        raise LinkRefused("malformed") from None
    if now >= claims.expires_at:
        raise LinkRefused("expired")
    return claims


def record_minted(store: Store, claims: LinkClaims) -> None:
    """Remember a minted link (for the operator's list); no contact details are stored."""
    with store.begin() as conn:
        _insert(conn, store, claims)


def _insert(conn: Connection, store: Store, claims: LinkClaims, opened_at: float | None = None
            ) -> None:
    conn.execute(store.tables.links.insert().values(
        id=claims.link_id, reference=claims.reference, return_url=claims.return_url,
        has_contact=claims.contact is not None, created_at=claims.issued_at,
        expires_at=claims.expires_at, opened_at=opened_at))


def open_link(store: Store, token: str, secret: str | None, *,
              clock: Callable[[], float] = time.time) -> LinkClaims:
    """Admit the customer holding ``token``: genuine, unexpired and not used up."""
    if not secret:
        raise LinkRefused("not_configured")
    now = clock()
    claims = read_link(token, secret, now=now)
    links = store.tables.links
    with store.begin() as conn:
        row = conn.execute(select(links.c.completed_at, links.c.opened_at)
                           .where(links.c.id == claims.link_id)).first()
        if row is None:  # minted elsewhere (the business's own code): first seen now
            _insert(conn, store, claims, opened_at=now)
        elif row.completed_at is not None:
            raise LinkRefused("used")
        elif row.opened_at is None:
            conn.execute(links.update().where(links.c.id == claims.link_id)
                         .values(opened_at=now))
    return claims


def complete_link(conn: Connection, store: Store, link_id: str, *, transaction_id: str | None,
                  verdict: str, now: float) -> None:
    """Mark the link used (inside the result's transaction)."""
    links = store.tables.links
    conn.execute(links.update().where(links.c.id == link_id).values(
        completed_at=now, transaction_id=transaction_id, verdict=verdict))
