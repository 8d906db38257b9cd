"""Request guardrails: caches, size/depth/alias/cost limits, production hardening.

Usage::

    schema = strawberry.Schema(
        query=Query,
        extensions=build_extensions(production=settings.production),
    )

Everything returned is a class or a zero-argument factory, never an extension
instance (strawberry 0.341 deprecates instances with a DeprecationWarning and
shares them across requests).

Depth and alias limits: strawberry's ``QueryDepthLimiter`` and
``MaxAliasesLimiter`` (0.341) re-walk a fragment at every spread, so a
~500-character document of fragments spreading fragments takes seconds of CPU
(exponential in nesting).  The rules here count the same way and report the same
messages, but analyse each fragment once (linear time).

The validation-rule classes are built once per limit and reused by every request:
``ValidationCache`` keys its LRU cache on the tuple of rule classes (strawberry's
limiters create a new rule class per construction, which would make every
request miss the cache).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import Any, ClassVar

from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    ListValueNode,
    get_named_type,
    is_composite_type,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    validate,
)
from graphql.language import SKIP, VisitorAction
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

__all__ = [
    "CONNECTION_CAP",
    "AliasLimitRule",
    "CostLimitRule",
    "DepthLimitRule",
    "GuardrailRules",
    "HideSuggestionsValidationCache",
    "QueryStats",
    "StripSuggestions",
    "alias_limit_rule",
    "build_extensions",
    "cost_limit_rule",
    "depth_limit_rule",
    "query_cost",
    "query_stats",
    "public_cost_limit",
    "PUBLIC_MAX_COST",
]

#: Connections never return more than this many items per page (``first``/``last``
#: are capped at it), so it is also the multiplier assumed for a variable page size.
CONNECTION_CAP = 100
CACHE_SIZE = 256
_PAGE_ARGUMENTS = ("first", "last")


# ---------------------------------------------------------------------------
# document analysis: cost, depth, aliases (linear time)
# ---------------------------------------------------------------------------


DEFAULT_PAGE_SIZE = 20  # schema.common.DEFAULT_PAGE: what a connection returns without first/last
_CONNECTION_FIELDS = frozenset({"edges", "nodes", "pageInfo"})


def _page_size(field: FieldNode, cap: int) -> int | None:
    """The multiplier from a ``first``/``last`` argument, or None if there is none.

    Literals are clamped to ``0..cap``. Variables (and anything that is not an
    int literal) count as ``cap``: validation does not see variable values --
    graphql-core's ValidationContext has none, and ValidationCache reuses one
    validation result for every set of variables -- so the worst case is assumed.
    """
    sizes: list[int] = []
    for argument in field.arguments or ():
        if argument.name.value not in _PAGE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            sizes.append(max(0, min(int(value.value), cap)))
        else:  # VariableNode, NullValueNode, wrongly typed literals
            sizes.append(cap)
    if not sizes and field.selection_set is not None:
        # a connection asked without first/last still returns a default page
        names = {getattr(getattr(sel, "name", None), "value", None) for sel in field.selection_set.selections}
        if names & _CONNECTION_FIELDS:
            return min(DEFAULT_PAGE_SIZE, cap)
    return max(sizes) if sizes else None


#: Lists without ``first``/``last``: the most items each can hold, by field name (the
#: resolvers return no more; see README "Limits"). ``Query.nodes(ids:)`` counts
#: ``len(ids)`` for a literal list and 100 (its cap) for a variable; the ``edges`` and
#: ``nodes`` of a connection count once (their connection field already multiplies);
#: any other list of objects counts :data:`DEFAULT_LIST_BOUND`.
LIST_BOUNDS: dict[str, int] = {
    "errors": 20,
    "serviceAreas": 200,
    "members": 100,
    "activeBuildingHeads": 20,
    "buildingHeadTerms": 50,
    "staffRoles": 50,
    "stationHeadAppointments": 50,
    "chainHistory": 50,
    "grants": 50,
    "signers": 50,
    "warnings": 50,  # one per signature that does not count
    "judgements": 50,
    "objections": 50,
    "history": 100,
    "eligibilityFailures": 20,
    "violations": 20,
    "filings": 50,
    "seats": 200,
    "applications": 100,
    "districts": 2,  # a deployment serves one new district (tests and migrations may hold two)
    "scopeRoots": 50,
    # meetings (schema/meetings.py): a compound's station head, its building heads, the police
    "attendance": 50,
    "expectedAttendees": 50,
    "concerns": 50,
    "absenceActions": 20,
    # duties (schema/duties.py) and incidents (schema/requests.py)
    "findings": 20,  # per inspection
    "followUps": 50,  # per finding
    "help": 100,  # help given to one person on the register (about one a month)
    "steps": 4,  # one per level: station, community, subdistrict, new town
    "households": 2000,  # households created by one generate or import (a building's, a register's)
    "visits": 200,  # one batch of visits (householdVisitsRecord takes at most 200)
    # the read side (schema/ledger.py): one compound's heads, one week's meetings, what is open
    "heads": 50,
    "buildingHeads": 50,
    "meetings": 7,
    "openConcerns": 100,
    "openIncidents": 50,
    # the background work (schema/payroll.py, schema/assessment.py, schema/insurance.py)
    "totalsByCommunity": 100,  # the communities of one subdistrict
    "payrollTotals": 200,  # the node and its communities, subdistricts, new towns
    "excellence": 200,  # 1–2 per compound under the node
    "entries": 200,  # one workstation's fund spending in a year
    "months": 12,
    "communities": 100,  # the sheets of one subdistrict's payroll export
}
DEFAULT_LIST_BOUND = 100
MAX_IDS = 100


def _list_bound(parent_name: str, field: FieldNode, cap: int) -> int:
    name = field.name.value
    if parent_name.endswith("Connection") and name in ("edges", "nodes"):
        return 1
    if name == "nodes" and parent_name in ("Query",):
        for argument in field.arguments or ():
            if argument.name.value == "ids":
                value = argument.value
                if isinstance(value, ListValueNode):
                    return min(len(value.values), MAX_IDS)
                return MAX_IDS if not hasattr(value, "value") else 1
        return MAX_IDS
    return LIST_BOUNDS.get(name, DEFAULT_LIST_BOUND)


def _field_type(parent: Any, field: FieldNode) -> tuple[bool, Any]:
    """(is a list, named type) of ``field`` on ``parent`` (a GraphQL type or None)."""
    fields = getattr(parent, "fields", None)
    definition = fields.get(field.name.value) if fields else None
    if definition is None:
        return False, None
    type_ = definition.type
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList), get_named_type(type_)


@dataclass(frozen=True)
class QueryStats:
    """What a selection set asks for, with fragments expanded."""

    cost: int = 0
    """Every field costs 1; ``first``/``last`` multiply the cost of the sub-selection."""
    depth: int = 0
    """Nesting of fields that have a sub-selection (``__`` introspection fields not
    counted), as strawberry's QueryDepthLimiter counts it: ``{ a { b } }`` is 1."""
    aliases: int = 0
    """Aliased fields, counting a fragment once per spread."""


