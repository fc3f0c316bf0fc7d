"""``VlensClient``: one method per documented Vlens endpoint (see docs/architecture.md).

Images go in as JPEG/PNG ``bytes``; the client base64-encodes them. Verify steps return a
``StepResult`` even when Vlens reports an error code (HTTP 200, 400, 415 or 422); exceptions are
kept for failures the customer cannot fix by retaking a picture (auth, network, 5xx, garbage).
"""

from __future__ import annotations

import base64
import logging
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import Enum
from typing import Any, Literal

from .auth import TokenManager, token_manager_for
from .catalogue import ErrorCategory, describe_error
from .config import VlensConfig
from .errors import (
    VlensAuthError,
    VlensRateLimitedError,
    VlensRejectedError,
    VlensServiceError,
)
from .limiters import limiter_for
from .models import (
    ApiResult,
    EndUserSession,
    Envelope,
    StepResult,
    TokenGrant,
    UserImages,
    VerifyStep,
    as_float,
    ci_get,
)
from .ratelimit import Limiter
from .transport import HttpReply, RetryPolicy, Transport

log = logging.getLogger("components.vlens.client")

LOGIN = "/api/credentials/Login"
REFRESH = "/api/credentials/RefreshToken"
DI = "/api/DigitalIdentity"
VERIFY_PATHS = {
    VerifyStep.ID_FRONT: f"{DI}/verify/id/front",
    VerifyStep.ID_BACK: f"{DI}/verify/id/back",
    VerifyStep.LIVENESS: f"{DI}/verify/liveness/multi",
}
KEY_ONLY_PATHS = {  # the same steps before the end user has an account (ApiKey only)
    VerifyStep.ID_FRONT: "/v1/ocr/id/front",
    VerifyStep.ID_BACK: "/v1/ocr/id/back",
    VerifyStep.LIVENESS: "/v1/ocr/liveness/multi",
}
CONNECT_TIMEOUT_S = 5.0
_CALLS_PER_RUN_MAX = 3 * 2 * 2  # steps x (login + call) x (first try + one after a re-login)
_BODYLESS_CODES = frozenset({400, 415, 422})  # documented error statuses, even without a body


class _Auth(Enum):
    KEY_ONLY = "key"  # ApiKey (+ TenancyName)
    SERVICE = "service"  # + Bearer service token
    END_USER = "end_user"  # + Bearer end-user token


def b64(image: bytes) -> str:
    if not isinstance(image, bytes | bytearray) or not image:
        raise ValueError("images must be non-empty JPEG or PNG bytes")
    return base64.b64encode(bytes(image)).decode("ascii")


