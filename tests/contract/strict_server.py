"""A strict fake Vlens server written from ``vlens-api.md`` alone (see EXPECTATIONS.md).

It is independent of ``components/vlens/simulator``: it records every request, writes down each
departure from the document as a *violation* (and answers it with HTTP 400), and answers conforming
requests the way the document says a real service may, in a chosen ``Style``: ``services`` at the
top level or inside ``data``, keys in other casings, ``"EGY"`` for the country, refresh answers
naming the next token ``newRefreshToken`` and/or ``refreshToken``, 401 or 403 for a refused token.
Tests script one-off answers (HTTP 422 with a Vlens code, HTTP 200 with ``error_code``, 500, ...).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UUID_ANY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # L21 (code 5002)
MAX_FACE_BYTES = 500 * 1024  # L22, S74

KeyCase = Literal["documented", "lower", "pascal", "camel"]
Where = Literal["top", "data", "both"]
RefreshNames = Literal["both", "new_only", "old_only", "stale_old"]
Auth = Literal["none", "bearer", "user"]


@dataclass(frozen=True)
class Style:
    """How this server words its answers (every choice is one the document allows)."""

    services_at: Where = "top"
    key_case: KeyCase = "documented"
    country: str = "EG"
    refresh_names: RefreshNames = "both"
    refused_token_status: int = 401
    expire_in_seconds: int = 86400
    digital_identity_verified: bool = True
    aml_matched: bool = False
    spoof_fake: bool = False


@dataclass(frozen=True)
class Recorded:
    """One request exactly as received (header names compared case-insensitively, as HTTP does)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: tuple[tuple[str, str], ...]
    body: Any
    raw_body: bytes
    status: int = 0

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[0] if values else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    method: str
    required: frozenset[str]
    optional: frozenset[str]
    auth: Auth
    open_body: bool = False  # "..." in the document: other keys allowed


VERIFY_OPTIONAL = frozenset({"name_check_value", "transaction_id", "client_transaction_id",
                             "request_id", "country", "getExtractedData"})
FRONT = Endpoint("POST", frozenset({"image"}), VERIFY_OPTIONAL, "bearer")
# L49 lists transaction_id on the back, but L51 lets the back come first (starting the transaction).
BACK = Endpoint("POST", frozenset({"image"}), VERIFY_OPTIONAL, "bearer")
LIVENESS = Endpoint("POST", frozenset({"image", "face_1", "face_2", "face_3", "transaction_id"}),
                    VERIFY_OPTIONAL | {"id_front_image"}, "bearer")

ENDPOINTS: dict[str, Endpoint] = {
    "/api/credentials/Login": Endpoint(
        "POST", frozenset({"tenancyName", "userNameOrEmailAddress", "password"}), frozenset(),
        "none"),
    "/api/credentials/RefreshToken": Endpoint(
        "POST", frozenset({"refreshToken"}), frozenset(), "none"),
    "/api/DigitalIdentity/Register/StepVerifyPhone": Endpoint(
        "POST", frozenset({"phoneNumber", "smsProviders"}), frozenset(), "none"),
    "/api/DigitalIdentity/Register": Endpoint(
        "POST", frozenset({"phoneNumber", "phoneNumberOtp", "phoneNumberOtpRequestId"}),
        frozenset({"email", "password"}), "none"),
    "/api/DigitalIdentity/Login": Endpoint(
        "POST", frozenset({"phoneNumber", "password"}), frozenset(), "none", open_body=True),
    "/api/DigitalIdentity/CheckExistenceOfEmailOrPhone": Endpoint(
        "POST", frozenset(), frozenset({"phoneNumber", "email"}), "none"),
    "/api/DigitalIdentity/verify/id/front": FRONT,
    "/api/DigitalIdentity/verify/id/back": BACK,
    "/api/DigitalIdentity/verify/liveness/multi": LIVENESS,
    "/v1/ocr/id/front": replace(FRONT, auth="none"),
    "/v1/ocr/id/back": replace(BACK, auth="none"),
    "/v1/ocr/liveness/multi": replace(LIVENESS, auth="none"),
    "/api/DigitalIdentity/GetUserDigitalIdentityImages": Endpoint(
        "GET", frozenset({"emailOrPhoneNumber"}), frozenset(), "bearer"),
    "/api/DigitalIdentity/GetStepImage": Endpoint(
        "GET", frozenset({"TransactionId", "FileName"}),
        frozenset({"ImpersonatedTenantId", "LogId"}), "bearer"),
    "/api/DigitalIdentity/LinkUserWithExistingTransaction": Endpoint(
        "POST", frozenset({"transactionId", "getExtractedData"}), frozenset(), "user"),
}

