"""Login throttling: how many attempts an account and a client address get in a window.
Pure: counts in, a verdict out (the counters live in Redis, see resolvers/throttle.py)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoginLimits:
    per_account: int = 10  # attempts on one username in a window
    per_address: int = 30  # failed attempts from one client address in a window
    window_seconds: int = 900  # the window starts at the first counted attempt

    def __post_init__(self) -> None:
        if self.per_account < 1 or self.per_address < 1 or self.window_seconds < 1:
            raise ValueError("login limits must be positive")


@dataclass(frozen=True)
class Counter:
    attempts: int  # attempts counted in the current window, this one included
    ttl: int  # seconds until the window ends (-1/-2 from Redis: no expiry / no key)


def retry_after(account: Counter, address: Counter, limits: LoginLimits) -> int | None:
    """None when this attempt may be checked; otherwise the seconds to wait (at least 1): until
    the window of every exceeded counter has ended."""
    waits = [
        max(c.ttl, 1) if c.ttl > 0 else limits.window_seconds
        for c, limit in ((account, limits.per_account), (address, limits.per_address))
        if c.attempts > limit
    ]
    return max(waits) if waits else None
