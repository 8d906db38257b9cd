"""Login attempt counters in Redis, shared by every server process.

Each counter is a Redis key that expires with its window: `SET key 0 EX window NX` then `INCR`
in one MULTI, so the count and its expiry are set together and no stale key outlives its window.
Attempts are counted before the password is checked (parallel bursts are counted too); a
successful login clears the account's counter and takes its attempt back from the address's.
Keys live under the deployment's namespace (as its channels and queues do)."""
from __future__ import annotations

import hashlib
import logging
from typing import Any

from policy.login import Counter, LoginLimits, retry_after

log = logging.getLogger("grassroots.login")


def _keys(username: str, address: str, namespace: str) -> tuple[str, str]:
    """Keys under the deployment's namespace, so two deployments on one Redis count apart."""
    user = hashlib.sha256(username.strip().encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{namespace}:login:account:{user}", f"{namespace}:login:address:{address}"


async def count_attempt(redis: Any, username: str, address: str, limits: LoginLimits,
                        namespace: str = "grassroots") -> int | None:
    """Count one attempt; the seconds to wait when it is over a limit, else None. Without Redis
    (or when it fails) logins are not throttled, and the fault is logged."""
    if redis is None:
        return None
    account_key, address_key = _keys(username, address, namespace)
    try:
        pipe = redis.pipeline(transaction=True)
        for key in (account_key, address_key):
            pipe.set(key, 0, ex=limits.window_seconds, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
        _, a_count, a_ttl, _, d_count, d_ttl = await pipe.execute()
    except Exception:  # a Redis fault must not stop people from logging in
        log.warning("login throttle unavailable (Redis): attempt not counted", exc_info=True)
        return None
    return retry_after(Counter(int(a_count), int(a_ttl)), Counter(int(d_count), int(d_ttl)), limits)


async def forget_attempt(redis: Any, username: str, address: str, namespace: str = "grassroots") -> None:
    """After a successful login."""
    if redis is None:
        return
    account_key, address_key = _keys(username, address, namespace)
    try:
        pipe = redis.pipeline(transaction=True)
        pipe.delete(account_key)
        pipe.decr(address_key)
        await pipe.execute()
    except Exception:
        log.warning("login throttle unavailable (Redis): counter not cleared", exc_info=True)
