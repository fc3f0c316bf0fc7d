"""The details Vlens read from the card (``getExtractedData``), national ID number masked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

FIELDS: Final[tuple[str, ...]] = (
    "name", "name_english", "dateOfBirth", "gender", "idNumber", "address", "govern",
    "maritalStatus", "job", "religion", "releaseDate", "idExpiry",
)
MASKED_FIELD: Final = "idNumber"
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$")


def mask_id_number(value: str) -> str:
    """All but the last two digits hidden: enough to recognise, not enough to misuse."""
    visible = 2 if len(value) > 4 else 0
    return "•" * (len(value) - visible) + value[len(value) - visible:]


def extracted_fields(parts: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(field, value) in display order from idFrontData/idBackData; the first value wins."""
    values: dict[str, str] = {}
    for part in parts:
        for field in FIELDS:
            value = part.get(field)
            if field not in values and value not in (None, ""):
                values[field] = _readable(str(value))
    return [(field, values[field]) for field in FIELDS if field in values]


def _readable(value: str) -> str:
    """Dates as the day only ("1990-01-01T00:00:00Z" -> "1990-01-01")."""
    match = _ISO_DATE.match(value)
    return match.group(1) if match else value
