"""Password hashing (Argon2id; bcrypt only to verify legacy hashes), password rules."""

import base64
import secrets
import unicodedata
from functools import lru_cache

import argon2
from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from app.core.config import get_settings

MAX_PASSWORD_LENGTH = 1024
BCRYPT_MAX_BYTES = 72


class LegacyBcryptHasher(BcryptHasher):
    """Verifies bcrypt hashes made by an older system; never used to hash.

    bcrypt looks at 72 bytes at most and raises on longer input: such a password
    simply does not match, rather than failing the request.
    """

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        """Whether `password` matches the bcrypt `hash`."""
        encoded = password.encode() if isinstance(password, str) else password
        if len(encoded) > BCRYPT_MAX_BYTES:
            return False
        return super().verify(encoded, hash)


def _parameters(profile: str) -> argon2.Parameters:
    parameters = getattr(argon2.profiles, profile, None)
    if not isinstance(parameters, argon2.Parameters):
        raise ValueError(f"unknown AUTH_PASSWORD_HASH_PROFILE {profile!r}")
    return parameters


@lru_cache
def _password_hash(profile: str) -> PasswordHash:
    parameters = _parameters(profile)
    argon = Argon2Hasher(
        time_cost=parameters.time_cost,
        memory_cost=parameters.memory_cost,
        parallelism=parameters.parallelism,
        hash_len=parameters.hash_len,
        salt_len=parameters.salt_len,
    )
    return PasswordHash((argon, LegacyBcryptHasher()))


def password_hash() -> PasswordHash:
    """Argon2id with the configured argon2-cffi profile; the legacy bcrypt verifier."""
    return _password_hash(get_settings().auth_password_hash_profile)


def normalize_password(password: str) -> str:
    """NFKC, so that the same password typed on another keyboard still matches."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return password_hash().hash(normalize_password(password))


def _unpadded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


@lru_cache
def _dummy_hash(profile: str) -> str:
    # A verification costs what the parameters written in the hash say, whoever
    # made it: a random salt and digest in Argon2id's encoding cost one full
    # verification and match no password, without hashing anything (hashing took a
    # quarter of a second of every start-up with the default profile).
    parameters = _parameters(profile)
    salt = secrets.token_bytes(parameters.salt_len)
    digest = secrets.token_bytes(parameters.hash_len)
    return (
        f"$argon2id$v={argon2.low_level.ARGON2_VERSION}"
        f"$m={parameters.memory_cost},t={parameters.time_cost},p={parameters.parallelism}"
        f"${_unpadded(salt)}${_unpadded(digest)}"
    )


def dummy_hash() -> str:
    """An Argon2id hash with the configured parameters that no password matches,
    verified when the e-mail is unknown.

    A login then costs one verification whether or not the user exists.
    """
    return _dummy_hash(get_settings().auth_password_hash_profile)


def verify_password(password: str, hashed: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new Argon2id hash when it should replace
    `hashed` (a legacy bcrypt hash, or older Argon2 parameters)."""
    try:
        return password_hash().verify_and_update(normalize_password(password), hashed)
    except UnknownHashError:
        return False, None


def password_problem(password: str) -> str | None:
    """Why the password is not acceptable, or None. Any character is allowed."""
    length = len(normalize_password(password))
    minimum = get_settings().auth_password_min_length
    if length < minimum:
        return f"the password must have at least {minimum} characters"
    if length > MAX_PASSWORD_LENGTH:
        return f"the password must have at most {MAX_PASSWORD_LENGTH} characters"
    return None
