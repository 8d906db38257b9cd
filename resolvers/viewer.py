"""The caller of an operation: a user (bearer token), a partner (API key), anonymous, or the
system itself (``SYSTEM``, for scheduled jobs) — and what it may do where."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from models.access import ApiKey
from policy.access import Capability, Grant, can, scope_paths
from policy.kinds import Role
from resolvers import sql
from resolvers.errors import Denied, Unauthenticated
from resolvers.clock import SHANGHAI, today  # noqa: F401 - today re-exported for older imports

def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    api_key_id: int | None = None
    label: str = "anonymous"
    grants: tuple[Grant, ...] = ()
    credential_error: str | None = None  # credentials were sent but are invalid, expired or revoked (its reason)
    system_admin: bool = False  # owns what every district shares (the working-day calendar)
    system: bool = False  # the system itself: scheduled jobs, which may do everything everywhere

    @property
    def authenticated(self) -> bool:
        return self.system or self.user_id is not None or self.api_key_id is not None

    def can(self, capability: Capability, path: str) -> bool:
        return self.system or can(self.grants, capability, path)

    def require_authenticated(self) -> None:
        if not self.authenticated:
            raise Unauthenticated(self.credential_error)

    def can_pii(self, path: str) -> bool:
        return self.can(Capability.PERSON_PII, path)

    def can_read(self, path: str) -> bool:
        return self.can(Capability.READ, path)

    def require(self, capability: Capability, path: str) -> None:
        if not self.authenticated:
            raise Unauthenticated(self.credential_error)
        if not self.can(capability, path):
            raise Denied()

    def scope_q(self, capability: Capability = Capability.READ, field_name: str = "path") -> Q:
        """A filter that keeps rows whose path lies inside the caller's scope (every list
        query goes through here, so anonymous callers are refused in one place)."""
        if not self.authenticated:
            raise Unauthenticated(self.credential_error)
        paths = self.scope_paths(capability)
        if not paths:
            return Q(id=-1)
        q = Q(**{f"{field_name}__startswith": paths[0]})
        for p in paths[1:]:
            q |= Q(**{f"{field_name}__startswith": p})
        return q

    def scope_paths(self, capability: Capability = Capability.READ) -> list[str]:
        return ["/"] if self.system else scope_paths(self.grants, capability)


ANONYMOUS = Viewer()
#: The caller of scheduled jobs: audited as "system", allowed everything.
SYSTEM = Viewer(label="system", system=True)


async def viewer_from_headers(headers: Any, *, touch: bool = True) -> Viewer:
    """Bearer tokens for people, API keys for partner agencies (``touch``: record the key's use)."""
    auth = headers.get("authorization") or ""
    scheme, _, credential = auth.partition(" ")
    api_key = headers.get("x-api-key")
    if scheme.lower() == "apikey":
        api_key = credential.strip()
    if api_key:
        return await viewer_from_api_key(api_key, touch=touch)
    if scheme.lower() == "bearer" and credential.strip():
        return await viewer_from_token(credential.strip())
    return ANONYMOUS


_TOKEN_SQL = (
    "SELECT u.id, u.username, u.is_system_admin, t.expires_at, g.role, g.node_id, g.path "
    "FROM auth_token t JOIN app_user u ON u.id = t.user_id LEFT JOIN role_grant g ON g.user_id = u.id "
    "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.is_active ORDER BY g.id"
)


async def viewer_from_token(token: str) -> Viewer:
    """The token's user and grants in one statement (every request pays for it): an unknown,
    revoked or expired token, or an inactive user, is INVALID_TOKEN."""
    rows = await sql.fetch(_TOKEN_SQL, hash_secret(token))
    if not rows or sql.as_datetime(rows[0]["expires_at"]) <= datetime.now(SHANGHAI):
        raise Unauthenticated("INVALID_TOKEN")
    first = rows[0]
    return Viewer(
        user_id=first["id"],
        label=first["username"],
        grants=tuple(Grant(Role(r["role"]), r["node_id"], r["path"]) for r in rows if r["role"] is not None),
        system_admin=bool(first["is_system_admin"]),
    )


async def viewer_from_api_key(key: str, *, touch: bool = True) -> Viewer:
    row = await ApiKey.filter(key_hash=hash_secret(key), revoked_at__isnull=True).first()
    if row is None:
        raise Unauthenticated("INVALID_API_KEY")
    if touch:
        await ApiKey.filter(id=row.id).update(last_used_at=datetime.now(SHANGHAI))
    return Viewer(api_key_id=row.id, label=f"apikey:{row.prefix}", grants=(Grant(row.role, row.node_id, row.path),))
