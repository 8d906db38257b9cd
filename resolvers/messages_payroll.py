"""Message catalogue of the payroll domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
}
