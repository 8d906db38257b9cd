"""Login, users and grants, partner API keys, the audit log, policy parameters."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import strawberry
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from resolvers.passwords import hash_password_async, verify_password_async
from grassroots.settings import Settings
from models.access import ApiKey, AuthToken, RoleGrant, User
from models.audit import AuditEntry
from models.people import Person
from models.parameters import PolicyParameter
from models.tree import Node
from policy import parameters as params
from policy.access import Capability, can_grant, can_issue_key, missing_capabilities, user_audit_paths
from policy.login import LoginLimits
from policy.privacy import hide_recruitment_details, mask_person, person_access, recruitment_details_visible
from policy.kinds import PARTNER_ROLES, Role
from resolvers.clock import SHANGHAI, today
from resolvers.viewer import hash_secret
from resolvers.errors import Denied, Problem, Unauthenticated
from resolvers.locks import locked
from resolvers.uow import audit, snapshot
from schema.payloads import run, to_error
from resolvers.privacy import access_for
from schema.nodes import decode, fetcher
from resolvers.parameters import parameter_rows_for
from resolvers.rows import ancestor_ids
from resolvers.throttle import count_attempt, forget_attempt
from resolvers.tree import node_for
from schema.access import (
    AccessError, ApiKey as ApiKeyType, ApiKeyPayload, AuditEntry as AuditEntryType, PolicyParameter as ParamType,
    PolicyParameterPayload, RoleEnum, RoleGrant as GrantType, SessionPayload, User as UserType, UserCreateInput,
    UserPayload, Viewer as ViewerType,
)
from schema.common import Connection, Edge, audit_object_id, paginate, to_global_id

MIN_PASSWORD = 10
_DEFAULTS = Settings(database_url="", redis_url=None, data_dir=Path("."), production=False)


def _app_state(ctx) -> object | None:
    return getattr(getattr(getattr(ctx, "request", None), "app", None), "state", None)


def _settings(ctx) -> Settings:
    """The running application's settings (GRASSROOTS_TOKEN_TTL_HOURS, login limits)."""
    return getattr(_app_state(ctx), "settings", None) or _DEFAULTS


def _client_address(ctx) -> str:
    client = getattr(getattr(ctx, "request", None), "client", None)
    return getattr(client, "host", None) or "unknown"


def _viewer_type(info: Info) -> ViewerType:
    v = info.context.viewer
    return ViewerType(username=v.label, is_api_key=v.api_key_id is not None,
                      grants=[GrantType(role=g.role, node_id=g.node_id) for g in v.grants],
                      system_administrator=v.system_admin)


def _not_held(ctx, role: Role, path: str, field: list[str]) -> Problem:
    missing = sorted(c.value for c in missing_capabilities(ctx.viewer.grants, role, path))
    return Problem(
        "CAPABILITY_NOT_HELD", field,
        zh=f"不能授予超出自身权限的角色：{role.value}在该节点含有您不具备的权限（{'、'.join(missing)}）",
        en=f"cannot confer {role.value} here: it carries capabilities you do not hold at this node ({', '.join(missing)})",
    )


async def _user_type(u: User) -> UserType:
    grants = await RoleGrant.filter(user_id=u.id).order_by("id")
    return UserType(id=to_global_id("User", u.id), username=u.username, display_name=u.display_name,
                    is_active=u.is_active, grants=[GrantType(role=g.role, node_id=g.node_id) for g in grants])


def _param(key: str, row: params.ParameterRow | None, locale: str) -> ParamType:
    d = params.PARAMETERS[key]
    return ParamType(
        key=key, value=row.value if row else d.default, kind=d.kind, unit=d.unit,
        description=d.description_en if locale == "en" else d.description_zh,
        effective_from=row.effective_from if row else None, set_at_node_id=row.node_id if row else None,
        is_default=row is None,
    )


@fetcher("AuditEntry")
async def fetch_audit(info: Info, pk: int):
    e = await AuditEntry.get_or_none(id=pk)
    if e is None or not info.context.viewer.can(Capability.AUDIT_READ, e.path):
        return None
    return (await _audit_types(info, [e]))[0]


