"""Scenario knobs of the Vlens simulator, fixed when it starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

DEMO_API_KEY = "demo-api-key"
DEMO_TENANT = "demo"
DEMO_USERNAME = "demo-operator"
DEMO_PASSWORD = "demo-password"
ImageListing = Literal["documented", "transaction_id", "file_names"]
IMAGE_LISTINGS: tuple[ImageListing, ...] = ("documented", "transaction_id", "file_names")
DEMO_OTP = "123456"  # the simulator sends no SMS; this code always works


@dataclass(frozen=True)
class Fault:
    """Answer the next ``times`` requests whose path contains ``path`` abnormally.

    ``status`` is the HTTP status to answer with (None: handle the request normally after
    ``delay_s``, e.g. to sleep past the client's read timeout). ``html`` answers with an HTML
    page instead of the JSON envelope, ``empty`` with no body at all; ``code`` is the envelope's
    error_code (default: the status); ``retry_after`` is sent as the Retry-After header.
    Faults are consumed in the order given.
    """

    path: str = ""
    status: int | None = 503
    times: int = 1
    retry_after: str | None = None
    html: bool = False
    empty: bool = False
    code: int | None = None
    delay_s: float = 0.0


@dataclass(frozen=True)
class ForcedError:
    """Make a step answer with a Vlens error code (``times`` None: every time)."""

    code: int
    http_status: int = 200
    times: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class Scenario:
    latency_s: float = 0.0  # added to every request
    faults: tuple[Fault, ...] = ()
    token_ttl_s: float = 86400.0  # how long the simulator accepts a service token
    advertised_ttl_s: float | None = None  # expireInSeconds it reports (default: token_ttl_s)
    # Forced envelope errors per step: "id_front", "id_back", "liveness" or "link".
    forced_errors: Mapping[str, ForcedError] = field(default_factory=lambda: MappingProxyType({}))
    aml_match: bool = False
    spoof: bool = False
    src_invalid: bool = False
    authority_unverified: bool = False  # completed, but isDigitalIdentityVerified false
    validation_errors: bool = False  # the front step reports a date-of-birth validation error
    services_in_data: bool = False  # nest `services` inside `data` instead of beside it
    lowercase_keys: bool = False  # `validations`/`aml`/`src` instead of the documented casing
    check_images: bool = True  # decode images and look for cards and faces
    rate_limit: bool = False  # answer 429 beyond Vlens' 10 requests/s and 60/min
    # GetUserDigitalIdentityImages: "documented" lists file names only (as Vlens documents it),
    # "transaction_id" adds the transaction's id, "file_names" puts the id in every file name.
    image_listing: ImageListing = "documented"
    api_key: str = field(default=DEMO_API_KEY, repr=False)
    tenancy_name: str = DEMO_TENANT
    username: str = DEMO_USERNAME
    password: str = field(default=DEMO_PASSWORD, repr=False)
