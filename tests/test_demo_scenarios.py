"""Named demo scenarios: each preset's verdict over real HTTP, the embedded simulator per name,
the review page's demo selector (demo mode only) and the CLI's ``--demo-scenario``."""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

import pytest
from streamlit.testing.v1 import AppTest

from components.ui.backend import DEMO_SCENARIO_ENV
from components.ui.strings_ar import STRINGS as AR
from components.ui.strings_en import STRINGS as EN
from components.vlens import (
    ErrorCategory,
    Retake,
    Verdict,
    VerifyStep,
    VlensClient,
    run_verification,
)
from components.vlens.flow import VerificationImages
from components.vlens.simulator import (
    DEFAULT_DEMO_SCENARIO,
    DEMO_SCENARIOS,
    Simulator,
    embedded_simulator,
)
from components.vlens.transport import RetryPolicy
from tests import imagery
from tests.app_harness import (
    capture_everything,
    demo_mode,
    fake_camera,
    page_text,
    send,
    simulator,
    start_app,
    visit,
)
from tests.test_cli import files_args, run_cli

# What each name promises (README, the selector's labels); "service_outage" fails only until
# the retries are used up, so it has a test of its own.
EXPECTED_VERDICT = {
    "verified": Verdict.VERIFIED,
    "spoof": Verdict.NOT_VERIFIED,
    "aml_match": Verdict.NEEDS_REVIEW,
    "src_invalid": Verdict.NEEDS_REVIEW,
    "authority_unverified": Verdict.NOT_VERIFIED,
    "validation_error": Verdict.NEEDS_REVIEW,
    "no_face": Verdict.NOT_VERIFIED,
    "card_not_detected": Verdict.NOT_VERIFIED,
    "bundle_needs_recharge": Verdict.INCOMPLETE,
    "slow": Verdict.VERIFIED,
}
VERDICT_TITLE = {Verdict.VERIFIED: "Verified", Verdict.NOT_VERIFIED: "Not verified",
                 Verdict.NEEDS_REVIEW: "Needs review", Verdict.INCOMPLETE: "Could not complete"}
SELECTOR = "demo_scenario"


def verdict_banner(at: AppTest) -> str:
    """The results page's verdict (the demo label is a warning too, without bold)."""
    alerts = [str(alert.value) for kind in ("success", "warning", "error")
              for alert in at.get(kind)]
    return next(text for text in alerts if text.startswith("**"))


def test_the_scenario_names_are_the_documented_ones() -> None:
    assert next(iter(DEMO_SCENARIOS)) == DEFAULT_DEMO_SCENARIO == "verified"
    assert set(DEMO_SCENARIOS) == set(EXPECTED_VERDICT) | {"service_outage"}


@pytest.mark.parametrize("name", sorted(DEMO_SCENARIOS))
def test_every_scenario_has_a_label_naming_its_verdict_in_both_languages(name: str) -> None:
    english, arabic = EN[f"demo_scenario.{name}"], AR[f"demo_scenario.{name}"]
    verdict = EXPECTED_VERDICT.get(name, Verdict.INCOMPLETE)
    assert english.endswith(f"({EN[f'verdict.{verdict.value}.title']})")
    assert arabic.endswith(f"({AR[f'verdict.{verdict.value}.title']})")


@pytest.mark.parametrize("name", sorted(set(EXPECTED_VERDICT) - {"slow"}))  # slow: own test
def test_each_embedded_scenario_gives_its_verdict(
    name: str, images: VerificationImages, client_for: Callable[..., VlensClient]
) -> None:
    client = client_for(embedded_simulator(name))
    outcome = run_verification(client, images)
    assert outcome.verdict is EXPECTED_VERDICT[name], outcome.to_dict()
    problem = outcome.problem
    if name == "no_face":
        assert problem is not None and problem.code == 4207 and problem.retake is Retake.FACE
    elif name == "card_not_detected":
        assert problem is not None and problem.code == 3011
        assert problem.retake is Retake.ID_FRONT
    elif name == "bundle_needs_recharge":
        assert problem is not None and problem.code == 4002
        assert problem.category is ErrorCategory.ACCOUNT
    elif name == "validation_error":
        assert outcome.failed_step is VerifyStep.ID_FRONT
    elif outcome.verdict is not Verdict.VERIFIED:
        assert outcome.failed_step is None and outcome.findings  # judged on the final answer


def test_slow_takes_about_two_seconds_per_request(
    images: VerificationImages, client_for: Callable[..., VlensClient]
) -> None:
    sim = embedded_simulator("slow")
    seen = len(sim.requests)
    outcome = run_verification(client_for(sim), images)
    assert outcome.verdict is EXPECTED_VERDICT["slow"]
    gaps = [r.received_at for r in sim.requests[seen:]]
    assert len(gaps) >= 3  # login (unless a token was cached), front, back, liveness
    assert all(later - earlier >= 1.9 for earlier, later in itertools.pairwise(gaps))


def test_service_outage_fails_until_retries_are_used_up_then_the_retry_works(
    images: VerificationImages, start_simulator: Callable[..., Simulator],
    client_for: Callable[..., VlensClient],
) -> None:
    # A fresh simulator of the preset: the embedded one's fault cycle is shared process-wide.
    sim = start_simulator(DEMO_SCENARIOS["service_outage"])
    client = client_for(sim)
    first = run_verification(client, images)
    assert first.verdict is Verdict.INCOMPLETE and first.failed_step is VerifyStep.LIVENESS
    assert first.error is not None
    assert len(sim.requests_to("verify/liveness")) == RetryPolicy().attempts

    retry = run_verification(client, images, previous=first)
    assert retry.verified and retry.reused == {VerifyStep.ID_FRONT, VerifyStep.ID_BACK}

    again = run_verification(client, images)  # the next demo meets the outage again
    assert again.verdict is Verdict.INCOMPLETE


