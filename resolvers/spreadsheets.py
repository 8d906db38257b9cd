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
  ``params`` (worded by the catalogue) and the ``columns`` concerned). Required
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

from policy.tree_import import COLUMNS

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

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .et


class ImportFileError(ValueError):
    """The file as a whole cannot be read as a tree import."""

    def __init__(self, code: str, wording: str | None = None, columns: Iterable[str] = (), **params: object) -> None:
        super().__init__(code)
        self.code = code  # the code the client sees
        self.wording = wording  # the catalogue entry wording it, when not the code itself
        self.params = params  # the message's parameters
        self.columns: tuple[str, ...] = tuple(columns)

    @property
    def entry(self) -> str:
        return self.wording or self.code


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
    raise ImportFileError("UNREADABLE")


def too_many_rows() -> ImportFileError:
    return ImportFileError("TOO_MANY_ROWS", max=MAX_ROWS)


def too_many_columns(column: int) -> ImportFileError:
    return ImportFileError("TOO_MANY_COLUMNS", position=column, max=MAX_COLUMNS)


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
        raise ImportFileError("UNREADABLE", "IMPORT_CSV_MALFORMED", reason=str(exc)) from exc
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
                    raise ImportFileError("EMPTY_FILE", "IMPORT_NO_WORKSHEET")
                sheet = workbook.worksheets[0]  # read-only: streamed, dimensions ignored
                for number, values in _sheet_rows(sheet):
                    rows.append((number, [_text(value) for value in values]))
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, XML errors, …
        raise ImportFileError("UNREADABLE", "IMPORT_XLSX_UNREADABLE", exception=type(exc).__name__) from exc
    return iter(rows)


def _unsupported(extension: str) -> ImportFileError:
    # hint: save it again from Excel (legacy Excel, or no extension), or which formats are supported
    hint = "SAVE_AS" if extension in ("xls", "et") or not extension else "SUPPORTED"
    return ImportFileError("UNSUPPORTED_FORMAT", extension=extension, hint=hint)


def _empty() -> ImportFileError:
    return ImportFileError("EMPTY_FILE")


def read_rows(
    filename: str, content: bytes, *, synonyms: dict[str, str] | None = None,
    required: tuple[str, ...] = REQUIRED_COLUMNS, columns: tuple[str, ...] = COLUMNS,
) -> list[tuple[int, dict[str, str]]]:
    """Read an uploaded CSV / XLSX file into (row number, {column key: text}) rows.

    Raises ``ImportFileError`` for anything that concerns the whole file. The tree import's
    columns unless another import passes its own ``synonyms`` (header → key), ``required`` keys
    and ``columns`` (every key a row gets).
    """
    synonyms = HEADER_SYNONYMS if synonyms is None else synonyms
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
        key = synonyms.get(normalised)
        if key is None:
            unknown.append(title)
        elif key in positions:
            duplicate.append(title)
        else:
            positions[key] = index

    missing = [key for key in required if key not in positions]
    if missing:
        raise ImportFileError("MISSING_COLUMN", None, missing, missing=missing, unknown=unknown)
    if unknown:
        raise ImportFileError("UNKNOWN_COLUMN", None, unknown, unknown=unknown)
    if duplicate:
        raise ImportFileError("DUPLICATE_COLUMN", None, duplicate, duplicate=duplicate)

    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in table:
        values = {
            key: cells[positions[key]] if key in positions and positions[key] < len(cells) else ""
            for key in columns
        }
        if any(values.values()):  # a row with only a 序号 / 备注 counts as blank
            rows.append((number, values))
    if not rows:
        raise _empty()
    return rows
