"""Query guardrails: depth, aliases, tokens, cost, introspection, suggestions."""

from __future__ import annotations

import enum
import time

import pytest
import strawberry
from graphql import parse
from strawberry.extensions.validation_cache import _get_validate_cache

from schema.guardrails import (
    CACHE_SIZE,
    _quiet_validate,
    build_extensions,
    cost_limit_rule,
    query_cost,
    query_stats,
)


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@strawberry.type
class Node:
    id: int
    name: str

    @strawberry.field
    def children(self, first: int | None = None, last: int | None = None) -> list[Node]:
        n = min([2, *(x for x in (first, last) if x is not None)])
        return [Node(id=self.id + i + 1, name=f"n{self.id + i + 1}") for i in range(n)]


@strawberry.type
class Query:
    @strawberry.field
    def root(self) -> Node:
        return Node(id=1, name="root")

    @strawberry.field
    def paint(self, colour: Colour) -> str:
        return colour.value


def make_schema(*, production: bool, **limits: int) -> strawberry.Schema:
    return strawberry.Schema(query=Query, extensions=build_extensions(production=production, **limits))


@pytest.fixture(params=[False, True], ids=["dev", "prod"])
def schema(request: pytest.FixtureRequest) -> strawberry.Schema:
    return make_schema(production=request.param)


def nested(levels: int) -> str:
    return "{ root " + "{ children " * levels + "{ id }" + " }" * levels + " }"


def messages(result) -> list[str]:
    return [e.message for e in result.errors or ()]


# --- normal queries --------------------------------------------------------


async def test_normal_query_passes(schema: strawberry.Schema) -> None:
    result = await schema.execute(
        """
        query Tree($n: Int) {
          root { id name a: children(first: 2) { id ...More } b: children(first: $n) { id } }
        }
        fragment More on Node { name children { id __typename } }
        """,
        variable_values={"n": 1},
    )
    assert result.errors is None
    assert result.data["root"]["id"] == 1
    assert [c["id"] for c in result.data["root"]["a"]] == [2, 3]
    assert result.data["root"]["b"] == [{"id": 2}]


def test_sync_execution_works_too(schema: strawberry.Schema) -> None:
    result = schema.execute_sync("{ root { id } }")
    assert result.errors is None
    assert result.data == {"root": {"id": 1}}


# --- depth -------------------------------------------------------------------


async def test_max_depth_is_allowed(schema: strawberry.Schema) -> None:
    # root + 11 children = 12 levels of fields with a sub-selection
    result = await schema.execute(nested(11))
    assert result.errors is None


async def test_too_deep_is_refused(schema: strawberry.Schema) -> None:
    result = await schema.execute(nested(12))
    assert result.data is None
    assert messages(result) == ["'anonymous' exceeds maximum operation depth of 12"]
    assert result.errors[0].extensions == {"code": "QUERY_TOO_DEEP", "depth": 13, "limit": 12}


async def test_depth_counts_through_fragments() -> None:
    schema = make_schema(production=False, max_depth=3)
    query = """
        query Deep { root { ...A } }
        fragment A on Node { children { ... on Node { ...B } } }
        fragment B on Node { children { children { id } } }
    """
    result = await schema.execute(query)
    assert messages(result) == ["'Deep' exceeds maximum operation depth of 3"]


# --- aliases -------------------------------------------------------------------


async def test_too_many_aliases_is_refused(schema: strawberry.Schema) -> None:
    fields = " ".join(f"a{i}: id" for i in range(31))
    result = await schema.execute(f"{{ root {{ {fields} }} }}")
    assert result.data is None
    assert messages(result) == ["31 aliases found. Allowed: 30"]


async def test_aliases_in_fragments_count_once_per_spread(schema: strawberry.Schema) -> None:
    fields = " ".join(f"a{i}: id" for i in range(10))
    query = f"{{ root {{ ...F x: children {{ ...F }} y: children {{ ...F }} }} }} fragment F on Node {{ {fields} }}"
    result = await schema.execute(query)
    assert messages(result) == ["32 aliases found. Allowed: 30"]


async def test_thirty_aliases_pass(schema: strawberry.Schema) -> None:
    fields = " ".join(f"a{i}: id" for i in range(30))
    result = await schema.execute(f"{{ root {{ {fields} }} }}")
    assert result.errors is None


# --- tokens ------------------------------------------------------------------


async def test_too_many_tokens_is_refused() -> None:
    schema = make_schema(production=False, max_tokens=50)
    result = await schema.execute("{ root { " + "id " * 60 + "} }")
    assert result.data is None
    assert messages(result) == ["Syntax Error: Document contains more than 50 tokens. Parsing aborted."]


# --- cost --------------------------------------------------------------------


async def test_cost_over_the_limit_is_refused(schema: strawberry.Schema) -> None:
    query = "{ root { children(first: 100) { children(first: 100) { children(first: 100) { id } } } } }"
    # root 1 + children 1 + 100 * (1 + 100 * (1 + 100 * 1))
    expected = 1 + 1 + 100 * (1 + 100 * (1 + 100))
    result = await schema.execute(query)
    assert result.data is None
    assert messages(result) == [f"query cost {expected} exceeds the limit 50000"]
    assert result.errors[0].extensions == {
        "code": "QUERY_TOO_COSTLY",
        "cost": expected,
        "limit": 50000,
    }


