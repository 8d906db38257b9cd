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


_WHO = ("SELECT u.id, u.username, u.is_system_admin, t.expires_at, {role}, {node}, {path}, {src} AS src, {key} AS k "
        "FROM auth_token t JOIN app_user u ON u.id = t.user_id {join} "
        "WHERE t.token_hash = {n} AND t.revoked_at IS NULL AND u.is_active")
# The user, their grants, and the grants that follow their work (docs/policy.md §13): a building
# head reads the buildings of their active term's service area from the day the term starts
# (it starts when the term is published) to its end; a station head their compound while the
# appointment runs. One statement: every request pays for it.
_TOKEN_SQL = " UNION ALL ".join((
    _WHO.format(role="g.role", node="g.node_id", path="g.path", src=0, key="g.id", n="$1",
                join="LEFT JOIN role_grant g ON g.user_id = u.id"),
    _WHO.format(role="'BUILDING_HEAD'", node="n.id", path="n.path", src=1, key="n.id", n="$3",
                join="JOIN building_head bh ON bh.person_id = u.person_id AND bh.status = 'ACTIVE' "
                     "AND bh.starts_on <= $2 JOIN node n ON n.service_area_id = bh.service_area_id "
                     "AND n.closed_on IS NULL"),
    _WHO.format(role="'STATION_HEAD'", node="w.compound_id", path="a.path", src=2, key="a.id", n="$4",
                join="JOIN station_head_appointment a ON a.active_person_id = u.person_id "
                     "JOIN workstation w ON w.id = a.workstation_id"),
)) + " ORDER BY src, k"


async def viewer_from_token(token: str) -> Viewer:
    """The token's user and grants in one statement (every request pays for it): an unknown,
    revoked or expired token, or an inactive user, is INVALID_TOKEN."""
    hashed = hash_secret(token)
    rows = await sql.fetch(_TOKEN_SQL, hashed, today(), hashed, hashed)
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
