"""The README's copy-paste webhook receiver really verifies what the delivery worker sends."""

from __future__ import annotations

import contextlib
import io
import re
import threading
import time
from http.server import HTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import select

from components.integration.delivery import DeliveryWorker, WebhookSender
from components.integration.outbox import enqueue
from components.store import open_store

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_receiver(secret: bytes) -> dict[str, Any]:
    section = README.read_text(encoding="utf-8").split("## Integrating your business", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "the README lost its receiver example"
    lines = code.group(1).rstrip().splitlines()
    assert lines[-1].startswith("HTTPServer(")
    namespace: dict[str, Any] = {}
    exec("\n".join(lines[:-1]), namespace)  # everything but serve_forever()
    namespace["SECRET"] = secret
    return namespace


def test_the_readme_receiver_accepts_a_genuine_delivery_once_and_refuses_a_forged_one() -> None:
    namespace = _readme_receiver(b"readme-webhook-secret")
    server = HTTPServer(("127.0.0.1", 0), namespace["Hook"])
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    store = open_store("sqlite+pysqlite://")
    printed = io.StringIO()
    try:
        with store.begin() as conn:
            enqueue(conn, store, "verification.completed",
                    {"reference": "CUST-1042", "verdict": "verified", "transaction_id": "t-1"},
                    now=time.time())
            forged = enqueue(conn, store, "verification.completed", {"reference": "x"},
                             now=time.time())
        genuine = DeliveryWorker(store, WebhookSender(url, "readme-webhook-secret"))
        with contextlib.redirect_stdout(printed):
            # the forged event first, signed with the wrong secret: the receiver answers 401
            outbox = store.tables.outbox
            with store.begin() as conn:
                conn.execute(outbox.update().where(outbox.c.id != forged)
                             .values(next_attempt_at=1e12))
            DeliveryWorker(store, WebhookSender(url, "not-the-readme-secret")).run_once()
            with store.begin() as conn:
                conn.execute(outbox.update().where(outbox.c.id != forged)
                             .values(next_attempt_at=time.time()))
            assert genuine.run_once() == 1
        with store.begin() as conn:
            rows = {r.id: (r.status, r.last_http_status)
                    for r in conn.execute(select(outbox.c.id, outbox.c.status,
                                                 outbox.c.last_http_status))}
        assert rows[forged] == ("failed", 401)
        assert printed.getvalue().split() == ["CUST-1042", "verified", "t-1"]
        assert len(namespace["seen"]) == 1
    finally:
        server.shutdown()
        server.server_close()
        store.dispose()
