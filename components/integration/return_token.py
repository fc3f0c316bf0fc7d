"""The signed, short-lived result token added to the return URL ("Back to <business>").

``{return_url}?vlens_result=<token>``; the token is a ``signing`` token with purpose
"result", signed with ``link_secret``. Claims: ``ref``, ``verdict``, ``txn``, ``iat``, ``exp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .signing import TokenError, read_token, sign_token

PURPOSE = "result"
QUERY_PARAMETER = "vlens_result"


@dataclass(frozen=True)
class ResultClaims:
    reference: str | None
    verdict: str
    transaction_id: str | None
    expires_at: float


def return_url_with_result(return_url: str, secret: str, *, reference: str | None,
                           verdict: str, transaction_id: str | None, now: float,
                           ttl_s: float) -> str:
    token = sign_token({"ref": reference, "verdict": verdict, "txn": transaction_id,
                        "iat": round(now), "exp": round(now + ttl_s)}, secret, PURPOSE)
    parts = urlsplit(return_url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), (QUERY_PARAMETER, token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def read_result_token(token: str, secret: str, *, now: float) -> ResultClaims:
    """What the business does with the token; ``TokenError`` when forged or expired."""
    claims = read_token(token, secret, PURPOSE)
    try:
        result = ResultClaims(claims.get("ref"), str(claims["verdict"]), claims.get("txn"),
                              float(claims["exp"]))
    except (KeyError, TypeError, ValueError):
        raise TokenError("malformed") from None
    if now >= result.expires_at:
        raise TokenError("expired")
    return result
