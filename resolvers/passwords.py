"""Password hashing with scrypt (a memory-hard KDF from the standard library)."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os

N, R, P, KEY_LEN = 2**14, 8, 1, 32


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=KEY_LEN)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"scrypt${N}${R}${P}${b64(salt)}${b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


_DUMMY: str | None = None


def dummy_hash() -> str:
    """A hash of a random password with the current parameters: checked against when the username
    is unknown, so that an unknown user costs what a wrong password costs."""
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password(base64.b64encode(os.urandom(18)).decode())
    return _DUMMY


async def hash_password_async(password: str) -> str:
    """scrypt off the event loop (it takes tens of milliseconds of CPU)."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password: str, stored: str | None) -> bool:
    """scrypt off the event loop; ``stored`` None (no such user) checks against a dummy hash and
    answers False, taking as long as a wrong password."""
    if stored is None:
        await asyncio.to_thread(lambda: verify_password(password, dummy_hash()))
        return False
    return await asyncio.to_thread(verify_password, password, stored)
