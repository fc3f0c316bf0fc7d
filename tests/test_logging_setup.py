"""configure_logging: format chosen by LOG_FORMAT or [logging] secrets, one handler per process."""

from __future__ import annotations

import io
import json
import logging

import pytest

from components.observability import LogFormat, configure_logging
from components.observability.logsetup import EVENT_ATTR

pytestmark = pytest.mark.usefixtures("restore_root_logger")


def test_env_selects_json_lines_with_structured_fields() -> None:
    out = io.StringIO()
    assert configure_logging(None, {"LOG_FORMAT": "JSON"}, stream=out) is LogFormat.JSON
    logging.getLogger("vlens.test").info("hello %s", "world", extra={EVENT_ATTR: {"n": 3}})
    line = json.loads(out.getvalue().strip())
    assert line["msg"] == "hello world"
    assert line["level"] == "INFO"
    assert line["logger"] == "vlens.test"
    assert line["n"] == 3
    assert line["ts"].endswith("+00:00")


def test_secrets_section_selects_json_and_env_wins_over_it() -> None:
    secrets = {"logging": {"format": "json", "level": "warning"}}
    assert configure_logging(secrets, {}, stream=io.StringIO()) is LogFormat.JSON
    assert logging.getLogger().level == logging.WARNING
    assert configure_logging(secrets, {"LOG_FORMAT": "plain"}, stream=io.StringIO()) is (
        LogFormat.PLAIN
    )


def test_plain_is_the_default_and_appends_fields() -> None:
    out = io.StringIO()
    assert configure_logging({}, {}, stream=out) is LogFormat.PLAIN
    logging.getLogger("vlens.test").info("done", extra={EVENT_ATTR: {"verdict": "verified"}})
    text = out.getvalue()
    assert " INFO vlens.test done verdict=\"verified\"" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_repeated_calls_keep_a_single_handler() -> None:
    out = io.StringIO()
    for _ in range(3):  # Streamlit reruns app.py on every interaction
        configure_logging(None, {"LOG_FORMAT": "json"}, stream=out)
    logging.getLogger("vlens.test").warning("once")
    assert len(out.getvalue().strip().splitlines()) == 1


def test_exceptions_are_one_json_line_with_the_traceback() -> None:
    out = io.StringIO()
    configure_logging(None, {"LOG_FORMAT": "json"}, stream=out)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("vlens.test").exception("failed")
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "ValueError: boom" in json.loads(lines[0])["exc"]
