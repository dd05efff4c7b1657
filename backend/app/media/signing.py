"""Signed, expiring links to the local store's pictures, which the API serves itself: what lets
an iOS AsyncImage load a private image without headers. (The S3 store presigns its own.)

The signature is an HMAC-SHA256 over the media key and the expiry, keyed by a key derived from
the server's JWT secret (derived, so a media signature can never be mistaken for a token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import urlencode

# The local store's pictures are served by the API under this path (app.visualizations.router).
MEDIA_ROUTE = "/api/v1/media"
_PURPOSE = b"emotionviz/media-url/v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class MediaSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
        self.ttl_seconds = ttl_seconds

    def _signature(self, key: str, expires: int) -> str:
        message = f"{key}\n{expires}".encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def sign(self, key: str, base_url: str, *, now: float | None = None) -> str:
        expires = int(now if now is not None else time.time()) + self.ttl_seconds
        query = urlencode({"expires": expires, "signature": self._signature(key, expires)})
        return f"{base_url.rstrip('/')}{MEDIA_ROUTE}/{key}?{query}"

    def verify(
        self, key: str, expires: int, signature: str, *, now: float | None = None
    ) -> str | None:
        """None when valid, else the reason it is not."""
        expected = self._signature(key, expires)
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return "The image link is invalid."
        if expires < (now if now is not None else time.time()):
            return "The image link has expired. Fetch the visualization again for a fresh link."
        return None
