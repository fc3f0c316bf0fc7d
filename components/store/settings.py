"""Where the store lives: ``[integration] database_url`` / ``database_path`` or the environment.

Precedence: ``VLENS_DATABASE_URL``, ``database_url``, ``VLENS_DATABASE_PATH``, ``database_path``.
With none of them the store lives in memory (nothing left behind: demo mode, tests), unless the
caller needs durability (webhooks configured outside demo mode): then
``vlens-integration.sqlite3`` in the working directory, so no event is lost on a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MEMORY_URL = "sqlite+pysqlite://"
DEFAULT_PATH = "vlens-integration.sqlite3"
URL_ENV = "VLENS_DATABASE_URL"
PATH_ENV = "VLENS_DATABASE_PATH"


@dataclass(frozen=True)
class StoreSettings:
    url: str  # a SQLAlchemy URL; never logged (it may carry a password)
    configured: bool = True  # False for the fallbacks (in memory, or the default file)

    @property
    def in_memory(self) -> bool:
        return self.url == MEMORY_URL

    @property
    def dialect(self) -> str:
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` use psycopg 3; a bare path becomes a SQLite URL."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith(("postgresql+", "sqlite")):
        return url
    return sqlite_url(url)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite+pysqlite:///{Path(path).expanduser()}"


def database_url_from(section: Mapping[str, Any] | None, environ: Mapping[str, str], *,
                      durable: bool) -> StoreSettings:
    """The store's settings from an ``[integration]`` section and the environment."""
    values = dict(section or {})
    url = environ.get(URL_ENV, "").strip() or str(values.get("database_url") or "").strip()
    if url:
        return StoreSettings(normalise_url(url))
    path = environ.get(PATH_ENV, "").strip() or str(values.get("database_path") or "").strip()
    if path:
        return StoreSettings(sqlite_url(path))
    return StoreSettings(sqlite_url(DEFAULT_PATH) if durable else MEMORY_URL, configured=False)
