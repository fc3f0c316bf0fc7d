"""What the operator dashboard shows, read from the store: deliveries, links, verifications
per day, the funnel, step times, top hints and error codes, fallback rates, CSV exports.
Plain rows (dicts) in, plain rows out; no Streamlit here."""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from components.store import Store

from .funnel import FUNNEL

DEFAULT_LIMIT = 500


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def deliveries(store: Store, status: str | None = None, limit: int = DEFAULT_LIMIT
               ) -> list[dict[str, Any]]:
    outbox = store.tables.outbox
    query = select(outbox).order_by(outbox.c.created_at.desc()).limit(limit)
    if status:
        query = query.where(outbox.c.status == status)
    with store.begin() as conn:
        rows = conn.execute(query).all()
    result = []
    for row in rows:
        data = json.loads(row.payload).get("data", {})
        result.append({
            "event_id": row.id, "status": row.status, "reference": data.get("reference"),
            "verdict": data.get("verdict"), "attempts": row.attempts,
            "queued_at": iso(row.created_at),
            "next_attempt_at": iso(row.next_attempt_at) if row.status in ("pending", "failed")
            else None,
            "last_error": row.last_error, "last_http_status": row.last_http_status,
            "delivered_at": iso(row.delivered_at),
        })
    return result


def link_state(row: Any, now: float) -> str:
    if row.completed_at is not None:
        return "completed"
    if now >= row.expires_at:
        return "expired"
    return "opened" if row.opened_at is not None else "not opened"


def links(store: Store, *, now: float, limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    table = store.tables.links
    with store.begin() as conn:
        rows = conn.execute(select(table).order_by(table.c.created_at.desc()).limit(limit)).all()
    return [{"link_id": row.id, "reference": row.reference, "state": link_state(row, now),
             "minted_at": iso(row.created_at), "expires_at": iso(row.expires_at),
             "opened_at": iso(row.opened_at), "completed_at": iso(row.completed_at),
             "verdict": row.verdict, "transaction_id": row.transaction_id,
             "return_url": row.return_url, "carried_contact": bool(row.has_contact)}
            for row in rows]


def verifications_per_day(store: Store, *, since: float) -> list[dict[str, Any]]:
    """(day, verdict, count) rows for results since ``since``."""
    results = store.tables.results
    with store.begin() as conn:
        rows = conn.execute(select(results.c.created_at, results.c.verdict)
                            .where(results.c.created_at >= since)).all()
    counts = Counter((iso(row.created_at)[:10], row.verdict) for row in rows)  # type: ignore[index]
    return [{"day": day, "verdict": verdict, "verifications": n}
            for (day, verdict), n in sorted(counts.items())]


def _events(store: Store, since: float, names: Iterable[str] | None = None) -> list[Any]:
    events = store.tables.events
    query = select(events).where(events.c.at >= since)
    if names is not None:
        query = query.where(events.c.name.in_(list(names)))
    with store.begin() as conn:
        return list(conn.execute(query))


def funnel(store: Store, *, since: float) -> list[dict[str, Any]]:
    """How many attempts reached each stage (link opened → … → verdict)."""
    reached: dict[str, set[str]] = defaultdict(set)
    for row in _events(store, since, ("link_opened", "consent", "captured", "submitted",
                                      "verdict")):
        stage = f"captured:{row.detail}" if row.name == "captured" else row.name
        reached[stage].add(row.attempt_id)
    return [{"stage": stage, "attempts": len(reached.get(stage, ()))} for stage in FUNNEL]


def median_step_seconds(store: Store, *, since: float) -> list[dict[str, Any]]:
    values: dict[str, list[float]] = defaultdict(list)
    for row in _events(store, since, ("step_time",)):
        if row.value is not None:
            values[str(row.detail)].append(float(row.value))
    return [{"step": step, "median_s": round(statistics.median(times), 1), "samples": len(times)}
            for step, times in sorted(values.items())]


def top_codes(store: Store, name: str, *, since: float, top: int = 10) -> list[dict[str, Any]]:
    """The most frequent ``detail`` of ``hint`` or ``error`` events."""
    counts = Counter(str(row.detail) for row in _events(store, since, (name,)))
    return [{"code": code, "count": n} for code, n in counts.most_common(top)]


def fallback_rates(store: Store, *, since: float) -> dict[str, float | None]:
    """Shares of submitted attempts that used a manual capture or an upload."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for row in _events(store, since, ("submitted", "manual_capture", "upload_fallback")):
        by_name[row.name].add(row.attempt_id)
    submitted = by_name["submitted"]
    if not submitted:
        return {"manual_capture": None, "upload_fallback": None}
    return {name: round(len(by_name[name] & submitted) / len(submitted), 3)
            for name in ("manual_capture", "upload_fallback")}


def handoffs(store: Store, *, since: float) -> dict[str, int]:
    """Attempts handed to a phone: codes shown on a computer, opened on a phone, and finished
    there (a result on the phone; the computer taking the attempt back and finishing itself
    does not count)."""
    by_stage: dict[str, set[str]] = defaultdict(set)
    for row in _events(store, since, ("handoff",)):
        by_stage[str(row.detail)].add(row.attempt_id)
    return {stage: len(by_stage[stage]) for stage in ("started", "opened", "finished")}


def results_export(store: Store, *, since: float) -> list[dict[str, Any]]:
    results = store.tables.results
    with store.begin() as conn:
        rows = conn.execute(select(results).where(results.c.created_at >= since)
                            .order_by(results.c.created_at)).all()
    exported = []
    for row in rows:
        record = json.loads(row.record)
        exported.append({
            "result_id": row.id, "finished_at": iso(row.created_at), "reference": row.reference,
            "transaction_id": row.transaction_id, "verdict": row.verdict,
            "error_code": record.get("error_code"), "failed_step": record.get("failed_step"),
            "findings": " ".join(record.get("findings") or []),
            "request_ids": " ".join(f"{k}={v}" for k, v in
                                    (record.get("request_ids") or {}).items()),
        })
    return exported


def to_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    if not rows:
        return b""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v)
                         for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")


def result_count(store: Store) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(store.tables.results))
                   .scalar_one())
