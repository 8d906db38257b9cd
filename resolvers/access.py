"""Login, users and grants, partner API keys, the audit log, policy parameters: the operations.

Each takes the caller (``Viewer``) and plain arguments, and returns models or dataclasses. What
comes from the running application (token lifetime, login limits, the Redis pool of the login
throttle, the deployment's namespace, the client's address) comes in as arguments."""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from models.access import ApiKey, AuthToken, RoleGrant, User
from models.audit import AuditEntry
from models.parameters import PolicyParameter
from models.people import Person
from models.tree import Node
from policy import parameters as params
from policy.access import Capability, can_grant, can_issue_key, missing_capabilities, user_audit_paths
from policy.duties import mask_household, mask_vulnerable
from policy.kinds import PARTNER_ROLES, Role
from policy.login import LoginLimits
from policy.privacy import (
    decided_without_places, hide_recruitment_details, mask_person, person_access, recruitment_details_visible,
)
from resolvers.clock import SHANGHAI, today
from resolvers.errors import Denied, Problem, Unauthenticated
from resolvers.locks import locked
from resolvers.parameters import parameter_rows_for
from resolvers.passwords import hash_password_async, verify_password_async
from resolvers.privacy import load_places
from resolvers.rows import ancestor_ids
from resolvers.scope import node_in_scope, obtain
from resolvers.throttle import count_attempt, forget_attempt
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer, hash_secret, viewer_from_token

__all__ = [
    "MIN_PASSWORD", "AUDIT_LIMIT", "Session", "UserWithGrants", "IssuedKey", "ShownAuditEntry", "ParameterInForce",
    "create_session", "revoke_session", "list_users", "create_user", "change_grant", "deactivate_user",
    "list_api_keys", "create_api_key", "revoke_api_key", "require_audit_reader", "audit_entries", "audit_entry",
    "shown_audit_entries", "parameters_in_force_at", "set_parameter",
]

MIN_PASSWORD = 10
AUDIT_LIMIT = 2000  # the newest entries an audit query pages through
# duty records with personal data: their snapshots masked like the objects (policy/duties.py)
DUTY_MASKS = {"Household": mask_household, "VulnerablePerson": mask_vulnerable}


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    viewer: Viewer  # the caller the token stands for


@dataclass(frozen=True)
class UserWithGrants:
    user: User
    grants: list[RoleGrant]


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # shown once


@dataclass(frozen=True)
class ShownAuditEntry:
    """An audit entry as one reader may see it: ``before``/``after`` masked for that reader."""

    entry: AuditEntry
    before: Any
    after: Any


@dataclass(frozen=True)
class ParameterInForce:
    key: str
    row: params.ParameterRow | None  # None: the default applies


# --- sessions -------------------------------------------------------------------------------------

async def create_session(caller: Viewer, *, username: str, password: str, address: str, redis: Any = None,
                         limits: LoginLimits = LoginLimits(), namespace: str = "grassroots",
                         token_ttl_hours: int = 12) -> Session:
    """Log in: a bearer token valid for ``token_ttl_hours``. Attempts are counted per account and
    per client ``address`` in Redis (``redis`` None: not throttled); TOO_MANY_ATTEMPTS with
    ``retry_after`` over a limit, BAD_CREDENTIALS for an unknown user or a wrong password alike."""
    # checked before any transaction opens: scrypt runs in a thread, holding no connection
    wait = await count_attempt(redis, username, address, limits, namespace)
    if wait is not None:
        raise Problem("TOO_MANY_ATTEMPTS", ["username"], retry_after=wait)
    user = await User.get_or_none(username=username, is_active=True)
    # an unknown (or deactivated) user costs one scrypt too, and gets the same answer
    if not await verify_password_async(password, user.password_hash if user else None) or user is None:
        raise Problem("BAD_CREDENTIALS", ["password"])
    await forget_attempt(redis, username, address, namespace)
    async with unit_of_work(caller) as uow:
        token = secrets.token_urlsafe(32)
        expires = datetime.now(SHANGHAI) + timedelta(hours=token_ttl_hours)
        await AuthToken.create(user_id=user.id, token_hash=hash_secret(token), expires_at=expires)
        viewer = await viewer_from_token(token)
        scope = min((g.path for g in viewer.grants), key=len, default="/")
        await uow.audit("sessionCreate", "User", user.id, scope, None, {"expires_at": expires}, live=False,
                        actor=viewer)
    return Session(token, expires, viewer)


