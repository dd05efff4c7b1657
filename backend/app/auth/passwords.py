"""Password hashing: argon2id through pwdlib, off the event loop, a bounded number at a time.

Parameters are OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 20 ms per hash on the
2-core development machine. `PASSWORD_HASH_CONCURRENCY` caps how many hashes run at once across
every process sharing DATA_DIR, in lower-priority threads (app.platform.cpu_work): without that,
`serve --workers 2` on 2 cores ran two hashes at once and left no core for the other requests,
and at normal priority a login flood took the cores from every other request. (+10 left logins
14/s against 20/s at +5 under a 64-connection login flood beside saturating GETs, for the same
GET p99 of ~38 ms.)

A login or registration does not hold a pooled database connection while it waits for a hash
(RequestDb.release): a burst of 64 logins used to empty the pool and take GET /entries from
1,500 to 36 requests a second.
"""

from __future__ import annotations

import functools
import secrets
from pathlib import Path

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

from app.platform.cpu_work import BoundedCpuWork

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_PARALLELISM = 1

MIN_PASSWORD_LENGTH = 8
# Long enough for any passphrase or manager-generated password; stops megabyte "passwords".
MAX_PASSWORD_LENGTH = 128


def password_policy_problems(password: str) -> list[str]:
    """What the password lacks under the policy of docs/API.md (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"at most {MAX_PASSWORD_LENGTH} characters")
    if not any(c.isupper() for c in password):
        problems.append("an upper-case letter")
    if not any(c.islower() for c in password):
        problems.append("a lower-case letter")
    if not any(c.isdigit() for c in password):
        problems.append("a digit")
    return problems


class PasswordHasher:
    """Hashes and verifies passwords off the event loop, a bounded number at a time."""

    def __init__(self, concurrency: int, slots_dir: Path | None = None) -> None:
        self._context = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=ARGON2_TIME_COST,
                    memory_cost=ARGON2_MEMORY_KIB,
                    parallelism=ARGON2_PARALLELISM,
                ),
            )
        )
        self._work = BoundedCpuWork("password-hash", concurrency, slots_dir)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        """Verified against when the e-mail is unknown, so that case costs the same as a wrong
        password and timing does not reveal which accounts exist. Made on first need (a hash
        costs what a login does), in the hashing thread."""
        return self._context.hash(secrets.token_urlsafe(32))

    async def hash(self, password: str) -> str:
        return await self._work.run(self._context.hash, password)

    async def verify(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """(matches, a re-hash when the stored parameters are outdated).

        `hashed=None` (no such account) still spends one full verification.
        """
        return await self._work.run(self._verify_unbounded, password, hashed)

    def _verify_unbounded(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        if hashed is None:
            self._context.verify(password, self._dummy_hash)
            return False, None
        try:
            return self._context.verify_and_update(password, hashed)
        except UnknownHashError:
            # Not a hash we can read (e.g. an account disabled with "!"): a failed login that
            # still costs what a real one does.
            self._context.verify(password, self._dummy_hash)
            return False, None