class _Frame:
    __slots__ = ("aliases", "cost", "depth", "field", "fragment", "index", "multiplier", "selections", "type")

    def __init__(
        self,
        selections: Sequence[SelectionNode],
        *,
        field: FieldNode | None = None,
        multiplier: int = 1,
        fragment: str | None = None,
        type_: Any = None,
    ) -> None:
        self.selections = selections
        self.type = type_
        self.index = 0
        self.cost = self.depth = self.aliases = 0
        self.field = field
        self.multiplier = multiplier
        self.fragment = fragment


def query_stats(
    selection_set: SelectionSetNode,
    get_fragment: Callable[[str], FragmentDefinitionNode | None],
    *,
    cap: int = CONNECTION_CAP,
    fragment_stats: dict[str, QueryStats] | None = None,
    schema: GraphQLSchema | None = None,
    root_type: Any = None,
) -> QueryStats:
    """Cost, depth and alias count of a selection set, fragments expanded.

    With a ``schema`` (and the ``root_type`` of the selection set), a list field
    without ``first``/``last`` multiplies the cost of its sub-selection by its bound
    (:data:`LIST_BOUNDS`), so lists cannot hide their length from the estimate.

    Each fragment is analysed once and memoised (``fragment_stats``), so spreads
    of spreads cannot blow the analysis up exponentially; a spread that cycles
    back, or names an unknown fragment, counts as empty (graphql-core's
    NoFragmentCycles / KnownFragmentNames rules report those). Iterative, so
    deeply nested documents cannot exhaust the Python stack.
    """
    memo: dict[str, QueryStats] = {} if fragment_stats is None else fragment_stats
    in_progress: set[str] = set()
    stack = [_Frame(selection_set.selections, type_=root_type)]
    while True:
        frame = stack[-1]
        if frame.index == len(frame.selections):
            stack.pop()
            if frame.fragment is not None:
                memo[frame.fragment] = QueryStats(frame.cost, frame.depth, frame.aliases)
                in_progress.discard(frame.fragment)
            if not stack:
                return QueryStats(frame.cost, frame.depth, frame.aliases)
            parent = stack[-1]
            field = frame.field
            if field is None:  # inline fragment or fragment spread: merge as is
                parent.cost += frame.cost
                parent.aliases += frame.aliases
                parent.depth = max(parent.depth, frame.depth)
            else:
                parent.cost += 1 + frame.multiplier * frame.cost
                parent.aliases += frame.aliases + (field.alias is not None)
                if not field.name.value.startswith("__"):
                    parent.depth = max(parent.depth, 1 + frame.depth)
            continue

        selection = frame.selections[frame.index]
        frame.index += 1
        if isinstance(selection, FieldNode):
            if selection.selection_set is None:
                frame.cost += 1
                frame.aliases += selection.alias is not None
            else:
                size = _page_size(selection, cap)
                child_type = None
                if schema is not None:
                    is_list, child_type = _field_type(frame.type, selection)
                    if size is None and is_list and is_composite_type(child_type):
                        size = _list_bound(getattr(frame.type, "name", ""), selection, cap)
                stack.append(
                    _Frame(
                        selection.selection_set.selections,
                        field=selection,
                        multiplier=1 if size is None else size,
                        type_=child_type,
                    )
                )
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inline_type = schema.get_type(condition.name.value) if schema is not None and condition else frame.type
            stack.append(_Frame(selection.selection_set.selections, type_=inline_type))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            stats = memo.get(name)
            if stats is not None:
                frame.cost += stats.cost
                frame.aliases += stats.aliases
                frame.depth = max(frame.depth, stats.depth)
            elif name not in in_progress and (fragment := get_fragment(name)) is not None:
                in_progress.add(name)
                fragment_type = schema.get_type(fragment.type_condition.name.value) if schema is not None else None
                stack.append(_Frame(fragment.selection_set.selections, fragment=name, type_=fragment_type))


