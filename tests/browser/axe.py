"""axe-core in the page: the accessibility rules a browser test checks on every page state.

axe-core comes from npm (``.ci/run`` installs it into tests/browser/vendor, git-ignored) and is
injected from that file; nothing is fetched at test time. Missing, it fails the test in CI and
skips it elsewhere, like a missing Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.chromium import browser_unavailable
from tests.browser.server import REPO_ROOT

AXE_JS = REPO_ROOT / "tests" / "browser" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
INSTALL = "npm install --prefix tests/browser/vendor axe-core@4"

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '')),
  }));
}"""


def axe_file() -> Path:
    if not AXE_JS.exists():
        browser_unavailable(f"axe-core is not installed ({AXE_JS}); run: {INSTALL}")
    return AXE_JS


def violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_file()))
    found: list[dict[str, Any]] = page.evaluate(_RUN)
    return found


def assert_accessible(page: Page, state: str) -> list[dict[str, Any]]:
    """Fail on any serious or critical violation; return the minor and moderate ones."""
    found = violations(page)
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {state}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in blocking)
    return [v for v in found if v["impact"] not in BLOCKING]
