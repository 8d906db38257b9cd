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

from graphql import GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, \
    GraphQLString, is_leaf_type
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE as _CAST
from strawberry.utils.str_converters import to_camel_case


def direct(fn):
    """Mark a resolver ``(self, info, **plain scalar arguments)`` to be called by FastExecutionContext
    without strawberry's per-call argument conversion (graphql-core's coerced values are already
    the Python values for Int, String, Boolean and ID)."""
    fn._direct = True
    return fn


_PLAIN_ARGUMENT_TYPES = (GraphQLInt, GraphQLString, GraphQLBoolean, GraphQLID)
_DIRECT: dict[int, tuple[Any, Any]] = {}  # id(GraphQLField) → (the field, (resolver, strawberry field, names) or None)


def _direct_plan(field_def: Any) -> Any:
    entry = _DIRECT.get(id(field_def))
    if entry is not None and entry[0] is field_def:
        return entry[1]
    plan = None
    definition = field_def.extensions.get("strawberry-definition") if field_def.extensions else None
    resolver = getattr(definition, "base_resolver", None)
    fn = getattr(resolver, "wrapped_func", None)
    if fn is not None and getattr(fn, "_direct", False) and not definition.extensions:
        names = {(a.graphql_name or to_camel_case(a.python_name)): a.python_name for a in definition.arguments}
        plain = all(
            (t.of_type if isinstance(t, GraphQLNonNull) else t) in _PLAIN_ARGUMENT_TYPES
            for t in (a.type for a in field_def.args.values())
        )
        if plain and set(names) == set(field_def.args):
            plan = (fn, definition, names)
    _DIRECT[id(field_def)] = (field_def, plan)
    return plan

_SLOW = object()
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _int(value: Any) -> Any:
    """GraphQL Int: a Python int in 32 bits is itself; anything else as graphql-core decides."""
    if type(value) is int and _INT_MIN <= value <= _INT_MAX:
        return value
    return GraphQLInt.serialize(value)


def _str(value: Any) -> Any:
    return value if type(value) is str else GraphQLString.serialize(value)


def _id(value: Any) -> Any:
    return value if type(value) is str else GraphQLID.serialize(value)


_IDENTITY = {GraphQLInt: _int, GraphQLString: _str, GraphQLID: _id}
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
        serialize = _IDENTITY.get(named, named.serialize)
        plan = (definition.python_name, serialize, nullable)
    _PLANS[id(field_def)] = (field_def, plan)
    return plan


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core collects an object type's subfields once per selection (its grouped field set
        # is the same object for every item of a list): the fields' plans are worked out once too
        self._field_plans: dict[tuple[Any, int], tuple[Any, list[tuple[str, Any, Any]]]] = {}
        self._shapes: dict[tuple[Any, int], tuple[Any, Any]] = {}
        self._arguments: dict[int, tuple[Any, dict[str, Any]]] = {}  # id(field node) → (node, Python kwargs)

    def execute_field(self, parent_type, source, field_details_list, path, position_context):  # type: ignore[override]
        """A resolver marked ``direct`` is called with its arguments converted once per field of the
        document (not once per object); completion and errors as graphql-core does them."""
        details = field_details_list[0]
        node = details.node
        field_def = self.schema.get_field(parent_type, node.name.value)
        plan = _direct_plan(field_def) if field_def is not None else None
        if plan is None or details.fragment_variable_values or (
                self.middleware_manager is not None and self.middleware_manager.middlewares):
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        fn, definition, names = plan
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            cached = self._arguments.get(id(node))
            if cached is not None and cached[0] is node:
                kwargs = cached[1]
            else:
                args = get_argument_values(field_def, node, self.variable_values, None, self.hide_suggestions) \
                    if field_def.args or node.arguments else {}
                kwargs = {names[k]: v for k, v in args.items()}
                self._arguments[id(node)] = (node, kwargs)
            result = fn(source, Info(_raw_info=info, _field=definition), **kwargs)
            if self.is_awaitable(result):
                return self.complete_awaitable_value(return_type, field_details_list, info, path, result,
                                                     position_context)
            completed = self.complete_value(return_type, field_details_list, info, path, result, position_context)
            if self.is_awaitable(completed):
                async def await_completed() -> Any:
                    try:
                        return await completed
                    except Exception as raw_error:
                        self.handle_field_error(raw_error, return_type, field_details_list, path)
                        return None

                return await_completed()
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

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

    def _shape(self, object_type: Any, field_details_list: Any) -> Any:
        """The plans of an object selection whose every field is a plain leaf, or None."""
        key = (object_type, id(field_details_list))
        entry = self._shapes.get(key)
        if entry is not None and entry[0] is field_details_list:
            return entry[1]
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        plans = self._plans_of(object_type, grouped_field_set)
        shape = None
        if not new_defer_usages and all(p is not _SLOW for _, _, p in plans):
            definition = object_type.extensions.get("strawberry-definition") if object_type.extensions else None
            shape = (object_type.is_type_of, getattr(definition, "origin", None), [(k, *p) for k, _, p in plans])
        self._shapes[key] = (field_details_list, shape)
        return shape

    def complete_value(self, return_type, field_details_list, info, path, result, position_context):  # type: ignore[override]
        """An object, or a list of objects, whose selection is only plain leaves is completed here
        in one pass; anything else (or any value that does not complete cleanly) by graphql-core."""
        if result is not None and not isinstance(result, Exception):
            t = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
            if isinstance(t, GraphQLList):
                item = t.of_type
                if isinstance(item, GraphQLNonNull) and isinstance(item.of_type, GraphQLObjectType) \
                        and isinstance(result, list):
                    shape = self._shape(item.of_type, field_details_list)
                    if shape is not None:
                        done = _plain_list(result, shape, info)
                        if done is not None:
                            return done
            elif isinstance(t, GraphQLObjectType):
                shape = self._shape(t, field_details_list)
                if shape is not None:
                    done = _plain_object(result, shape, info)
                    if done is not None:
                        return done
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

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


def _plain_object(source: Any, shape: Any, info: Any) -> dict[str, Any] | None:
    """The object's answer when each plain leaf reads and serialises cleanly, else None."""
    is_type_of, origin, fields = shape
    # an instance of exactly the type (not cast to another) is what strawberry's is_type_of accepts
    # first; anything else is asked of it
    if is_type_of is not None and not (type(source) is origin and _CAST not in source.__dict__) \
            and is_type_of(source, info) is not True:
        return None
    out: dict[str, Any] = {}
    try:
        for key, name, serialize, nullable in fields:
            value = getattr(source, name)
            if value is None:
                if not nullable:
                    return None
                out[key] = None
            else:
                value = serialize(value)
                if value is None or value is Undefined:
                    return None
                out[key] = value
    except Exception:  # graphql-core's own path reports it
        return None
    return out


def _plain_list(items: list[Any], shape: Any, info: Any) -> list[dict[str, Any]] | None:
    out = []
    for item in items:
        if item is None:
            return None
        done = _plain_object(item, shape, info)
        if done is None:
            return None
        out.append(done)
    return out


def _merge(order: Any, fast: dict[str, Any], slow: dict[str, Any]) -> dict[str, Any]:
    return {k: (fast[k] if k in fast else slow[k]) for k in order if k in fast or k in slow}


__all__ = ["FastExecutionContext"]