def query_cost(
    selection_set: SelectionSetNode,
    get_fragment: Callable[[str], FragmentDefinitionNode | None],
    *,
    cap: int = CONNECTION_CAP,
) -> int:
    """Estimated cost of a selection set (see :class:`QueryStats`)."""
    return query_stats(selection_set, get_fragment, cap=cap).cost


class _DocumentStatsRule(ValidationRule):
    """Base: analyses each operation once, with fragment results shared between them."""

    cap: ClassVar[int] = CONNECTION_CAP

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._fragment_stats: dict[str, QueryStats] = {}

    #: count lists at their bounds (LIST_BOUNDS); off for the generic limiter
    typed: ClassVar[bool] = False

    def stats(self, node: OperationDefinitionNode) -> QueryStats:
        schema = self.context.schema if self.typed else None
        root_type = schema.get_root_type(node.operation) if schema is not None else None
        return query_stats(
            node.selection_set,
            self.context.get_fragment,
            cap=self.cap,
            fragment_stats=self._fragment_stats,
            schema=schema,
            root_type=root_type,
        )

    def enter_fragment_definition(self, *_args: Any) -> VisitorAction:
        return SKIP


class CostLimitRule(_DocumentStatsRule):
    """Refuse operations whose estimated cost exceeds ``max_cost``.

    Every field costs 1; a field with ``first``/``last`` multiplies the cost of
    its sub-selection by that number (capped at :data:`CONNECTION_CAP`; a
    variable counts as the cap). Use :func:`cost_limit_rule` to set ``max_cost``.
    """

    max_cost: ClassVar[int] = 50_000

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> VisitorAction:
        cost = self.stats(node).cost
        if cost > self.max_cost:
            self.report_error(
                GraphQLError(
                    f"query cost {cost} exceeds the limit {self.max_cost}",
                    node,
                    extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": self.max_cost},
                )
            )
        return SKIP


