"""Vlens Digital Identity backend: config, client, error catalogue, typed results, the
three-step flow. The simulator lives in ``components.vlens.simulator``. No Streamlit here."""

from .catalogue import ErrorCategory, ErrorInfo, Finding, Retake, describe_error, describe_finding
from .client import VlensClient
from .config import VlensConfig, load_config
from .errors import (
    ConfigError,
    VlensAuthError,
    VlensError,
    VlensNetworkError,
    VlensRateLimitedError,
    VlensRejectedError,
    VlensServiceError,
    VlensTimeoutError,
)
from .flow import (
    StepEvent,
    StepPhase,
    Verdict,
    VerificationImages,
    VerificationOutcome,
    run_verification,
)
from .models import Services, StepResult, VerifyStep
from .transport import RetryPolicy

__all__ = [
    "ConfigError",
    "ErrorCategory",
    "ErrorInfo",
    "Finding",
    "Retake",
    "RetryPolicy",
    "Services",
    "StepEvent",
    "StepPhase",
    "StepResult",
    "Verdict",
    "VerificationImages",
    "VerificationOutcome",
    "VerifyStep",
    "VlensAuthError",
    "VlensClient",
    "VlensConfig",
    "VlensError",
    "VlensNetworkError",
    "VlensRateLimitedError",
    "VlensRejectedError",
    "VlensServiceError",
    "VlensTimeoutError",
    "describe_error",
    "describe_finding",
    "load_config",
    "run_verification",
]
