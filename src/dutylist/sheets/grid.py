"""A spreadsheet as a grid of text cells, each knowing where it is (`Sheet1!C7`).

Reads .xlsx with openpyxl (merged cells filled with the value of their top-left cell,
as a person reading the printed table sees them) and .csv in UTF-8 or GB18030 (what
Excel writes on a Chinese Windows). What a person cannot have meant — a legacy .xls, a
password-protected workbook, a file that is not a spreadsheet — is a `SheetError` that
says what to do instead.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from dutylist.errors import UsageError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .xls, or encrypted .xlsx
ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
MAX_ROWS = 100_000
MAX_COLUMNS = 200


class SheetError(UsageError):
    """A file that cannot be read as a table (exit 1, nothing written)."""


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # the value as text, stripped ('' when empty)
    where: str  # 'Sheet1!C7'
    formula: str | None = None  # the formula, when the cell holds one


@dataclass
class Grid:
    name: str  # the sheet's name (the file's stem for a CSV)
    rows: list[list[Cell]] = field(default_factory=list)

    def where(self, row: int, column: int) -> str:
        return f"{self.name}!{get_column_letter(column + 1)}{row + 1}"


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    suffix = path.suffix.lower()
    try:
        if path.is_file():
            with path.open("rb") as stream:
                head = stream.read(len(OLE_MAGIC))
        else:
            head = b""
    except OSError as error:
        raise SheetError(f"cannot read {path}: {error.strerror}", None) from None
    if not path.is_file():
        raise SheetError(f"{path}: no such file", "give an .xlsx or .csv file")
    if suffix == ".xls" or (head.startswith(OLE_MAGIC) and not _encrypted(path)):
        raise SheetError(
            f"{path} is a legacy Excel .xls file, which dutylist does not read",
            "open it in Excel or WPS and save it as .xlsx (另存为 → Excel 工作簿 .xlsx), "
            "or as CSV UTF-8",
        )
    if head.startswith(OLE_MAGIC):
        raise SheetError(
            f"{path} is protected with a password, so its cells cannot be read",
            "open it, remove the password (文件 → 信息 → 保护工作簿), save, and import again",
        )
    if suffix == ".csv":
        return _csv_grid(path)
    if suffix not in (".xlsx", ".xlsm"):
        raise SheetError(f"{path}: not an .xlsx or .csv file", "save the table as .xlsx or CSV")
    return _xlsx_grid(path, sheet)


def _encrypted(path: Path) -> bool:
    with path.open("rb") as stream:
        return ENCRYPTED in stream.read(1 << 20)


def _csv_grid(path: Path) -> Grid:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SheetError(f"{path} is neither UTF-8 nor GB18030 text", None)
    grid = Grid(path.stem)
    for r, row in enumerate(csv.reader(io.StringIO(text))):
        if r >= MAX_ROWS:
            raise SheetError(f"{path} has more than {MAX_ROWS} rows", "split the file")
        grid.rows.append(
            [Cell(value.strip(), grid.where(r, c)) for c, value in enumerate(row[:MAX_COLUMNS])]
        )
    return grid


def _xlsx_grid(path: Path, sheet: str | None) -> Grid:
    try:
        book = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SheetError(
            f"{path} cannot be opened as a workbook ({type(error).__name__}): it is damaged "
            "or not an .xlsx file",
            "open it in Excel or WPS, save it again as .xlsx, and import again",
        ) from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise SheetError(f"{path} has no sheet '{sheet}'", "its sheets: " + ", ".join(names))
    chosen = book[sheet] if sheet is not None else book[names[0]]
    grid = Grid(chosen.title)
    if chosen.max_row > MAX_ROWS or chosen.max_column > MAX_COLUMNS:
        raise SheetError(
            f"{grid.name} has {chosen.max_row} rows and {chosen.max_column} columns",
            f"at most {MAX_ROWS} rows and {MAX_COLUMNS} columns",
        )
    merged = {}
    for cells in chosen.merged_cells.ranges:
        top = chosen.cell(row=cells.min_row, column=cells.min_col).value
        for r in range(cells.min_row, cells.max_row + 1):
            for c in range(cells.min_col, cells.max_col + 1):
                merged[(r, c)] = top
    for r, line in enumerate(chosen.iter_rows(), start=1):
        row = []
        for c, cell in enumerate(line, start=1):
            value = merged.get((r, c), cell.value)
            formula = value if isinstance(value, str) and value.startswith("=") else None
            row.append(Cell(_text(value), grid.where(r - 1, c - 1), formula))
        grid.rows.append(row)
    return grid


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
