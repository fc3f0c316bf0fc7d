"""A throwaway PostgreSQL cluster from Debian's binaries, for tests and benchmarks.

    uv run python -m scripts.throwaway_postgres    # prints a DSN, serves until Ctrl+C

The cluster lives in a temporary directory (fsync off, unix socket only, trust auth) and is
removed on exit. The server refuses to run as root: as root it runs as the ``postgres`` user
(``runuser``), otherwise as the current user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries, no user to run them as, or the server did not start."""


def bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A running cluster; yields a SQLAlchemy URL to its ``postgres`` database."""
    binaries = bin_dir()
    if binaries is None:
        raise PostgresUnavailable("no /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="vlens-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    try:
        if os.geteuid() == 0:
            try:
                server_user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and there is no postgres user") from None
            for path in (root, sockets):
                os.chown(path, server_user.pw_uid, server_user.pw_gid)
            user = "postgres"
        else:
            user = pwd.getpwuid(os.geteuid()).pw_name
        init = subprocess.run(_as_server_user([
            str(binaries / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "--no-sync",
            "-E", "UTF8"]), capture_output=True, text=True)
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr[-300:]}")
        options = (f"-k {sockets} -c listen_addresses='' -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        started = subprocess.run(_as_server_user([
            str(binaries / "pg_ctl"), "-D", str(data), "-w", "-o", options,
            "-l", str(root / "log"), "start"]), capture_output=True, text=True)
        if started.returncode != 0:
            log = (root / "log").read_text() if (root / "log").exists() else started.stderr
            raise PostgresUnavailable(f"the server did not start: {log[-300:]}")
        try:
            yield f"postgresql+psycopg://{user}@/postgres?host={sockets}"
        finally:
            subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data),
                                            "-m", "immediate", "stop"]), capture_output=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    import signal

    with throwaway_cluster() as url:
        print(url, flush=True)
        with suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
