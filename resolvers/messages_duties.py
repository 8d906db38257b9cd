"""Message catalogue of the duties domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

_ROW = "第{row}行「{label}」："
_ROW_EN = "Row {row}, column {label} ({column}): "

MESSAGES: dict[str, tuple[str, str]] = {
    "ONE_NODE_ARGUMENT": ("请只给出{names}中的一项", "give exactly one of {names_en}"),
    "NUMBER_OUT_OF_RANGE": ("数值应在{min}到{max}之间", "the number must be from {min} to {max}"),
    "TOO_MANY_ENTRIES": ("一次最多{max}条，本次{count}条", "at most {max} entries at once, got {count}"),
    "DOOR_NUMBER_TAKEN": ("门牌号已被同时登记，请重试", "a door number was registered at the same time; try again"),
    "FINDING_CLOSED": ("该问题已于{closed_on}销号，不能再跟进", "this finding was closed on {closed_on}; it takes no more follow-ups"),
    "BEFORE_INSPECTION": ("跟进日期{on}早于检查日期{inspected_on}", "the follow-up date {on} is before the inspection on {inspected_on}"),
    "ALREADY_ENDED": ("已于{on}移出登记", "already taken off the register on {on}"),
    "NOT_ON_REGISTER": ("{on}时该人员不在登记册上", "the person was not on the register on {on}"),
    # a household register import (resolvers.households.import_households; the payload's code is
    # the ``error`` parameter): where, then what
    "HOUSEHOLD_IMPORT_REQUIRED": (_ROW + "{label}为必填项，不能为空", _ROW_EN + "the {column} is required"),
    "HOUSEHOLD_IMPORT_TOO_LONG": (_ROW + "“{value}”过长", _ROW_EN + "'{value}' is too long"),
    "HOUSEHOLD_IMPORT_BUILDING_NOT_FOUND": (_ROW + "本社区没有名称或编码为“{value}”的楼栋",
                                            _ROW_EN + "the community has no building named or coded '{value}'"),
    "HOUSEHOLD_IMPORT_BUILDING_AMBIGUOUS": (_ROW + "“{value}”对应多个楼栋，请填写楼栋编码或“小区”列",
                                            _ROW_EN + "'{value}' names several buildings; give the building code or the compound column"),
    "HOUSEHOLD_IMPORT_PHONE_INVALID": (_ROW + "电话号码“{value}”格式不正确", _ROW_EN + "'{value}' is not a valid phone number"),
    "HOUSEHOLD_IMPORT_OCCUPANTS_INVALID": (_ROW + "居住人数“{value}”应为0到999之间的整数",
                                           _ROW_EN + "occupants '{value}' is not a whole number from 0 to 999"),
    "HOUSEHOLD_IMPORT_DUPLICATE_DOOR": (_ROW + "门牌号“{value}”与第{earlier}行重复",
                                        _ROW_EN + "the door number '{value}' repeats row {earlier}"),
    # the codes the payload shows for those rows (the same wording)
    "BUILDING_NOT_FOUND": (_ROW + "本社区没有名称或编码为“{value}”的楼栋", _ROW_EN + "the community has no building named or coded '{value}'"),
    "BUILDING_AMBIGUOUS": (_ROW + "“{value}”对应多个楼栋", _ROW_EN + "'{value}' names several buildings"),
    "PHONE_INVALID": (_ROW + "电话号码“{value}”格式不正确", _ROW_EN + "'{value}' is not a valid phone number"),
    "OCCUPANTS_INVALID": (_ROW + "居住人数“{value}”无效", _ROW_EN + "occupants '{value}' is not valid"),
    "DUPLICATE_DOOR": (_ROW + "门牌号“{value}”与第{earlier}行重复", _ROW_EN + "the door number '{value}' repeats row {earlier}"),
}