class DepthLimitRule(_DocumentStatsRule):
    """Like strawberry's QueryDepthLimiter (same depth count and message), in linear time."""

    max_depth: ClassVar[int] = 12

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> VisitorAction:
        depth = self.stats(node).depth
        if depth > self.max_depth:
            name = node.name.value if node.name else "anonymous"
            self.report_error(
                GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {self.max_depth}",
                    node,
                    extensions={"code": "QUERY_TOO_DEEP", "depth": depth, "limit": self.max_depth},
                )
            )
        return SKIP


class AliasLimitRule(_DocumentStatsRule):
    """Like strawberry's MaxAliasesLimiter (same count and message), in linear time."""

    max_aliases: ClassVar[int] = 30

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._aliases = 0

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> VisitorAction:
        self._aliases += self.stats(node).aliases
        return SKIP

    def leave_document(self, *_args: Any) -> None:
        if self._aliases > self.max_aliases:
            self.report_error(
                GraphQLError(
                    f"{self._aliases} aliases found. Allowed: {self.max_aliases}",
                    extensions={
                        "code": "TOO_MANY_ALIASES",
                        "aliases": self._aliases,
                        "limit": self.max_aliases,
                    },
                )
            )


# Rule classes are cached per limit: ValidationCache keys on the rule classes.
@cache
def cost_limit_rule(max_cost: int, typed: bool = False) -> type[CostLimitRule]:
    """A :class:`CostLimitRule` subclass with this limit (the same class per limit);
    ``typed``: count lists without ``first``/``last`` at their bounds (LIST_BOUNDS)."""
    return type(f"CostLimitRule_{max_cost}{'_typed' if typed else ''}", (CostLimitRule,),
                {"max_cost": max_cost, "typed": typed})


@cache
def depth_limit_rule(max_depth: int) -> type[DepthLimitRule]:
    return type(f"DepthLimitRule_{max_depth}", (DepthLimitRule,), {"max_depth": max_depth})


@cache
def alias_limit_rule(max_aliases: int) -> type[AliasLimitRule]:
    return type(f"AliasLimitRule_{max_aliases}", (AliasLimitRule,), {"max_aliases": max_aliases})


# ---------------------------------------------------------------------------
# the public notice boards: a tighter cost limit for anonymous callers
# ---------------------------------------------------------------------------

#: What an anonymous operation reading the public boards may cost (a board costs ~800).
PUBLIC_MAX_COST = 2_000


@cache
def public_cost_limit(max_cost: int, root_fields: frozenset[str]) -> type[SchemaExtension]:
    """An extension refusing, with the same QUERY_TOO_COSTLY error as :class:`CostLimitRule`, an
    operation of an anonymous caller (``context.viewer`` not authenticated) that reads any of
    ``root_fields`` and costs more than ``max_cost``. It runs at execution, where the caller is
    known (validation results are cached per document for every caller); an anonymous operation
    reaching for anything but the public fields is refused earlier (schema.auth)."""

    class PublicCostLimit(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            ec = self.execution_context
            viewer = getattr(ec.context, "viewer", None)
            document = ec.graphql_document
            if viewer is not None and not viewer.authenticated and document is not None and not ec.result:
                from graphql import ExecutionResult
                from graphql.utilities import get_operation_ast

                operation = get_operation_ast(document, ec.operation_name)
                fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
                if operation is not None and _reads_any(operation.selection_set, fragments, root_fields):
                    schema = ec.schema._schema  # type: ignore[attr-defined]
                    cost = query_stats(operation.selection_set, fragments.get, schema=schema,
                                       root_type=schema.get_root_type(operation.operation)).cost
                    if cost > max_cost:
                        ec.result = ExecutionResult(data=None, errors=[GraphQLError(
                            f"query cost {cost} exceeds the limit {max_cost}",
                            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost})])
            yield

    return PublicCostLimit


