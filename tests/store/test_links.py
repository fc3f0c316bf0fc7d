"""Verification links: genuine ones admit once; tampered, expired or used ones are refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from components.integration.links import LinkRefused, mint_link, open_link, record_minted
from components.integration.results import AttemptContext, record_result
from components.store import Store

SECRET = "a-link-secret-for-tests-only"
T0 = 1_800_000_000.0


def _mint(**changes: object) -> str:
    options: dict[str, object] = {"public_url": "https://verify.example.com",
                                  "return_url": "https://shop.example.com/kyc/done",
                                  "clock": lambda: T0}
    options.update(changes)
    return mint_link(SECRET, "cust-42", **options).token  # type: ignore[arg-type]


def _complete(store: Store, token: str) -> None:
    claims = open_link(store, token, SECRET, clock=lambda: T0 + 60)
    context = AttemptContext.new(claims.reference, claims.link_id, claims.return_url)
    record = {"verdict": "verified", "transaction_id": "tx-1", "completed": True}
    record_result(store, record, context, webhooks=False, clock=lambda: T0 + 120)


def test_a_genuine_link_admits_the_customer_with_its_reference_and_return_url(store: Store
                                                                               ) -> None:
    claims = open_link(store, _mint(), SECRET, clock=lambda: T0 + 10)
    assert claims.reference == "cust-42"
    assert claims.return_url == "https://shop.example.com/kyc/done"
    with store.begin() as conn:
        row = conn.execute(store.tables.links.select()).one()
    assert (row.reference, row.opened_at, row.completed_at) == ("cust-42", T0 + 10, None)


def test_a_tampered_link_is_refused(store: Store) -> None:
    token = _mint()
    body, signature = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + signature
    with pytest.raises(LinkRefused) as refused:
        open_link(store, forged, SECRET, clock=lambda: T0)
    assert refused.value.reason == "tampered"


def test_a_link_signed_with_another_secret_is_refused_as_tampered(store: Store) -> None:
    token = mint_link("another-secret-of-16-chars", "cust-42",
                      public_url="https://verify.example.com", clock=lambda: T0).token
    with pytest.raises(LinkRefused, match="tampered"):
        open_link(store, token, SECRET, clock=lambda: T0)


def test_an_expired_link_is_refused(store: Store) -> None:
    token = _mint(expires_in_s=3600)
    with pytest.raises(LinkRefused, match="expired"):
        open_link(store, token, SECRET, clock=lambda: T0 + 3600)


def test_a_link_is_refused_once_its_verification_completed(store: Store) -> None:
    token = _mint()
    _complete(store, token)
    with pytest.raises(LinkRefused, match="used"):
        open_link(store, token, SECRET, clock=lambda: T0 + 300)


def test_an_opened_but_unfinished_link_opens_again(store: Store) -> None:
    token = _mint()
    open_link(store, token, SECRET, clock=lambda: T0)
    assert open_link(store, token, SECRET, clock=lambda: T0 + 5).reference == "cust-42"


def test_garbage_and_oversized_tokens_are_refused_as_malformed(store: Store) -> None:
    for token in ("", "not-a-token", "a.b.c", "x" * 5000 + ".y"):
        with pytest.raises(LinkRefused, match="malformed"):
            open_link(store, token, SECRET, clock=lambda: T0)


def test_without_a_link_secret_links_are_refused_as_not_configured(store: Store) -> None:
    with pytest.raises(LinkRefused, match="not_configured"):
        open_link(store, _mint(), None, clock=lambda: T0)


def test_a_minted_link_is_listed_without_the_contact_details_it_carries(store: Store) -> None:
    minted = mint_link(SECRET, "cust-7", public_url="https://verify.example.com",
                       phone="+201001234567", email="Customer@Example.com", clock=lambda: T0)
    record_minted(store, minted.claims)
    token = parse_qs(urlsplit(minted.url).query)["link"][0]
    assert token == minted.token
    assert "201001234567" not in minted.url and "example.com" not in minted.url.split("?")[1]
    claims = open_link(store, token, SECRET, clock=lambda: T0 + 1)
    assert claims.contact is not None
    assert (claims.contact.phone, claims.contact.email) == ("+201001234567",
                                                            "customer@example.com")
    with store.begin() as conn:
        row = conn.execute(store.tables.links.select()).one()
    assert row.has_contact is True
    assert "201001234567" not in repr(tuple(row)) and "customer@" not in repr(tuple(row))


@pytest.mark.parametrize("url", ["http://shop.example.com/back", "javascript:alert(1)",
                                 "ftp://shop.example.com", "https:///nohost"])
def test_a_return_url_must_be_https_or_loopback_http(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        mint_link(SECRET, "c", public_url="https://v.example.com", return_url=url)
    assert mint_link(SECRET, "c", public_url="https://v.example.com",
                     return_url="http://127.0.0.1:9000/back").claims.return_url


@pytest.mark.parametrize("reference", ["", "has space", "x" * 201, "<script>",
                                       "customer@example.com", "29001010112345"])
def test_a_bad_reference_is_refused_when_minting(reference: str) -> None:
    with pytest.raises(ValueError, match="reference"):
        mint_link(SECRET, reference, public_url="https://v.example.com")
