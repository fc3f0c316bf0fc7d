"""``vlens-verify link``: mint a verification link for a customer.

    vlens-verify link --ref CUSTOMER-ID [--return-url URL] [--phone +20…] [--email …]
                      [--expires 24h] [--secrets PATH | --demo] [--json]

The secret comes from ``[integration] link_secret`` in ``--secrets`` or ``VLENS_LINK_SECRET``;
``--demo`` uses the demo secret a demo app accepts. When a database is configured the link is
also recorded there (the operator page lists it); otherwise the app records it when opened.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``90s``, ``30m``, ``24h``, ``7d`` (plain numbers are seconds)."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30m, 24h or 7d")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def add_link_command(commands: Any, handler_error: type[Exception]) -> None:
    """Register the sub-command; ``handler_error`` is the CLI's usage error (exit code 2)."""
    link = commands.add_parser("link", help="mint a signed verification link for a customer")
    link.add_argument("--ref", required=True, help="your reference for the customer (your id)")
    link.add_argument("--return-url", help="where 'Back to …' sends the customer (https)")
    link.add_argument("--phone", help="the customer's phone (+E.164), to link their account")
    link.add_argument("--email", help="the customer's e-mail, to link their account")
    link.add_argument("--expires", default="24h", help="how long the link works (default 24h)")
    link.add_argument("--json", action="store_true", help="print one JSON object")
    source = link.add_mutually_exclusive_group()
    source.add_argument("--secrets", metavar="PATH",
                        help="a secrets.toml with an [integration] section (VLENS_* overrides)")
    source.add_argument("--demo", action="store_true",
                        help="sign with the demo secret (for an app in demo mode)")

    def run(args: argparse.Namespace) -> int:
        return _mint(args, handler_error)

    link.set_defaults(handler=run)


def _secrets(path: str | None, error: type[Exception]) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read the secrets file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError:
        raise error(f"the secrets file {path} is not valid TOML") from None


def _mint(args: argparse.Namespace, error: type[Exception]) -> int:
    from components.store import open_store
    from components.vlens.errors import ConfigError

    from .config import load_integration_config
    from .links import mint_link, record_minted

    try:
        config = load_integration_config(_secrets(args.secrets, error), os.environ,
                                         demo=args.demo)
        expires_in = parse_duration(args.expires)
    except (ConfigError, ValueError) as exc:
        raise error(str(exc)) from None
    if not config.link_secret:
        raise error("no link secret: set [integration] link_secret (--secrets) or "
                    "VLENS_LINK_SECRET, or use --demo")
    try:
        minted = mint_link(config.link_secret, args.ref, public_url=config.public_url,
                           return_url=args.return_url, phone=args.phone, email=args.email,
                           expires_in_s=expires_in)
    except ValueError as exc:
        raise error(str(exc)) from None
    recorded = config.store.configured  # never a database file nobody asked for
    if recorded:
        store = open_store(config.store)
        try:
            record_minted(store, minted.claims)
        finally:
            store.dispose()
    if args.json:
        print(json.dumps({"url": minted.url, "token": minted.token,
                          "link_id": minted.claims.link_id,
                          "reference": minted.claims.reference,
                          "expires_at": minted.claims.expires_at, "recorded": recorded}))
    else:
        print(minted.url)
    return 0
