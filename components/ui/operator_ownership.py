"""Does a typed transaction id belong to the customer the operator looked up?

Vlens documents ``GetUserDigitalIdentityImages`` as file names only: nothing says which
verification the images belong to. When an answer does say (a ``transactionId``, or ids in
the file names) the page trusts it: match or refuse. When it says nothing, the page only offers
verifications this app recorded itself (``vlens_results``), and only after the operator
confirms, with a reason for the audit log, that they checked the id on the customer's receipt.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

from components.vlens.models import UserImages

IMAGE_LABELS: Final = (
    ("id_front_image", "ID front"),
    ("id_back_image", "ID back"),
    ("liveness_image", "Liveness"),
    ("liveness_face01_image", "Face 1"),
    ("liveness_face02_image", "Face 2"),
    ("liveness_face03_image", "Face 3"),
)
MIN_REASON = 5
MAX_REASON = 200
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # also the page's lookup check
PERSONAL_DIGITS = 8
# Phone numbers (+20…, 0020…, 01…, spaced out or not) and national ID numbers (14 digits), in
# any script's digits: any run of PERSONAL_DIGITS or more, once separators between digits are
# taken out.
_PERSONAL_NUMBER = re.compile(rf"\d{{{PERSONAL_DIGITS},}}")
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[\s\-\u2010-\u2015.()/_]+(?=\d)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class Ownership(Enum):
    MATCH = "match"  # the listing ties the transaction to this customer
    MISMATCH = "mismatch"  # the listing ties another transaction to this customer
    UNSTATED = "unstated"  # the listing says nothing about transactions (Vlens' documented shape)


def image_names(images: UserImages) -> list[tuple[str, str]]:
    """(label, file name) for every image the service listed."""
    return [(label, name) for attr, label in IMAGE_LABELS
            if (name := getattr(images, attr)) is not None]


def listing_says(images: UserImages, transaction_id: str) -> Ownership:
    """What the customer's image listing says about ``transaction_id``: it names a transaction
    (``transactionId``), or its file names carry ids (every one must carry this id), or
    neither."""
    wanted = transaction_id.strip().lower()
    if images.transaction_id is not None:
        same = images.transaction_id.strip().lower() == wanted
        return Ownership.MATCH if same else Ownership.MISMATCH
    names = [name.lower() for _, name in image_names(images)]
    if not any(_UUID.search(name) for name in names):
        return Ownership.UNSTATED
    return Ownership.MATCH if all(wanted in name for name in names) else Ownership.MISMATCH


def confirmation_reason(text: str) -> tuple[str | None, str | None]:
    """(reason fit for the audit log, None) or (None, what is wrong with it). One line, at
    most ``MAX_REASON`` characters, no e-mail address, phone or national ID number in it."""
    reason = " ".join(_CONTROL.sub(" ", text).split())
    if len(reason) < MIN_REASON:
        return None, (f"Give a short reason (at least {MIN_REASON} characters), for example "
                      "the support ticket you are working on.")
    if len(reason) > MAX_REASON:
        return None, f"Keep the reason to {MAX_REASON} characters."
    if EMAIL.search(reason) or _PERSONAL_NUMBER.search(_DIGIT_SEPARATORS.sub("", reason)):
        return None, ("Leave the customer's e-mail, phone and ID numbers out of the reason: it "
                      f"goes into the audit log ({PERSONAL_DIGITS} digits or more in a row, "
                      "spaces and dashes ignored, count as one).")
    return reason, None