OTP = "123456"
OTP_REQUEST_ID = "5b0c56a2-7d1e-4c55-9a43-3f1a4e2d9b10"


def envelope(data: Any = None, error_code: int | None = None, error_message: str | None = None,
             error_descriptions: Any = None, **extra: Any) -> dict[str, Any]:
    return {"data": data, "error_code": error_code, "error_message": error_message,
            "error_descriptions": error_descriptions, **extra}


def recase(value: Any, case: KeyCase) -> Any:
    """Every key of ``value`` (recursively) re-spelt in ``case``."""
    if case == "documented":
        return value
    if isinstance(value, list):
        return [recase(v, case) for v in value]
    if not isinstance(value, dict):
        return value

    def spell(key: str) -> str:
        if case == "lower":
            return key.lower()
        if case == "pascal":
            return key[:1].upper() + key[1:]
        return key[:1].lower() + key[1:]

    return {spell(k): recase(v, case) for k, v in value.items()}


@dataclass
class Transaction:
    front_image: str | None = None
    back_done: bool = False


class StrictVlens:
    """Start with ``with StrictVlens(style) as server:``; ``server.base_url`` is the service."""

    def __init__(self, style: Style = Style()) -> None:
        self.style = style
        self.api_key = "ak-" + secrets.token_hex(12)
        self.tenancy = "tenant-" + secrets.token_hex(4)
        self.username = "svc-" + secrets.token_hex(4)
        self.password = "pw-" + secrets.token_hex(12)
        self.user_password = "upw-" + secrets.token_hex(8)
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.issued: list[str] = []  # every access/refresh token handed out (for leak checks)
        self.refuse_all_tokens = False
        self._access: dict[str, tuple[str, float]] = {}  # token -> (kind, expiry)
        self._refresh: set[str] = set()
        self._transactions: dict[str, Transaction] = {}
        self._scripted: dict[str, deque[Reply]] = {}
        self._arrivals: deque[float] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> StrictVlens:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- test controls ---------------------------------------------------------------------
    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next calls to ``path`` with ``replies``, in order, once each."""
        with self._lock:
            self._scripted.setdefault(path, deque()).extend(replies)

    def revoke_tokens(self) -> None:
        """Every access token issued so far stops working (as after a server-side expiry)."""
        with self._lock:
            self._access.clear()

    def to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def user_token(self) -> str:
        """An end user's access token, as ``/api/DigitalIdentity/Login`` would issue."""
        return self._issue_access("user")

    # -- tokens ----------------------------------------------------------------------------
    def _issue_access(self, kind: str) -> str:
        token = f"eyJ{kind}.{secrets.token_urlsafe(18)}"
        with self._lock:
            self._access[token] = (kind, time.monotonic() + self.style.expire_in_seconds)
            self.issued.append(token)
        return token

    def _issue_refresh(self) -> str:
        token = "rt-" + secrets.token_urlsafe(18)
        with self._lock:
            self._refresh.add(token)
            self.issued.append(token)
        return token

    def _token_kind(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        with self._lock:
            held = self._access.get(authorization[len("Bearer "):])
        if held is None or self.refuse_all_tokens or held[1] < time.monotonic():
            return None
        return held[0]

    # -- request handling ------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                body: Any = None
                if raw:
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        body = raw
                request = Recorded(method, url.path, parse_qs(url.query, keep_blank_values=True),
                                   tuple(self.headers.items()), body, raw)
                reply = server._answer(request)
                with server._lock:
                    server.requests.append(replace(request, status=reply.status))
                raw_reply = isinstance(reply.body, bytes)  # e.g. a proxy's HTML error page
                payload = reply.body if raw_reply else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/html" if raw_reply
                                 else "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def _violate(self, request: Recorded, what: str) -> None:
        with self._lock:
            self.violations.append(f"{request.method} {request.path}: {what}")

    def _over_rate_limit(self) -> bool:
        """L20: 10 requests/s and 60/min per tenant (every test server is one tenant)."""
        with self._lock:
            now = time.monotonic()
            self._arrivals.append(now)
            while self._arrivals[0] <= now - 60.0:
                self._arrivals.popleft()
            last_second = sum(1 for t in self._arrivals if t > now - 1.0)
            return last_second > 10 or len(self._arrivals) > 60

    def _answer(self, request: Recorded) -> Reply:
        if self._over_rate_limit():
            self._violate(request, "over 10 requests/s or 60/min for the tenant (L20)")
            return Reply(429, envelope(error_code=429, error_message="Too many requests"),
                         {"Retry-After": "1"})
        endpoint = ENDPOINTS.get(request.path)
        if endpoint is None or endpoint.method != request.method:
            self._violate(request, "no such documented endpoint")
            return Reply(404, envelope(error_code=404, error_message="not found"))
        problems = self._check_headers(request, endpoint) + self._check_body(request, endpoint)
        for problem in problems:
            self._violate(request, problem)
        if problems:
            return Reply(400, envelope(error_code=400, error_message="; ".join(problems)))
        if request.header("ApiKey") != self.api_key:
            return Reply(401, envelope(error_code=401, error_message="Invalid API key"))
        kind = self._token_kind(request.header("Authorization"))
        if endpoint.auth != "none" and kind is None:
            status = self.style.refused_token_status
            return Reply(status, envelope(error_code=status, error_message="Unauthorized"))
        if endpoint.auth == "user" and kind != "user":
            self._violate(request, "needs the end user's token, got a service token")
            return Reply(403, envelope(error_code=403, error_message="end-user token required"))
        with self._lock:
            queued = self._scripted.get(request.path)
            scripted = queued.popleft() if queued else None
        if scripted is not None:
            return scripted
        answer = self._route(request)
        if isinstance(answer, Reply):
            return answer
        return Reply(200, recase(answer, self.style.key_case))

    def _check_headers(self, request: Recorded, endpoint: Endpoint) -> list[str]:
        problems = []
        if not request.header("ApiKey"):
            problems.append("ApiKey header missing (L10)")
        request_id = request.header("X-Request-Id") or ""
        if not UUID4.match(request_id):
            problems.append(f"X-Request-Id {request_id!r} is not a lowercase uuid4 (L12, L19)")
        language = request.header("Accept-Language")
        if language not in ("en", "ar"):
            problems.append(f"Accept-Language {language!r} not en|ar (L12)")
        tenancy = request.header("TenancyName")
        if request.path == "/api/credentials/Login" and tenancy != self.tenancy:
            problems.append("TenancyName header missing or wrong on Login (L11)")
        authorization = request.header("Authorization")
        if endpoint.auth != "none" and not (authorization or "").startswith("Bearer "):
            problems.append("Authorization: Bearer <JWT> missing (L10)")
        if endpoint.auth == "none" and request.path.startswith("/v1/ocr/") and authorization:
            problems.append("key-only call carries a Bearer token (L80)")
        if request.method == "POST":
            content_type = (request.header("Content-Type") or "").split(";")[0].strip()
            if content_type != "application/json":
                problems.append(f"Content-Type {content_type!r} is not application/json (L9)")
        elif request.raw_body:
            problems.append("GET with a body")
        return problems

    def _check_body(self, request: Recorded, endpoint: Endpoint) -> list[str]:
        if request.method == "GET":
            fields: Mapping[str, Any] = {k: v[-1] for k, v in request.query.items()}
            repeated = [k for k, v in request.query.items() if len(v) > 1]
            problems = [f"query {k} repeated" for k in repeated]
        else:
            if not isinstance(request.body, dict):
                return ["body is not a JSON object (L9)"]
            fields, problems = request.body, []
        names = set(fields)
        missing = endpoint.required - names
        unknown = names - endpoint.required - endpoint.optional
        if missing:
            problems.append(f"missing {sorted(missing)}")
        if unknown and not endpoint.open_body:
            problems.append(f"undocumented {sorted(unknown)}")
        for name, value in fields.items():
            check = FIELD_CHECKS.get(name)
            problem = check(value) if check else None
            if problem:
                problems.append(f"{name}: {problem}")
        if request.path.endswith("/liveness/multi") and not problems:
            faces = [fields["face_1"], fields["face_2"], fields["face_3"]]
            for i, face in enumerate(faces, 1):
                if len(base64.b64decode(face)) >= MAX_FACE_BYTES:
                    problems.append(f"face_{i} is not under 500 KB (L22)")
        if request.path.endswith("CheckExistenceOfEmailOrPhone") and not names:
            problems.append("neither phoneNumber nor email")
        return problems

    # -- documented answers ----------------------------------------------------------------
    def _route(self, request: Recorded) -> dict[str, Any] | Reply:
        path, body = request.path, request.body
        if path == "/api/credentials/Login":
            return self._login(body)
        if path == "/api/credentials/RefreshToken":
            return self._refresh_token(body["refreshToken"])
        if path.endswith(("/id/front", "/id/back", "/liveness/multi")):
            return self._verify(request)
        if path.endswith("/Register/StepVerifyPhone"):
            return envelope({"phoneNumberOtpRequestId": OTP_REQUEST_ID})
        if path.endswith("/Register"):
            if body["phoneNumberOtp"] != OTP or body["phoneNumberOtpRequestId"] != OTP_REQUEST_ID:
                return envelope(error_code=400, error_message="Wrong OTP")
            return envelope({"isDigitalIdentityVerified": False, "accessToken": self.user_token(),
                             "expireInSeconds": 86400,
                             "user": {"phoneNumber": body["phoneNumber"]}})
        if path == "/api/DigitalIdentity/Login":
            if body["password"] != self.user_password:
                return envelope(error_code=401, error_message="Wrong credentials")
            return envelope({"accessToken": self.user_token(), "expireInSeconds": 86400})
        if path.endswith("CheckExistenceOfEmailOrPhone"):
            return envelope({"isPhoneNumberExist": True, "isEmailExist": False})
        if path.endswith("GetUserDigitalIdentityImages"):
            names = ("idFrontImage", "idBackImage", "livenessImage", "livenessFace01Image",
                     "livenessFace02Image", "livenessFace03Image")
            return envelope({name: f"{name}.jpg" for name in names})
        if path.endswith("GetStepImage"):
            name = request.query["FileName"][0].encode()
            return envelope({"image": base64.b64encode(b"\xff\xd8\xff" + name).decode()})
        if path.endswith("LinkUserWithExistingTransaction"):
            return self._step_answer(body["transactionId"], liveness=True)
        raise AssertionError(path)

    def _login(self, body: dict[str, Any]) -> dict[str, Any]:
        if (body["tenancyName"], body["userNameOrEmailAddress"], body["password"]) != (
                self.tenancy, self.username, self.password):
            return envelope(error_code=401, error_message="Invalid user name or password")
        return envelope({"accessToken": self._issue_access("service"),
                         "expireInSeconds": self.style.expire_in_seconds,
                         "refreshToken": self._issue_refresh(),
                         "refreshTokenExpireInSeconds": 604800})

    def _refresh_token(self, old: str) -> dict[str, Any]:
        with self._lock:
            known = old in self._refresh
            self._refresh.discard(old)
        if not known:
            return envelope(error_code=401, error_message="Invalid refresh token")
        new = self._issue_refresh()
        names = {"both": {"refreshToken": new, "newRefreshToken": new},
                 "new_only": {"newRefreshToken": new},
                 "old_only": {"refreshToken": new},
                 "stale_old": {"refreshToken": old, "newRefreshToken": new},
                 }[self.style.refresh_names]
        access = self._issue_access("service")
        return envelope({"accessToken": access, "encryptedAccessToken": "enc-" + access[-6:],
                         "expireInSeconds": self.style.expire_in_seconds, **names})

    def _verify(self, request: Recorded) -> dict[str, Any] | Reply:
        body, path = request.body, request.path
        tid = body.get("transaction_id")
        with self._lock:
            if tid is None and not path.endswith("/liveness/multi"):
                tid = str(uuid.uuid4())
                self._transactions[tid] = Transaction()
            transaction = self._transactions.get(tid) if tid else None
        if transaction is None or tid is None:
            self._violate(request, f"transaction_id {tid} was never issued by a front/back step")
            return Reply(400, envelope(error_code=400, error_message="Unknown transaction"))
        if path.endswith("/id/front"):
            transaction.front_image = body["image"]
        elif path.endswith("/id/back"):
            transaction.back_done = True
        else:
            if transaction.front_image is None or not transaction.back_done:
                self._violate(request, "liveness before both ID sides (L51)")
            if body["image"] != transaction.front_image:
                self._violate(request, "liveness image is not the ID front sent earlier (L53)")
            if len({body["face_1"], body["face_2"], body["face_3"]}) < 3:
                return envelope(error_code=4209, error_message="Identical face images; recapture")
        return self._step_answer(tid, liveness=path.endswith("/liveness/multi"))

    def _step_answer(self, tid: str, *, liveness: bool) -> dict[str, Any]:
        style = self.style
        transaction = self._transactions.get(tid, Transaction())
        data: dict[str, Any] = {
            "isVerificationProcessCompleted": liveness,
            "isDigitalIdentityVerified": liveness and style.digital_identity_verified,
            "user": None,
            "idFrontData": None,
            "idBackData": None,
        }
        if transaction.front_image is not None:
            data["idFrontData"] = {
                "name": "اختبار تجريبي", "first_name": "اختبار", "last_names": "تجريبي",
                "name_english": "Test Sample", "first_name_english": "Test",
                "last_names_english": "Sample", "address": "عنوان", "address_english": "Address",
                "govern": "القاهرة", "govern_english": "Cairo",
                "dateOfBirth": "1990-01-01T00:00:00Z",
                "idNumber": "29001010100015", "gender": "Male", "idKey": "AB1234567",
                "country": style.country, "transaction_id": tid}
        if transaction.back_done:
            data["idBackData"] = {
                "maritalStatus": "Single", "job": "Tester", "jobTitle": "Tester",
                "religion": "", "husbandName": None, "releaseDate": "2020-01-01T00:00:00Z",
                "idExpiry": "2027-01-01T00:00:00Z", "idNumber": "29001010100015",
                "gender": "Male", "transaction_id": tid}
        services: dict[str, Any] = {"classification": {"doc_type": "national_id"},
                                    "Validations": {"validation_errors": []}}
        if liveness:
            aml_rows = [{"caseNo": "12", "caseYear": "2019", "recordDate": "2019-05-01T00:00:00Z",
                         "fullName": "Test Sample", "idNumber": "29001010100015",
                         "dateOfBirth": "1990-01-01T00:00:00Z", "score": 0.93}]
            services.update({
                "spoofing": {"fake": style.spoof_fake}, "liveness": not style.spoof_fake,
                "AML": {"AML_matched": style.aml_matched,
                        "data": aml_rows if style.aml_matched else []},
                "SRC": {"isValid": True, "errorCode": None, "errorKey": None,
                        "errorMessage": None}})
        answer = envelope(data)
        if style.services_at in ("data", "both"):
            data["services"] = services
        if style.services_at in ("top", "both"):
            answer["services"] = services
        return answer


def _b64_image(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "not a base64 string"
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "invalid base64 (code 400)"
    if not (raw.startswith(b"\xff\xd8\xff") or raw.startswith(b"\x89PNG\r\n\x1a\n")):
        return "neither JPEG nor PNG (L21)"
    if len(raw) > MAX_IMAGE_BYTES:
        return "over 5 MB (L21)"
    return None


def _uuid(value: Any) -> str | None:
    if isinstance(value, str) and UUID_ANY.match(value):
        return None
    return "not a lowercase uuid (L19)"


def _optional(check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    return lambda value: None if value is None else check(value)


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "not a string"


def _phone(value: Any) -> str | None:
    return None if isinstance(value, str) and E164.match(value) else "not E.164 (L19)"


FIELD_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "image": _b64_image, "face_1": _b64_image, "face_2": _b64_image, "face_3": _b64_image,
    "id_front_image": _optional(_b64_image),
    "transaction_id": _optional(_uuid), "transactionId": _uuid, "TransactionId": _uuid,
    "getExtractedData": lambda v: None if isinstance(v, bool) else "not a JSON boolean (L41)",
    "smsProviders": lambda v: None if type(v) is int else "not a JSON number (L32)",
    "country": _optional(_text), "name_check_value": _optional(_text),
    "client_transaction_id": _optional(_text), "request_id": _optional(_text),
    "tenancyName": _text, "userNameOrEmailAddress": _text, "password": _optional(_text),
    "refreshToken": _text, "phoneNumber": _phone, "emailOrPhoneNumber": _text,
    "phoneNumberOtp": _text, "phoneNumberOtpRequestId": _text, "email": _optional(_text),
    "FileName": _text,
}
