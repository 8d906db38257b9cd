"""Message catalogue of the meetings domain (merged into resolvers/messages.py CATALOG): code → (zh, en)."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "MEETING_EXISTS": ("本周（{week_of}起）的该类例会已经登记（{held_on}召开），请修改该例会",
                       "this week's (from {week_of}) meeting of that kind is already recorded (held on {held_on}): "
                       "update it instead"),
    "MEETING_EXISTS_RACED": ("本周的该类例会刚刚已由他人登记，请刷新后修改该例会",
                             "this week's meeting of that kind was just recorded by someone else: reload and update it"),
    "MEETING_OTHER_WEEK": ("召开日期须在该例会所在的周内（{week_of}起）",
                           "the meeting is held within its week (from {week_of})"),
    "MEETING_ATTENDANCE_RECORDED": ("已登记考勤的例会不能改动召开日期",
                                    "the date of a meeting whose attendance is recorded cannot change"),
    "ATTENDEE_NOT_EXPECTED": ("第{number}项：该人员不是本次例会的应到人员（站长、在任楼栋长或受邀民警）",
                              "entry #{number}: not expected at this meeting (the station head, a serving building "
                              "head or the invited police officer)"),
    "ATTENDEE_REPEATED": ("第{number}项：该人员在本次登记中重复出现", "entry #{number}: the person is listed twice"),
    "LEAVE_REASON_REQUIRED": ("第{number}项：请假缺席须填写请假事由", "entry #{number}: an excused absence needs the leave reason"),
    "ATTENDANCE_RACED": ("该例会的考勤刚刚已由他人修改，请刷新后重新提交",
                         "the meeting's attendance was just changed by someone else: reload and submit again"),
    "ABSENCE_ACTION_RACED": ("缺席处理刚刚已由另一次登记完成，请刷新后核对",
                             "another recording has just acted on these absences: reload and check"),
    "CONCERN_NOT_WORKSTATION_MEETING": ("居民诉求事项在工作站例会上研究，不能登记在楼栋长例会上",
                                        "concerns are taken up at a workstation meeting, not a building heads' meeting"),
    "CONCERN_NOT_RESOLVED": ("只有已解决的事项才有解决日期", "only a resolved concern has a resolution date"),
}
