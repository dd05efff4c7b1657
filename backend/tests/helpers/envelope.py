"""What the API's error envelope must look like (docs/API.md, "Errors")."""

from __future__ import annotations

from typing import Any

import httpx


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The full error envelope: status, code, and the meta carrying the request id."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["meta"]["request_id"] == response.headers["x-request-id"]
    assert "timestamp" in body["meta"]
    return body  # type: ignore[no-any-return]


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    """Just the refusal: status and error code (what the OWASP tests check on every route)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
