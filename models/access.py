"""Users, their scoped roles, login tokens and partner API keys (docs/policy.md §13)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.kinds import Role


class User(Model):
    id = fields.BigIntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=64)
    password_hash = fields.CharField(max_length=256)
    is_active = fields.BooleanField(default=True)
    # The system administrator: owns what every district shares (the working-day calendar).
    # Set by the operator on the command line, never through the API (no grant can confer it).
    is_system_admin = fields.BooleanField(default=False, db_default=False)
    person: fields.ForeignKeyNullableRelation["Person"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Person", related_name="users", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    person_id: int | None

    class Meta:
        table = "app_user"


class RoleGrant(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "grassroots.User", related_name="grants", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=24)
    node: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="grants", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    node_id: int

    class Meta:
        table = "role_grant"
        unique_together = (("user", "role", "node"),)


class AuthToken(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "grassroots.User", related_name="tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)  # sha256 of the bearer token
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "auth_token"


class ApiKey(Model):
    """A partner agency's key (12345 hotline, finance, insurer): scoped, revocable, audited."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=100)
    role = fields.CharEnumField(Role, max_length=24)
    node: fields.ForeignKeyRelation["Node"] = fields.ForeignKeyField(  # type: ignore[name-defined]
        "grassroots.Node", related_name="api_keys", on_delete=fields.CASCADE
    )
    path = fields.CharField(max_length=255)
    prefix = fields.CharField(max_length=16)  # shown to people to tell keys apart
    key_hash = fields.CharField(max_length=64, unique=True)
    created_by_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    node_id: int

    class Meta:
        table = "api_key"
