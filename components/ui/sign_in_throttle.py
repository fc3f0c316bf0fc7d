"""Process-wide pause after wrong passwords, built so that nobody can lock others out.

No Streamlit import; clock injectable. Counting failures in the browser session alone would let
anyone reset the count by reloading the page, so they are counted for the whole process, three
ways (all within ``window_s``):

1. per account *and* client address (``per_pair``): one guesser at one address is stopped
   without touching anyone else, including the same account elsewhere;
2. per account over all addresses (``per_account``) and over all accounts (``overall``): a
   guesser rotating addresses gets at most this many tries per window. These ceilings are not
   applied to an address that signed in to that account successfully before (``remember_good_s``),
   so the real operator at their usual address is never kept out by someone else's failures;
   from a new address during an attack they are slowed like everyone else (until the window
   frees), never locked for longer.

An address is only meaningful when it cannot be forged: see components/ui/client_address.py.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Hashable


class SignInThrottle:
    """Failure counting per (account, client), per account and overall; see the module doc."""

    def __init__(
        self,
        per_pair: int = 5,
        per_account: int = 20,
        overall: int = 100,
        window_s: float = 300.0,
        remember_good_s: float = 30 * 86400.0,
        max_remembered: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_pair = per_pair
        self.per_account = per_account
        self.overall = overall
        self.window_s = window_s
        self.remember_good_s = remember_good_s
        self.max_remembered = max_remembered
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: defaultdict[Hashable, deque[float]] = defaultdict(deque)
        self._good: OrderedDict[tuple[str, str], float] = OrderedDict()

    def wait_s(self, account: str, client: str) -> float:
        """Seconds before ``client`` may try ``account`` again (0: it may try now)."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            waits = [0.0, self._wait(("pair", account, client), self.per_pair, now)]
            if not self._known_good(account, client, now):
                waits.append(self._wait(("account", account), self.per_account, now))
                waits.append(self._wait("all", self.overall, now))
            return max(waits)

    def failed(self, account: str, client: str) -> int:
        """Record a wrong password; returns this pair's failures inside the window."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            for key in (("pair", account, client), ("account", account), "all"):
                self._failures[key].append(now)
            return len(self._failures[("pair", account, client)])

    def succeeded(self, account: str, client: str) -> None:
        """Clear this pair's failures and remember the address as good for the account."""
        with self._lock:
            self._failures.pop(("pair", account, client), None)
            self._good.pop((account, client), None)
            self._good[(account, client)] = self._clock()
            while len(self._good) > self.max_remembered:
                self._good.popitem(last=False)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._good.clear()

    def _wait(self, key: Hashable, limit: int, now: float) -> float:
        times = self._failures.get(key)
        if times is None or len(times) < limit:
            return 0.0
        return times[-limit] + self.window_s - now

    def _known_good(self, account: str, client: str, now: float) -> bool:
        since = self._good.get((account, client))
        return since is not None and now - since < self.remember_good_s

    def _forget_old(self, now: float) -> None:
        cutoff = now - self.window_s
        for key in list(self._failures):
            times = self._failures[key]
            while times and times[0] <= cutoff:
                times.popleft()
            if not times:
                del self._failures[key]
