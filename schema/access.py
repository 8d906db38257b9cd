"""Sessions, users, role grants, partner API keys, the audit log and policy parameters: the types
and the root fields (each calls one operation of resolvers/access.py and wraps what it returns)."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from pathlib import Path

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from grassroots.settings import Settings
from policy import parameters as params
from policy.kinds import Role
from policy.login import LoginLimits
from resolvers import access
from resolvers.errors import Problem, Problems
from schema.common import Connection, Node, UserError, audit_object_id, error_codes, paginate, to_global_id
from schema.nodes import decode, fetcher
from schema.payloads import payload_errors
from schema.tree import TYPE_NAMES, TreeNode, tree_node

TREE_TYPES = tuple(TYPE_NAMES.values())

RoleEnum = strawberry.enum(Role, name="Role")


async def _node(info: Info, node_id: int) -> TreeNode | None:
    row = await info.context.loaders.node.load(node_id)
    return tree_node(row) if row and info.context.viewer.can_read(row.path) else None


@strawberry.type
class RoleGrant:
    role: RoleEnum  # type: ignore[valid-type]
    node_id: strawberry.Private[int]

    @strawberry.field
    async def node(self, info: Info) -> TreeNode | None:
        return await _node(info, self.node_id)


@strawberry.type
class User(Node):
    username: str
    display_name: str
    is_active: bool
    grants: list[RoleGrant]


@strawberry.type(description="Who is calling.")
class Viewer:
    username: str
    is_api_key: bool
    grants: list[RoleGrant]
    system_administrator: bool = strawberry.field(
        default=False, description="Whether you own what every district shares: the working-day calendar.")


@strawberry.type
class ApiKey(Node):
    name: str
    role: RoleEnum  # type: ignore[valid-type]
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    node_id: strawberry.Private[int]

    @classmethod
    def of(cls, k) -> "ApiKey":
        return cls(id=to_global_id("ApiKey", k.id), name=k.name, role=k.role, prefix=k.prefix, created_at=k.created_at,
                   revoked_at=k.revoked_at, last_used_at=k.last_used_at, node_id=k.node_id)

    @strawberry.field
    async def node(self, info: Info) -> TreeNode | None:
        return await _node(info, self.node_id)


@strawberry.type(description="One audited mutation: who, when, on what, before and after.")
class AuditEntry(Node):
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: strawberry.ID | None
    before: JSON | None
    after: JSON | None


@strawberry.type(description="A policy parameter's value in force at a node on a date, and where it was set.")
class PolicyParameter:
    key: str
    value: str
    kind: str
    unit: str
    description: str
    effective_from: date | None
    set_at_node_id: strawberry.Private[int | None]
    is_default: bool

    @strawberry.field
    async def set_at(self, info: Info) -> TreeNode | None:
        return await _node(info, self.set_at_node_id) if self.set_at_node_id else None


@strawberry.enum
class AccessErrorCode(Enum):
    BAD_CREDENTIALS = "BAD_CREDENTIALS"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    UNKNOWN_PARAMETER = "UNKNOWN_PARAMETER"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    NOT_A_PARTNER_ROLE = "NOT_A_PARTNER_ROLE"
    CAPABILITY_NOT_HELD = "CAPABILITY_NOT_HELD"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"


@error_codes(AccessErrorCode)
@strawberry.type
class AccessError(UserError):
    code: AccessErrorCode
    retry_after: int | None = strawberry.field(
        default=None, description="TOO_MANY_ATTEMPTS: seconds to wait before logging in again.")


AccessError._extra_fields = ("retry_after",)  # type: ignore[attr-defined]


@strawberry.type
class SessionPayload:
    token: str | None = strawberry.field(default=None, description="Send as 'Authorization: Bearer <token>'.")
    expires_at: datetime | None = None
    viewer: Viewer | None = None
    errors: list[AccessError] = strawberry.field(default_factory=list)


@strawberry.input
class RoleGrantInput:
    role: RoleEnum  # type: ignore[valid-type]
    node_id: strawberry.ID


@strawberry.input
class UserCreateInput:
    username: str
    display_name: str
    password: str
    grants: list[RoleGrantInput]
    person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person the user is: a station head or building head then reaches what their "
                                  "appointment or active term covers, without a grant.")


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[AccessError] = strawberry.field(default_factory=list)


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None = None
    secret: str | None = strawberry.field(default=None, description="Shown once: send as 'Authorization: ApiKey <secret>'.")
    errors: list[AccessError] = strawberry.field(default_factory=list)


@strawberry.type
class PolicyParameterPayload:
    parameter: PolicyParameter | None = None
    errors: list[AccessError] = strawberry.field(default_factory=list)


# --- wrapping what the operations return ----------------------------------------------------------

def _grant(g) -> RoleGrant:
    return RoleGrant(role=g.role, node_id=g.node_id)


def _viewer(v) -> Viewer:
    return Viewer(username=v.label, is_api_key=v.api_key_id is not None, grants=[_grant(g) for g in v.grants],
                  system_administrator=v.system_admin)


def _user(u: access.UserWithGrants) -> User:
    return User(id=to_global_id("User", u.user.id), username=u.user.username, display_name=u.user.display_name,
                is_active=u.user.is_active, grants=[_grant(g) for g in u.grants])


def _audit_entry(s: access.ShownAuditEntry) -> AuditEntry:
    e = s.entry
    return AuditEntry(id=to_global_id("AuditEntry", e.id), at=e.at, actor=e.actor_label, action=e.action,
                      object_type=e.object_type, object_id=str(e.object_id) if e.object_id is not None else None,
                      before=s.before, after=s.after)


def _parameter(p: access.ParameterInForce, locale: str) -> PolicyParameter:
    d, row = params.PARAMETERS[p.key], p.row
    return PolicyParameter(
        key=p.key, value=row.value if row else d.default, kind=d.kind, unit=d.unit,
        description=d.description_en if locale == "en" else d.description_zh,
        effective_from=row.effective_from if row else None, set_at_node_id=row.node_id if row else None,
        is_default=row is None,
    )


@fetcher("AuditEntry")
async def fetch_audit(info: Info, pk: int) -> AuditEntry | None:
    e = await access.audit_entry(info.context.viewer, pk)
    return _audit_entry((await access.shown_audit_entries(info.context.viewer, [e]))[0]) if e else None


# --- what the running application provides --------------------------------------------------------

_DEFAULTS = Settings(database_url="", redis_url=None, data_dir=Path("."), production=False)


def _app_state(info: Info) -> object | None:
    return getattr(getattr(info.context.request, "app", None), "state", None)


def _settings(info: Info) -> Settings:
    """The running application's settings (GRASSROOTS_TOKEN_TTL_HOURS, login limits)."""
    return getattr(_app_state(info), "settings", None) or _DEFAULTS


