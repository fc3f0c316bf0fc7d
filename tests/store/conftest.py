"""Every store test runs against SQLite and a real PostgreSQL (``store_url`` parametrization)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from components.store import Store, open_store
from components.store.settings import sqlite_url
from tests.postgres import postgres_server  # noqa: F401  (session fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "store.sqlite3")
    server = request.getfixturevalue("postgres_server")
    return str(server.fresh_database())


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.dispose()