async def revoke_session(caller: Viewer, token: str | None) -> None:
    """Log out: revoke the bearer ``token`` the caller sent (None: not sent as a bearer token)."""
    if token is None or not caller.user_id:
        raise Unauthenticated()
    await AuthToken.filter(token_hash=hash_secret(token.strip())).update(revoked_at=datetime.now(SHANGHAI))


# --- users and grants -----------------------------------------------------------------------------

def _not_held(caller: Viewer, role: Role, path: str, field: list[str]) -> Problem:
    missing = sorted(c.value for c in missing_capabilities(caller.grants, role, path))
    return Problem("CAPABILITY_NOT_HELD", field, role=role.value, missing="、".join(missing),
                   missing_en=", ".join(missing))


async def _with_grants(u: User) -> UserWithGrants:
    return UserWithGrants(u, list(await RoleGrant.filter(user_id=u.id).order_by("id")))


async def _administered_user(caller: Viewer, user_id: int) -> User:
    """A user is administered by whoever administers every node the user holds a role at."""
    u = await User.get_or_none(id=user_id)
    if u is None:
        raise Denied()
    paths = await RoleGrant.filter(user_id=u.id).values_list("path", flat=True)
    admin_scopes = caller.scope_paths(Capability.USER_ADMIN)
    if not admin_scopes or not all(any(p.startswith(s) for s in admin_scopes) for p in paths):
        raise Denied()
    return u


async def list_users(caller: Viewer) -> list[UserWithGrants]:
    """Users holding roles within the caller's administration scope (administrators only)."""
    caller.require_authenticated()
    if not caller.scope_paths(Capability.USER_ADMIN):
        raise Denied("USER_LIST_NEEDS_ADMIN")
    ids = await RoleGrant.filter(caller.scope_q(Capability.USER_ADMIN)).distinct().values_list("user_id", flat=True)
    users = await User.filter(id__in=list(ids)).order_by("id")
    grants: dict[int, list[RoleGrant]] = {}
    for g in await RoleGrant.filter(user_id__in=[u.id for u in users]).order_by("id"):
        grants.setdefault(g.user_id, []).append(g)
    return [UserWithGrants(u, grants.get(u.id, [])) for u in users]


async def create_user(caller: Viewer, *, username: str, display_name: str, password: str,
                      grants: Sequence[tuple[Role, int]], person_id: int | None = None) -> UserWithGrants:
    """A user with roles at tree nodes (``grants``: role and node primary key), within the caller's
    administration scope and no further than the caller's own capabilities reach. ``person_id``
    links the user to a person on a register the caller administers: the user then also reaches
    what that person's work covers (a running station-head appointment, an active building-head
    term; resolvers/viewer.py), checked on every request."""

    def taken(_: Exception) -> Problem:
        return Problem("USERNAME_TAKEN", ["input", "username"], username=username)

    async with unit_of_work(caller, integrity=taken) as uow:
        if len(password) < MIN_PASSWORD:
            raise Problem("WEAK_PASSWORD", ["input", "password"], min=MIN_PASSWORD)
        if not username.strip():
            raise Problem("REQUIRED", ["input", "username"], label="用户名")
        if await User.filter(username=username.strip()).exists():
            raise Problem("USERNAME_TAKEN", ["input", "username"], username=username)
        nodes = [await node_in_scope(caller, pk, Capability.USER_ADMIN) for _, pk in grants]
        for i, ((role, _), n) in enumerate(zip(grants, nodes)):
            if not can_grant(caller.grants, Role(role), n.path):
                raise _not_held(caller, Role(role), n.path, ["input", "grants", str(i), "role"])
        if person_id is not None:
            try:
                await obtain(caller, Person, person_id, Capability.USER_ADMIN)
            except Denied:
                raise Problem("NOT_FOUND", ["input", "personId"], what="该人员") from None
        u = await User.create(username=username.strip(), display_name=display_name.strip(),
                              password_hash=await hash_password_async(password), person_id=person_id)
        for (role, _), n in zip(grants, nodes):
            await RoleGrant.create(user_id=u.id, role=Role(role), node_id=n.id, path=n.path)
        after = {"username": u.username, "grants": [(Role(role).value, n.id) for (role, _), n in zip(grants, nodes)],
                 "person_id": person_id}
        for path in user_audit_paths([n.path for n in nodes], caller.scope_paths(Capability.USER_ADMIN)):
            await uow.audit("userCreate", "User", u.id, path, None, after)
        return await _with_grants(u)


