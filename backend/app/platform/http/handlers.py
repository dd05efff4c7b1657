"""Exception handlers that render every error in the API's envelope."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.platform.context import request_id_var
from app.platform.http.envelope import error_response
from app.platform.http.errors import STATUS_CODES, AppError

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    404: "No route matches this path.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
}


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else "body"
        field = ".".join(loc[1:]) or location
        # Never echo `input`: it may be a password or a megabyte of text.
        details.append(
            {
                "field": field,
                "location": location,
                "message": error.get("msg", "Invalid value"),
                "type": error.get("type", "value_error"),
            }
        )
    return details


async def handle_app_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    message = exc.public_message
    if message != exc.message:
        # The details are for operators: the log line carries them with the request id, and
        # the client gets the id to quote.
        log.warning(
            "%s answered with a generic message: %s",
            exc.code,
            exc.message,
            extra={"error_code": exc.code, "outcome": getattr(exc, "outcome", None)},
        )
        message = f"{message} (Reference: {request_id_var.get()})"
    return error_response(exc.status_code, exc.code, message, exc.details, exc.headers)


async def handle_validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = _field_errors(exc)
    names = ", ".join(sorted({d["field"] for d in details}))
    return error_response(400, "VALIDATION_ERROR", f"Invalid request data: {names}.", details)


async def handle_http_exception(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = STATUS_CODES.get(exc.status_code, "ERROR" if exc.status_code < 500 else "INTERNAL_ERROR")
    message = _HTTP_MESSAGES.get(exc.status_code) or (
        exc.detail if isinstance(exc.detail, str) else "Request failed."
    )
    return error_response(exc.status_code, code, message, None, exc.headers)


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, handle_app_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(HTTPException, handle_http_exception)
