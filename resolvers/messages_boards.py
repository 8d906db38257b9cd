"""Message catalogue of the boards domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ONE_CONTACT_HOLDER": ("请指定楼栋长任期或站长聘任中的一个（只能指定一个）",
                           "give either a building head's term or a station head's appointment (exactly one)"),
}