async def change_grant(caller: Viewer, *, user_id: int, role: Role, node_id: int, add: bool) -> UserWithGrants:
    """Give (``add``) or take away a user's role at a node, within the caller's administration scope."""
    role = Role(role)
    async with unit_of_work(caller) as uow:
        u = await _administered_user(caller, user_id)
        node = await node_in_scope(caller, node_id, Capability.USER_ADMIN)
        await locked(User, id=u.id)  # concurrent grant changes of one user queue up (one grant per role and node)
        before = {"grants": [(g.role.value, g.node_id) for g in await RoleGrant.filter(user_id=u.id)]}
        if add and not can_grant(caller.grants, role, node.path):
            raise _not_held(caller, role, node.path, ["role"])
        if add:
            await RoleGrant.get_or_create(user_id=u.id, role=role, node_id=node.id, defaults={"path": node.path})
        else:
            deleted = await RoleGrant.filter(user_id=u.id, role=role, node_id=node.id).delete()
            if not deleted:
                raise Problem("NOT_FOUND", ["role"], what=f"{role.value}@{node.name}")
        after = {"grants": [(g.role.value, g.node_id) for g in await RoleGrant.filter(user_id=u.id)]}
        await uow.audit("roleGrantAdd" if add else "roleGrantRemove", "User", u.id, node.path, before, after)
        return await _with_grants(u)


async def deactivate_user(caller: Viewer, user_id: int) -> UserWithGrants:
    """The user can no longer log in, and their tokens stop working at once."""
    async with unit_of_work(caller) as uow:
        u = await _administered_user(caller, user_id)
        grant_paths = await RoleGrant.filter(user_id=u.id).values_list("path", flat=True)
        u.is_active = False
        await u.save(update_fields=["is_active"])
        await AuthToken.filter(user_id=u.id, revoked_at__isnull=True).update(revoked_at=datetime.now(SHANGHAI))
        for path in user_audit_paths(grant_paths, caller.scope_paths(Capability.USER_ADMIN)):
            await uow.audit("userDeactivate", "User", u.id, path, {"is_active": True}, {"is_active": False})
        return await _with_grants(u)


# --- partner API keys -----------------------------------------------------------------------------

async def list_api_keys(caller: Viewer) -> list[ApiKey]:
    caller.require_authenticated()
    return list(await ApiKey.filter(caller.scope_q(Capability.API_KEY_ADMIN)).order_by("id"))


async def create_api_key(caller: Viewer, *, name: str, role: Role, node_id: int) -> IssuedKey:
    """A key for a partner agency (hotline, finance, insurer), scoped to a node; its secret is
    returned once and stored only as a hash."""
    role = Role(role)
    async with unit_of_work(caller) as uow:
        node = await node_in_scope(caller, node_id, Capability.API_KEY_ADMIN)
        if role not in PARTNER_ROLES:
            raise Problem("NOT_A_PARTNER_ROLE", ["role"])
        if not can_issue_key(caller.grants, role, node.path):
            raise _not_held(caller, role, node.path, ["role"])
        if not name.strip():
            raise Problem("REQUIRED", ["name"], label="名称")
        secret = "gr_" + secrets.token_urlsafe(32)
        k = await ApiKey.create(name=name.strip(), role=role, node_id=node.id, path=node.path, prefix=secret[:10],
                                key_hash=hash_secret(secret), created_by_id=caller.user_id)
        await uow.audit("apiKeyCreate", "ApiKey", k.id, k.path, None, snapshot(k, ["name", "role", "node_id", "prefix"]))
    return IssuedKey(k, secret)


async def revoke_api_key(caller: Viewer, key_id: int) -> ApiKey:
    async with unit_of_work(caller) as uow:
        k = await locked(ApiKey, id=key_id)  # revoked once, whatever the race
        if k is None or not caller.can(Capability.API_KEY_ADMIN, k.path):
            raise Denied()
        if k.revoked_at is not None:
            raise Problem("ALREADY_REVOKED", ["id"])
        k.revoked_at = datetime.now(SHANGHAI)
        await k.save(update_fields=["revoked_at"])
        await uow.audit("apiKeyRevoke", "ApiKey", k.id, k.path, None, {"revoked_at": k.revoked_at})
    return k


# --- the audit log --------------------------------------------------------------------------------

def require_audit_reader(caller: Viewer) -> None:
    """The audit log is read by administrators and offices, within their scope."""
    caller.require_authenticated()
    if not caller.scope_paths(Capability.AUDIT_READ):
        raise Denied("AUDIT_READ_NEEDED")