def _client_address(info: Info) -> str:
    client = getattr(info.context.request, "client", None)
    return getattr(client, "host", None) or "unknown"


def _bearer_token(info: Info) -> str | None:
    request = info.context.request
    scheme, _, token = ((request.headers.get("authorization") or "") if request else "").partition(" ")
    return token if scheme.lower() == "bearer" else None


# --- root fields ----------------------------------------------------------------------------------

@strawberry.type
class AccessQuery:
    @strawberry.field(description="Who you are and where your roles reach.")
    def viewer(self, info: Info) -> Viewer | None:
        return _viewer(info.context.viewer) if info.context.viewer.authenticated else None

    @strawberry.field(description="The audit log within your scope (administrators and offices), newest first.")
    async def audit_entries(
        self, info: Info, actor: str | None = None, action: str | None = None, object_type: str | None = None,
        object_id: strawberry.ID | None = None, since: datetime | None = None, until: datetime | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[AuditEntry]:
        v = info.context.viewer
        access.require_audit_reader(v)  # before the arguments are looked at, as the operation does
        rows = await access.audit_entries(v, actor=actor, action=action, object_type=object_type,
                                          object_id=audit_object_id(object_id) if object_id else None,
                                          since=since, until=until)
        page = paginate(rows, first=first, after=after)
        shown = iter(await access.shown_audit_entries(v, page.nodes))
        return page.map(lambda _: _audit_entry(next(shown)))

    @strawberry.field(description="Every policy parameter in force at a node on a date (default: today).")
    async def policy_parameters(self, info: Info, node_id: strawberry.ID, on: date | None = None) -> list[PolicyParameter]:
        info.context.viewer.require_authenticated()
        found = await access.parameters_in_force_at(info.context.viewer, decode(node_id, "nodeId", TREE_TYPES), on)
        return [_parameter(p, info.context.locale) for p in found]

    @strawberry.field(description="Users holding roles within your administration scope (administrators only).")
    async def users(self, info: Info) -> list[User]:
        return [_user(u) for u in await access.list_users(info.context.viewer)]

    @strawberry.field(description="Partner API keys within your scope.")
    async def api_keys(self, info: Info) -> list[ApiKey]:
        return [ApiKey.of(k) for k in await access.list_api_keys(info.context.viewer)]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Log in: returns a bearer token.")
    async def session_create(self, info: Info, username: str, password: str) -> SessionPayload:
        settings = _settings(info)
        try:
            session = await access.create_session(
                info.context.viewer, username=username, password=password, address=_client_address(info),
                redis=getattr(_app_state(info), "pool", None), namespace=settings.namespace,
                limits=LoginLimits(settings.login_attempts_per_account, settings.login_attempts_per_address,
                                   settings.login_window_seconds),
                token_ttl_hours=settings.token_ttl_hours,
            )
        except (Problem, Problems) as exc:
            return SessionPayload(errors=payload_errors(AccessError, exc, info.context.locale))
        info.context.viewer = session.viewer  # the rest of this request is the new session's
        return SessionPayload(token=session.token, expires_at=session.expires_at, viewer=_viewer(session.viewer),
                              errors=[])

    @strawberry.mutation(description="Log out: revoke the token this request was sent with.")
    async def session_revoke(self, info: Info) -> SessionPayload:
        await access.revoke_session(info.context.viewer, _bearer_token(info))
        return SessionPayload(errors=[])

    @strawberry.mutation(description="Create a user with roles at tree nodes (administrators only, within their scope).")
    async def user_create(self, info: Info, input: UserCreateInput) -> UserPayload:
        try:
            u = await access.create_user(
                info.context.viewer, username=input.username, display_name=input.display_name, password=input.password,
                grants=[(Role(g.role), decode(g.node_id, "nodeId", TREE_TYPES)) for g in input.grants],
                person_id=decode(input.person_id, ["input", "personId"], ("Person",)) if input.person_id else None,
            )
        except (Problem, Problems) as exc:
            return UserPayload(errors=payload_errors(AccessError, exc, info.context.locale))
        return UserPayload(user=_user(u), errors=[])

    @strawberry.mutation(description="Give a user a role at a node (administrators only, within their scope).")
    async def role_grant_add(self, info: Info, user_id: strawberry.ID, role: RoleEnum, node_id: strawberry.ID) -> UserPayload:  # type: ignore[valid-type]
        return await _grant_change(info, user_id, role, node_id, add=True)

    @strawberry.mutation(description="Take a role at a node away from a user.")
    async def role_grant_remove(self, info: Info, user_id: strawberry.ID, role: RoleEnum, node_id: strawberry.ID) -> UserPayload:  # type: ignore[valid-type]
        return await _grant_change(info, user_id, role, node_id, add=False)

    @strawberry.mutation(description="Deactivate a user: they can no longer log in and their tokens stop working at once.")
    async def user_deactivate(self, info: Info, id: strawberry.ID) -> UserPayload:
        try:
            u = await access.deactivate_user(info.context.viewer, decode(id, "userId", ("User",)))
        except (Problem, Problems) as exc:
            return UserPayload(errors=payload_errors(AccessError, exc, info.context.locale))
        return UserPayload(user=_user(u), errors=[])

    @strawberry.mutation(description="Issue an API key to a partner agency (hotline, finance, insurer), scoped to a node.")
    async def api_key_create(self, info: Info, name: str, role: RoleEnum, node_id: strawberry.ID) -> ApiKeyPayload:  # type: ignore[valid-type]
        try:
            issued = await access.create_api_key(info.context.viewer, name=name, role=Role(role),
                                                 node_id=decode(node_id, "nodeId", TREE_TYPES))
        except (Problem, Problems) as exc:
            return ApiKeyPayload(errors=payload_errors(AccessError, exc, info.context.locale))
        return ApiKeyPayload(api_key=ApiKey.of(issued.api_key), secret=issued.secret, errors=[])

    @strawberry.mutation(description="Revoke a partner API key at once.")
    async def api_key_revoke(self, info: Info, id: strawberry.ID) -> ApiKeyPayload:
        try:
            k = await access.revoke_api_key(info.context.viewer, decode(id, "id", ("ApiKey",)))
        except (Problem, Problems) as exc:
            return ApiKeyPayload(errors=payload_errors(AccessError, exc, info.context.locale))
        return ApiKeyPayload(api_key=ApiKey.of(k), errors=[])

    @strawberry.mutation(description="Set a policy parameter at a node from a date on (the district's value, or an override lower down).")
    async def policy_parameter_set(self, info: Info, node_id: strawberry.ID, key: str, value: str,
                                   effective_from: date) -> PolicyParameterPayload:
        try:
            p = await access.set_parameter(info.context.viewer, node_id=decode(node_id, "nodeId", TREE_TYPES),
                                           key=key, value=value, effective_from=effective_from)
        except (Problem, Problems) as exc:
            return PolicyParameterPayload(errors=payload_errors(AccessError, exc, info.context.locale))
        return PolicyParameterPayload(parameter=_parameter(p, info.context.locale), errors=[])


async def _grant_change(info: Info, user_gid: str, role: Role, node_gid: str, *, add: bool) -> UserPayload:
    try:
        u = await access.change_grant(info.context.viewer, user_id=decode(user_gid, "userId", ("User",)),
                                      role=Role(role), node_id=decode(node_gid, "nodeId", TREE_TYPES), add=add)
    except (Problem, Problems) as exc:
        return UserPayload(errors=payload_errors(AccessError, exc, info.context.locale))
    return UserPayload(user=_user(u), errors=[])
