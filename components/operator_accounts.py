"""Operator passwords as salted scrypt hashes (no Streamlit import).

A stored hash reads ``scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>``; the cost parameters
travel with it, so they can be raised later without invalidating older accounts. Make one with
``vlens-verify operator-hash`` (reads the password without echoing it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Final

SCHEME: Final = "scrypt"
N, R, P = 2**15, 8, 1  # 32 MiB and ~0.1 s per check: slow for a guesser, fine for a sign-in
KEY_BYTES: Final = 32
SALT_BYTES: Final = 16
MAX_N: Final = 2**17  # a hash asking for more memory than this is refused, not computed
MAX_PASSWORD_CHARS: Final = 1024  # budget before the work
MIN_PASSWORD_CHARS: Final = 12


class HashFormatError(ValueError):
    """A stored hash that is not ``scrypt$n$r$p$salt$key`` with sane parameters."""


@dataclass(frozen=True)
class PasswordHash:
    n: int
    r: int
    p: int
    salt: bytes = field(repr=False)
    key: bytes = field(repr=False)

    def encode(self) -> str:
        b64 = base64.b64encode
        return (f"{SCHEME}${self.n}${self.r}${self.p}$"
                f"{b64(self.salt).decode()}${b64(self.key).decode()}")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * n + 1024 * 1024, dklen=KEY_BYTES)


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    """A new salted hash of ``password`` for ``[operator.accounts]``."""
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise ValueError(f"an operator password needs {MIN_PASSWORD_CHARS} to "
                         f"{MAX_PASSWORD_CHARS} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    return PasswordHash(n, r, p, salt, _derive(password, salt, n, r, p)).encode()


def parse_hash(encoded: str) -> PasswordHash:
    parts = encoded.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise HashFormatError("not a scrypt$n$r$p$salt$key hash")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        raise HashFormatError("a scrypt hash with unreadable fields") from None
    if not (2 <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 4
            and len(salt) >= 8 and len(key) >= 16):
        raise HashFormatError("scrypt parameters out of range")
    return PasswordHash(n, r, p, salt, key)


def password_matches(candidate: str, stored: PasswordHash) -> bool:
    """Constant-time check of ``candidate`` against ``stored`` (over-long input is refused
    before any hashing)."""
    if len(candidate) > MAX_PASSWORD_CHARS:
        return False
    derived = _derive(candidate, stored.salt, stored.n, stored.r, stored.p)
    return hmac.compare_digest(derived, stored.key)


# Checked instead of a real hash when the account name is unknown, so that a wrong name costs
# as much time as a wrong password and does not reveal which accounts exist.
_DUMMY: Final = PasswordHash(N, R, P, b"\0" * SALT_BYTES, b"\0" * KEY_BYTES)


def burn_time_like_a_check(candidate: str) -> None:
    password_matches(candidate, _DUMMY)
