"""CORS whose refusals use the envelope: a rejected preflight is an error like any other."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from app.platform.http.envelope import error_response


class EnvelopeCORSMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reason = bytes(response.body).decode()  # "Disallowed CORS origin, method"
        refused = error_response(
            400,
            "VALIDATION_ERROR",
            f"CORS preflight refused: {reason.removeprefix('Disallowed CORS ')} not allowed.",
            {"reason": reason},
        )
        # No Access-Control-* grant on a refusal; Vary keeps caches from mixing origins.
        refused.headers["Vary"] = response.headers.get("vary", "Origin")
        return refused
