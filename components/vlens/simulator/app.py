"""The simulator's HTTP app: Vlens' endpoints, headers, envelopes and error codes."""

from __future__ import annotations

import asyncio
import base64
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import checks
from .checks import DecodedImage, Rejection
from .responses import (
    card_services,
    envelope,
    html_page,
    id_back_data,
    id_front_data,
    liveness_data,
    liveness_services,
)
from .scenario import DEMO_OTP
from .state import Blob, RecordedRequest, SimulatorState, Token, Transaction, User

DI = "/api/DigitalIdentity"
REFRESH_TTL_S = 604800
USER_TOKEN_TTL_S = 86400
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")
_INVALID_JSON = object()
SERVICE, USER = "service", "user"


@dataclass(frozen=True)
class Call:
    request: Request
    body: Any
    token: Token | None

    def field(self, name: str) -> Any:
        return self.body.get(name) if isinstance(self.body, dict) else None


Handler = Callable[[Call], Awaitable[Response]]


def build_app(state: SimulatorState) -> Starlette:
    sim = _Simulator(state)
    post, get = ["POST"], ["GET"]

    def route(path: str, handler: Handler, methods: list[str], *,
              tenant: bool = False, tokens: tuple[str, ...] = ()) -> Route:
        return Route(path, sim.wrap(handler, tenant=tenant, tokens=tokens), methods=methods)

    cards = (SERVICE, USER)
    return Starlette(routes=[
        route("/api/credentials/Login", sim.login, post, tenant=True),
        route("/api/credentials/RefreshToken", sim.refresh, post),
        route(f"{DI}/verify/id/front", sim.card_step("id_front"), post, tokens=cards),
        route(f"{DI}/verify/id/back", sim.card_step("id_back"), post, tokens=cards),
        route(f"{DI}/verify/liveness/multi", sim.liveness, post, tokens=cards),
        route("/v1/ocr/id/front", sim.card_step("id_front"), post),
        route("/v1/ocr/id/back", sim.card_step("id_back"), post),
        route("/v1/ocr/liveness/multi", sim.liveness, post),
        route(f"{DI}/GetUserDigitalIdentityImages", sim.user_images, get, tokens=(SERVICE,)),
        route(f"{DI}/GetStepImage", sim.step_image, get, tokens=(SERVICE,)),
        route(f"{DI}/LinkUserWithExistingTransaction", sim.link, post, tokens=(USER,)),
        route(f"{DI}/Register/StepVerifyPhone", sim.verify_phone, post, tokens=(SERVICE,)),
        route(f"{DI}/Register", sim.register, post, tokens=(SERVICE,)),
        route(f"{DI}/Login", sim.end_user_login, post, tokens=(SERVICE,)),
        route(f"{DI}/CheckExistenceOfEmailOrPhone", sim.check_existence, post,
              tokens=(SERVICE,)),
    ], exception_handlers={404: _not_found, 405: _not_allowed})


async def _not_found(request: Request, exc: Exception) -> Response:
    return envelope(code=404, message="No such endpoint", status=404)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return envelope(code=405, message="Method not allowed", status=405)


def _error(rejection: Rejection) -> Response:
    return envelope(code=rejection.code, message=rejection.message, status=rejection.http_status)


def _bad_request(message: str) -> Response:
    return envelope(code=400, message=message, status=400)


