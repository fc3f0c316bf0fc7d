"""Numbered schema steps, applied once each and recorded in ``vlens_schema_version``.

Add a step by appending ``Migration(n + 1, "what", apply)``; never edit an applied one.
Concurrent starts are safe: PostgreSQL takes a transaction-level advisory lock, SQLite's
``BEGIN IMMEDIATE`` serialises writers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, select, text

from . import schema

ADVISORY_LOCK_KEY = 0x766C656E73  # "vlens"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _initial_tables(conn: Connection) -> None:
    for table in (schema.links, schema.results, schema.outbox, schema.events):
        table.create(conn, checkfirst=True)


def _handoffs(conn: Connection) -> None:
    schema.handoffs.create(conn, checkfirst=True)


def _rate_sends(conn: Connection) -> None:
    schema.rate_sends.create(conn, checkfirst=True)


def _add_handoff_column(conn: Connection, name: str, sql_type: str) -> None:
    # A store created after the column joined the table definition has it from step 2.
    if name not in {column["name"] for column in inspect(conn).get_columns(
            schema.handoffs.name)}:
        conn.execute(text(f"ALTER TABLE {schema.handoffs.name} ADD COLUMN {name} {sql_type}"))


def _phone_seen_at(conn: Connection) -> None:
    _add_handoff_column(conn, "phone_seen_at", "DOUBLE PRECISION")


def _result_recorded(conn: Connection) -> None:
    _add_handoff_column(conn, "result_recorded", "BOOLEAN")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "links, results, outbox and funnel events", _initial_tables),
    Migration(2, "phone hand-offs", _handoffs),
    Migration(3, "Vlens sends shared by replicas for the rate limit", _rate_sends),
    Migration(4, "when a hand-off's phone was last heard from", _phone_seen_at),
    Migration(5, "whether a hand-off's phone recorded the result for the business",
              _result_recorded),
)


def latest_version() -> int:
    return MIGRATIONS[-1].version


def migrate(conn: Connection, clock: Callable[[], float] = time.time) -> list[int]:
    """Apply the steps this database lacks (inside the caller's transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    schema.schema_version.create(conn, checkfirst=True)
    done = set(conn.execute(select(schema.schema_version.c.version)).scalars())
    applied = []
    for step in MIGRATIONS:
        if step.version in done:
            continue
        step.apply(conn)
        conn.execute(schema.schema_version.insert().values(
            version=step.version, description=step.description, applied_at=clock()))
        applied.append(step.version)
    return applied
