"""Sessions, users, role grants, partner API keys, the audit log and policy parameters."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from policy.kinds import Role
from schema.common import Node, UserError, error_codes, to_global_id
from schema.tree import TreeNode, tree_node

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
