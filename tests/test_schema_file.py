"""The committed schema.graphql is the schema the code builds."""
from __future__ import annotations

from pathlib import Path

from schema.schema import sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == sdl(), "run `make schema` and commit schema.graphql"


def test_schema_follows_the_api_conventions() -> None:
    text = sdl()
    # Relay: a Node interface, node(id:) and cursor connections
    assert "interface Node" in text and "node(id: ID!): Node" in text
    assert "type PageInfo" in text and "type CompoundConnection" in text
    # every mutation payload carries typed errors with code, field and message
    for payload in ("TreeNodePayload", "PersonPayload", "StationHeadAppointmentPayload", "TreeImportPayload"):
        block = text.split(f"type {payload} {{", 1)[1].split("}", 1)[0]
        assert "errors: [" in block, payload
    assert "enum TreeErrorCode" in text and "enum WorkstationErrorCode" in text
