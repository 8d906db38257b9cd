"""Credentials first: a request without valid credentials may log in, ask who it is and read the
schema — every other root field answers UNAUTHENTICATED (never FORBIDDEN or a silent null), whatever
the resolver behind it would have checked first."""
from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ExecutionResult, FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from resolvers.errors import Unauthenticated

#: the public notice boards (docs/policy.md §4, §13): read without login, under a tighter cost
#: limit for anonymous callers (schema.guardrails.public_cost_limit)
PUBLIC_BOARD_FIELDS = frozenset({"workstationBoard", "buildingBoard"})
PUBLIC_ROOT_FIELDS = frozenset({"sessionCreate", "viewer", "__typename", "__schema", "__type"}) | PUBLIC_BOARD_FIELDS


def _root_fields(selection_set: SelectionSetNode, fragments: dict, seen: set[str]) -> Iterator[FieldNode]:
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            yield sel
        elif isinstance(sel, InlineFragmentNode):
            yield from _root_fields(sel.selection_set, fragments, seen)
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen and sel.name.value in fragments:
            seen.add(sel.name.value)
            yield from _root_fields(fragments[sel.name.value].selection_set, fragments, seen)


def refused_fields(operation: OperationDefinitionNode, fragments: dict) -> list[str]:
    """Response keys of the operation's root fields that need a caller, in order, once each."""
    keys: list[str] = []
    for f in _root_fields(operation.selection_set, fragments, set()):
        key = f.alias.value if f.alias else f.name.value
        if f.name.value not in PUBLIC_ROOT_FIELDS and key not in keys:
            keys.append(key)
    return keys


def _variables_coerce(ec, operation: OperationDefinitionNode) -> bool:
    """A request error (variables that do not coerce) is answered as such, before credentials:
    it is the request that is wrong, whoever sends it."""
    schema = getattr(ec.schema, "_schema", None)
    if schema is None or not operation.variable_definitions:
        return True
    values = get_variable_values(schema, operation.variable_definitions, ec.variables or {})
    return not isinstance(values, list)


class RequireCredentials(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        viewer = getattr(ec.context, "viewer", None)
        document = ec.graphql_document
        if viewer is not None and not viewer.authenticated and document is not None:
            operation = get_operation_ast(document, ec.operation_name)
            if operation is not None and _variables_coerce(ec, operation):
                fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
                keys = refused_fields(operation, fragments)
                if keys:
                    denial = Unauthenticated(viewer.credential_error)
                    message = denial.render(getattr(ec.context, "locale", "zh"))
                    ec.result = ExecutionResult(data=None, errors=[
                        GraphQLError(message, path=[k], extensions={"code": denial.code}) for k in keys
                    ])
        yield
