"""Run a Streamlit script as a real server process for browser tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without Vlens settings, so the app runs in demo mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VLENS_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class StreamlitServer:
    """``streamlit run <script>`` on a free loopback port, its output captured in ``log_path``.

    ``secrets_file`` replaces the project's secrets lookup, so a developer's real credentials in
    .streamlit/secrets.toml never reach a test run.
    """

    def __init__(
        self,
        script: Path,
        log_path: Path,
        secrets_file: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.script = script
        self.log_path = log_path
        self.secrets_file = secrets_file
        self.env = isolated_env(env)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60.0) -> StreamlitServer:
        """Start the server and wait until its health endpoint answers ``ok``."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.secrets_file.parent.mkdir(parents=True, exist_ok=True)
        self.secrets_file.touch()
        command = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(self.port),
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            "--secrets.files", str(self.secrets_file),
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_healthy(timeout_s)
        return self

    def _wait_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"streamlit exited with code {self._process.returncode} before it was "
                    f"healthy; log {self.log_path}:\n{self.log_tail()}"
                )
            try:
                reply = requests.get(f"{self.url}/_stcore/health", timeout=2)
                if reply.status_code == 200 and reply.text.strip() == "ok":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"streamlit was not healthy within {timeout_s:.0f} s; log {self.log_path}:\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and everything it started; escalates to SIGKILL after 10 s."""
        process, self._process = self._process, None
        if process is None:
            return
        # start_new_session made the server the leader of its own process group (id = its pid).
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)
