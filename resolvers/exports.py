"""The payroll for the finance office (docs/policy.md §9, §13): one subdistrict's month as XLSX
(Chinese headers, one sheet per community and a 汇总 summary sheet) or CSV (UTF-8 with a BOM, so
Excel opens it as such).

Who: PAYROLL_EXPORT in the payroll's scope (the finance office's key, the subdistrict, new-town
and district offices); out of scope is the same as missing. Payees' names are shown to the
finance office's key (it pays them) and to callers holding PERSON_PII at the line's community;
anyone else gets them masked ("张**", policy/access.py ``payee_names_visible``).

Money: amounts are ``Decimal`` end to end; every total in the file is added up in ``Decimal`` and
written as such (XLSX: a number with the "0.00" format; CSV: text with two decimals), never as a
float sum or a spreadsheet formula. Text cells that a spreadsheet would read as a formula
(starting with = + - @) are written with a leading apostrophe.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from models.money import Payroll
from models.tree import Node
from policy.access import Capability, payee_names_visible
from policy.budget import mask_name
from policy.money import FEN, LineKind
from resolvers import sql
from resolvers.scope import obtain
from resolvers.viewer import Viewer

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
HEADERS = ("社区", "姓名", "类别", "服务天数", "金额（元）", "备注")
SUMMARY_HEADERS = ("社区", "人次", "金额（元）")
SUMMARY_SHEET = "汇总"
TOTAL_LABEL = "合计"
KIND_LABELS = {
    LineKind.BUILDING_HEAD.value: "楼栋长补贴",
    LineKind.STATION_HEAD.value: "站长补贴",
    LineKind.TOP_UP.value: "重大任务补贴",
    LineKind.EXCELLENCE_BONUS.value: "优秀楼栋长奖励",
    LineKind.ADJUSTMENT.value: "补发/扣减调整",
}
STATUS_LABELS = {"DRAFT": "草稿", "APPROVED": "已审批", "PAID": "已发放"}


@dataclass(frozen=True)
class ExportLine:
    community_id: int
    community: str
    name: str
    kind: str
    days: int
    amount: Decimal
    note: str


@dataclass
class CommunityTotal:
    community_id: int
    community: str
    community_kind: str | None = None
    lines: list[ExportLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00")).quantize(FEN)


@dataclass
class PayrollExport:
    payroll_id: int
    subdistrict: str
    month: str  # "2026-11"
    status: str
    communities: list[CommunityTotal]
    names_masked: bool

    @property
    def total(self) -> Decimal:
        return sum((c.total for c in self.communities), Decimal("0.00")).quantize(FEN)

    @property
    def line_count(self) -> int:
        return sum(len(c.lines) for c in self.communities)

    def file_name(self, fmt: str) -> str:
        return f"{self.subdistrict}{self.month}补贴发放表.{fmt}"

    def ascii_file_name(self, fmt: str) -> str:
        return f"payroll-{self.month}-{self.payroll_id}.{fmt}"


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    ascii_file_name: str
    content_type: str
    content: bytes
    export: PayrollExport


_LINES_SQL = (
    "SELECT l.community_id, c.name AS community, c.kind AS community_kind, l.path, l.kind, l.days, l.amount, l.note, "
    "p.name FROM payroll_line l LEFT JOIN node c ON c.id = l.community_id LEFT JOIN person p ON p.id = l.person_id "
    "WHERE l.payroll_id = $1 ORDER BY c.path, l.community_id, l.kind, p.name, l.id"
)


async def payroll_export(caller: Viewer, payroll_id: int) -> PayrollExport:
    """The payroll's lines by community, names shown or masked for the caller (two statements
    after the access check)."""
    payroll = await obtain(caller, Payroll, payroll_id, Capability.PAYROLL_EXPORT)
    sub = await Node.get(id=payroll.subdistrict_id)
    rows = await sql.fetch(_LINES_SQL, payroll.id)
    by_community: dict[int, CommunityTotal] = {}
    masked = False
    for r in rows:
        shown = caller.system or payee_names_visible(caller.grants, r["path"])
        masked = masked or not shown
        name = r["name"] or ""
        line = ExportLine(r["community_id"], r["community"] or str(r["community_id"]), name if shown else mask_name(name),
                          r["kind"], int(r["days"] or 0), Decimal(str(r["amount"])).quantize(FEN), r["note"] or "")
        group = by_community.setdefault(line.community_id, CommunityTotal(line.community_id, line.community,
                                                                                  r["community_kind"]))
        group.lines.append(line)
    status = getattr(payroll.status, "value", payroll.status)
    return PayrollExport(payroll.id, sub.name, sql.as_date(payroll.month).strftime("%Y-%m"), status,
                         list(by_community.values()), masked)


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _sheet_title(name: str, taken: set[str]) -> str:
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:31] or "社区"
    title, n = base, 2
    while title in taken or title == SUMMARY_SHEET:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def to_xlsx(export: PayrollExport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    bold = Font(bold=True)
    summary.append([f"{export.subdistrict} {export.month} 补贴发放表（{STATUS_LABELS.get(export.status, export.status)}）"])
    summary.append(list(SUMMARY_HEADERS))
    for cell in summary[2]:
        cell.font = bold
    taken: set[str] = set()
    for group in export.communities:
        summary.append([_safe(group.community), len(group.lines), group.total])
        ws = wb.create_sheet(_sheet_title(group.community, taken))
        ws.append(list(HEADERS))
        for cell in ws[1]:
            cell.font = bold
        for line in group.lines:
            ws.append([_safe(line.community), _safe(line.name), KIND_LABELS.get(line.kind, line.kind), line.days,
                       line.amount, _safe(line.note)])
        ws.append([TOTAL_LABEL, None, None, None, group.total, None])
        ws.cell(ws.max_row, 1).font = bold
        for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
            row[0].number_format = "0.00"
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 12
        ws.column_dimensions["C"].width = 16
        ws.column_dimensions["F"].width = 30
    summary.append([TOTAL_LABEL, export.line_count, export.total])
    summary.cell(summary.max_row, 1).font = bold
    for row in summary.iter_rows(min_row=3, min_col=3, max_col=3):
        row[0].number_format = "0.00"
    summary.column_dimensions["A"].width = 20
    summary.column_dimensions["C"].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(export: PayrollExport) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADERS)
    for group in export.communities:
        for line in group.lines:
            w.writerow([_safe(line.community), _safe(line.name), KIND_LABELS.get(line.kind, line.kind), line.days,
                        f"{line.amount:.2f}", _safe(line.note)])
    w.writerow([TOTAL_LABEL, "", "", "", f"{export.total:.2f}", ""])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


async def payroll_file(caller: Viewer, payroll_id: int, fmt: str) -> ExportFile:
    """The payroll as a file in ``fmt`` ("xlsx" or "csv")."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    export = await payroll_export(caller, payroll_id)
    content = to_xlsx(export) if fmt == XLSX else to_csv(export)
    return ExportFile(export.file_name(fmt), export.ascii_file_name(fmt), CONTENT_TYPES[fmt], content, export)
