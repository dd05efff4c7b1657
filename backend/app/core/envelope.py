"""The response envelope of SPEC §4.1, as typed models so OpenAPI documents it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.core.context import request_id_var

T = TypeVar("T")


def utcnow_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Meta(BaseModel):
    timestamp: str = Field(default_factory=utcnow_iso)
    request_id: str | None = Field(default_factory=lambda: request_id_var.get())


class Envelope(BaseModel, Generic[T]):
    """`{"success": true, "data": ..., "meta": ...}`."""

    success: bool = True
    data: T
    meta: Meta = Field(default_factory=Meta)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: ErrorBody
    meta: Meta = Field(default_factory=Meta)


def ok(data: T) -> Envelope[T]:
    return Envelope[T](data=data)


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {
        "success": False,
        "error": {"code": code, "message": message, "details": details},
        "meta": {"timestamp": utcnow_iso(), "request_id": request_id_var.get()},
    }
    return Response(
        orjson.dumps(body, default=str),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


# Shown in OpenAPI for every route so generated clients know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorEnvelope, "description": "Client error in the envelope"},
    "5XX": {"model": ErrorEnvelope, "description": "Server error in the envelope"},
}
