"""``vlens-verify operator-hash [--name NAME]``: make an ``[operator.accounts]`` entry.

The password is read without echo from the terminal (asked twice), or as one line from stdin
when stdin is not a terminal (``printf %s "$PW" | vlens-verify operator-hash``). Only the salted
scrypt hash is printed; the password never is.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, Final, TextIO

from components.operator_accounts import MAX_PASSWORD_CHARS, hash_password

EXIT_OK, EXIT_USAGE = 0, 2
_NAME_CHARS: Final = set("abcdefghijklmnopqrstuvwxyz0123456789._@-")


def add_command(commands: Any) -> None:
    """Register the sub-command on ``vlens-verify``'s sub-parsers."""
    sub = commands.add_parser("operator-hash",
                              help="make a salted scrypt hash for [operator.accounts]")
    sub.add_argument("--name", help="the operator's account name: prints a ready TOML line")
    sub.set_defaults(handler=cmd_operator_hash)


def read_password(stdin: TextIO) -> str:
    if not stdin.isatty():
        return stdin.readline(MAX_PASSWORD_CHARS + 2).rstrip("\r\n")
    first = getpass.getpass("Operator password: ")
    if getpass.getpass("Same password again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def cmd_operator_hash(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    name = (args.name or "").strip().lower()
    if args.name is not None and not (0 < len(name) <= 64 and set(name) <= _NAME_CHARS):
        print("vlens-verify: --name takes 1-64 letters, digits or ._@-", file=sys.stderr)
        return EXIT_USAGE
    try:
        password = read_password(stdin or sys.stdin)
        encoded = hash_password(password)
    except ValueError as exc:
        print(f"vlens-verify: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f'{name} = "{encoded}"' if name else encoded)
    return EXIT_OK
