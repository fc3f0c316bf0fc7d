"""Operator passwords: salted scrypt hashes and the ``vlens-verify operator-hash`` command."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from components.operator_accounts import (
    HashFormatError,
    hash_password,
    parse_hash,
    password_matches,
)

PASSWORD = "a long operator pass phrase"


def test_a_hash_accepts_its_password_only_and_is_salted() -> None:
    encoded = hash_password(PASSWORD, n=2**10)
    stored = parse_hash(encoded)
    assert password_matches(PASSWORD, stored)
    assert not password_matches(PASSWORD + " ", stored)
    assert hash_password(PASSWORD, n=2**10) != encoded
    assert PASSWORD not in encoded and PASSWORD not in repr(stored)


@pytest.mark.parametrize("encoded", [
    "ab" * 32,  # an old SHA-256
    "scrypt$16384$8$1$c2FsdA==",
    "scrypt$1048576$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5",  # 1 GiB of memory per check
    "scrypt$1000$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5",  # n not a power of two
    "scrypt$16384$8$1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5",
])
def test_malformed_or_too_costly_hashes_are_refused_before_any_work(encoded: str) -> None:
    with pytest.raises(HashFormatError):
        parse_hash(encoded)


def test_an_over_long_candidate_is_refused_without_hashing() -> None:
    stored = parse_hash(hash_password(PASSWORD, n=2**10))
    assert not password_matches("x" * 10_000, stored)


def test_the_command_prints_a_toml_line_and_never_the_password() -> None:
    done = subprocess.run([sys.executable, "-m", "components.cli", "operator-hash",
                           "--name", "Alice"], input=PASSWORD + "\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    name, _, value = done.stdout.strip().partition(" = ")
    assert name == "alice"
    assert password_matches(PASSWORD, parse_hash(value.strip('"')))
    assert PASSWORD not in done.stdout + done.stderr


def test_the_command_refuses_a_short_password() -> None:
    from argparse import Namespace

    from components.operator_hash_cli import cmd_operator_hash

    assert cmd_operator_hash(Namespace(name=None), stdin=io.StringIO("short\n")) == 2