def _summarise(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 256:
        return Blob.of(value)
    if isinstance(value, dict):
        return {k: _summarise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_summarise(v) for v in value]
    return value


def _file_name(kind: str, data: bytes, prefix: str = "") -> str:
    return f"{prefix}{kind}.png" if data.startswith(b"\x89PNG") else f"{prefix}{kind}.jpg"


class _Simulator:
    def __init__(self, state: SimulatorState) -> None:
        self.state = state
        self.scenario = state.scenario

    # --- cross-cutting: record, delay, inject faults, authenticate ---------------------------

    def wrap(self, handler: Handler, *, tenant: bool, tokens: tuple[str, ...]
             ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            body: Any = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = _INVALID_JSON
            self.state.record(RecordedRequest(
                method=request.method, path=request.url.path,
                query=dict(request.query_params), headers=dict(request.headers),
                body="<invalid json>" if body is _INVALID_JSON else _summarise(body),
                received_at=time.monotonic()))
            if self.scenario.latency_s:
                await asyncio.sleep(self.scenario.latency_s)
            if self.scenario.rate_limit:
                wait = self.state.over_rate_limit()
                if wait > 0:
                    return envelope(code=429, message="Too many requests", status=429,
                                    headers={"Retry-After": str(math.ceil(wait))})
            fault = self.state.next_fault(request.url.path)
            if fault is not None:
                if fault.delay_s:
                    await asyncio.sleep(fault.delay_s)
                if fault.status is not None:
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
                    if fault.html:
                        return html_page(fault.status)
                    if fault.empty:
                        return Response(status_code=fault.status, headers=headers)
                    return envelope(code=fault.code or fault.status, message="Injected failure",
                                    status=fault.status, headers=headers)
            denied, token = self._authenticate(request, tenant=tenant, tokens=tokens)
            if denied is not None:
                return denied
            if request.method == "POST" and not isinstance(body, dict):
                return _bad_request("The body must be a JSON object")
            return await handler(Call(request, body, token))

        return endpoint

    def _authenticate(self, request: Request, *, tenant: bool, tokens: tuple[str, ...]
                      ) -> tuple[Response | None, Token | None]:
        headers = request.headers
        if headers.get("apikey") != self.scenario.api_key:
            return envelope(code=401, message="Invalid or missing ApiKey", status=401), None
        tenancy = headers.get("tenancyname")
        if tenant and not tenancy:
            return _bad_request("TenancyName header is required"), None
        if tenancy is not None and tenancy != self.scenario.tenancy_name:
            return envelope(code=401, message="Unknown tenant", status=401), None
        if not tokens:
            return None, None
        scheme, _, value = headers.get("authorization", "").partition(" ")
        token = self.state.token(value.strip()) if scheme == "Bearer" else None
        if token is None or token.kind not in tokens:
            return envelope(code=403, message="Invalid or missing access token", status=403), None
        return None, token

    # --- credentials ---------------------------------------------------------------------------

    async def login(self, call: Call) -> Response:
        s = self.scenario
        if (call.field("tenancyName"), call.field("userNameOrEmailAddress"),
                call.field("password")) != (s.tenancy_name, s.username, s.password):
            return envelope(code=401, message="Invalid user name or password", status=401)
        return envelope(self._grant(s.username, refresh=None))

    async def refresh(self, call: Call) -> Response:
        old = call.field("refreshToken")
        subject = self.state.use_refresh_token(old) if isinstance(old, str) else None
        if subject is None:
            return envelope(code=401, message="Invalid refresh token", status=401)
        return envelope(self._grant(subject, refresh=old))

    def _grant(self, subject: str, refresh: str | None) -> dict[str, Any]:
        s = self.scenario
        token = self.state.issue_token(SERVICE, subject, s.token_ttl_s)
        new_refresh = self.state.issue_refresh_token(subject)
        advertised = s.advertised_ttl_s if s.advertised_ttl_s is not None else s.token_ttl_s
        data: dict[str, Any] = {"accessToken": token, "expireInSeconds": advertised}
        if refresh is None:
            data.update(refreshToken=new_refresh, refreshTokenExpireInSeconds=REFRESH_TTL_S)
        else:
            data.update(encryptedAccessToken=base64.b64encode(token.encode()).decode(),
                        refreshToken=refresh, newRefreshToken=new_refresh)
        return data

    # --- verification steps ------------------------------------------------------------------

    def card_step(self, step: str) -> Handler:
        async def handle(call: Call) -> Response:
            return await self._card_step(call, step)

        return handle

    async def _card_step(self, call: Call, step: str) -> Response:
        forced = self.state.forced_error(step)
        if forced is not None:
            return envelope(code=forced.code, message=forced.message or "Forced by the scenario",
                            status=forced.http_status)
        tx: Transaction | None = None
        if call.field("transaction_id") is not None:
            tx = self.state.transaction(call.field("transaction_id"))
            if tx is None:
                return _bad_request("Unknown transaction_id")
        image = await run_in_threadpool(checks.decode_image, "image", call.field("image"))
        if isinstance(image, Rejection):
            return _error(image)
        if self.scenario.check_images:
            rejection = await run_in_threadpool(checks.card_rejection, image)
            if rejection is not None:
                return _error(rejection)
        if tx is None:
            tx = self.state.new_transaction()
        tx.steps.add(step)
        tx.images[step] = image.data
        extracted = bool(call.field("getExtractedData"))
        front = step == "id_front"
        data = {
            "isVerificationProcessCompleted": False,
            "isDigitalIdentityVerified": False,
            "user": None,
            "idFrontData": id_front_data(tx.id, extracted) if front else None,
            "idBackData": None if front else id_back_data(tx.id, extracted),
        }
        return envelope(data, services=card_services(self.scenario, front=front),
                        scenario=self.scenario)

    async def liveness(self, call: Call) -> Response:
        forced = self.state.forced_error("liveness")
        if forced is not None:
            return envelope(code=forced.code, message=forced.message or "Forced by the scenario",
                            status=forced.http_status)
        tx = self.state.transaction(call.field("transaction_id"))
        if tx is None:
            return _bad_request("Unknown or missing transaction_id")
        if not {"id_front", "id_back"} <= tx.steps:
            return _bad_request("Scan the ID front and back before the liveness check")
        names = ("image", "face_1", "face_2", "face_3")
        decoded: list[DecodedImage] = []
        for name in names:
            image = await run_in_threadpool(checks.decode_image, name, call.field(name))
            if isinstance(image, Rejection):
                return _error(image)
            decoded.append(image)
        if self.scenario.check_images:
            rejection = await run_in_threadpool(checks.faces_rejection, decoded[1:])
            if rejection is not None:
                return _error(rejection)
        tx.steps.add("liveness")
        tx.images.update(zip(("liveness", "face_1", "face_2", "face_3"),
                             (d.data for d in decoded), strict=True))
        return self._liveness_answer(tx, bool(call.field("getExtractedData")))

    def _liveness_answer(self, tx: Transaction, extracted: bool,
                         user: dict[str, Any] | None = None) -> Response:
        data = liveness_data(self.scenario, tx.id, extracted)
        if user is not None:
            data["user"] = user
        return envelope(data, services=liveness_services(self.scenario), scenario=self.scenario)

    async def link(self, call: Call) -> Response:
        forced = self.state.forced_error("link")
        if forced is not None:
            return envelope(code=forced.code, message=forced.message or "Forced by the scenario",
                            status=forced.http_status)
        tx = self.state.transaction(call.field("transactionId"))
        if tx is None or "liveness" not in tx.steps:
            return _bad_request("Unknown or unfinished transactionId")
        assert call.token is not None
        user = self.state.find_user(call.token.subject)
        if user is None:
            return _bad_request("Unknown user")
        user.transaction_id, tx.user_phone = tx.id, user.phone_number
        return self._liveness_answer(tx, bool(call.field("getExtractedData")),
                                     user=_user_view(user))

    # --- operator calls ----------------------------------------------------------------------

    async def user_images(self, call: Call) -> Response:
        user = self.state.find_user(call.request.query_params.get("emailOrPhoneNumber"))
        tx = self.state.transaction(user.transaction_id) if user else None
        if tx is None:
            return _bad_request("No verified user with this email or phone number")
        keys = {"idFrontImage": "id_front", "idBackImage": "id_back",
                "livenessImage": "liveness", "livenessFace01Image": "face_1",
                "livenessFace02Image": "face_2", "livenessFace03Image": "face_3"}
        prefix = self._name_prefix(tx.id)
        names = {key: _file_name(kind, tx.images[kind], prefix) if kind in tx.images else None
                 for key, kind in keys.items()}
        # Vlens documents file names only; the other shapes say which verification the images
        # belong to (the operator page checks a typed transaction id against them).
        if self.scenario.image_listing == "transaction_id":
            names["transactionId"] = tx.id
        return envelope(names)

    def _name_prefix(self, transaction_id: str) -> str:
        return f"{transaction_id}_" if self.scenario.image_listing == "file_names" else ""

    async def step_image(self, call: Call) -> Response:
        query = call.request.query_params
        tx = self.state.transaction(query.get("TransactionId"))
        name = query.get("FileName") or ""
        prefix = self._name_prefix(tx.id) if tx is not None else ""
        kind = name.removeprefix(prefix).rsplit(".", 1)[0]
        if (tx is None or kind not in tx.images
                or _file_name(kind, tx.images[kind], prefix) != name):
            return _bad_request("Unknown TransactionId or FileName")
        return envelope({"image": base64.b64encode(tx.images[kind]).decode()})

    # --- end-user accounts -------------------------------------------------------------------

    async def verify_phone(self, call: Call) -> Response:
        phone = call.field("phoneNumber")
        if not isinstance(phone, str) or not _PHONE.match(phone):
            return _bad_request("phoneNumber must be in E.164 form, e.g. +201001234567")
        request_id = self.state.new_otp_request(phone)
        return envelope({"phoneNumberOtpRequestId": request_id})

    async def register(self, call: Call) -> Response:
        phone = call.field("phoneNumber")
        if self.state.otp_phone(call.field("phoneNumberOtpRequestId")) != phone or (
            call.field("phoneNumberOtp") != DEMO_OTP
        ):
            return _bad_request("Wrong or expired verification code")
        user = self.state.add_user(phone, call.field("email"), call.field("password"))
        if user is None:
            return _bad_request("This phone number is already registered")
        token = self.state.issue_token(USER, phone, USER_TOKEN_TTL_S)
        return envelope({"isDigitalIdentityVerified": False, "accessToken": token,
                         "expireInSeconds": USER_TOKEN_TTL_S, "user": _user_view(user)})

    async def end_user_login(self, call: Call) -> Response:
        user = self.state.find_user(call.field("phoneNumber"))
        if user is None or user.password is None or user.password != call.field("password"):
            return envelope(code=401, message="Wrong phone number or password", status=401)
        token = self.state.issue_token(USER, user.phone_number, USER_TOKEN_TTL_S)
        return envelope({"accessToken": token, "expireInSeconds": USER_TOKEN_TTL_S,
                         "isDigitalIdentityVerified": user.transaction_id is not None,
                         "user": _user_view(user)})

    async def check_existence(self, call: Call) -> Response:
        # The response shape is not published; these names are the simulator's (inferred).
        phone, email = call.field("phoneNumber"), call.field("email")
        return envelope({"isPhoneNumberExist": self.state.find_user(phone) is not None,
                         "isEmailExist": self.state.find_user(email) is not None})


def _user_view(user: User) -> dict[str, Any]:
    return {"id": user.id, "phoneNumber": user.phone_number, "emailAddress": user.email}