def _reads_any(selection_set: SelectionSetNode, fragments: dict, names: frozenset[str]) -> bool:
    """Whether a root selection set reads any of ``names`` (through fragments too)."""
    stack, seen = [selection_set], set()
    while stack:
        for sel in stack.pop().selections:
            if isinstance(sel, FieldNode):
                if sel.name.value in names:
                    return True
            elif isinstance(sel, InlineFragmentNode):
                stack.append(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen and sel.name.value in fragments:
                seen.add(sel.name.value)
                stack.append(fragments[sel.name.value].selection_set)
    return False


# ---------------------------------------------------------------------------
# hiding "Did you mean ...?" suggestions (production)
# ---------------------------------------------------------------------------

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


@cache
def _quiet_validate(maxsize: int | None) -> Callable[..., list[GraphQLError]]:
    def validate_without_suggestions(schema: Any, document: Any, rules: tuple) -> list[GraphQLError]:
        # Same as strawberry.schema.schema.validate_document, plus hide_suggestions
        # (graphql-core 3.3), which also skips computing the suggestions.
        return validate(
            schema,
            document,
            (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
            hide_suggestions=True,
        )

    return lru_cache(maxsize=maxsize)(validate_without_suggestions)


class HideSuggestionsValidationCache(ValidationCache):
    """ValidationCache whose validation runs with graphql-core's ``hide_suggestions``."""

    def __init__(self, maxsize: int | None = CACHE_SIZE) -> None:
        super().__init__(maxsize)
        self.cached_validate_document = _quiet_validate(maxsize)


class StripSuggestions(SchemaExtension):
    """Remove any remaining "Did you mean ...?" from error messages in the result.

    Covers what validation cannot: e.g. variable values coerced at execution
    time ("Value 'X' does not exist in 'Role' enum. Did you mean ...?").
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = list(getattr(result, "errors", None) or ())
        errors += self.execution_context.pre_execution_errors or ()
        for error in errors:
            if "Did you mean" in error.message:
                error.message = _SUGGESTION.sub("", error.message)


# ---------------------------------------------------------------------------
# assembly
# ---------------------------------------------------------------------------


class GuardrailRules(AddValidationRules):
    """AddValidationRules with a fixed tuple of rule classes (see module docstring)."""


def build_extensions(
    *,
    production: bool,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 4000,
    max_cost: int = 50000,
    list_bounds: bool = False,
    public_max_cost: int = PUBLIC_MAX_COST,
    public_root_fields: frozenset[str] | None = None,
) -> list:
    """Extensions (classes / factories) for ``strawberry.Schema(extensions=...)``.

    Always: MaxTokensLimiter, ParserCache, ValidationCache, and the depth, alias
    and cost rules (through AddValidationRules); the tighter cost limit of anonymous
    operations reading the public boards (``public_root_fields``, by default
    schema.auth.PUBLIC_BOARD_FIELDS).  Production also: introspection
    disabled (``__schema``/``__type``; ``__typename`` stays allowed) and no
    "Did you mean ...?" suggestions in error messages.
    """
    rules: list[type[ValidationRule]] = [
        depth_limit_rule(max_depth),
        alias_limit_rule(max_aliases),
        cost_limit_rule(max_cost, list_bounds),
    ]
    if production:
        rules.append(NoSchemaIntrospectionCustomRule)

    validation_cache = HideSuggestionsValidationCache if production else ValidationCache
    extensions: list = [
        # sets parse_options["max_tokens"] in on_operation, before ParserCache parses
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(ParserCache, maxsize=CACHE_SIZE),
        partial(GuardrailRules, rules),
        partial(validation_cache, maxsize=CACHE_SIZE),
    ]
    if public_root_fields is None:
        from schema.auth import PUBLIC_BOARD_FIELDS

        public_root_fields = PUBLIC_BOARD_FIELDS
    if public_root_fields:
        extensions.append(public_cost_limit(public_max_cost, frozenset(public_root_fields)))
    if production:
        extensions.append(StripSuggestions)
    return extensions
