"""Which row of a sheet is its header, and which column holds which field.

Published lists put a title (and sometimes a document number) above the table, merge
header cells across two rows, and name columns in several ways (事项名称 or 项目名称,
主责单位 or 牵头单位 or 责任单位). The header is the row among the first ones whose cells
name the most known fields — at least the item's name and its lead; a second header row
under merged cells refines the first (责任单位 over 主责 | 配合). `--map 列名=field`
names a column the synonyms do not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from dutylist.sheets.grid import Cell, Grid, SheetError

FIELDS = {
    "number": ("序号", "编号", "序"),
    "code": ("项目编码", "事项编码", "编码", "事项代码", "职责编号"),
    "kind": ("权力类型", "事项类型", "职权类型", "类别", "类型"),
    "name": ("事项名称", "项目名称", "职责事项", "履职事项", "履职事项名称", "名称", "事项"),
    "sub": ("子项", "子项名称", "子项（适用情形）", "适用情形", "情形"),
    "lead": ("主责单位", "牵头单位", "责任单位", "主体", "责任主体", "承办单位", "主办单位",
             "主责", "牵头", "主责部门", "牵头部门"),
    "support": ("配合单位", "协办单位", "协同单位", "配合部门", "配合", "协办"),
    "basis": ("依据", "实施依据", "法律依据", "设定依据", "法定依据", "政策依据"),
    "duties": ("责任事项", "职责内容", "工作内容", "履职内容"),
    "accountability": ("追责情形", "问责情形", "追责依据"),
    "list": ("清单类别", "事项类别", "清单类型", "所属清单"),
    "problem": ("问题编号", "问题类型编号"),
    "when": ("条件", "适用条件"),
    "needs": ("所需权力", "所需职权"),
    "note": ("备注", "说明"),
}  # fmt: skip
REQUIRED = ("name", "lead")
SCANNED = 20  # rows looked at for the header
_SPACE = re.compile(r"[\s\u3000]+")


def _plain(text: str) -> str:
    """'主 责 单 位\\n' → '主责单位'; full-width brackets kept."""
    return _SPACE.sub("", text)


def field_of(text: str, extra: Mapping[str, str]) -> str | None:
    plain = _plain(text)
    if not plain:
        return None
    if plain in extra:
        return extra[plain]
    for name, words in FIELDS.items():
        if plain in words:
            return name
    return None


@dataclass(frozen=True)
class Header:
    row: int  # index of the last header row
    columns: dict[str, int]  # field → column index
    cells: dict[str, Cell]  # field → the header cell that named it


def find_header(grid: Grid, mapping: Mapping[str, str]) -> Header:
    """The header; `SheetError` naming what was looked for when no row has it."""
    extra = {_plain(k): v for k, v in mapping.items()}
    best: Header | None = None
    for index in range(min(SCANNED, len(grid.rows))):
        options = [_fields([grid.rows[index]], extra, index)]
        if index + 1 < len(grid.rows):  # two rows under merged cells: 责任单位 / 主责 | 配合
            options.append(_fields(grid.rows[index : index + 2], extra, index + 1))
        for found in options:
            complete = all(f in found.columns for f in REQUIRED)
            if complete and (best is None or len(found.columns) > len(best.columns)):
                best = found
    if best is None:
        looked = "、".join(FIELDS["name"][:2] + FIELDS["lead"][:3])
        raise SheetError(
            f"{grid.name}: no header row found in the first {SCANNED} rows (looked for a "
            f"name and a lead column, such as {looked})",
            "name the columns with --map, e.g. --map 事务=name --map 负责科室=lead",
        )
    return best


def _fields(rows: list[list[Cell]], extra: Mapping[str, str], last: int) -> Header:
    """The fields the header rows name, column by column; in a column the lowest row
    that names a field wins (the sub-header under a merged parent)."""
    columns: dict[str, int] = {}
    cells: dict[str, Cell] = {}
    width = max(len(row) for row in rows)
    for column in range(width):
        for row in reversed(rows):
            cell = row[column] if column < len(row) else None
            name = field_of(cell.text, extra) if cell is not None else None
            if name is not None:
                if name not in columns and cell is not None:
                    columns[name] = column
                    cells[name] = cell
                break
    return Header(last, columns, cells)
