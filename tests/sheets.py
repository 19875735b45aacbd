"""Spreadsheets built the way published lists are, for the import tests.

`street_list` is a printed-style 鼓楼街道履职事项清单: a title merged across the table, a
document number, a two-row header (责任单位 merged over 主责单位 | 配合单位), section
headings for the three lists, 序号 with sub-numbers (2.1, 2.2 under a merged name),
blank separator rows, several units to a cell, and notes under the table. Everything a
test then breaks is one keyword argument away.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

TITLE = "鼓楼街道履职事项清单"
BASIC = [
    ("1", "辖区环境卫生巡查", "", "鼓楼街道", "区城市管理局", "《城市市容和环境卫生管理条例》第四条"),
    ("2", "居民矛盾纠纷调解", "一般纠纷", "鼓楼街道", "区司法局", "《人民调解法》第八条"),
    ("2.1", "", "涉及邻里的纠纷", "鼓楼街道", "桃园社区、小菜园社区", "《人民调解法》第八条"),
    ("3", "防汛应急处置", "", "鼓楼街道", "区应急管理局\n区水务局", "《防洪法》第三十八条"),
]  # fmt: skip
SUPPORT = [
    ("4", "占道经营查处", "", "区城市管理局", "鼓楼街道", "《城市市容和环境卫生管理条例》第十四条"),
    ("5", "食品安全检查", "", "区市场监督管理局", "鼓楼街道；区卫生健康局", "《食品安全法》第六条"),
]  # fmt: skip
RETURNED = [
    ("6", "建设工程质量监督", "", "区住房和城乡建设局", "", "《建设工程质量管理条例》第四十三条"),
]  # fmt: skip
NOTES = ["注：1. 本清单自印发之日起施行。", "2. 未列事项按有关规定执行。"]


def street_list(path: Path, **changes: Any) -> Path:
    """Write the list to `path` (an .xlsx); `changes` replace parts of it:
    `rows={(section, index): row}`, `header=False` (no header row), `formula=CELL`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "履职事项清单"
    width = 7
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["鼓办发〔2026〕12 号"])
    if changes.get("header", True):
        sheet.append(["序号", "事项名称", "子项", "责任单位", "", "法律依据", "备注"])
        sheet.append(["", "", "", "主责单位", "配合单位", "", ""])
        for column in (1, 2, 3, 6, 7):
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
        sheet.merge_cells(start_row=3, start_column=4, end_row=3, end_column=5)
    else:
        sheet.append(["甲", "乙", "丙", "丁", "戊", "己", "庚"])
    rows = changes.get("rows", {})
    for number, (heading, items) in enumerate(
        [
            ("一、基本履职事项", BASIC),
            ("二、配合履职事项", SUPPORT),
            ("三、上级部门收回事项", RETURNED),
        ]
    ):
        sheet.append([heading])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width
        )
        for index, item in enumerate(items):
            sheet.append([*rows.get((number, index), item), ""])
            if item[0] == "2.1":  # the sub-item's name is the merged cell above it
                row = sheet.max_row
                sheet.merge_cells(start_row=row - 1, start_column=2, end_row=row, end_column=2)
        sheet.append([])  # a blank separator row
    for note in NOTES:
        sheet.append([note])
    if "formula" in changes:
        sheet[changes["formula"]] = "=VLOOKUP(A5,单位!A:B,2,FALSE)"
    book.save(path)
    return path


if __name__ == "__main__":  # python tests/sheets.py 鼓楼街道履职事项清单.xlsx: the README's sample
    import sys

    print(street_list(Path(sys.argv[1] if len(sys.argv) > 1 else f"{TITLE}.xlsx")))
