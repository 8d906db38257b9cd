"""Execution with a short path for plain leaf fields.

graphql-core executes every field the same way: a path object, a resolve-info object (strawberry
builds its own), the argument values, the resolver, then the completion of the value. A large
tree walk is mostly plain leaf fields — a name, a count, an ID read straight off a row — and
that machinery was most of its time. For a field whose resolver is strawberry's plain attribute
read, with no arguments, no directives and a scalar or enum type, this reads the attribute and
serialises it directly. Anything else, and any value that does not serialise cleanly (a null
for a non-null field, a value the scalar refuses), goes through graphql-core's own path, so
answers and errors are exactly those graphql-core gives.
"""
from __future__ import annotations

from typing import Any

from graphql import GraphQLNonNull, is_leaf_type
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_SLOW = object()
# id(GraphQLField) → (the field, its plan): (python attribute name, serialize, nullable) for a plain
# leaf field, or _SLOW. The field is kept with its plan, so an id is never reused while listed.
_PLANS: dict[int, tuple[Any, Any]] = {}


def _plan(field_def: Any) -> Any:
    entry = _PLANS.get(id(field_def))
    if entry is not None and entry[0] is field_def:
        return entry[1]
    plan = _SLOW
    resolve = field_def.resolve
    definition = field_def.extensions.get("strawberry-definition") if field_def.extensions else None
    field_type = field_def.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    named = field_type if nullable else field_type.of_type
    if (resolve is not None and getattr(resolve, "_is_default", False) and definition is not None
            and not field_def.args and is_leaf_type(named)):
        plan = (definition.python_name, named.serialize, nullable)
    _PLANS[id(field_def)] = (field_def, plan)
    return plan


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core collects an object type's subfields once per selection (its grouped field set
        # is the same object for every item of a list): the fields' plans are worked out once too
        self._field_plans: dict[tuple[Any, int], tuple[Any, list[tuple[str, Any, Any]]]] = {}

    def _plans_of(self, parent_type: Any, grouped_field_set: Any) -> list[tuple[str, Any, Any]]:
        key = (parent_type, id(grouped_field_set))
        entry = self._field_plans.get(key)
        if entry is not None and entry[0] is grouped_field_set:
            return entry[1]
        plans = []
        for response_name, details in grouped_field_set.items():
            first = details[0].node
            plan = _SLOW
            if len(details) == 1 and not first.directives:
                field_def = self.schema.get_field(parent_type, first.name.value)
                if field_def is not None:
                    plan = _plan(field_def)
            plans.append((response_name, details, plan))
        self._field_plans[key] = (grouped_field_set, plans)
        return plans

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):  # type: ignore[override]
        fast: dict[str, Any] = {}
        rest = None
        for response_name, details, plan in self._plans_of(parent_type, grouped_field_set):
            if plan is not _SLOW:
                name, serialize, nullable = plan
                try:
                    value = getattr(source_value, name)
                    if value is None:
                        if nullable:
                            fast[response_name] = None
                            continue
                    else:
                        out = serialize(value)
                        if out is not None and out is not Undefined:
                            fast[response_name] = out
                            continue
                except Exception:  # graphql-core's own path reports it, located and typed
                    pass
            if rest is None:
                rest = {}
            rest[response_name] = details
        if rest is None:
            return fast
        if not fast:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        # keep the response's key order: the other fields are executed by graphql-core, then merged
        slow = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(slow):
            async def merged() -> dict[str, Any]:
                return _merge(grouped_field_set, fast, await slow)

            return merged()
        return _merge(grouped_field_set, fast, slow)


def _merge(order: Any, fast: dict[str, Any], slow: dict[str, Any]) -> dict[str, Any]:
    return {k: (fast[k] if k in fast else slow[k]) for k in order if k in fast or k in slow}


__all__ = ["FastExecutionContext"]
