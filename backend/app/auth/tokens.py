"""JWT access tokens (PyJWT, HS256 pinned) and the signing secret's life cycle."""

from __future__ import annotations

import logging
import os
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from app.platform.config import Settings
from app.platform.http.errors import Unauthorized

log = logging.getLogger(__name__)

MIN_SECRET_BYTES = 32
# Verified tokens remembered per process (see TokenService.subject): ~300 bytes each.
VERIFIED_TOKEN_CACHE_SIZE = 4096
SECRET_FILE_NAME = "secret"  # noqa: S105 (a file name, not a secret)
_ALGORITHMS = ["HS256"]  # pinned: never taken from the token header


class WeakSecretError(RuntimeError):
    pass


def resolve_secret(settings: Settings) -> str:
    """The signing secret: JWT_SECRET_KEY, or one generated once and kept under DATA_DIR.

    A configured secret shorter than 32 bytes stops start-up unless DEBUG is on.
    """
    if settings.jwt_secret_key is not None:
        value = settings.jwt_secret_key.get_secret_value()
        if len(value.encode()) < MIN_SECRET_BYTES and not settings.debug:
            raise WeakSecretError(
                f"JWT_SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes. Set a longer one "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))"), or unset it '
                "to have a strong one generated under DATA_DIR."
            )
        return value
    return _persisted_secret(settings.data_dir / SECRET_FILE_NAME)


def _persisted_secret(path: Path) -> str:
    if path.exists():
        value = path.read_text().strip()
        if len(value.encode()) >= MIN_SECRET_BYTES:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # O_EXCL: when several workers start at once, exactly one writes and the others read it.
    try:
        fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _wait_for_secret(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    os.replace(path.with_suffix(".tmp"), path)
    log.info("generated a new JWT signing secret", extra={"path": str(path)})
    return value


def _wait_for_secret(path: Path) -> str:
    import time

    for _ in range(100):
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.05)
    # A stale temp file from a crashed start: take it over.
    path.with_suffix(".tmp").unlink(missing_ok=True)
    return _persisted_secret(path)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """Who a verified token speaks for: the account and the session (login) it belongs to."""

    user_id: uuid.UUID
    session_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_in: int  # seconds, as the API answers it


@dataclass(frozen=True, slots=True)
class TokenService:
    secret: str
    expire_minutes: int
    # token -> (claims, exp). Keyed by the whole token, signature included, so a hit means this
    # exact string was verified before; entries are honoured only until the token's own expiry.
    # The rate limiter and the auth dependency both ask on every request: one HS256 check (and
    # PyJWT's per-character base64 validation) per token instead of two per request.
    _verified: dict[str, tuple[TokenClaims, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def issue(
        self,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        *,
        logged_in_at: datetime,
        session_ends_at: datetime,
    ) -> IssuedToken:
        """A token of the session `session_id`; it never outlives the session."""
        now = datetime.now(UTC)
        expires = min(now + timedelta(minutes=self.expire_minutes), session_ends_at)
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            # The session's login, which refreshing never moves.
            "auth_time": int(logged_in_at.timestamp()),
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": uuid.uuid4().hex,
            "type": "access",
        }
        token = jwt.encode(claims, self.secret, algorithm="HS256")
        return IssuedToken(token, max(0, int((expires - now).total_seconds())))

    def claims(self, token: str) -> TokenClaims:
        """What a valid token names; Unauthorized for anything else. Whether its session and
        account are still live is the caller's question (app.auth.deps)."""
        cached = self._verified.get(token)
        if cached is not None:
            if cached[1] > time.time():
                return cached[0]
            self._verified.pop(token, None)  # expired: decode again, which raises the right error
        claims, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKEN_CACHE_SIZE:
            # Oldest first (dicts keep insertion order): bounded memory, whatever the traffic.
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (claims, expires)
        return claims

    def subject(self, token: str) -> uuid.UUID:
        """The user id a valid token names; Unauthorized for anything else."""
        return self.claims(token).user_id

    def _verify(self, token: str) -> tuple[TokenClaims, int]:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=_ALGORITHMS,
                options={"require": ["exp", "sub", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("The access token has expired. Log in again.") from None
        except jwt.PyJWTError:
            raise Unauthorized("The access token is invalid.") from None
        if claims.get("type") != "access":
            raise Unauthorized("The access token is invalid.")
        try:
            verified = TokenClaims(uuid.UUID(str(claims["sub"])), uuid.UUID(str(claims["sid"])))
            return verified, int(claims["exp"])
        except (KeyError, TypeError, ValueError):
            # Tokens from before sessions existed carry no `sid`: their owners log in again.
            raise Unauthorized("The access token is invalid. Log in again.") from None


def token_service(settings: Settings) -> TokenService:
    return TokenService(resolve_secret(settings), settings.access_token_expire_minutes)
