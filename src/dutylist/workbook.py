"""The catalogue as a workbook a leader can print: the duties as a 权责清单, the
responsibility matrix, the findings of the check, and the key tasks with their status —
each sheet with a frozen, filtered header, widths that fit Chinese, wrapped text, and an
A4 landscape page that repeats the header and fits the width."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dutylist.findings import Finding
from dutylist.i18n import Lang
from dutylist.matrix import build_matrix
from dutylist.model import Catalog, Condition
from dutylist.plan import build_plan, status_text
from dutylist.report.conditions_text import condition_text

# the last three columns are for reading the sheet back (`dutylist import`): the list, the
# problem's id and the conditions as YAML, so that a round trip routes exactly alike
DUTY_COLUMNS = [("序号", 6), ("项目编码", 10), ("项目名称", 16), ("子项（适用情形）", 28),
                ("类别", 10), ("主责单位", 16), ("配合单位", 28), ("实施依据", 40),
                ("所需权力", 14), ("位置", 26), ("清单类别", 12), ("问题编号", 14),
                ("条件", 30)]  # fmt: skip
LIST_WORDS = {"basic": "基本履职事项", "support": "配合履职事项", "returned": "上级部门收回事项"}
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E6E9EF")
WRAP = Alignment(wrap_text=True, vertical="top")


def duty_rows(catalog: Catalog) -> list[list[Any]]:
    """The duties as the rows of a 权责清单, in the catalogue's order."""
    rows = []
    for n, duty in enumerate(catalog.duties, start=1):
        problem = catalog.problems.get(duty.problem)
        rows.append([
            n, duty.id, problem.name if problem else duty.problem,
            "；".join(condition_text(c) for c in duty.when) or "全部情形",
            problem.category if problem and problem.category else "",
            _name(catalog, duty.lead), "、".join(_name(catalog, u) for u in duty.support),
            duty.basis or "", "、".join(duty.needs), f"{duty.loc.file}:{duty.loc.line}",
            LIST_WORDS.get(duty.list or "", ""), duty.problem, when_yaml(duty.when),
        ])  # fmt: skip
    return rows


def when_yaml(conditions: Sequence[Condition]) -> str:
    """A `when` written back as flow YAML: {stage: 在建, area_m2: {gte: 1000}}."""
    when: dict[str, Any] = {}
    for c in conditions:
        if c.equals is not None:
            when[c.attribute] = c.equals[0] if len(c.equals) == 1 else list(c.equals)
        elif c.excludes is not None:
            when[c.attribute] = {"not": list(c.excludes)}
        elif c.bounds:
            when[c.attribute] = {k: int(v) if float(v).is_integer() else v
                                 for k, v in c.bounds.items()}  # fmt: skip
    if not when:
        return ""
    text: str = yaml.safe_dump(
        when, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False
    )
    return text.strip()


def _name(catalog: Catalog, unit: str) -> str:
    found = catalog.units.get(unit)
    return found.name if found is not None else unit


def to_csv(catalog: Catalog) -> str:
    """The duties sheet alone, as CSV (UTF-8 with a BOM, so that Excel reads Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in DUTY_COLUMNS])
    writer.writerows(duty_rows(catalog))
    return "\ufeff" + out.getvalue()


def to_workbook(catalog: Catalog, findings: Sequence[Finding], today: dt.date,
                lang: Lang = "zh") -> Workbook:  # fmt: skip
    book = Workbook()
    duties = book.active
    assert duties is not None
    duties.title = "权责清单"
    _table(duties, f"{catalog.name} 权责清单", DUTY_COLUMNS, duty_rows(catalog))

    matrix = build_matrix(catalog)
    columns = [("问题类型", 16)] + [(u.name, 10) for u in matrix.units]
    rows = [[p.name, *(" ".join(m.text() for m in matrix.marks(p.id, u.id)) for u in matrix.units)]
            for p in matrix.problems]  # fmt: skip
    _table(book.create_sheet("权责矩阵"), f"{catalog.name} 权责矩阵（主：牵头，配：配合）",
           columns, rows)  # fmt: skip

    found = [[f.code, "错误" if f.severity.value == "error" else "警告",
              f"{f.location.file}:{f.location.line}", f.message(lang),
              json.dumps(f.witness, ensure_ascii=False) if f.witness else ""]
             for f in findings]  # fmt: skip
    _table(book.create_sheet("检查结果"), f"{catalog.name} 检查结果（{today.isoformat()}）",
           [("代码", 8), ("级别", 6), ("位置", 28), ("说明", 70), ("例", 40)], found)  # fmt: skip

    plan = build_plan(catalog, today)
    tasks = [[r.task.id, r.task.name, r.lead_name, r.phase_name,
              r.task.due.isoformat() if r.task.due else "", status_text(r, lang, False),
              f"逾期 {r.days_overdue} 天" if r.overdue else ""]
             for r in plan.rows]  # fmt: skip
    _table(book.create_sheet("重点任务"), f"{catalog.name} 重点任务（截至 {today.isoformat()}）",
           [("编号", 6), ("任务", 40), ("牵头单位", 14), ("阶段", 14), ("时限", 11),
            ("状态", 16), ("逾期", 10)], tasks)  # fmt: skip
    return book


def _table(sheet: Worksheet, title: str, columns: Sequence[tuple[str, int]],
           rows: Sequence[Sequence[Any]]) -> None:  # fmt: skip
    """A title row, a header row frozen and filtered, the rows wrapped; A4 landscape,
    the header repeated on every page, the width fitted to one page."""
    sheet.append([title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([name for name, _ in columns])
    for n, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
        head = sheet.cell(row=2, column=n)
        head.font, head.fill, head.alignment = HEADER, HEADER_FILL, WRAP
    for row in rows:
        sheet.append(list(row))
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = WRAP
    last = get_column_letter(len(columns))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{max(2, len(rows) + 2)}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