def test_embedded_simulators_are_one_per_name_and_reject_unknown_names() -> None:
    started: list[Simulator] = []
    threads = [threading.Thread(target=lambda: started.append(embedded_simulator("spoof")))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(sim) for sim in started}) == 1
    assert embedded_simulator("spoof").scenario.spoof
    verified = embedded_simulator()
    assert verified is embedded_simulator("verified") and verified is not started[0]
    assert verified.base_url != started[0].base_url
    with pytest.raises(ValueError, match="valid names: verified, spoof, aml_match"):
        embedded_simulator("everything_fine")


# --- the app ---------------------------------------------------------------------------------

def test_demo_selector_chooses_the_simulator_and_a_new_choice_sends_everything_again() -> None:
    with demo_mode(), fake_camera() as camera:
        os.environ.pop(DEMO_SCENARIO_ENV, None)
        at = start_app()
        capture_everything(at, camera)
        selector = at.selectbox(key=SELECTOR)
        assert selector.label == "Demo: what should the simulator answer?"
        assert selector.value == "verified"
        assert selector.options[0] == "Every check passes (Verified)"
        assert len(selector.options) == len(DEMO_SCENARIOS)

        aml = embedded_simulator("aml_match")
        before = len(aml.requests_to("DigitalIdentity/verify"))
        selector.set_value("aml_match").run()
        send(at)
        assert not at.exception
        assert verdict_banner(at).startswith("**Needs review**")
        text = page_text(at).lower()
        assert "needs a manual review by our team" in text
        for word in ("sanction", " list", "matched", "aml"):
            assert word not in text, word
        assert len(aml.requests_to("DigitalIdentity/verify")) == before + 3

        visit(at, "pages/review.py")
        assert at.selectbox(key=SELECTOR).value == "aml_match"  # remembered across pages
        verified = embedded_simulator("verified")
        before = len(verified.requests_to("DigitalIdentity/verify"))
        at.selectbox(key=SELECTOR).set_value("verified").run()
        send(at)
        assert verdict_banner(at).startswith("**Verified**")
        # The other simulator knows none of the first transaction: every step was sent anew.
        assert len(verified.requests_to("DigitalIdentity/verify")) == before + 3
        assert "already accepted" not in page_text(at)


def test_env_default_in_arabic_and_the_retry_uses_the_same_simulator() -> None:
    with demo_mode(), fake_camera() as camera, \
            patch.dict(os.environ, {DEMO_SCENARIO_ENV: "service_outage"}):
        at = start_app("ar")
        capture_everything(at, camera)
        assert at.title[0].value == AR["review.title"]
        selector = at.selectbox(key=SELECTOR)
        assert selector.value == "service_outage"
        assert selector.label == AR["review.demo_scenario"]
        assert AR["demo_scenario.service_outage"] in selector.options

        outage = embedded_simulator("service_outage")
        seen = len(outage.requests_to("verify/liveness"))
        send(at)
        assert verdict_banner(at).startswith(f"**{AR['verdict.incomplete.title']}**")
        send(at, "retry_submission")
        assert verdict_banner(at).startswith(f"**{AR['verdict.verified.title']}**")
        assert len(outage.requests_to("verify/liveness")) == seen + RetryPolicy().attempts + 1


def test_no_demo_selector_with_a_real_configuration() -> None:
    with simulator(), fake_camera() as camera, \
            patch.dict(os.environ, {DEMO_SCENARIO_ENV: "spoof"}):
        at = start_app()
        capture_everything(at, camera)
        assert at.title[0].value == "Check your photos"
        assert [box.key for box in at.selectbox] == []
        assert "simulator answer" not in page_text(at)
        send(at)
        assert verdict_banner(at).startswith("**Verified**")  # the configured service decides


# --- the command line ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("demo_pictures")
    files = {"front": imagery.card_in_frame(imagery.id_card_front()),
             "back": imagery.card_in_frame(imagery.id_card_back()),
             **{f"face{i}": imagery.face_frame(seed=i) for i in (1, 2, 3)}}
    paths = {}
    for role, bgr in files.items():
        paths[role] = folder / f"{role}.jpg"
        paths[role].write_bytes(imagery.jpeg(bgr))
    return paths


def test_cli_demo_scenario_implies_demo(pictures: dict[str, Path]) -> None:
    done = run_cli(*files_args(pictures), "--demo-scenario", "aml_match", "--json")
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)
    assert result["demo"] is True and result["verdict"] == "needs_review"
    assert "aml_match" in result["findings"]


def test_cli_rejects_an_unknown_scenario_or_one_with_secrets(
    pictures: dict[str, Path], tmp_path: Path
) -> None:
    done = run_cli(*files_args(pictures), "--demo-scenario", "everything_fine")
    assert done.returncode == 2
    assert "service_outage" in done.stderr and "Traceback" not in done.stderr
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("")
    done = run_cli(*files_args(pictures), "--demo-scenario", "spoof", "--secrets", str(secrets))
    assert done.returncode == 2
    assert "--demo-scenario" in done.stderr and "Traceback" not in done.stderr
