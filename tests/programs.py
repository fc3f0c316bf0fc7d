"""Debian programs some tests drive (coturn, Caddy): fail in CI, which installs them
(.ci/run), skip elsewhere."""

from __future__ import annotations

import shutil

import pytest

from tests.browser.chromium import running_in_ci


def require_program(name: str, package: str) -> str:
    """The program's path, or a CI failure / local skip naming the package to install."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install {package})"
        if running_in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
