"""Reading a tree-import file (CSV or XLSX) into rows of text.

The format itself (columns, kinds, rules) is documented in ``policy.tree_import``;
this module only turns the uploaded bytes into
``[(row number, {column key: cell text})]`` for ``policy.tree_import.validate_rows``.

- First non-blank row = headers (normally row 1). Headers are matched after
  dropping whitespace, a ``*`` required-marker and a trailing bracketed remark
  (``户数（户）``), against ``HEADER_SYNONYMS``: 编码 (编号, 代码, code),
  类型 (层级, 级别, kind), 名称 (name), 上级编码 (上级, 上级编号, 上级代码,
  parent_code), 户数 (住户数, households), 地址 (详细地址, address).
  序号 and 备注 columns and columns with a blank header are ignored.
- File-level problems raise ``ImportFileError`` (``code`` ∈ UNSUPPORTED_FORMAT,
  UNREADABLE, EMPTY_FILE, MISSING_COLUMN, UNKNOWN_COLUMN, DUPLICATE_COLUMN; with
  ``message_zh`` / ``message_en`` and the ``columns`` concerned). Required
  columns: 编码, 类型, 名称, 上级编码; 户数 and 地址 may be absent.
- Cell text has surrounding whitespace removed; entirely blank rows are skipped;
  every returned dict has all six keys (``""`` for a blank or absent cell).
- Row numbers are those Excel shows (header = row 1, blank rows counted; a CSV
  record with a quoted line break is one row).
- CSV: UTF-8 with or without BOM, else GB18030 (what Excel on Chinese Windows
  saves), UTF-16 when it has a BOM; comma-separated (tab-separated if the header
  line has tabs and no comma).
- XLSX (also .xlsm): first worksheet, cached values (``data_only``: formulas give
  the value Excel last computed); whole-number floats such as ``120.0`` become
  ``"120"``. A legacy .xls file is refused with a hint to save it as .xlsx.
- Bounds (both formats): at most ``MAX_ROWS`` rows (blank rows and the header
  count) and ``MAX_COLUMNS`` columns. Reading stops at the first row past the
  bound (``TOO_MANY_ROWS``) or the first non-blank cell past the last column
  (``TOO_MANY_COLUMNS``); an XLSX file is read as a stream, row by row, and its
  cells are never expanded beyond ``MAX_COLUMNS``, so a small file that claims a
  cell in column XFD or a row 1,000,000 costs no more than its bytes.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Iterable, Iterator

from policy.tree_import import COLUMN_LABELS, COLUMNS

Table = Iterator[tuple[int, list[str]]]

#: Largest import: rows (header and blank rows included) and columns read from a file.
MAX_ROWS = 20_000
MAX_COLUMNS = 50

REQUIRED_COLUMNS: tuple[str, ...] = ("code", "kind", "name", "parent_code")

HEADER_SYNONYMS: dict[str, str] = {
    # code
    "编码": "code", "编号": "code", "代码": "code", "节点编码": "code", "code": "code",
    # kind
    "类型": "kind", "层级": "kind", "级别": "kind", "节点类型": "kind", "kind": "kind", "type": "kind",
    # name
    "名称": "name", "名字": "name", "节点名称": "name", "name": "name",
    # parent code
    "上级编码": "parent_code", "上级": "parent_code", "上级编号": "parent_code",
    "上级代码": "parent_code", "上级节点编码": "parent_code", "parent_code": "parent_code",
    "parentcode": "parent_code", "parent": "parent_code",
    # households
    "户数": "households", "住户数": "households", "住户数量": "households", "户数量": "households",
    "households": "households",
    # address
    "地址": "address", "详细地址": "address", "address": "address",
}
IGNORED_HEADERS = frozenset({"序号", "备注", "说明", "no", "no.", "#"})

_SUPPORTED = "CSV (.csv) / Excel (.xlsx)"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .et


class ImportFileError(ValueError):
    """The file as a whole cannot be read as a tree import."""

    def __init__(self, code: str, message_zh: str, message_en: str, columns: Iterable[str] = ()) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.columns: tuple[str, ...] = tuple(columns)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    else:
        text = str(value)
    return text.strip().strip("\ufeff\u200b").strip()


def _header_key(header: str) -> str:
    text = re.sub(r"\s+", "", header).strip("*＊")
    text = re.sub(r"[（(][^（）()]*[）)]$", "", text).strip("*＊")
    return text.lower().replace("-", "_")


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise ImportFileError(
        "UNREADABLE",
        "无法识别文件编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重试",
        "the text encoding is not recognised; save the file as 'CSV UTF-8 (comma delimited)' or .xlsx",
    )


def too_many_rows() -> ImportFileError:
    return ImportFileError(
        "TOO_MANY_ROWS",
        f"文件超过{MAX_ROWS}行的上限（空行也计入），请拆分后分批导入",
        f"the file has more than {MAX_ROWS} rows (blank rows count); split it and import the parts",
    )


def too_many_columns(column: int) -> ImportFileError:
    return ImportFileError(
        "TOO_MANY_COLUMNS",
        f"第{column}列有内容，超过{MAX_COLUMNS}列的上限，请删除多余的列",
        f"column {column} has content, beyond the limit of {MAX_COLUMNS} columns; delete the extra columns",
    )


def _bounded(cells: list[str]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        for index in range(MAX_COLUMNS, len(cells)):
            if cells[index]:
                raise too_many_columns(index + 1)
        del cells[MAX_COLUMNS:]
    return cells


def _csv_table(content: bytes) -> Table:
    text = _decode(content)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_ROWS:
                raise too_many_rows()
            rows.append((number, _bounded([_text(cell) for cell in record])))
    except csv.Error as exc:
        raise ImportFileError(
            "UNREADABLE", f"CSV 文件格式错误：{exc}", f"the CSV file is malformed: {exc}"
        ) from exc
    return iter(rows)


def _sheet_rows(sheet) -> Iterator[tuple[int, list[object]]]:
    """Stream a read-only worksheet: (row number, values of columns 1..MAX_COLUMNS), missing
    rows filled in, stopping at the first row past MAX_ROWS or non-blank cell past MAX_COLUMNS.
    (openpyxl's own ``iter_rows`` pads every row to the widest column it meets and silently
    drops what lies past ``max_col``; this reads the same XML stream with explicit bounds.)"""
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = sheet.parent
    expected = 1
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number > MAX_ROWS:
                raise too_many_rows()
            while expected < number:  # rows the file leaves out are blank
                yield expected, []
                expected += 1
            values: list[object] = []
            for cell in cells:
                column, value = cell["column"], cell["value"]
                if column > MAX_COLUMNS:
                    if value is not None and _text(value):
                        raise too_many_columns(column)
                    continue
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
            yield number, values
            expected = number + 1


def _xlsx_table(content: bytes) -> Table:
    from openpyxl import load_workbook

    rows: list[tuple[int, list[str]]] = []
    try:
        with warnings.catch_warnings():
            # e.g. "Workbook contains no default style" / unsupported extensions: harmless here.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise ImportFileError("EMPTY_FILE", "工作簿中没有工作表", "the workbook has no worksheet")
                sheet = workbook.worksheets[0]  # read-only: streamed, dimensions ignored
                for number, values in _sheet_rows(sheet):
                    rows.append((number, [_text(value) for value in values]))
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, XML errors, …
        raise ImportFileError(
            "UNREADABLE",
            "无法读取该 Excel 文件，请确认文件未损坏并另存为 .xlsx 后重试",
            f"the Excel file cannot be read ({type(exc).__name__}); check it and save it again as .xlsx",
        ) from exc
    return iter(rows)


def _unsupported(extension: str) -> ImportFileError:
    shown = f".{extension}" if extension else "（无扩展名）"
    shown_en = f".{extension}" if extension else "(no extension)"
    if extension in ("xls", "et") or not extension:
        hint_zh, hint_en = "请在 Excel 中另存为 .xlsx 或 CSV", "save it from Excel as .xlsx or CSV"
    else:
        hint_zh, hint_en = f"仅支持 {_SUPPORTED}", f"only {_SUPPORTED} are supported"
    return ImportFileError(
        "UNSUPPORTED_FORMAT",
        f"不支持的文件格式 {shown}，{hint_zh}",
        f"unsupported file format {shown_en}: {hint_en}",
    )


def _empty() -> ImportFileError:
    return ImportFileError("EMPTY_FILE", "文件中没有数据行", "the file has no data rows")


def read_rows(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Read an uploaded CSV / XLSX file into (row number, {column key: text}) rows.

    Raises ``ImportFileError`` for anything that concerns the whole file.
    """
    base = re.split(r"[\\/]", filename)[-1]
    extension = base.rsplit(".", 1)[1].strip().lower() if "." in base else ""
    if extension not in ("csv", "xlsx", "xlsm"):
        raise _unsupported(extension)
    if not content.strip():
        raise _empty()
    if content.startswith(_OLE_MAGIC):
        raise _unsupported("xls")
    table = _xlsx_table(content) if content.startswith(_ZIP_MAGIC) else _csv_table(content)

    header: list[str] | None = None
    for _number, cells in table:
        if any(cells):
            header = cells
            break
    if header is None:
        raise _empty()

    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicate: list[str] = []
    for index, title in enumerate(header):
        if not title:
            continue
        normalised = _header_key(title)
        if normalised in IGNORED_HEADERS:
            continue
        key = HEADER_SYNONYMS.get(normalised)
        if key is None:
            unknown.append(title)
        elif key in positions:
            duplicate.append(title)
        else:
            positions[key] = index

    missing = [key for key in REQUIRED_COLUMNS if key not in positions]
    known_zh = "、".join(COLUMN_LABELS[key] for key in COLUMNS)
    if missing:
        labels = [COLUMN_LABELS[key] for key in missing]
        extra_zh = f"；无法识别的列：{'、'.join(unknown)}" if unknown else ""
        extra_en = f"; unrecognised columns: {', '.join(unknown)}" if unknown else ""
        raise ImportFileError(
            "MISSING_COLUMN",
            f"缺少必需的列：{'、'.join(labels)}{extra_zh}（第一行应为列名：{known_zh}）",
            f"missing required columns: {', '.join(f'{COLUMN_LABELS[k]} ({k})' for k in missing)}{extra_en} "
            "(the first row must hold the column headers)",
            missing,
        )
    if unknown:
        raise ImportFileError(
            "UNKNOWN_COLUMN",
            f"无法识别的列：{'、'.join(unknown)}（可用的列：{known_zh}；序号、备注列会被忽略）",
            f"unrecognised columns: {', '.join(unknown)} (known columns: {known_zh})",
            unknown,
        )
    if duplicate:
        raise ImportFileError(
            "DUPLICATE_COLUMN",
            f"列重复：{'、'.join(duplicate)}",
            f"columns given twice: {', '.join(duplicate)}",
            duplicate,
        )

    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in table:
        values = {
            key: cells[positions[key]] if key in positions and positions[key] < len(cells) else ""
            for key in COLUMNS
        }
        if any(values.values()):  # a row with only a 序号 / 备注 counts as blank
            rows.append((number, values))
    if not rows:
        raise _empty()
    return rows