async def test_cost_variables_count_as_the_cap() -> None:
    schema = make_schema(production=False, max_cost=10_000)
    query = "query Q($n: Int) { root { children(first: $n) { children(last: $n) { id } } } }"
    # variables are unknown during validation: assume 100 each
    expected = 1 + 1 + 100 * (1 + 100 * 1)
    result = await schema.execute(query, variable_values={"n": 1})
    assert messages(result) == [f"query cost {expected} exceeds the limit 10000"]
    assert result.errors[0].extensions["cost"] == expected


async def test_cost_literals_are_capped_at_100() -> None:
    schema = make_schema(production=False, max_cost=10_102)
    result = await schema.execute("{ root { children(first: 5000) { children(first: 1000) { id } } } }")
    assert result.errors is None  # cost 1 + 1 + 100 * (1 + 100) == 10102


def test_cost_expands_fragments() -> None:
    document = parse(
        """
        query { root { ...Kids inline: children(first: 3) { ... on Node { id name } } } }
        fragment Kids on Node { children(first: 10) { ...Leaf } }
        fragment Leaf on Node { id name }
        """
    )
    fragments = {d.name.value: d for d in document.definitions[1:]}
    operation = document.definitions[0]
    # root: 1 + [Kids: 1 + 10 * 2] + [inline: 1 + 3 * 2]
    assert query_cost(operation.selection_set, fragments.get) == 1 + 21 + 7


def test_analysis_is_linear_for_nested_fragment_spreads() -> None:
    # 40 fragments, each spreading the next 10 times: naive expansion visits 10**40 nodes
    parts = ["query { root { ...F0 } }"]
    for i in range(40):
        body = " ".join([f"...F{i + 1}"] * 10) if i < 39 else "a: id"
        parts.append(f"fragment F{i} on Node {{ {body} }}")
    document = parse("\n".join(parts))
    fragments = {d.name.value: d for d in document.definitions[1:]}
    started = time.perf_counter()
    stats = query_stats(document.definitions[0].selection_set, fragments.get)
    assert time.perf_counter() - started < 1
    assert stats.aliases == 10**39
    assert stats.cost == 1 + 10**39


async def test_fragment_cycles_do_not_hang(schema: strawberry.Schema) -> None:
    result = await schema.execute(
        "{ root { ...A } } fragment A on Node { children { ...B } } fragment B on Node { children { ...A } }"
    )
    assert result.data is None
    assert any("Cannot spread fragment" in m for m in messages(result))


def test_cost_rule_class_is_reused_per_limit() -> None:
    assert cost_limit_rule(123) is cost_limit_rule(123)
    assert cost_limit_rule(123).max_cost == 123


# --- introspection and suggestions ----------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_production_refuses_introspection() -> None:
    schema = make_schema(production=True)
    for query in (INTROSPECTION, '{ __type(name: "Node") { name } }'):
        result = await schema.execute(query)
        assert result.data is None
        assert "introspection has been disabled" in messages(result)[0]
    # __typename is not introspection of the schema
    result = await schema.execute("{ __typename root { __typename } }")
    assert result.errors is None


async def test_development_allows_introspection() -> None:
    schema = make_schema(production=False)
    result = await schema.execute(INTROSPECTION)
    assert result.errors is None
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_full_introspection_query_fits_the_limits() -> None:
    from graphql import get_introspection_query

    result = await make_schema(production=False).execute(get_introspection_query())
    assert result.errors is None


async def test_suggestions_in_development() -> None:
    result = await make_schema(production=False).execute("{ root { nmae } }")
    assert "Did you mean 'name'?" in messages(result)[0]


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        ("{ root { nmae } }", None, "Cannot query field 'nmae' on type 'Node'."),
        ("{ root { children(frist: 1) { id } } }", None, "Unknown argument 'frist' on field 'Node.children'."),
        ("{ paint(colour: RDE) }", None, "Value 'RDE' does not exist in 'Colour' enum."),
        (
            "query P($c: Colour!) { paint(colour: $c) }",
            {"c": "RDE"},
            "Variable '$c' has invalid value: Value 'RDE' does not exist in 'Colour' enum.",
        ),
    ],
)
async def test_production_gives_no_suggestions(query: str, variables: dict | None, expected: str) -> None:
    schema = make_schema(production=True)
    for _ in range(2):  # second run comes from the validation cache
        result = await schema.execute(query, variable_values=variables)
        assert result.data is None
        assert messages(result) == [expected]
        assert "Did you mean" not in str(result.errors[0].formatted)


# --- caches and construction --------------------------------------------------------


@pytest.mark.parametrize("production", [False, True])
async def test_validation_cache_hits_on_repeated_queries(production: bool) -> None:
    schema = make_schema(production=production)
    cached = _quiet_validate(CACHE_SIZE) if production else _get_validate_cache(CACHE_SIZE)
    query = "query Repeat { root { id name children(first: 3) { id } } }"
    await schema.execute(query)
    hits = cached.cache_info().hits
    await schema.execute(query)
    await schema.execute(query)
    assert cached.cache_info().hits == hits + 2


def test_build_extensions_returns_no_instances() -> None:
    from strawberry.extensions import SchemaExtension

    for production in (False, True):
        extensions = build_extensions(production=production)
        assert all(not isinstance(e, SchemaExtension) for e in extensions)
        assert all(isinstance(e(), SchemaExtension) for e in extensions)
