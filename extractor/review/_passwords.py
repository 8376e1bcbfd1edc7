"""Local account passwords, hashed with argon2 (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..store import Store

_hasher = PasswordHasher()
# Verifying against a real hash when the name is unknown keeps the answer time the same either way.
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(store: Store, name: str, password: str):
    """The user row when name and password match, else None."""
    user = store.user(name)
    try:
        ok = _hasher.verify(user["password_hash"] if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        ok = False
    return user if ok and user else None
