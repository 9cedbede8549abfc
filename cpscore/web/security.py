"""Passwords, firm links, the administrator's session cookie and CSRF tokens.

- Passwords are hashed with argon2id (argon2-cffi's defaults).
- A firm's link carries 32 random bytes (256 bits) from :mod:`secrets`; revoking it clears it.
- The session cookie is signed and time-limited (itsdangerous) with a key kept in the data
  folder, so sessions survive a restart; it is HttpOnly and SameSite=Lax.
- Every form carries a token equal to the ``cpscore_csrf`` cookie (double submit); a page from
  another site can neither read that cookie nor set it, so it cannot forge the field.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "cpscore_session"
CSRF_COOKIE = "cpscore_csrf"
SESSION_SECONDS = 12 * 3600

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the name is unknown, so both cases take the same time.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def secret_key(data: Path) -> bytes:
    """The signing key, made on first start (readable by the service's user only)."""
    path = data / "secret.key"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()


class Sessions:
    """Signed session cookies: ``{"admin": id}``."""

    def __init__(self, key: bytes):
        self._s = URLSafeTimedSerializer(key, salt="cpscore-session")

    def dump(self, data: dict[str, Any]) -> str:
        return self._s.dumps(data)

    def load(self, cookie: str | None) -> dict[str, Any] | None:
        if not cookie:
            return None
        try:
            data = self._s.loads(cookie, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    return bool(cookie) and bool(field) and hmac.compare_digest(str(cookie), str(field))
