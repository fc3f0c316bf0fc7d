"""A throwaway PostgreSQL for the store tests, started from Debian's binaries.

``VLENS_TEST_DATABASE_URL`` (a server DSN whose user may create databases) wins; otherwise a
cluster is initialised in a temporary directory and served on a unix socket there, as the
current user or, when that is root (the server refuses root), as the ``postgres`` user via
``runuser``. Outside CI a missing PostgreSQL skips the PostgreSQL parametrizations; with
``CI=true`` it fails them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

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


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    given = os.environ.get(DSN_ENV, "").strip()
    if given:
        from components.store.settings import normalise_url

        yield PostgresServer(normalise_url(given))
        return
    bin_dir = _bin_dir()
    if bin_dir is None:
        _unavailable("no /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    assert bin_dir is not None
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no postgres user to run the server")
    root = Path(tempfile.mkdtemp(prefix="vlens-pg-"))
    data, socket_dir = root / "data", root / "run"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        os.chown(root, server_user.pw_uid, server_user.pw_gid)
        os.chown(socket_dir, server_user.pw_uid, server_user.pw_gid)
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", user,
                                    "-A", "trust", "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True)
    options = (f"-k {socket_dir} -c listen_addresses='' -c fsync=off "
               "-c full_page_writes=off -c synchronous_commit=off")
    started = subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-w",
                                              "-o", options, "-l", str(root / "log"), "start"]),
                             capture_output=True, text=True)
    if started.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"the server did not start: {log[-500:]}")
    try:
        yield PostgresServer(f"postgresql+psycopg://{user}@/postgres?host={socket_dir}")
    finally:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m",
                                        "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
