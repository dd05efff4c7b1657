"""Turning transport and API failures into errors a person can act on (never showing the key)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from google.genai import errors as genai_errors

from app.platform.observability.logging import redact

RETRYABLE_STATUSES = frozenset({429, 500, 503, 504})

# The SDK's async calls go through aiohttp whenever aiohttp can be imported (the S3 client
# brings it), else through httpx2 (a fork with its own exception classes) when that is
# installed, else httpx: accept all three. aiohttp's timeouts are TimeoutError subclasses; a
# connection refused, reset or closed mid-answer is a ClientConnectionError or, once the
# answer had begun, a ClientPayloadError.
_timeouts: list[type[BaseException]] = [TimeoutError, httpx.TimeoutException]
_transport: list[type[BaseException]] = [httpx.TransportError]
try:
    import httpx2

    _timeouts.append(httpx2.TimeoutException)
    _transport.append(httpx2.TransportError)
except ImportError:  # pragma: no cover - depends on the SDK's optional dependency
    pass
try:
    import aiohttp

    _transport.extend([aiohttp.ClientConnectionError, aiohttp.ClientPayloadError])
except ImportError:  # pragma: no cover - depends on what else is installed
    pass
TIMEOUT_ERRORS = tuple(_timeouts)
TRANSPORT_ERRORS = tuple(_transport)


@dataclass(frozen=True, slots=True)
class CallTarget:
    """What a failing call was talking to, for the messages."""

    service: str  # "Gemini" / "Nano Banana Pro"
    model: str
    model_setting: str  # GEMINI_TEXT_MODEL / NANOBANANA_MODEL
    key_setting: str  # GEMINI_API_KEY / NANOBANANA_API_KEY (or GEMINI_API_KEY)
    timeout_setting: str
    timeout_seconds: float
    api_version: str
    base_url: str


@dataclass(frozen=True, slots=True)
class MappedFailure:
    message: str
    outcome: str
    retryable: bool
    # Whether this says the service itself is failing (counts towards the circuit breaker).
    service_failure: bool
    # How long the service asked us to wait before the next try (a 429's RetryInfo).
    retry_after_seconds: float | None = None


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def requested_retry_delay(exc: BaseException) -> float | None:
    """The pause a 429 asks for in its `google.rpc.RetryInfo` detail (`"retryDelay": "37s"`)."""
    if not isinstance(exc, genai_errors.APIError) or exc.code != 429:
        return None
    body = exc.details
    error = body.get("error", body) if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else ():
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith(".RetryInfo"):
            match = _DURATION.match(str(detail.get("retryDelay", "")))
            if match:
                return float(match[1])
    return None


def is_transient(exc: BaseException) -> bool:
    """Worth another attempt: rate limits, server errors, timeouts and dropped connections."""
    if isinstance(exc, genai_errors.APIError):
        return exc.code in RETRYABLE_STATUSES
    return isinstance(exc, TIMEOUT_ERRORS + TRANSPORT_ERRORS)


def _gemini_says(exc: genai_errors.APIError) -> str:
    text = redact(str(exc.message or "")).strip()
    return f" Gemini says: {text[:200]}" if text else ""


def _is_bad_key(exc: genai_errors.APIError) -> bool:
    if exc.code == 401:
        return True
    blob = f"{exc.message} {exc.details}"
    return "API_KEY_INVALID" in blob or "API key not valid" in blob or "API key expired" in blob


def map_failure(exc: BaseException, target: CallTarget, attempts: int) -> MappedFailure:
    tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(exc, genai_errors.APIError):
        status = f"{exc.code} {exc.status or ''}".strip()
        if _is_bad_key(exc):
            return MappedFailure(
                f"{target.service} rejected the API key ({status}): the key is invalid or "
                f"expired. Set a valid key in {target.key_setting}.",
                "auth_error",
                retryable=False,
                service_failure=False,
            )
        if exc.code == 403:
            return MappedFailure(
                f"{target.service} refused access ({status}): the API key in "
                f"{target.key_setting} may be invalid or not allowed to use model "
                f"'{target.model}'.{_gemini_says(exc)}",
                "auth_error",
                retryable=False,
                service_failure=False,
            )
        if exc.code == 404:
            return MappedFailure(
                f"{target.service} model '{target.model}' was not found at the Gemini API "
                f"({target.api_version}). Set {target.model_setting} to a model id your key can "
                "use.",
                "not_found",
                retryable=False,
                service_failure=False,
            )
        if exc.code == 429:
            delay = requested_retry_delay(exc)
            when = f"Try again in {delay:.0f} s" if delay is not None else "Try again shortly"
            return MappedFailure(
                f"{target.service} rate limit or quota exceeded ({status}){tries}. "
                f"{when}, or check the quota of the key.",
                "rate_limited",
                retryable=True,
                service_failure=True,
                retry_after_seconds=delay,
            )
        if exc.code >= 500:
            return MappedFailure(
                f"{target.service} is unavailable ({status}){tries}. Try again shortly.",
                "server_error",
                retryable=exc.code in RETRYABLE_STATUSES,
                service_failure=True,
            )
        return MappedFailure(
            f"{target.service} rejected the request ({status}).{_gemini_says(exc)}",
            "client_error",
            retryable=False,
            service_failure=False,
        )
    if isinstance(exc, TIMEOUT_ERRORS):
        return MappedFailure(
            f"{target.service} did not answer within {target.timeout_seconds:g} s{tries} "
            f"({target.timeout_setting}). Try again shortly.",
            "timeout",
            retryable=True,
            service_failure=True,
        )
    if isinstance(exc, TRANSPORT_ERRORS):
        return MappedFailure(
            f"Could not reach {target.service} at {target.base_url}{tries} "
            f"({type(exc).__name__}). Check the network or GEMINI_BASE_URL.",
            "unavailable",
            retryable=True,
            service_failure=True,
        )
    return MappedFailure(
        f"{target.service} call failed unexpectedly ({type(exc).__name__}).",
        "error",
        retryable=True,
        service_failure=True,
    )
