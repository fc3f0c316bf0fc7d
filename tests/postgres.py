"""A PostgreSQL server for the store tests: ``VLENS_TEST_DATABASE_URL`` (a DSN whose user may
create databases) or a throwaway cluster from ``scripts.throwaway_postgres``. Outside CI a
missing PostgreSQL skips the PostgreSQL parametrizations; with ``CI=true`` it fails them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from components.store.settings import normalise_url
from scripts.throwaway_postgres import PostgresUnavailable, throwaway_cluster

DSN_ENV = "VLENS_TEST_DATABASE_URL"


@dataclass(frozen=True)
class PostgresServer:
    admin_url: str  # a SQLAlchemy URL to the maintenance database

    def fresh_database(self) -> str:
        """A new empty database; its URL."""
        name = "t_" + uuid.uuid4().hex[:16]
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        base, _, query = self.admin_url.partition("?")
        return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    given = os.environ.get(DSN_ENV, "").strip()
    if given:
        yield PostgresServer(normalise_url(given))
        return
    try:
        cluster = throwaway_cluster()
        url = cluster.__enter__()
    except PostgresUnavailable as exc:
        _unavailable(str(exc))
        return
    try:
        yield PostgresServer(url)
    finally:
        cluster.__exit__(None, None, None)
