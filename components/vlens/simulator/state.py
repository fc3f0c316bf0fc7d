"""In-memory state of the simulator: tokens, transactions, users, and what it received."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from ..ratelimit import SERVICE_LIMITS, RateLimiter
from .scenario import Fault, ForcedError, Scenario

MAX_TRANSACTIONS = 100  # oldest are forgotten (images stay in memory only)
MAX_RECORDED = 500


@dataclass(frozen=True)
class Blob:
    """A long string field (base64 image) as recorded: its length and SHA-256, not its text."""

    length: int
    sha256: str

    @classmethod
    def of(cls, text: str) -> Blob:
        return cls(len(text), hashlib.sha256(text.encode()).hexdigest())


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(repr=False)  # lower-cased names
    body: Any  # JSON with strings over 256 chars replaced by Blob
    received_at: float


@dataclass
class Token:
    kind: str  # "service" or "user"
    subject: str
    expires_at: float


@dataclass
class Transaction:
    id: str
    steps: set[str] = field(default_factory=set)
    images: dict[str, bytes] = field(default_factory=dict)
    user_phone: str | None = None


@dataclass
class User:
    id: int
    phone_number: str
    email: str | None
    password: str | None = field(repr=False)
    transaction_id: str | None = None


class SimulatorState:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.lock = threading.Lock()
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.transactions: OrderedDict[str, Transaction] = OrderedDict()
        self.users: dict[str, User] = {}
        self.otp_requests: dict[str, str] = {}  # request id -> phone number
        self.requests: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED)
        self.rate_limiter = RateLimiter(SERVICE_LIMITS)  # one tenant: the scenario's
        self.rate_limited = 0  # 429s answered because of it
        self._fault_left = [fault.times for fault in scenario.faults]
        self._forced_left: dict[str, int | None] = {
            step: err.times for step, err in scenario.forced_errors.items()
        }

    # --- requests and injected behaviour -----------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    def over_rate_limit(self) -> float:
        """Seconds the caller must wait when this request exceeds Vlens' limits, else 0."""
        wait = self.rate_limiter.try_acquire()
        if wait > 0:
            with self.lock:
                self.rate_limited += 1
        return wait

    def next_fault(self, path: str) -> Fault | None:
        with self.lock:
            for i, fault in enumerate(self.scenario.faults):
                if self._fault_left[i] > 0 and fault.path.lower() in path.lower():
                    self._fault_left[i] -= 1
                    return fault
        return None

    def forced_error(self, step: str) -> ForcedError | None:
        with self.lock:
            error = self.scenario.forced_errors.get(step)
            left = self._forced_left.get(step)
            if error is None or left is None:
                return error
            if left <= 0:
                return None
            self._forced_left[step] = left - 1
            return error

    # --- tokens ------------------------------------------------------------------------------

    def issue_token(self, kind: str, subject: str, ttl_s: float) -> str:
        token = f"sim.{kind}.{secrets.token_urlsafe(24)}"
        with self.lock:
            self.tokens[token] = Token(kind, subject, time.monotonic() + ttl_s)
        return token

    def issue_refresh_token(self, subject: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.refresh_tokens[token] = subject
        return token

    def use_refresh_token(self, token: str) -> str | None:
        with self.lock:
            return self.refresh_tokens.pop(token, None)

    def token(self, value: str) -> Token | None:
        with self.lock:
            token = self.tokens.get(value)
        if token is None or time.monotonic() >= token.expires_at:
            return None
        return token

    # --- transactions and users --------------------------------------------------------------

    def new_transaction(self) -> Transaction:
        tx = Transaction(str(uuid.uuid4()))
        with self.lock:
            self.transactions[tx.id] = tx
            while len(self.transactions) > MAX_TRANSACTIONS:
                self.transactions.popitem(last=False)
        return tx

    def transaction(self, transaction_id: object) -> Transaction | None:
        if not isinstance(transaction_id, str):
            return None
        with self.lock:
            return self.transactions.get(transaction_id.lower())

    def forget_transaction(self, transaction_id: str) -> bool:
        """Delete a transaction and its images (the customer asked to delete their data)."""
        with self.lock:
            removed = self.transactions.pop(transaction_id.lower(), None)
            for user in self.users.values():
                if user.transaction_id == transaction_id.lower():
                    user.transaction_id = None
        return removed is not None

    def find_user(self, phone_or_email: str | None) -> User | None:
        if not phone_or_email:
            return None
        with self.lock:
            for user in self.users.values():
                if phone_or_email in (user.phone_number, user.email):
                    return user
        return None

    def new_otp_request(self, phone_number: str) -> str:
        request_id = str(uuid.uuid4())
        with self.lock:
            self.otp_requests[request_id] = phone_number
        return request_id

    def otp_phone(self, request_id: object) -> str | None:
        if not isinstance(request_id, str):
            return None
        with self.lock:
            return self.otp_requests.get(request_id)

    def add_user(self, phone_number: str, email: str | None, password: str | None) -> User | None:
        """A new user, or None when the phone number is taken."""
        with self.lock:
            if phone_number in self.users:
                return None
            user = User(len(self.users) + 1, phone_number, email, password)
            self.users[phone_number] = user
            return user
