"""The tables, as SQLAlchemy Core objects. Times are UTC epoch seconds (REAL / double)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "vlens_schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("description", String(200), nullable=False),
    Column("applied_at", Float, nullable=False),
)

# A verification link minted for (or first opened by) a customer. Contact details are never
# stored: only whether the link carried any.
links = Table(
    "vlens_links", metadata,
    Column("id", String(64), primary_key=True),
    Column("reference", String(200), nullable=False),
    Column("return_url", Text),
    Column("has_contact", Boolean, nullable=False, default=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("opened_at", Float),
    Column("completed_at", Float),
    Column("transaction_id", String(64)),
    Column("verdict", String(32)),
)

# One row per finished verification: allow-listed, privacy-safe fields as JSON text.
results = Table(
    "vlens_results", metadata,
    Column("id", String(64), primary_key=True),
    Column("reference", String(200)),
    Column("link_id", String(64)),
    Column("transaction_id", String(64)),
    Column("verdict", String(32), nullable=False),
    Column("record", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_vlens_results_created_at", "created_at"),
)

# Transactional outbox: written with the result, delivered by the webhook worker.
outbox = Table(
    "vlens_outbox", metadata,
    Column("id", String(64), primary_key=True),
    Column("event_type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("status", String(16), nullable=False),  # pending | failed | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_until", Float),
    Column("last_error", String(300)),
    Column("last_http_status", Integer),
    Column("delivered_at", Float),
    Column("delivered_by", String(64)),
    Index("ix_vlens_outbox_due", "status", "next_attempt_at"),
)

# Privacy-safe funnel events: an opaque attempt id, a stable event name and a short code.
events = Table(
    "vlens_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("attempt_id", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("detail", String(64)),
    Column("value", Float),
    Column("at", Float, nullable=False),
    Index("ix_vlens_events_at", "at"),
)

# "Continue on your phone": one row per hand-off of an attempt from a computer to a phone.
# Status and the result summary only (verdict, transaction id): never images or personal data.
# The phone is recognised by the sha256 of a random secret it holds; the token is not stored.
handoffs = Table(
    "vlens_handoffs", metadata,
    Column("id", String(64), primary_key=True),
    Column("attempt_id", String(64), nullable=False),  # the integration's opaque attempt id
    Column("language", String(8), nullable=False),
    Column("reference", String(200)),  # the business's customer id (as in vlens_links)
    Column("link_id", String(64)),
    Column("return_url", Text),
    Column("status", String(16), nullable=False),
    Column("phone_device", String(64)),  # sha256 hex of the phone's device secret
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),  # the link must be opened by then
    Column("opened_at", Float),
    Column("updated_at", Float, nullable=False),
    Column("verdict", String(32)),
    Column("transaction_id", String(64)),
    Column("phone_seen_at", Float),  # the phone's last sign of life (migration 4)
    # Whether the phone recorded the result for the business (None: no business) (migration 5)
    Column("result_recorded", Boolean),
    Index("ix_vlens_handoffs_created_at", "created_at"),
)

# Vlens requests sent in the last minute, per tenant and service, shared by the replicas so that
# together they keep to the tenant's rate limit (components.store.rate_sends). The key is a hash
# of the tenant and the base URL; nothing else about the request is kept.
rate_sends = Table(
    "vlens_rate_sends", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("limiter_key", String(64), nullable=False),
    Column("sent_at", Float, nullable=False),
    Index("ix_vlens_rate_sends_key_sent_at", "limiter_key", "sent_at"),
)


@dataclass(frozen=True)
class Tables:
    """Typed access to the store's tables (``store.tables.outbox``)."""

    schema_version: Table = schema_version
    links: Table = links
    results: Table = results
    outbox: Table = outbox
    events: Table = events
    handoffs: Table = handoffs
    rate_sends: Table = rate_sends
