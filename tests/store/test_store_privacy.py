"""Nothing personal reaches the database: no image bytes, names, ID numbers, phone or e-mail."""

from __future__ import annotations

import base64
import time

from sqlalchemy import select

from components.integration.handoff import (
    HandoffStatus,
    claim_handoff,
    report_progress,
    start_handoff,
)
from components.integration.links import mint_link, open_link
from components.integration.results import AttemptContext, record_result, result_record
from components.observability import StepTimer
from components.store import Store
from components.vlens import VerificationImages, run_verification
from components.vlens.simulator.responses import DEMO_ID_NUMBER

SECRET = "a-link-secret-for-tests-only"
PHONE, EMAIL = "+201001234567", "customer@example.com"


def _everything_stored(store: Store) -> str:
    text = []
    with store.begin() as conn:
        for table in (store.tables.links, store.tables.results, store.tables.outbox,
                      store.tables.events, store.tables.handoffs):
            for row in conn.execute(select(table)):
                text.extend(str(value) for value in row)
    return "\n".join(text)


def test_the_database_holds_no_image_name_id_number_phone_or_email(
        store: Store, simulator, client_for, images: VerificationImages) -> None:
    minted = mint_link(SECRET, "cust-99", public_url="https://v.example.com", phone=PHONE,
                       email=EMAIL)
    claims = open_link(store, minted.token, SECRET)
    context = AttemptContext.new(claims.reference, claims.link_id, claims.return_url)
    timer = StepTimer()
    outcome = run_verification(client_for(simulator), images, get_extracted_data=True,
                               on_step=timer)
    extracted = {key: value for result in outcome.steps.values()
                 for part in (result.id_front_data, result.id_back_data) if part
                 for key, value in part.items()}
    assert extracted["idNumber"] == DEMO_ID_NUMBER  # the answer did carry personal data
    record = result_record(outcome, context, latencies_ms=timer.latencies_ms,
                           capture_timings_s={"id_front": 4.2}, finished_at=time.time())
    record_result(store, record, context, webhooks=True)
    started = start_handoff(store, SECRET, language="en", context=context,
                            public_url="https://v.example.com")
    phone = claim_handoff(store, started.url.split("handoff=")[1], SECRET)
    report_progress(store, phone, HandoffStatus.DONE, verdict=outcome.verdict.value,
                    transaction_id=outcome.transaction_id)

    stored = _everything_stored(store)
    assert "cust-99" in stored and str(outcome.transaction_id) in stored  # the scan sees rows
    forbidden = [DEMO_ID_NUMBER, PHONE, PHONE[1:], EMAIL, "DEMO PERSON", "PERSON",
                 str(extracted.get("address", "no address")), "1990-01-01"]
    for image in (images.id_front, images.id_back or b"", *images.faces):
        forbidden.append(base64.b64encode(image[:600]).decode()[100:160])
        forbidden.append(image[200:260].hex())
    assert [value for value in forbidden if value and value in stored] == []
    assert "\xff\xd8\xff" not in stored
