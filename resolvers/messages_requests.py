"""Message catalogue of the requests domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "CHANNEL_NOT_ALLOWED": ("12345工单只能由热线接口报送", "12345 work orders come in through the hotline intake only"),
    "NOT_A_BUILDING": ("诉求和突发事件只能登记在楼栋或村民小组", "requests and incidents are recorded at a building or a village group"),
    "RESOLUTION_REQUIRED": ("办结诉求须填写办理结果", "a resolution is required to resolve a request"),
    "SATISFACTION_OUT_OF_RANGE": ("满意度须在{min}到{max}之间，收到的是{value}",
                                  "satisfaction must be between {min} and {max}, got {value}"),
    "SATISFACTION_BEFORE_RESOLVED": ("诉求办结后才能登记满意度", "satisfaction is recorded only once the request is resolved"),
    "NOT_A_DISPUTE": ("只有矛盾纠纷才有调解结果", "only a dispute has a mediation outcome"),
    "WORK_ORDER_UNKNOWN_BUILDING": ("找不到楼栋“{ref}”，或它不在本热线的受理范围内",
                                    "building {ref!r} not found, or not within the area this key takes work orders for"),
    "TICKET_TAKEN": ("工单编号{ticket}已被使用", "ticket number {ticket} is already used"),
    "NOT_AT_LEVEL": ("该事件当前在{level}层级，您无权在该层级确认", "the incident is at level {level}, where you may not acknowledge it"),
    "ALREADY_ACKNOWLEDGED": ("该层级已确认", "this level has already acknowledged the incident"),
}
