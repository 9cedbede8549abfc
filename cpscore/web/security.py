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
import threading
import time
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


class Throttle:
    """Failed sign-ins per name and address: after ``limit`` within ``window`` seconds, further
    tries are refused until the window has passed (argon2 already makes each guess slow)."""

    def __init__(self, limit: int = 10, window: float = 600.0):
        self.limit, self.window = limit, window
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = kept
        return kept

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())
            if len(self._failures) > 100_000:  # bounded memory under a spray of names
                self._failures.clear()


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    return bool(cookie) and bool(field) and hmac.compare_digest(str(cookie), str(field))
