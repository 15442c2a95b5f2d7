"""Password hashing with argon2 (DESIGN 11): werkzeug's scrypt default is below today's floor."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# Length is capped before hashing so a 10,000-character password cannot stall a worker;
# 128 is far beyond any passphrase a person types or a manager generates.
MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password too long")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; over-long input is refused without hashing."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False
    except VerificationError:
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A real hash to verify against when the e-mail is unknown, so timing does not reveal it.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
