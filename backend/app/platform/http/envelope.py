"""The response envelope (docs/API.md, "The response envelope"), as typed models so OpenAPI
documents it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.platform.context import request_id_var

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


def _uuid_to_str(value: Any) -> str:
    # asyncpg decodes uuid columns to its own uuid.UUID subclass, which orjson does not take.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not part of the JSON envelope")


# Z for UTC, like pydantic; anything else unknown is a bug and raises instead of becoming a str.
_JSON_OPTIONS = orjson.OPT_UTC_Z


def envelope_response(data: Any, status_code: int = 200) -> Response:
    """`ok(data)` already serialised: the same bytes a route's `Envelope[...]` return type gives.

    For the hot list and create routes (bench/, docs/BENCHMARKS.md): their rows go from asyncpg
    to JSON by orjson, without building a pydantic model per entry and validating and
    serialising the page again (a fifth of a page's CPU: 0.90 -> 0.72 ms, and orjson encodes
    the 50 entries in 19 µs where pydantic-core took 61 µs). `data` holds only JSON types,
    UUIDs and aware datetimes; the route keeps its model as `response_model` for OpenAPI, and
    tests compare its output with the model's.
    """
    body = {
        "success": True,
        "data": data,
        "meta": {"timestamp": utcnow_iso(), "request_id": request_id_var.get()},
    }
    return Response(
        orjson.dumps(body, default=_uuid_to_str, option=_JSON_OPTIONS),
        status_code=status_code,
        media_type="application/json",
    )


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