class VlensClient:
    """Client of the Vlens Digital Identity API for one tenant. Thread-safe; cheap to create
    (tokens and the rate limiter are shared process-wide per tenant; ``limiter`` replaces the
    process's, e.g. to act as another replica in tests)."""

    def __init__(
        self,
        config: VlensConfig,
        language: Literal["en", "ar"] | str = "en",
        *,
        retry: RetryPolicy | None = None,
        token_manager: TokenManager | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        if language not in ("en", "ar"):
            raise ValueError("language must be 'en' or 'ar'")
        self.config = config
        self.language = language
        self._tokens = token_manager or token_manager_for(config.token_key, config.access_token)
        self._transport = Transport(
            config.base_url,
            connect_timeout_s=min(CONNECT_TIMEOUT_S, config.timeout_s),
            deadline_s=config.timeout_s,
            limiter=limiter or limiter_for(config.base_url, config.tenancy_name, config.replicas),
            retry=retry or RetryPolicy(),
        )

    def __repr__(self) -> str:
        return f"VlensClient({self.config!r}, language={self.language!r})"

    def close(self) -> None:
        self._transport.close()

    @property
    def longest_run_s(self) -> float:
        """How long ``run_verification`` with this client can last at most: three steps, each
        possibly preceded by a login and sent again once after a refused token (each limiter
        wait including its bounded store calls). A time-based guard against a second submission
        would have to last this long; the app's guard lasts as long as the run itself."""
        return _CALLS_PER_RUN_MAX * self._transport.longest_call_s

    def __enter__(self) -> VlensClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- credentials -------------------------------------------------------------------------

    def login(self) -> TokenGrant:
        """``POST /api/credentials/Login`` with the configured username and password."""
        if not self.config.uses_login:
            raise VlensAuthError("No username and password configured to log in with")
        env = self._envelope(self._send("POST", LOGIN, _Auth.KEY_ONLY, body={
            "tenancyName": self.config.tenancy_name,
            "userNameOrEmailAddress": self.config.username,
            "password": self.config.password,
        }), what="log in")
        return self._grant(env, "log in")

    def refresh(self, refresh_token: str) -> TokenGrant:
        """``POST /api/credentials/RefreshToken``."""
        env = self._envelope(self._send("POST", REFRESH, _Auth.KEY_ONLY,
                                        body={"refreshToken": refresh_token}), what="refresh")
        return self._grant(env, "refresh the token")

    def access_token(self) -> str:
        """The current service token (logging in or refreshing as needed)."""
        return self._tokens.token(self.login, self.refresh)

    # --- verification steps ------------------------------------------------------------------

    def verify_id_front(
        self,
        image: bytes,
        *,
        transaction_id: str | None = None,
        get_extracted_data: bool = False,
        name_check_value: str | None = None,
        client_transaction_id: str | None = None,
        request_id: str | None = None,
        key_only: bool = False,
    ) -> StepResult:
        """Scan the ID front; omit ``transaction_id`` to start a transaction."""
        body = {"image": b64(image)}
        return self._verify(VerifyStep.ID_FRONT, body, transaction_id, get_extracted_data,
                            name_check_value, client_transaction_id, request_id, key_only)

    def verify_id_back(
        self,
        image: bytes,
        *,
        transaction_id: str | None,
        get_extracted_data: bool = False,
        name_check_value: str | None = None,
        client_transaction_id: str | None = None,
        request_id: str | None = None,
        key_only: bool = False,
    ) -> StepResult:
        """Scan the ID back within ``transaction_id`` (from the front step)."""
        body = {"image": b64(image)}
        return self._verify(VerifyStep.ID_BACK, body, transaction_id, get_extracted_data,
                            name_check_value, client_transaction_id, request_id, key_only)

    def verify_liveness(
        self,
        id_front_image: bytes,
        faces: Sequence[bytes],
        *,
        transaction_id: str | None,
        get_extracted_data: bool = False,
        name_check_value: str | None = None,
        client_transaction_id: str | None = None,
        request_id: str | None = None,
        key_only: bool = False,
    ) -> StepResult:
        """Final step: three face pictures plus the ID front again, in the same transaction."""
        if len(faces) != 3:
            raise ValueError("liveness needs exactly three face pictures")
        body = {"image": b64(id_front_image)}
        body.update({f"face_{i}": b64(face) for i, face in enumerate(faces, start=1)})
        return self._verify(VerifyStep.LIVENESS, body, transaction_id, get_extracted_data,
                            name_check_value, client_transaction_id, request_id, key_only)

    # --- operator calls (service token) ------------------------------------------------------

    def list_user_images(self, email_or_phone_number: str) -> UserImages:
        """``GET GetUserDigitalIdentityImages``: file names of a user's verification images."""
        env = self._checked(self._send(
            "GET", f"{DI}/GetUserDigitalIdentityImages", _Auth.SERVICE,
            params={"emailOrPhoneNumber": email_or_phone_number}), "list the user's images")
        return UserImages.parse(env.data, env.raw)

    def get_step_image(
        self,
        transaction_id: str,
        file_name: str,
        *,
        impersonated_tenant_id: str | int | None = None,
        log_id: str | int | None = None,
    ) -> bytes:
        """``GET GetStepImage``: one stored verification image, decoded from base64."""
        params = {"TransactionId": transaction_id, "FileName": file_name}
        if impersonated_tenant_id is not None:
            params["ImpersonatedTenantId"] = str(impersonated_tenant_id)
        if log_id is not None:
            params["LogId"] = str(log_id)
        env = self._checked(self._send("GET", f"{DI}/GetStepImage", _Auth.SERVICE, params=params),
                            "download the image")
        encoded = ci_get(env.data, "image")
        try:
            return base64.b64decode(str(encoded), validate=True)
        except ValueError:
            raise VlensServiceError("Vlens sent an image that is not valid base64",
                                    request_id=env.request_id) from None

    def link_user_with_transaction(
        self, transaction_id: str, *, user_token: str, get_extracted_data: bool = False
    ) -> StepResult:
        """Attach a key-only (``/v1/ocr``) transaction to the end user owning ``user_token``."""
        reply = self._send("POST", f"{DI}/LinkUserWithExistingTransaction", _Auth.END_USER,
                           body={"transactionId": transaction_id,
                                 "getExtractedData": get_extracted_data},
                           user_token=user_token, resend_safe=False)
        return StepResult.from_envelope(None, self._step_envelope(reply))

    # --- end-user accounts -------------------------------------------------------------------

    def register_step_verify_phone(self, phone_number: str, *, sms_provider: int = 0) -> ApiResult:
        """Send an OTP by SMS; ``data.phoneNumberOtpRequestId`` identifies it."""
        env = self._checked(self._send("POST", f"{DI}/Register/StepVerifyPhone", _Auth.SERVICE,
                                       body={"phoneNumber": phone_number,
                                             "smsProviders": sms_provider}),
                            "send the verification code")
        return ApiResult(env.data, env.request_id, env.raw)

    def register(
        self,
        phone_number: str,
        *,
        phone_number_otp: str,
        phone_number_otp_request_id: str,
        email: str | None = None,
        password: str | None = None,
    ) -> EndUserSession:
        """Create the end user's account with the OTP; returns the user's token."""
        body: dict[str, Any] = {"phoneNumber": phone_number, "phoneNumberOtp": phone_number_otp,
                                "phoneNumberOtpRequestId": phone_number_otp_request_id}
        if email is not None:
            body["email"] = email
        if password is not None:
            body["password"] = password
        env = self._checked(self._send("POST", f"{DI}/Register", _Auth.SERVICE, body=body,
                                       resend_safe=False), "register")
        return self._end_user_session(env)

    def end_user_login(self, phone_number: str, password: str, **extra: Any) -> EndUserSession:
        """Log an end user in by phone number and password."""
        body = {"phoneNumber": phone_number, "password": password, **extra}
        try:
            # 401 here means the customer's phone number or password (vlens-api.md: 401 = wrong
            # credentials), not our token: don't log in again and resend their password.
            reply = self._send("POST", f"{DI}/Login", _Auth.SERVICE, body=body,
                               relogin_on=(403,))
        except VlensAuthError as exc:
            if exc.code != 401:
                raise
            raise VlensRejectedError("The phone number or password is not correct",
                                     category=ErrorCategory.AUTH, code=401,
                                     request_id=exc.request_id,
                                     message_ar="رقم الهاتف أو كلمة المرور غير صحيحة") from None
        return self._end_user_session(self._checked(reply, "sign in"))

    def check_existence(
        self, *, phone_number: str | None = None, email: str | None = None
    ) -> ApiResult:
        """Whether an account already uses this phone number or email."""
        env = self._checked(self._send("POST", f"{DI}/CheckExistenceOfEmailOrPhone",
                                       _Auth.SERVICE,
                                       body={"phoneNumber": phone_number, "email": email}),
                            "check the account")
        return ApiResult(env.data, env.request_id, env.raw)

    # --- internals ---------------------------------------------------------------------------

    def _verify(
        self,
        step: VerifyStep,
        body: dict[str, Any],
        transaction_id: str | None,
        get_extracted_data: bool,
        name_check_value: str | None,
        client_transaction_id: str | None,
        request_id: str | None,
        key_only: bool,
    ) -> StepResult:
        optional = {
            "transaction_id": transaction_id,
            "name_check_value": name_check_value,
            "client_transaction_id": client_transaction_id,
            "request_id": request_id,
            "country": self.config.country,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        body["getExtractedData"] = get_extracted_data
        path = (KEY_ONLY_PATHS if key_only else VERIFY_PATHS)[step]
        reply = self._send("POST", path, _Auth.KEY_ONLY if key_only else _Auth.SERVICE,
                           body=body, resend_safe=False)
        return StepResult.from_envelope(step, self._step_envelope(reply))

    def _headers(self, request_id: str, bearer: str | None, has_body: bool) -> dict[str, str]:
        headers = {
            "ApiKey": self.config.api_key,
            "TenancyName": self.config.tenancy_name,
            "X-Request-Id": request_id,
            "Accept-Language": self.language,
        }
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _send(
        self,
        method: str,
        path: str,
        auth: _Auth,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        user_token: str | None = None,
        resend_safe: bool = True,
        relogin_on: tuple[int, ...] = (401, 403),
    ) -> HttpReply:
        """Send once (plus transport retries); when the service token is refused (a status in
        ``relogin_on``), log in again once and resend (a refused request was not processed);
        then give up with an auth error."""
        request_id = str(uuid.uuid4())
        for second_try in (False, True):
            headers = _HeadersAfterWait(self, auth, request_id, user_token, body is not None)
            reply = self._transport.send(
                method, path, headers=headers, request_id=request_id, body=body, params=params,
                resend_safe=resend_safe)
            if not _refused(reply):
                return reply
            if (auth is _Auth.SERVICE and not second_try and _refusal_code(reply) in relogin_on
                    and self._tokens.invalidate(headers.token or "")):
                log.info("vlens %s: token refused (HTTP %d); logging in again (request %s)",
                         path, reply.status, request_id)
                continue
            raise self._auth_error(reply, path, auth)
        raise AssertionError("unreachable")  # pragma: no cover

    def _auth_error(self, reply: HttpReply, path: str, auth: _Auth) -> VlensAuthError:
        code = _envelope_code(reply) or reply.status
        if path == LOGIN:
            message = "Vlens refused the app's API key, tenant, username or password"
        elif path == REFRESH:
            message = "Vlens refused to refresh the app's token"
        elif auth is _Auth.KEY_ONLY:
            message = "Vlens refused the app's API key or tenant name"
        elif auth is _Auth.END_USER:
            message = "Vlens refused the customer's session; they need to sign in again"
        elif self.config.uses_login:
            message = "Vlens refused the app's access even after logging in again"
        else:
            message = "Vlens refused the configured access token (it may have expired)"
        return VlensAuthError(message, code=code, request_id=reply.request_id)

    def _envelope(self, reply: HttpReply, *, what: str, step: bool = False) -> Envelope:
        """The envelope of a reply; a service error for 5xx, persistent 429 and non-JSON answers.

        A documented client-error status (400/415/422) without a JSON body becomes an envelope
        carrying that status as its code. For verify steps (``step``), an HTTP 500 whose body
        names a specific Vlens code (e.g. 7001) is returned too: the code says what to do.
        """
        if reply.status == 429:
            wait = math.ceil(reply.retry_after_s) if reply.retry_after_s is not None else 60
            raise VlensRateLimitedError(
                f"Vlens is limiting the request rate; try again in {wait} s",
                code=429, request_id=reply.request_id,
                message_ar=f"تحد خدمة Vlens من عدد الطلبات؛ حاول مرة أخرى بعد {wait} ثانية")
        if reply.body is None:
            if reply.status in _BODYLESS_CODES:
                return Envelope(reply.status, None, reply.status, None, None, {}, reply.request_id)
            kind = reply.content_type or "no content type"
            raise VlensServiceError(
                f"Vlens answered HTTP {reply.status} with a page that is not JSON ({kind}); "
                "the service or a proxy in front of it is not working",
                code=reply.status if reply.status >= 400 else None,
                request_id=reply.request_id,
                message_ar="أعادت خدمة Vlens رداً غير مفهوم؛ الخدمة لا تعمل حالياً",
            )
        env = Envelope.parse(reply.body, reply.status, reply.request_id)
        if reply.status >= 500:
            if step and reply.status == 500 and env.error_code not in (None, 500, 5000):
                return env
            raise VlensServiceError(
                f"Vlens could not {what} because of a server error (HTTP {reply.status})",
                code=env.error_code or reply.status, request_id=reply.request_id,
                message_ar="تعذر على خدمة Vlens إتمام الطلب بسبب خطأ في الخادم")
        return env

    def _step_envelope(self, reply: HttpReply) -> Envelope:
        env = self._envelope(reply, what="check the picture", step=True)
        if reply.status >= 400 and env.error_code is None:
            env = replace(env, error_code=reply.status)
        return env

    def _checked(self, reply: HttpReply, what: str) -> Envelope:
        env = self._envelope(reply, what=what)
        if env.error_code is not None or reply.status >= 400:
            code = env.error_code if env.error_code is not None else reply.status
            info = describe_error(code)
            raise VlensRejectedError(f"Vlens could not {what}: {info.message['en']}",
                                     category=info.category, code=code,
                                     request_id=reply.request_id,
                                     message_ar=info.message["ar"])
        return env

    def _grant(self, env: Envelope, what: str) -> TokenGrant:
        if env.error_code is not None or env.http_status >= 400:
            raise VlensAuthError(f"Vlens did not {what}", code=env.error_code or env.http_status,
                                 request_id=env.request_id)
        grant = TokenGrant.parse(env.data)
        if grant is None:
            raise VlensServiceError(f"Vlens answered without an access token when asked to {what}",
                                    request_id=env.request_id)
        return grant

    def _end_user_session(self, env: Envelope) -> EndUserSession:
        token = ci_get(env.data, "accessToken")
        if not isinstance(token, str) or not token:
            raise VlensServiceError("Vlens answered without the customer's access token",
                                    request_id=env.request_id)
        verified = ci_get(env.data, "isDigitalIdentityVerified")
        user = ci_get(env.data, "user")
        return EndUserSession(
            access_token=token,
            expire_in_seconds=as_float(ci_get(env.data, "expireInSeconds")),
            is_digital_identity_verified=verified if isinstance(verified, bool) else None,
            user=dict(user) if isinstance(user, Mapping) else {},
            raw=env.raw,
        )


class _HeadersAfterWait:
    """A request's headers, made when the transport is about to send (after the rate limiter's
    wait, so the service token cannot expire while waiting). Remembers the token it sent."""

    def __init__(self, client: VlensClient, auth: _Auth, request_id: str,
                 user_token: str | None, has_body: bool) -> None:
        self._client = client
        self._auth = auth
        self._request_id = request_id
        self._user_token = user_token
        self._has_body = has_body
        self.token: str | None = None

    def __call__(self) -> dict[str, str]:
        if self._auth is _Auth.SERVICE:
            self.token = self._client.access_token()
        elif self._auth is _Auth.END_USER:
            self.token = self._user_token
        return self._client._headers(self._request_id, self.token, self._has_body)


def _refused(reply: HttpReply) -> bool:
    """Credentials or token refused: HTTP 401/403, or HTTP 200 carrying error_code 401/403."""
    return _refusal_code(reply) is not None


def _refusal_code(reply: HttpReply) -> int | None:
    """401 or 403 when the reply refuses credentials or the token (by status or envelope)."""
    if reply.status in (401, 403):
        return reply.status
    code = _envelope_code(reply) if reply.status == 200 else None
    return code if code in (401, 403) else None


def _envelope_code(reply: HttpReply) -> int | None:
    if reply.body is None:
        return None
    return Envelope.parse(reply.body, reply.status, reply.request_id).error_code
