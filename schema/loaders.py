"""Per-request DataLoaders over the set-based batch loads of resolvers/batches.py: the number of SQL
statements of a query grows with its depth, not with its nodes. Never shared between requests."""
from __future__ import annotations

from strawberry.dataloader import DataLoader

from resolvers.batches import Batches
from resolvers.viewer import Viewer


class Loaders:
    """Created afresh for every request (a loader shared across requests leaks data)."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.batches = b = Batches(viewer)
        self.node = DataLoader(b.nodes)
        self.children = DataLoader(b.children, cache_key_fn=lambda n: n.id)
        self.rollup = DataLoader(b.rollups, cache_key_fn=lambda n: n.id)
        self.workstation_by_compound = DataLoader(b.workstations)
        self.station_head = DataLoader(b.station_heads)
        self.person = DataLoader(b.people)
        self.person_places = DataLoader(b.person_places)
        self.areas_by_container = DataLoader(b.areas)
        self.area = DataLoader(b.area_by_id)
        self.active_terms_by_area = DataLoader(b.terms_by_area)
        self.terms_by_person = DataLoader(b.terms_by_person)
        self.staff_roles_by_person = DataLoader(b.staff_roles)
        self.appointments_by_person = DataLoader(b.appointments_by_person)
        self.chain_changes = DataLoader(b.chain_changes)
        self.campaign = DataLoader(b.campaigns)
        self.area_rollup = DataLoader(b.area_rollups)
