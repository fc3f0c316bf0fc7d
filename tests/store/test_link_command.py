"""``vlens-verify link`` mints a link the app accepts, and records it in the database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from components.cli import main
from components.integration.config import DEMO_LINK_SECRET
from components.integration.link_command import parse_duration
from components.integration.links import read_link
from components.store import open_store

SECRET = "cli-link-secret-for-tests"


def test_the_link_command_mints_a_link_recorded_in_the_configured_database(
        store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VLENS_DATABASE_URL", store_url)
    monkeypatch.setenv("VLENS_LINK_SECRET", SECRET)
    monkeypatch.setenv("VLENS_PUBLIC_URL", "https://verify.example.com")
    code = main(["link", "--ref", "cust-5", "--return-url", "https://shop.example.com/done",
                 "--expires", "2h", "--json"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["url"].startswith("https://verify.example.com/?link=")
    claims = read_link(printed["token"], SECRET, now=printed["expires_at"] - 1)
    assert claims.expires_at - claims.issued_at == 7200
    store = open_store(store_url)
    with store.begin() as conn:
        row = conn.execute(select(store.tables.links)).one()
    store.dispose()
    assert (row.id, row.reference, row.return_url) == (
        claims.link_id, "cust-5", "https://shop.example.com/done")


def test_the_demo_link_command_signs_with_the_demo_secret(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("VLENS_LINK_SECRET", "VLENS_DATABASE_URL", "VLENS_DATABASE_PATH"):
        monkeypatch.delenv(name, raising=False)
    assert main(["link", "--ref", "c1", "--demo"]) == 0
    url = capsys.readouterr().out.strip()
    token = url.split("link=", 1)[1]
    assert read_link(token, DEMO_LINK_SECRET, now=0).reference == "c1"


@pytest.mark.parametrize("args, message", [
    (["--return-url", "http://shop.example.com"], "https"),
    (["--expires", "forever"], "duration"),
    (["--phone", "0100"], "phone"),
])
def test_bad_link_options_exit_2_with_a_reason(args: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["link", "--ref", "c1", "--demo", *args]) == 2
    assert message in capsys.readouterr().err


def test_without_a_secret_the_link_command_says_how_to_set_one(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("VLENS_LINK_SECRET", raising=False)
    assert main(["link", "--ref", "c1"]) == 2
    assert "VLENS_LINK_SECRET" in capsys.readouterr().err


def test_durations_read_like_people_write_them() -> None:
    assert [parse_duration(t) for t in ("90s", "30m", "24h", "7d", "120")] == [
        90, 1800, 86400, 604800, 120]
