"""The responsibility matrix (权责矩阵): problems × units, 主 (lead) and 配 (support)
marks with their conditions — what policy staff read and print."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field

from dutylist.model import Catalog, Duty, Problem, Unit
from dutylist.report.conditions_text import condition_text

LEAD, SUPPORT = "主", "配"


@dataclass
class Mark:
    role: str  # 主 | 配
    duties: list[Duty] = field(default_factory=list)

    def conditions(self) -> list[str]:
        return ["; ".join(condition_text(c) for c in d.when) for d in self.duties]

    def text(self) -> str:
        conditional = [c for c in self.conditions() if c]
        if not conditional or len(conditional) < len(self.duties):
            return self.role if not conditional else f"{self.role}*"
        return f"{self.role}[{' | '.join(conditional)}]"


@dataclass
class Matrix:
    problems: list[Problem]
    units: list[Unit]
    cells: dict[tuple[str, str], list[Mark]]

    def marks(self, problem: str, unit: str) -> list[Mark]:
        return self.cells.get((problem, unit), [])


def build_matrix(catalog: Catalog) -> Matrix:
    cells: dict[tuple[str, str], dict[str, Mark]] = {}
    for duty in catalog.duties:
        roles = [(duty.lead, LEAD)] + [(unit, SUPPORT) for unit in duty.support]
        for unit, role in roles:
            marks = cells.setdefault((duty.problem, unit), {})
            marks.setdefault(role, Mark(role)).duties.append(duty)
    used = {unit for _, unit in cells}
    units = [u for u in catalog.units.values() if u.id in used]
    units.sort(key=lambda u: (-sum(1 for (_, x) in cells if x == u.id), u.id))
    ordered = {
        key: [marks[r] for r in (LEAD, SUPPORT) if r in marks] for key, marks in cells.items()
    }
    return Matrix(list(catalog.problems.values()), units, ordered)


def _cell(matrix: Matrix, problem: str, unit: str) -> str:
    return " ".join(m.text() for m in matrix.marks(problem, unit))


def to_csv(matrix: Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["problem", "问题类型", *(f"{u.name} ({u.id})" for u in matrix.units)])
    for problem in matrix.problems:
        writer.writerow(
            [problem.id, problem.name, *(_cell(matrix, problem.id, u.id) for u in matrix.units)]
        )
    return out.getvalue()


def to_markdown(matrix: Matrix) -> str:
    def escape(text: str) -> str:
        return text.replace("|", "\\|")

    header = ["问题类型", *(u.name for u in matrix.units)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for problem in matrix.problems:
        row = [problem.name, *(escape(_cell(matrix, problem.id, u.id)) for u in matrix.units)]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"{LEAD} 主责　{SUPPORT} 配合　[…] 适用条件（* 部分条件下）"]
    return "\n".join(lines) + "\n"


def to_text(matrix: Matrix) -> str:
    """Problem by problem: who leads and who supports, and when — readable in a terminal."""
    lines: list[str] = []
    for problem in matrix.problems:
        lines.append(f"{problem.name} ({problem.id})")
        for role in (LEAD, SUPPORT):
            for unit in matrix.units:
                for mark in matrix.marks(problem.id, unit.id):
                    if mark.role != role:
                        continue
                    for duty, condition in zip(mark.duties, mark.conditions(), strict=True):
                        when = f"  [{condition}]" if condition else ""
                        lines.append(f"  {role}  {unit.name} ({unit.id})  {duty.id}{when}")
        if not any(matrix.marks(problem.id, u.id) for u in matrix.units):
            lines.append("  （无职责）")
    return "\n".join(lines) + "\n"


STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 1.5em; }
h1 { font-size: 1.3em; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #bbb; padding: 3px 5px; vertical-align: top; }
thead th { position: sticky; top: 0; background: #f3f3f3; writing-mode: vertical-rl;
           white-space: nowrap; }
thead th.problem { writing-mode: horizontal-tb; }
td.lead { background: #ffe3c2; font-weight: bold; }
td.support { background: #e2efff; }
td.both { background: linear-gradient(135deg, #ffe3c2 50%, #e2efff 50%); font-weight: bold; }
small { color: #555; font-weight: normal; display: block; }
.legend span { display: inline-block; padding: 2px 8px; margin-right: 1em; border: 1px solid #bbb; }
@media print { thead th { position: static; } body { margin: 0; } }
"""


def to_html(matrix: Matrix, catalog: Catalog) -> str:
    """One self-contained page: no scripts, no fonts or styles fetched from anywhere."""
    head = "".join(
        f'<th title="{html.escape(u.id)}">{html.escape(u.name)}</th>' for u in matrix.units
    )
    rows = []
    for problem in matrix.problems:
        cells = []
        for unit in matrix.units:
            marks = matrix.marks(problem.id, unit.id)
            roles = {m.role for m in marks}
            css = (
                "both"
                if len(roles) == 2
                else ("lead" if LEAD in roles else "support" if roles else "")
            )
            inner = "".join(
                f"{m.role}"
                + "".join(f"<small>{html.escape(c)}</small>" for c in m.conditions() if c)
                for m in marks
            )
            cells.append(f'<td class="{css}">{inner}</td>')
        label = f"{html.escape(problem.name)}<small>{html.escape(problem.id)}</small>"
        rows.append(f'<tr><th class="problem">{label}</th>{"".join(cells)}</tr>')
    title = f"{catalog.name} 权责矩阵"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        '<p class="legend"><span class="lead" style="background:#ffe3c2">主 主责</span>'
        '<span style="background:#e2efff">配 配合</span> 小字为适用条件</p>'
        f'<table><thead><tr><th class="problem">问题类型</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )
