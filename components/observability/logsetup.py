"""Process-wide logging: JSON lines (``LOG_FORMAT=json`` or ``[logging] format = "json"``) or plain.

``configure_logging`` is safe to call on every Streamlit rerun: it replaces its own handler
instead of stacking a new one each time.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TextIO

SECTION = "logging"
EVENT_ATTR = "event_fields"  # LogRecord attribute carrying structured fields (``extra=``)
_HANDLER_NAME = "vlens-observability"


class LogFormat(StrEnum):
    PLAIN = "plain"
    JSON = "json"


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, then the record's structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, EVENT_ATTR, None)
        if isinstance(fields, Mapping):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """``time level logger message key=value ...`` for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = getattr(record, EVENT_ATTR, None)
        if isinstance(fields, Mapping) and fields:
            pairs = " ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}"
                             for k, v in fields.items())
            first, sep, rest = text.partition("\n")
            text = f"{first} {pairs}{sep}{rest}"
        return text


def chosen_format(secrets: Mapping[str, Any] | None, environ: Mapping[str, str]) -> LogFormat:
    """``LOG_FORMAT`` wins over ``[logging] format``; anything but "json" means plain."""
    value = _setting(secrets, environ, "LOG_FORMAT", "format")
    return LogFormat.JSON if str(value or "").strip().lower() == "json" else LogFormat.PLAIN


def chosen_level(secrets: Mapping[str, Any] | None, environ: Mapping[str, str]) -> int:
    """``LOG_LEVEL`` or ``[logging] level`` (a level name), INFO by default."""
    value = _setting(secrets, environ, "LOG_LEVEL", "level")
    level = logging.getLevelName(str(value or "INFO").strip().upper())
    return level if isinstance(level, int) else logging.INFO


def configure_logging(
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    stream: TextIO | None = None,
) -> LogFormat:
    """Install one handler on the root logger in the configured format; return that format."""
    env = os.environ if environ is None else environ
    log_format = chosen_format(secrets, env)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLineFormatter() if log_format is LogFormat.JSON else PlainFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(chosen_level(secrets, env))
    return log_format


def _setting(
    secrets: Mapping[str, Any] | None, environ: Mapping[str, str], env_name: str, key: str
) -> Any:
    """The environment variable ``env_name`` if set, else ``[logging] key`` from secrets."""
    value: Any = environ.get(env_name)
    if not value and secrets is not None:
        section = secrets.get(SECTION)
        if isinstance(section, Mapping):
            value = section.get(key)
    return value
