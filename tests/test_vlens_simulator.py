"""The simulator enforces Vlens' documented rules (checked through raw HTTP and the client)."""

from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
import requests
from PIL import Image

from components.vlens import VlensClient
from components.vlens.simulator import Scenario, Simulator, embedded_simulator
from components.vlens.simulator.options import parse_scenario
from tests.conftest import Jpegs

ClientFor = Callable[..., VlensClient]


def post(simulator: Simulator, path: str, body: object, **headers: str) -> requests.Response:
    base = {"ApiKey": "demo-api-key", "TenancyName": "demo", "Content-Type": "application/json"}
    return requests.post(f"{simulator.base_url}{path}", json=body, headers={**base, **headers},
                         timeout=10)


def test_image_formats_and_limits(simulator: Simulator, client_for: ClientFor,
                                  jpegs: Jpegs) -> None:
    client = client_for(simulator)
    front_bgr = cv2.imdecode(np.frombuffer(jpegs.id_front, np.uint8), cv2.IMREAD_COLOR)
    assert front_bgr is not None
    png = cv2.imencode(".png", front_bgr)[1].tobytes()
    assert client.verify_id_front(png).error_code is None  # PNG is accepted

    gif = io.BytesIO()
    Image.fromarray(front_bgr[:, :, ::-1]).save(gif, format="GIF")
    unsupported = client.verify_id_front(gif.getvalue())
    assert (unsupported.http_status, unsupported.error_code) == (415, 415)

    too_big = client.verify_id_front(jpegs.id_front + b"\0" * (5 * 1024 * 1024))
    assert (too_big.http_status, too_big.error_code) == (422, 5002)

    huge = cv2.imencode(".png", np.zeros((5100, 5000), np.uint8))[1].tobytes()
    assert len(huge) < 5 * 1024 * 1024
    too_many_pixels = client.verify_id_front(huge)
    assert (too_many_pixels.http_status, too_many_pixels.error_code) == (422, 5003)

    corrupt = client.verify_id_front(jpegs.id_front[:200])
    assert corrupt.error_code == 400


def test_base64_and_required_fields(simulator: Simulator) -> None:
    token = VlensClient(simulator.demo_config()).access_token()
    auth = {"Authorization": f"Bearer {token}"}
    bad = post(simulator, "/api/DigitalIdentity/verify/id/front", {"image": "not base64!!"}, **auth)
    assert bad.status_code == 400 and bad.json()["error_code"] == 400
    assert "base64" in bad.json()["error_message"]
    missing = post(simulator, "/api/DigitalIdentity/verify/id/front", {}, **auth)
    assert missing.status_code == 400
    not_json = requests.post(f"{simulator.base_url}/api/DigitalIdentity/verify/id/front",
                             data=b"{", headers={"ApiKey": "demo-api-key", **auth}, timeout=10)
    assert not_json.status_code == 400
    assert set(not_json.json()) == {"data", "error_code", "error_message", "error_descriptions"}


def test_transactions_are_chained(simulator: Simulator, client_for: ClientFor,
                                  jpegs: Jpegs) -> None:
    client = client_for(simulator)
    unknown = client.verify_id_back(jpegs.id_back,
                                    transaction_id="3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert unknown.error_code == 400 and "transaction" in (unknown.error_message or "")
    front = client.verify_id_front(jpegs.id_front)
    early = client.verify_liveness(jpegs.id_front, jpegs.faces,
                                   transaction_id=front.transaction_id)
    assert early.error_code == 400  # the back must be scanned before liveness
    back_first = client.verify_id_back(jpegs.id_back, transaction_id=None)
    assert back_first.error_code is None and back_first.transaction_id  # either order works
    joined = client.verify_id_front(jpegs.id_front, transaction_id=back_first.transaction_id)
    assert joined.transaction_id == back_first.transaction_id


def test_headers_are_checked(simulator: Simulator) -> None:
    login_body = {"tenancyName": "demo", "userNameOrEmailAddress": "demo-operator",
                  "password": "demo-password"}
    assert post(simulator, "/api/credentials/Login", login_body).status_code == 200
    assert post(simulator, "/api/credentials/Login", login_body, ApiKey="x").status_code == 401
    assert post(simulator, "/api/credentials/Login", login_body,
                TenancyName="other").status_code == 401
    no_tenant = requests.post(f"{simulator.base_url}/api/credentials/Login", json=login_body,
                              headers={"ApiKey": "demo-api-key"}, timeout=10)
    assert no_tenant.status_code == 400
    no_bearer = post(simulator, "/api/DigitalIdentity/verify/id/front", {"image": "AA=="})
    assert no_bearer.status_code == 403 and no_bearer.json()["error_code"] == 403
    unknown = post(simulator, "/api/DigitalIdentity/nope", {})
    assert unknown.status_code == 404 and unknown.json()["error_code"] == 404


def test_embedded_simulator_is_a_process_wide_singleton(jpegs: Jpegs) -> None:
    first = embedded_simulator()
    assert embedded_simulator() is first
    config = first.demo_config()
    assert config.demo and config.base_url == first.base_url
    with VlensClient(config) as client:
        assert client.verify_id_front(jpegs.id_front).transaction_id


def test_scenario_from_command_line_options() -> None:
    scenario = parse_scenario(["--latency", "0.2", "--fail", "verify/id/front:503:2",
                               "--force", "liveness:4206", "--aml-match", "--token-ttl", "60",
                               "--rate-limit"])
    assert scenario.latency_s == 0.2 and scenario.aml_match and scenario.token_ttl_s == 60
    assert scenario.rate_limit and not scenario.spoof
    assert scenario.faults[0].path == "verify/id/front" and scenario.faults[0].times == 2
    assert scenario.forced_errors["liveness"].code == 4206
    assert scenario.image_listing == "documented"
    assert parse_scenario(["--image-listing", "file_names"]).image_listing == "file_names"



def test_service_rate_limit_and_the_client_staying_under_it(
    start_simulator: Callable[..., Simulator], client_for: ClientFor
) -> None:
    unpaced = start_simulator(Scenario(rate_limit=True))
    login_body = {"tenancyName": "demo", "userNameOrEmailAddress": "demo-operator",
                  "password": "demo-password"}
    answers = [post(unpaced, "/api/credentials/Login", login_body) for _ in range(11)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert answers[10].status_code == 429 and int(answers[10].headers["Retry-After"]) >= 1

    paced = start_simulator(Scenario(rate_limit=True))
    client = client_for(paced)
    for _ in range(12):
        client.login()
    assert paced.state.rate_limited == 0  # the client's limiter kept every request in bounds
    arrivals = [r.received_at for r in paced.requests]
    assert len(arrivals) == 12 and arrivals[10] - arrivals[0] >= 1.0
