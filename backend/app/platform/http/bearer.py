"""Reading the bearer token off a request, for whoever needs to know who is calling."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any


def bearer_token(scope: MutableMapping[str, Any]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme in any case), else None."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None
