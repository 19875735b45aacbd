"""`dutylist export`: the catalogue as a workbook a leader can print — read back with
openpyxl as Excel would: the sheets, their rows, frozen and filtered headers, A4
landscape with the header on every page; and the duties as CSV Excel reads in Chinese."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import PANLONG, Run


def test_the_workbook_has_every_duty_finding_and_task_ready_to_print(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    out = tmp_path / "权责清单.xlsx"
    done = run_cli("export", str(PANLONG), "--today", "2019-08-15", "--output", str(out))
    assert done.code == 0, done.err
    book = load_workbook(out)
    assert book.sheetnames == ["权责清单", "权责矩阵", "检查结果", "重点任务"]
    duties_yaml = (PANLONG / "duties.yaml").read_text(encoding="utf-8")
    written = re.findall(r"^\s*- id: (D\d+)", duties_yaml, flags=re.M)
    sheet = book["权责清单"]
    assert [c.value for c in sheet[2]][:3] == ["序号", "项目编码", "项目名称"]
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == written
    d021 = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == "D021")
    assert d021[2] == "噪声扰民" and d021[5] == "区公安分局" and "区市场监督管理局" in d021[6]
    checked = json.loads(run_cli("check", str(PANLONG), "--today", "2019-08-15",
                                 "--format", "json").out)  # fmt: skip
    findings = [r[0] for r in book["检查结果"].iter_rows(min_row=3, values_only=True)]
    assert sorted(findings) == sorted(f["code"] for f in checked["findings"])
    tasks = list(book["重点任务"].iter_rows(min_row=3, values_only=True))
    assert len(tasks) == 23 and tasks[0][0] == "T01"
    matrix = book["权责矩阵"]
    noise = next(r for r in matrix.iter_rows(min_row=3, values_only=True) if r[0] == "噪声扰民")
    heads = [c.value for c in matrix[2]]
    assert noise[heads.index("区公安分局")].startswith("主")
    for name in book.sheetnames:
        page = book[name]
        assert page.freeze_panes == "A3", name
        assert page.auto_filter.ref and page.auto_filter.ref.startswith("A2:"), name
        assert page.page_setup.orientation == "landscape", name
        assert int(page.page_setup.paperSize) == int(page.PAPERSIZE_A4), name  # 9: A4
        assert page.print_title_rows == "$2:$2", name
        assert page.cell(row=3, column=2).alignment.wrap_text, name


def test_the_duties_as_csv_open_in_chinese(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "duties.csv"
    assert run_cli("export", str(PANLONG), "--output", str(out)).code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][1] == "项目编码" and len(rows) == 1 + len(
        re.findall(r"^\s*- id: D\d+", (PANLONG / "duties.yaml").read_text(encoding="utf-8"),
                   flags=re.M)
    )  # fmt: skip


def test_export_refuses_a_wrong_name_and_writes_nothing(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    wrong = run_cli("export", str(PANLONG), "--format", "xlsx", "--output",
                    str(tmp_path / "x.pdf"))  # fmt: skip
    assert wrong.code == 2 and ".xlsx" in wrong.err
    assert list(tmp_path.iterdir()) == []