async def audit_entries(caller: Viewer, *, actor: str | None = None, action: str | None = None,
                        object_type: str | None = None, object_id: int | None = None,
                        since: datetime | None = None, until: datetime | None = None) -> list[AuditEntry]:
    """The newest AUDIT_LIMIT entries within the caller's scope matching the filters, newest first
    (unmasked: show them through ``shown_audit_entries``)."""
    require_audit_reader(caller)
    q = AuditEntry.filter(caller.scope_q(Capability.AUDIT_READ))
    if actor:
        q = q.filter(actor_label=actor)
    if action:
        q = q.filter(action=action)
    if object_type:
        q = q.filter(object_type=object_type)
    if object_id:
        q = q.filter(object_id=object_id)
    if since:
        q = q.filter(at__gte=since)
    if until:
        q = q.filter(at__lt=until)
    return list(await q.order_by("-id").limit(AUDIT_LIMIT))


async def audit_entry(caller: Viewer, pk: int) -> AuditEntry | None:
    """One entry, or None when missing or outside the caller's audit scope."""
    e = await AuditEntry.get_or_none(id=pk)
    if e is None or not caller.can(Capability.AUDIT_READ, e.path):
        return None
    return e


async def _full_access(caller: Viewer, people: Sequence[Person]) -> dict[int, bool]:
    """Whether the caller sees each person's personal data unmasked (places loaded in one batch,
    only for people whose register does not settle it)."""
    quick = {p.id: decided_without_places(caller.grants, p.path) for p in people}
    need = [pid for pid, a in quick.items() if a is None]
    places = await load_places(need) if need else {}
    return {p.id: (quick[p.id] if quick[p.id] is not None else person_access(caller.grants, p.path, places.get(p.id, ()))).full
            for p in people}


async def shown_audit_entries(caller: Viewer, entries: Sequence[AuditEntry]) -> list[ShownAuditEntry]:
    """Entries as this reader may see them: a snapshot is masked exactly as its object would
    be for the reader (a person's personal data, an application's recruitment details),
    decided now, per reader, from the same rules as the objects themselves."""
    person_ids = {e.object_id for e in entries if e.object_type == "Person" and e.object_id is not None}
    people = list(await Person.filter(id__in=list(person_ids))) if person_ids else []
    full = await _full_access(caller, people)
    out = []
    for e in entries:
        before, after = e.before, e.after
        if e.object_type == "Person":
            unmasked = full[e.object_id] if e.object_id in full else person_access(caller.grants, e.path).full
            on = e.at.astimezone(SHANGHAI).date() if e.at else today()
            before, after = (mask_person(x, full=unmasked, on=on) if isinstance(x, dict) else x for x in (before, after))
        elif e.object_type in DUTY_MASKS and not caller.can_pii(e.path):
            mask = DUTY_MASKS[e.object_type]
            before, after = (mask(x, full=False) if isinstance(x, dict) else x for x in (before, after))
        elif e.object_type in ("Application", "Objection") and not recruitment_details_visible(caller.grants, e.path):
            before, after = (hide_recruitment_details(e.object_type, x) if isinstance(x, dict) else x for x in (before, after))
        out.append(ShownAuditEntry(e, before, after))
    return out


# --- policy parameters ----------------------------------------------------------------------------

async def parameters_in_force_at(caller: Viewer, node_id: int, on: date | None = None) -> list[ParameterInForce]:
    """Every policy parameter in force at a node on a date (default: today), and where it was set."""
    caller.require_authenticated()
    node = await node_in_scope(caller, node_id)
    rows = await parameter_rows_for(node.path)
    chain = list(reversed(ancestor_ids(node.path)))
    when = on or today()
    return [ParameterInForce(k, params.in_force_row(k, chain, rows, when)) for k in params.PARAMETERS]


async def set_parameter(caller: Viewer, *, node_id: int, key: str, value: str,
                        effective_from: date) -> ParameterInForce:
    """Set a policy parameter at a node from a date on (the district's value, or an override lower down)."""
    async with unit_of_work(caller) as uow:
        node = await node_in_scope(caller, node_id, Capability.PARAMETER_WRITE)
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
            existing.set_by_id = caller.user_id
            await existing.save()
            row = existing
        else:
            row = await PolicyParameter.create(node_id=node.id, path=node.path, key=key, value=canonical,
                                               effective_from=effective_from, set_by_id=caller.user_id)
        await uow.audit("policyParameterSet", "PolicyParameter", row.id, node.path, before,
                        {"key": key, "value": canonical, "effective_from": effective_from})
    return ParameterInForce(key, params.ParameterRow(node.id, key, canonical, effective_from))
