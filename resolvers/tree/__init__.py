"""Operations on the governance tree (docs/policy.md §3), free of GraphQL: each takes the caller
and plain arguments (primary keys, values) and returns models or rows.

- ``nodes``: create, update, move, close a node; switch a community's or village's chain;
  ``create_node`` inserts one node (rules already checked: the demo and the tests build with it).
- ``areas``: create, update, close a service area.
- ``imports``: import part of a tree from a CSV or XLSX register.
- ``queries``: the caller's scope roots, districts, a search of the tree.
"""
from __future__ import annotations

from resolvers.tree.areas import close_service_area, create_service_area, update_service_area
from resolvers.tree.imports import MAX_IMPORT_BYTES, ImportResult, import_tree
from resolvers.tree.nodes import (
    KIND_ZH, PATH_MODELS, change_chain, close_tree_node, create_node, create_tree_node, move_tree_node, row_of,
    update_tree_node,
)
from resolvers.tree.queries import districts, scope_roots, tree_nodes

__all__ = [
    "KIND_ZH", "MAX_IMPORT_BYTES", "PATH_MODELS", "ImportResult",
    "change_chain", "close_service_area", "close_tree_node", "create_node", "create_service_area", "create_tree_node",
    "districts", "import_tree", "move_tree_node", "row_of", "scope_roots", "tree_nodes",
    "update_service_area", "update_tree_node",
]
