"""Local account passwords, hashed with argon2 (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..store import Store

MIN_PASSWORD = 8
_hasher = PasswordHasher()


@cache
def _dummy() -> str:
    """Verifying against a real hash when the name is unknown keeps the answer time the same either way.
    Made on first use: importing the module (every CLI command does) costs no hashing."""
    return _hasher.hash(secrets.token_urlsafe(16))


def password_problem(password: str) -> str:
    """Why a new password is refused, or '' (the one rule for the CLI and the web page)."""
    return "" if len(password) >= MIN_PASSWORD else f"a password needs {MIN_PASSWORD} characters or more"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(store: Store, name: str, password: str):
    """The user row when name and password match, else None."""
    user = store.user(name)
    try:
        ok = _hasher.verify(user["password_hash"] if user else _dummy(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    return user if ok and user else None
