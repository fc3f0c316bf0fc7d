"""Numbered per-step screenshots of a browser test, kept under artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page


class StepShots:
    """Saves ``NN-<step>.png`` files into one folder per test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.saved: list[Path] = []
        self.page: Page | None = None
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def watch(self, page: Page) -> Page:
        """Remember ``page`` for the screenshot taken when the test fails."""
        self.page = page
        return page

    def take(self, page: Page, step: str) -> Path:
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}.png"
        self.page = page
        page.screenshot(path=str(path), full_page=True)
        self.saved.append(path)
        return path
