"""The per-request context: who is calling (and what they may do), the locale, and
fresh DataLoaders (never shared between requests)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from models.access import ApiKey, AuthToken, RoleGrant, User
from policy.access import Capability, Grant, can, scope_paths
from policy.kinds import Role
from resolvers.errors import Denied, Unauthenticated
from schema.messages import locale_from

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """The business date, in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    api_key_id: int | None = None
    label: str = "anonymous"
    grants: tuple[Grant, ...] = ()
    credential_error: str | None = None  # credentials were sent but are invalid, expired or revoked
    system_admin: bool = False  # owns what every district shares (the working-day calendar)

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None or self.api_key_id is not None

    def can(self, capability: Capability, path: str) -> bool:
        return can(self.grants, capability, path)

    def require_authenticated(self) -> None:
        if not self.authenticated:
            raise Unauthenticated(self.credential_error)

    def can_pii(self, path: str) -> bool:
        return can(self.grants, Capability.PERSON_PII, path)

    def can_read(self, path: str) -> bool:
        return can(self.grants, Capability.READ, path)

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
        paths = scope_paths(self.grants, capability)
        if not paths:
            return Q(id=-1)
        q = Q(**{f"{field_name}__startswith": paths[0]})
        for p in paths[1:]:
            q |= Q(**{f"{field_name}__startswith": p})
        return q

    def scope_paths(self, capability: Capability = Capability.READ) -> list[str]:
        return scope_paths(self.grants, capability)


ANONYMOUS = Viewer()


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


async def viewer_from_token(token: str) -> Viewer:
    row = await AuthToken.filter(
        token_hash=hash_secret(token), revoked_at__isnull=True, expires_at__gt=datetime.now(SHANGHAI)
    ).first()
    if row is None:
        raise Denied("invalid or expired token", "UNAUTHENTICATED")
    user = await User.get_or_none(id=row.user_id, is_active=True)
    if user is None:
        raise Denied("invalid or expired token", "UNAUTHENTICATED")
    grants = await RoleGrant.filter(user_id=user.id).values_list("role", "node_id", "path")
    return Viewer(
        user_id=user.id,
        label=user.username,
        grants=tuple(Grant(Role(r), n, p) for r, n, p in grants),
        system_admin=bool(user.is_system_admin),
    )


async def viewer_from_api_key(key: str, *, touch: bool = True) -> Viewer:
    row = await ApiKey.filter(key_hash=hash_secret(key), revoked_at__isnull=True).first()
    if row is None:
        raise Denied("invalid or revoked API key", "UNAUTHENTICATED")
    if touch:
        await ApiKey.filter(id=row.id).update(last_used_at=datetime.now(SHANGHAI))
    return Viewer(api_key_id=row.id, label=f"apikey:{row.prefix}", grants=(Grant(row.role, row.node_id, row.path),))


@dataclass
class Context:
    viewer: Viewer
    locale: str
    loaders: Any  # resolvers.loaders.Loaders, created per request
    request: Any = None
    response: Any = None
    broadcaster: Any = None  # workers.broadcast.Broadcaster
    connection_params: dict[str, Any] | None = None  # websocket: the connection_init payload
    changes: list[dict[str, Any]] = field(default_factory=list)  # published once the transaction commits
    extras: dict[str, Any] = field(default_factory=dict)

    async def authenticate_websocket(self) -> Viewer:
        """Subscriptions authenticate in the connection phase, from the connection_init payload."""
        from resolvers.loaders import Loaders

        headers = {str(k).lower(): v for k, v in (self.connection_params or {}).items()}
        self.viewer = await viewer_from_headers(headers)
        self.loaders = Loaders(self.viewer)
        if "accept-language" in headers:
            self.locale = locale_from(headers["accept-language"])
        return self.viewer

    async def recheck_websocket(self) -> Viewer:
        """A live subscription's credential, checked again (Denied once the token is revoked or
        expired, the user deactivated or the key revoked); grants are re-read as well."""
        params = self.connection_params
        if params is None and self.request is not None:  # not a websocket: the request's own headers
            params = dict(self.request.headers)
        headers = {str(k).lower(): v for k, v in (params or {}).items()}
        viewer = await viewer_from_headers(headers, touch=False)
        if not viewer.authenticated:
            raise Unauthenticated()
        self.viewer = viewer
        return viewer


async def build_context(request: Any, response: Any = None) -> Context:
    from resolvers.loaders import Loaders

    headers = dict(request.headers) if request is not None else {}
    try:
        viewer = await viewer_from_headers(headers)
    except Denied as exc:  # bad credentials: every field that needs a caller says so
        viewer = Viewer(credential_error=exc.message)
    app = getattr(request, "app", None)
    return Context(
        viewer=viewer,
        locale=locale_from(headers.get("accept-language")),
        loaders=Loaders(viewer),
        request=request,
        response=response,
        broadcaster=getattr(getattr(app, "state", None), "broadcaster", None),
    )
