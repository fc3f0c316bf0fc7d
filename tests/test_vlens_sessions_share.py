"""Sessions of one process share the service token and the rate limit without queueing behind
each other: a login that hangs costs every waiting session one deadline, not one each, and a
request waiting for the rate limiter fetches its token only once it may go."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from components.vlens import VlensClient, VlensTimeoutError
from components.vlens.limiters import limiter_for
from components.vlens.simulator import Scenario, Simulator
from tests.conftest import Jpegs
from tests.upstream_server import ScriptedServer

ClientFor = Callable[..., VlensClient]


def test_a_hanging_login_does_not_serialise_the_sessions(simulator: Simulator,
                                                          client_for: ClientFor) -> None:
    server = ScriptedServer(lambda connection: time.sleep(4))  # Login never answers in time
    try:
        clients = [client_for(simulator, base_url=server.base_url, timeout_s=1.0)
                   for _ in range(5)]
        ended: list[float] = []
        errors: list[BaseException] = []
        started = time.monotonic()

        def session(client: VlensClient) -> None:
            try:
                client.access_token()
            except VlensTimeoutError as exc:
                errors.append(exc)
            ended.append(time.monotonic() - started)

        threads = [threading.Thread(target=session, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(15)
        assert len(errors) == 5  # every session told, ...
        assert max(ended) < 2.5  # ... all after one deadline (serialised: 1, 2, 3, 4, 5 s)
        assert server.paths == ["/api/credentials/Login"]  # one login for all of them
    finally:
        server.close()


def test_the_token_is_fetched_after_the_rate_limiter_wait(start_simulator: Callable[..., Simulator],
                                                          client_for: ClientFor,
                                                          jpegs: Jpegs) -> None:
    # Tokens live 1 s. The app holds a fresh one, then the limiter fills up, so the next
    # request waits ~1.1 s for its window: longer than the token has left to live.
    simulator = start_simulator(Scenario(token_ttl_s=1.0))
    client = client_for(simulator)
    client.access_token()
    limiter = limiter_for(client.config.base_url, client.config.tenancy_name)
    while limiter.try_acquire() == 0:
        pass
    result = client.verify_id_front(jpegs.id_front)
    assert not result.failed
    # Fetched before the wait, the token would have expired on the way: a 401, a new login
    # and the front sent twice. Fetched after it, the front goes once with a renewed token.
    assert len(simulator.requests_to("verify/id/front")) == 1
