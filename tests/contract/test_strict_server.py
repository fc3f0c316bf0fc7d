"""The strict server itself: it must catch the departures the contract tests rely on it to catch."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.contract.strict_server import StrictVlens, Style


@pytest.fixture
def server() -> Iterator[StrictVlens]:
    with StrictVlens(Style(key_case="pascal")) as running:
        yield running


def headers(server: StrictVlens, **extra: str) -> dict[str, str]:
    return {"ApiKey": server.api_key, "X-Request-Id": str(uuid.uuid4()), "Accept-Language": "en",
            **extra}


def login(server: StrictVlens) -> str:
    reply = requests.post(f"{server.base_url}/api/credentials/Login", timeout=5,
                          headers=headers(server, TenancyName=server.tenancy),
                          json={"tenancyName": server.tenancy,
                                "userNameOrEmailAddress": server.username,
                                "password": server.password})
    assert reply.status_code == 200
    token: str = reply.json()["Data"]["AccessToken"]  # answers in the chosen key casing
    return token


def test_a_conforming_login_is_accepted(server: StrictVlens) -> None:
    assert login(server).startswith("eyJ")
    assert server.violations == []


def test_wrong_field_casing_and_bad_image_are_violations(server: StrictVlens) -> None:
    token = login(server)
    reply = requests.post(f"{server.base_url}/api/DigitalIdentity/verify/id/front", timeout=5,
                          headers=headers(server, Authorization=f"Bearer {token}"),
                          json={"image": "aGVsbG8=", "transactionId": None})
    assert reply.status_code == 400
    assert any("undocumented ['transactionId']" in v for v in server.violations)
    assert any("neither JPEG nor PNG" in v for v in server.violations)


def test_missing_bearer_and_uppercase_request_id_are_violations(server: StrictVlens) -> None:
    shouting = str(uuid.uuid4()).upper()
    reply = requests.get(f"{server.base_url}/api/DigitalIdentity/GetUserDigitalIdentityImages",
                         params={"emailOrPhoneNumber": "+201001234567"}, timeout=5,
                         headers=headers(server, **{"X-Request-Id": shouting}))
    assert reply.status_code == 400
    assert len(server.violations) == 2
    assert "lowercase uuid4" in server.violations[0]
    assert "Bearer" in server.violations[1]


def test_liveness_on_an_unknown_transaction_is_a_violation(server: StrictVlens) -> None:
    token = login(server)
    jpeg = "/9j/4AAQSkZJRgAB"
    faces = {f"face_{i}": f"/9j/4AAQSkZJRgA{c}" for i, c in zip((1, 2, 3), "BCD", strict=True)}
    reply = requests.post(f"{server.base_url}/api/DigitalIdentity/verify/liveness/multi",
                          timeout=5, headers=headers(server, Authorization=f"Bearer {token}"),
                          json={"image": jpeg, "transaction_id": str(uuid.uuid4()), **faces})
    assert reply.status_code == 400
    assert len(server.violations) == 1
    assert "never issued" in server.violations[0]


def test_an_eleventh_request_within_a_second_is_a_violation(server: StrictVlens) -> None:
    url = f"{server.base_url}/api/DigitalIdentity/GetUserDigitalIdentityImages"
    statuses = [requests.get(url, params={"emailOrPhoneNumber": "+201001234567"}, timeout=5,
                             headers=headers(server)).status_code for _ in range(11)]
    assert statuses[-1] == 429
    assert any("10 requests/s" in v for v in server.violations)