async def _audit_types(info: Info, entries: list[AuditEntry]) -> list[AuditEntryType]:
    """Entries as this reader may see them: a snapshot is masked exactly as its object would
    be for the reader (a person's personal data, an application's recruitment details),
    decided now, per reader, from the same rules as the objects themselves."""
    v = info.context.viewer
    person_ids = {e.object_id for e in entries if e.object_type == "Person" and e.object_id is not None}
    people = {p.id: p for p in await Person.filter(id__in=list(person_ids))} if person_ids else {}
    found = list(people.values())
    full = {p.id: a.full for p, a in zip(found, await access_for(v, info.context.loaders, found))}
    out = []
    for e in entries:
        before, after = e.before, e.after
        if e.object_type == "Person":
            unmasked = full[e.object_id] if e.object_id in full else person_access(v.grants, e.path).full
            on = e.at.astimezone(SHANGHAI).date() if e.at else today()
            before, after = (mask_person(x, full=unmasked, on=on) if isinstance(x, dict) else x for x in (before, after))
        elif e.object_type in ("Application", "Objection") and not recruitment_details_visible(v.grants, e.path):
            before, after = (hide_recruitment_details(e.object_type, x) if isinstance(x, dict) else x for x in (before, after))
        out.append(AuditEntryType(id=to_global_id("AuditEntry", e.id), at=e.at, actor=e.actor_label, action=e.action,
                                  object_type=e.object_type, object_id=str(e.object_id) if e.object_id is not None else None,
                                  before=before, after=after))
    return out


async def _user_for(info: Info, gid: str) -> User:
    """A user is administered by whoever administers every node the user holds a role at."""
    u = await User.get_or_none(id=decode(gid, "userId", ("User",)))
    if u is None:
        raise Denied()
    paths = await RoleGrant.filter(user_id=u.id).values_list("path", flat=True)
    admin_scopes = info.context.viewer.scope_paths(Capability.USER_ADMIN)
    if not admin_scopes or not all(any(p.startswith(s) for s in admin_scopes) for p in paths):
        raise Denied()
    return u


