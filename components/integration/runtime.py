"""One store and one delivery worker per process and configuration (the app's replicas each
run their own worker; leases keep them from delivering the same event twice).

A PostgreSQL store is shared by the replicas: the Vlens rate limiter keeps the tenant's limit
through it (``components.vlens.limiters.share_through``). A SQLite store is one process's: the
limiter stays in the process, at ``[vlens] replicas``' share."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from components.store import Store, open_store
from components.store.rate_sends import StoreSends
from components.vlens.limiters import share_through, stop_sharing_through

from .config import IntegrationConfig
from .delivery import DeliveryWorker, WebhookSender


@dataclass(frozen=True)
class Runtime:
    config: IntegrationConfig
    store: Store
    worker: DeliveryWorker | None  # None without a webhook
    sends: StoreSends | None = None  # PostgreSQL: the rate limiter's record (its own pool)

    def wake_worker(self) -> None:
        if self.worker is not None:
            self.worker.wake()


_lock = threading.Lock()
_runtimes: dict[IntegrationConfig, Runtime] = {}


def get_runtime(config: IntegrationConfig) -> Runtime:
    """The process's store (migrated) and started worker for ``config``."""
    with _lock:
        runtime = _runtimes.get(config)
        if runtime is None:
            store = open_store(config.store)
            worker = None
            if config.webhook_url and config.webhook_secret:
                worker = DeliveryWorker(store, WebhookSender(config.webhook_url,
                                                             config.webhook_secret)).start()
            sends = StoreSends(store) if store.dialect == "postgresql" else None
            runtime = _runtimes[config] = Runtime(config, store, worker, sends)
            if sends is not None:
                share_through(sends)
        return runtime


def close_runtimes(store_url: str) -> None:
    """Stop the worker and close the store of every runtime on ``store_url`` (tests that
    point the app at a database of their own release it with this)."""
    with _lock:
        closing = [key for key, held in _runtimes.items() if held.config.store.url == store_url]
        runtimes = [_runtimes.pop(key) for key in closing]
    for runtime in runtimes:
        if runtime.worker is not None:
            runtime.worker.stop()
        if runtime.sends is not None:
            stop_sharing_through(runtime.sends)
            runtime.sends.dispose()
        runtime.store.dispose()
