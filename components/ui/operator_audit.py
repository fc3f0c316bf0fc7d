"""The operator audit trail: one log line per sign-in, refusal and action, naming the operator.

Lines go to the ``vlens.operator`` logger; with JSON logs the fields (``event``, ``operator``,
``action`` and the action's details) are separate keys. In plain text the details read
``key=value``, a value JSON-quoted unless it is one plain token, so typed text (a reason, an SSO
e-mail) can never pass for another field or another line. Never a customer's phone number,
e-mail, name or image: lookups are logged as "found"/"none" and transactions by id.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Final

from components.observability.logsetup import EVENT_ATTR

log = logging.getLogger("vlens.operator")
EVENT: Final = "operator_audit"
_WARNINGS: Final = frozenset({"sign-in refused", "sign-in paused", "transaction refused",
                              "page refused"})
_PLAIN_TOKEN = re.compile(r"[\w.@+:/-]+", re.ASCII)


def quoted(value: Any) -> str:
    """``value`` as it reads in the plain-text line: as it is when it is one plain token (no
    space, quote, ``=`` or bracket), else JSON-quoted (escapes included)."""
    text = str(value)
    return text if _PLAIN_TOKEN.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def audit(operator: str, action: str, **details: Any) -> None:
    """Log ``action`` by ``operator`` (account name or SSO e-mail) with ``details``."""
    fields = {"event": EVENT, "operator": operator, "action": action, **details}
    text = " ".join(f"{key}={quoted(value)}" for key, value in details.items())
    log.log(logging.WARNING if action in _WARNINGS else logging.INFO,
            "operator %s: %s%s", quoted(operator), action, f" ({text})" if text else "",
            extra={EVENT_ATTR: fields})
