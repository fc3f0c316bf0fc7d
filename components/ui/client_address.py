"""Which client address the sign-in throttle may count on (no Streamlit import).

Streamlit runs on uvicorn, which by default believes ``X-Forwarded-For`` from loopback peers and
puts the claimed address into ``st.context.ip_address``: a visitor who reaches the app through a
local proxy that passes the header on (or from the machine itself) can claim any address. So
forwarded headers are used only as far as the operator says proxies are trusted:

- ``trusted_proxy_hops = 0`` (default): no forwarded header is believed. A request that carries
  one came through some proxy, so all such requests share one bucket (``"via-proxy"``); otherwise
  the connection's own address counts.
- ``trusted_proxy_hops = N``: N proxies of yours stand in front of the app and each appends the
  address it saw; the client is the N-th entry from the right of ``X-Forwarded-For``. Set this
  only when the app cannot be reached except through those proxies.
"""

from __future__ import annotations

from collections.abc import Iterable

VIA_PROXY = "via-proxy"
LOCAL = "local"


def forwarded_chain(headers: Iterable[tuple[str, str]]) -> list[str]:
    """Every ``X-Forwarded-For`` entry, in order, over repeated headers."""
    chain: list[str] = []
    for name, value in headers:
        if name.lower() == "x-forwarded-for":
            chain.extend(part.strip() for part in value.split(",") if part.strip())
    return chain


def client_address(remote_ip: str | None, headers: Iterable[tuple[str, str]],
                   trusted_proxy_hops: int) -> str:
    """The address to count sign-in failures against (see the module doc)."""
    chain = forwarded_chain(headers)
    if not chain:
        return remote_ip or LOCAL  # uvicorn rewrites the address only from a forwarded header
    if 0 < trusted_proxy_hops <= len(chain):
        return chain[-trusted_proxy_hops]
    # Not believed, or fewer entries than proxies (it did not come through all of them).
    return VIA_PROXY