async def _grant_change(info: Info, user_gid: str, role, node_gid: str, *, add: bool) -> UserPayload:
    ctx = info.context

    async def body():
        u = await _user_for(info, user_gid)
        node = await node_for(info, node_gid, "nodeId", Capability.USER_ADMIN)
        await locked(User, id=u.id)  # concurrent grant changes of one user queue up (one grant per role and node)
        before = {"grants": [(g.role.value, g.node_id) for g in await RoleGrant.filter(user_id=u.id)]}
        if add and not can_grant(ctx.viewer.grants, Role(role), node.path):
            raise _not_held(ctx, Role(role), node.path, ["role"])
        if add:
            await RoleGrant.get_or_create(user_id=u.id, role=Role(role), node_id=node.id, defaults={"path": node.path})
        else:
            deleted = await RoleGrant.filter(user_id=u.id, role=Role(role), node_id=node.id).delete()
            if not deleted:
                raise Problem("NOT_FOUND", ["role"], what=f"{Role(role).value}@{node.name}")
        after = {"grants": [(g.role.value, g.node_id) for g in await RoleGrant.filter(user_id=u.id)]}
        await audit(ctx, "roleGrantAdd" if add else "roleGrantRemove", "User", u.id, node.path, before, after)
        return {"user": await _user_type(u)}

    return await run(ctx, UserPayload, AccessError, body)


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Who you are and where your roles reach.")
    def viewer(self, info: Info) -> ViewerType | None:
        return _viewer_type(info) if info.context.viewer.authenticated else None

    @strawberry.field(description="The audit log within your scope (administrators and offices), newest first.")
    async def audit_entries(
        self, info: Info, actor: str | None = None, action: str | None = None, object_type: str | None = None,
        object_id: strawberry.ID | None = None, since: datetime | None = None, until: datetime | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[AuditEntryType]:
        v = info.context.viewer
        v.require_authenticated()
        if not v.scope_paths(Capability.AUDIT_READ):
            raise Denied("AUDIT_READ_NEEDED")
        q = AuditEntry.filter(v.scope_q(Capability.AUDIT_READ))
        if actor:
            q = q.filter(actor_label=actor)
        if action:
            q = q.filter(action=action)
        if object_type:
            q = q.filter(object_type=object_type)
        if object_id:
            q = q.filter(object_id=audit_object_id(object_id))
        if since:
            q = q.filter(at__gte=since)
        if until:
            q = q.filter(at__lt=until)
        rows = await q.order_by("-id").limit(2000)
        page = paginate(rows, first=first, after=after)
        shown = await _audit_types(info, [e.node for e in page.edges])
        page.edges = [Edge(cursor=e.cursor, node=n) for e, n in zip(page.edges, shown)]
        return page

    @strawberry.field(description="Every policy parameter in force at a node on a date (default: today).")
    async def policy_parameters(self, info: Info, node_id: strawberry.ID, on: date | None = None) -> list[ParamType]:
        v = info.context.viewer
        v.require_authenticated()
        from models.tree import Node

        node = await Node.get_or_none(id=decode(node_id, "nodeId", tuple(__import__("schema.tree", fromlist=["TYPE_NAMES"]).TYPE_NAMES.values())))
        if node is None or not v.can_read(node.path):
            raise Denied()
        rows = await parameter_rows_for(node.path)
        chain = list(reversed(ancestor_ids(node.path)))
        when = on or today()
        return [_param(k, params.in_force_row(k, chain, rows, when), info.context.locale) for k in params.PARAMETERS]

    @strawberry.field(description="Users holding roles within your administration scope (administrators only).")
    async def users(self, info: Info) -> list[UserType]:
        v = info.context.viewer
        v.require_authenticated()
        scopes = v.scope_paths(Capability.USER_ADMIN)
        if not scopes:
            raise Denied("USER_LIST_NEEDS_ADMIN")
        ids = await RoleGrant.filter(v.scope_q(Capability.USER_ADMIN)).distinct().values_list("user_id", flat=True)
        users = await User.filter(id__in=list(ids)).order_by("id")
        grants: dict[int, list[GrantType]] = {}
        for g in await RoleGrant.filter(user_id__in=[u.id for u in users]).order_by("id"):
            grants.setdefault(g.user_id, []).append(GrantType(role=g.role, node_id=g.node_id))
        return [UserType(id=to_global_id("User", u.id), username=u.username, display_name=u.display_name,
                         is_active=u.is_active, grants=grants.get(u.id, [])) for u in users]

    @strawberry.field(description="Partner API keys within your scope.")
    async def api_keys(self, info: Info) -> list[ApiKeyType]:
        v = info.context.viewer
        v.require_authenticated()
        return [ApiKeyType.of(k) for k in await ApiKey.filter(v.scope_q(Capability.API_KEY_ADMIN)).order_by("id")]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Log in: returns a bearer token.")
    async def session_create(self, info: Info, username: str, password: str) -> SessionPayload:
        ctx = info.context
        settings = _settings(ctx)
        limits = LoginLimits(settings.login_attempts_per_account, settings.login_attempts_per_address,
                             settings.login_window_seconds)
        redis = getattr(_app_state(ctx), "pool", None)
        address = _client_address(ctx)
        # checked before any transaction opens: scrypt runs in a thread, holding no connection
        wait = await count_attempt(redis, username, address, limits, settings.namespace)
        if wait is not None:
            problem = Problem("TOO_MANY_ATTEMPTS", ["username"], retry_after=wait,
                              zh=f"登录尝试过于频繁，请{wait}秒后再试",
                              en=f"too many login attempts: try again in {wait} seconds")
            return SessionPayload(errors=[to_error(AccessError, problem, ctx.locale)])
        user = await User.get_or_none(username=username, is_active=True)
        # an unknown (or deactivated) user costs one scrypt too, and gets the same answer
        if not await verify_password_async(password, user.password_hash if user else None) or user is None:
            return SessionPayload(errors=[to_error(AccessError, Problem("BAD_CREDENTIALS", ["password"]), ctx.locale)])
        await forget_attempt(redis, username, address, settings.namespace)

        async def body():
            token = secrets.token_urlsafe(32)
            expires = datetime.now(SHANGHAI) + timedelta(hours=settings.token_ttl_hours)
            await AuthToken.create(user_id=user.id, token_hash=hash_secret(token), expires_at=expires)
            from resolvers.viewer import viewer_from_token

            ctx.viewer = await viewer_from_token(token)
            scope = min((g.path for g in ctx.viewer.grants), key=len, default="/")
            await audit(ctx, "sessionCreate", "User", user.id, scope, None, {"expires_at": expires}, live=False)
            return {"token": token, "expires_at": expires, "viewer": _viewer_type(info)}

        return await run(ctx, SessionPayload, AccessError, body)

    @strawberry.mutation(description="Log out: revoke the token this request was sent with.")
    async def session_revoke(self, info: Info) -> SessionPayload:
        ctx = info.context
        auth = (ctx.request.headers.get("authorization") or "") if ctx.request else ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not ctx.viewer.user_id:
            raise Unauthenticated()
        await AuthToken.filter(token_hash=hash_secret(token.strip())).update(revoked_at=datetime.now(SHANGHAI))
        return SessionPayload(errors=[])

    @strawberry.mutation(description="Create a user with roles at tree nodes (administrators only, within their scope).")
    async def user_create(self, info: Info, input: UserCreateInput) -> UserPayload:
        ctx = info.context

        async def body():
            if len(input.password) < MIN_PASSWORD:
                raise Problem("WEAK_PASSWORD", ["input", "password"], min=MIN_PASSWORD)
            if not input.username.strip():
                raise Problem("REQUIRED", ["input", "username"], label="用户名")
            if await User.filter(username=input.username.strip()).exists():
                raise Problem("USERNAME_TAKEN", ["input", "username"], username=input.username)
            nodes = [await node_for(info, g.node_id, "nodeId", Capability.USER_ADMIN) for g in input.grants]
            for i, (g, n) in enumerate(zip(input.grants, nodes)):
                if not can_grant(ctx.viewer.grants, Role(g.role), n.path):
                    raise _not_held(ctx, Role(g.role), n.path, ["input", "grants", str(i), "role"])
            u = await User.create(username=input.username.strip(), display_name=input.display_name.strip(),
                                  password_hash=await hash_password_async(input.password))
            for g, n in zip(input.grants, nodes):
                await RoleGrant.create(user_id=u.id, role=Role(g.role), node_id=n.id, path=n.path)
            after = {"username": u.username, "grants": [(Role(g.role).value, n.id) for g, n in zip(input.grants, nodes)]}
            for path in user_audit_paths([n.path for n in nodes], ctx.viewer.scope_paths(Capability.USER_ADMIN)):
                await audit(ctx, "userCreate", "User", u.id, path, None, after)
            return {"user": await _user_type(u)}

        return await run(ctx, UserPayload, AccessError, body,
                         integrity=lambda e: Problem("USERNAME_TAKEN", ["input", "username"], username=input.username))

    @strawberry.mutation(description="Give a user a role at a node (administrators only, within their scope).")
    async def role_grant_add(self, info: Info, user_id: strawberry.ID, role: RoleEnum, node_id: strawberry.ID) -> UserPayload:  # type: ignore[valid-type]
        return await _grant_change(info, user_id, role, node_id, add=True)

    @strawberry.mutation(description="Take a role at a node away from a user.")
    async def role_grant_remove(self, info: Info, user_id: strawberry.ID, role: RoleEnum, node_id: strawberry.ID) -> UserPayload:  # type: ignore[valid-type]
        return await _grant_change(info, user_id, role, node_id, add=False)

    @strawberry.mutation(description="Deactivate a user: they can no longer log in and their tokens stop working at once.")
    async def user_deactivate(self, info: Info, id: strawberry.ID) -> UserPayload:
        ctx = info.context

        async def body():
            u = await _user_for(info, id)
            grant_paths = await RoleGrant.filter(user_id=u.id).values_list("path", flat=True)
            u.is_active = False
            await u.save(update_fields=["is_active"])
            await AuthToken.filter(user_id=u.id, revoked_at__isnull=True).update(revoked_at=datetime.now(SHANGHAI))
            for path in user_audit_paths(grant_paths, ctx.viewer.scope_paths(Capability.USER_ADMIN)):
                await audit(ctx, "userDeactivate", "User", u.id, path, {"is_active": True}, {"is_active": False})
            return {"user": await _user_type(u)}

        return await run(ctx, UserPayload, AccessError, body)

    @strawberry.mutation(description="Issue an API key to a partner agency (hotline, finance, insurer), scoped to a node.")
    async def api_key_create(self, info: Info, name: str, role: RoleEnum, node_id: strawberry.ID) -> ApiKeyPayload:  # type: ignore[valid-type]
        ctx = info.context

        async def body():
            node = await node_for(info, node_id, "nodeId", Capability.API_KEY_ADMIN)
            if Role(role) not in PARTNER_ROLES:
                raise Problem("NOT_A_PARTNER_ROLE", ["role"], zh="API密钥只发给合作单位（12345热线、财政、保险公司）",
                              en="API keys are for partner agencies only (HOTLINE, FINANCE, INSURER)")
            if not can_issue_key(ctx.viewer.grants, Role(role), node.path):
                raise _not_held(ctx, Role(role), node.path, ["role"])
            if not name.strip():
                raise Problem("REQUIRED", ["name"], label="名称")
            secret = "gr_" + secrets.token_urlsafe(32)
            k = await ApiKey.create(name=name.strip(), role=Role(role), node_id=node.id, path=node.path, prefix=secret[:10],
                                    key_hash=hash_secret(secret), created_by_id=ctx.viewer.user_id)
            await audit(ctx, "apiKeyCreate", "ApiKey", k.id, k.path, None, snapshot(k, ["name", "role", "node_id", "prefix"]))
            return {"api_key": ApiKeyType.of(k), "secret": secret}

        return await run(ctx, ApiKeyPayload, AccessError, body)

    @strawberry.mutation(description="Revoke a partner API key at once.")
    async def api_key_revoke(self, info: Info, id: strawberry.ID) -> ApiKeyPayload:
        ctx = info.context

        async def body():
            k = await locked(ApiKey, id=decode(id, "id", ("ApiKey",)))  # revoked once, whatever the race
            if k is None or not ctx.viewer.can(Capability.API_KEY_ADMIN, k.path):
                raise Denied()
            if k.revoked_at is not None:
                raise Problem("ALREADY_REVOKED", ["id"])
            k.revoked_at = datetime.now(SHANGHAI)
            await k.save(update_fields=["revoked_at"])
            await audit(ctx, "apiKeyRevoke", "ApiKey", k.id, k.path, None, {"revoked_at": k.revoked_at})
            return {"api_key": ApiKeyType.of(k)}

        return await run(ctx, ApiKeyPayload, AccessError, body)

    @strawberry.mutation(description="Set a policy parameter at a node from a date on (the district's value, or an override lower down).")
    async def policy_parameter_set(self, info: Info, node_id: strawberry.ID, key: str, value: str,
                                   effective_from: date) -> PolicyParameterPayload:
        ctx = info.context

        async def body():
            node = await node_for(info, node_id, "nodeId", Capability.PARAMETER_WRITE)
            if key not in params.PARAMETERS:
                raise Problem("UNKNOWN_PARAMETER", ["key"], key=key)
            try:
                canonical = params.format_value(key, params.parse_value(key, value))
            except params.ParameterError as e:
                raise Problem("INVALID_PARAMETER", ["value"], key=key, value=value, reason=e.reason, reason_en=str(e)) from None
            await locked(Node, id=node.id)  # one value per node, key and date: concurrent settings queue up
            existing = await PolicyParameter.get_or_none(node_id=node.id, key=key, effective_from=effective_from)
            before = snapshot(existing, ["key", "value", "effective_from"]) if existing else None
            if existing:
                existing.value = canonical
                existing.set_by_id = ctx.viewer.user_id
                await existing.save()
                row = existing
            else:
                row = await PolicyParameter.create(node_id=node.id, path=node.path, key=key, value=canonical,
                                                   effective_from=effective_from, set_by_id=ctx.viewer.user_id)
            await audit(ctx, "policyParameterSet", "PolicyParameter", row.id, node.path, before,
                        {"key": key, "value": canonical, "effective_from": effective_from})
            return {"parameter": _param(key, params.ParameterRow(node.id, key, canonical, effective_from), ctx.locale)}

        return await run(ctx, PolicyParameterPayload, AccessError, body)


__all__ = ["AccessQuery", "AccessMutation", "IntegrityError"]
