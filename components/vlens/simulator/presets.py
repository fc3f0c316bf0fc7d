"""Named demo scenarios: what the embedded simulator answers, for showing each outcome.

The names are stable (the app's demo selector, ``VLENS_DEMO_SCENARIO`` and the CLI's
``--demo-scenario`` use them). Each simulator keeps its own state for the life of the process,
so fault counters are shared by everyone demoing the same scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..transport import RetryPolicy
from .scenario import Fault, ForcedError, Scenario

DEFAULT_DEMO_SCENARIO = "verified"
OUTAGE_PATH = "verify/liveness"
OUTAGE_CYCLES = 1000  # demos of "fails, then the retry works" before the outage stays fixed


def _outage_then_recovery(path: str, failures: int, cycles: int) -> tuple[Fault, ...]:
    """``failures`` HTTP 503s on ``path``, then one normal answer, repeated ``cycles`` times.

    A fault with ``status=None`` (and no delay) is consumed but answers normally: that is
    what lets every new demo meet the outage again, and every retry after it succeed.
    """
    cycle = (Fault(path, status=503, times=failures), Fault(path, status=None, times=1))
    return cycle * cycles


def _forced(step: str, code: int) -> Mapping[str, ForcedError]:
    return MappingProxyType({step: ForcedError(code)})


DEMO_SCENARIOS: Mapping[str, Scenario] = MappingProxyType({
    # Verdict "Verified": every check passes.
    DEFAULT_DEMO_SCENARIO: Scenario(),
    # "Not verified": the face is a presentation attack (spoofing and liveness cards).
    "spoof": Scenario(spoof=True),
    # "Needs review": a compliance screening hit (screening card, neutral wording).
    "aml_match": Scenario(aml_match=True),
    # "Needs review": the official (SRC) record does not match (record card).
    "src_invalid": Scenario(src_invalid=True),
    # "Not verified": completed, but the authority did not confirm the identity (final card).
    "authority_unverified": Scenario(authority_unverified=True),
    # "Needs review": the ID front reports a date-of-birth validation error (per-field message).
    "validation_error": Scenario(validation_errors=True),
    # "Not verified", retake the face: Vlens 4207 "no face detected" on liveness.
    "no_face": Scenario(forced_errors=_forced("liveness", 4207)),
    # "Not verified", retake the card: Vlens 3011 "card not detected" on the front.
    "card_not_detected": Scenario(forced_errors=_forced("id_front", 3011)),
    # "Could not complete": the tenant's bundle needs recharging (4002; customer cannot fix it).
    "bundle_needs_recharge": Scenario(forced_errors=_forced("id_front", 4002)),
    # "Could not complete": liveness answers 503 until the app's retries are used up; the
    # next try (the "Try again" button reuses the accepted ID steps) goes through.
    "service_outage": Scenario(faults=_outage_then_recovery(
        OUTAGE_PATH, failures=RetryPolicy().attempts, cycles=OUTAGE_CYCLES)),
    # "Verified", slowly: about 2 s per request, to show the live step progress.
    "slow": Scenario(latency_s=2.0),
})


def demo_scenario(name: str) -> Scenario:
    """The preset called ``name``; ValueError naming the valid ones otherwise."""
    try:
        return DEMO_SCENARIOS[name]
    except KeyError:
        valid = ", ".join(DEMO_SCENARIOS)
        raise ValueError(f"unknown demo scenario {name!r}; valid names: {valid}") from None
