"""`dutylist import`: published lists from spreadsheets, and the round trip with export."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from dutylist.cli import main
from dutylist.diff.routing import routing_changes
from dutylist.load.build import load_catalog
from dutylist.output import write_atomic
from dutylist.semantics.compiled import Compiled
from dutylist.workbook import to_workbook
from tests.randomcat import RandomCatalog, catalogs
from tests.sheets import BASIC, RETURNED, SUPPORT, street_list

PANLONG = Path(__file__).parent.parent / "catalogs" / "panlong"
EXAMPLES = int(os.environ.get("DUTYLIST_PROPERTY_EXAMPLES", "40"))


def _import(sheet: Path, into: Path, *more: str) -> int:
    return main(["import", str(sheet), "--into", str(into), "--from", str(PANLONG), "--lang",
                 "en", *more])  # fmt: skip


def _duties(folder: Path) -> list[dict]:
    return yaml.safe_load((folder / "duties.yaml").read_text("utf-8"))["duties"]


def test_a_printed_street_list_becomes_a_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = street_list(tmp_path / "鼓楼街道履职事项清单.xlsx")
    into = tmp_path / "catalogs" / "gulou"
    assert _import(sheet, into) == 0
    out = capsys.readouterr().out
    assert "header in row 4" in out  # the second row of the two-row header
    duties = _duties(into)
    written = BASIC + SUPPORT + RETURNED
    assert len(duties) == len(written)
    # every item, in the sheet's order, its units read by name (several to a cell)
    assert [d["lead"] for d in duties] == ["gulou"] * 4 + ["cgj", "scjg", "zjj"]
    assert duties[2]["support"] == ["gulou.taoyuan", "gulou.xiaocaiyuan"]  # 、
    assert duties[3]["support"] == ["yjj", "slj"]  # a line break
    assert duties[5]["support"] == ["gulou", "wjj"]  # ；
    assert [d["list"] for d in duties] == ["basic"] * 4 + ["support"] * 2 + ["returned"]
    # the sub-item 2.1 under a merged name is an item of its own, named with its 子项
    problems = {p["id"]: p["name"] for p in yaml.safe_load(
        (into / "problems.yaml").read_text("utf-8"))["problems"]}  # fmt: skip
    assert problems[duties[2]["problem"]] == "居民矛盾纠纷调解（涉及邻里的纠纷）"
    assert duties[0]["source"] == "履职事项清单!B6"
    text = (into / "duties.yaml").read_text("utf-8")
    assert "# 履职事项清单!B6" in text and "居民矛盾纠纷调解" not in text  # names live in problems
    # nothing silently dropped: headings and notes are in the review with the reason
    with (tmp_path / "catalogs" / "gulou.review.csv").open(encoding="utf-8-sig") as stream:
        review = list(csv.reader(stream))[1:]
    reasons = [r[1] for r in review]
    assert reasons.count("a note under the table") == 2
    assert "a section heading (list: returned)" in reasons
    # and it is a catalogue check accepts, the street blowing the whistle for each item
    assert "0 errors" in out
    assert main(["who", duties[0]["problem"], "--at", "桃园社区", "--catalog", str(into),
                 "--lang", "en"]) == 0  # fmt: skip
    assert "鼓楼街道 (gulou)" in capsys.readouterr().out


def test_findings_on_imported_duties_name_the_sheet_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the support item 4 led by the street: DL313, at the YAML line and the sheet's cell
    row = ("4", "占道经营查处", "", "鼓楼街道", "区城市管理局", "《条例》第十四条")
    sheet = street_list(tmp_path / "list.xlsx", rows={(1, 0): row})
    into = tmp_path / "catalogs" / "gulou"
    assert _import(sheet, into) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "DL313" in line)
    assert line.startswith(f"{into}/duties.yaml:") or "duties.yaml:" in line
    assert "(from 履职事项清单!B12)" in line
    main(["check", str(into), "--format", "json", "--select", "DL313"])
    assert '"source": "履职事项清单!B12"' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "cell", "said"),
    [
        ({"rows": {(0, 0): ("1", "环境卫生巡查", "", "鼓楼街道办", "区城市管理局", "")}},
         "履职事项清单!D6", "'鼓楼街道办' is no unit of the catalogue"),
        ({"rows": {(0, 0): ("1", "环境卫生巡查", "", "鼓楼街道、区城市管理局", "", "")}},
         "履职事项清单!D6", "two leads in one cell"),
        ({"formula": "B6"}, "履职事项清单!B6", "a formula (=VLOOKUP"),
        ({"header": False}, None, "no header row found"),
    ],
)  # fmt: skip
def test_what_a_real_sheet_gets_wrong_is_said_at_its_cell_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict, cell: str | None, said: str
) -> None:
    sheet = street_list(tmp_path / "list.xlsx", **change)
    into = tmp_path / "catalogs" / "gulou"
    code = _import(sheet, into)
    err = capsys.readouterr().err
    assert code == 1 and said in err, err
    if cell is not None:
        assert err.startswith(f"{cell}: ") or f"\n{cell}: " in err
    assert not into.exists()


def test_a_close_name_gets_a_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = ("1", "环境卫生巡查", "", "鼓楼街道", "区城市管理", "")
    sheet = street_list(tmp_path / "list.xlsx", rows={(0, 0): row})
    assert _import(sheet, tmp_path / "out") == 1
    assert "did you mean cgj" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Workbook".ljust(600, b"\0"),
         "legacy Excel .xls"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")
         + b"\0" * 600, "protected with a password"),
        ("broken.xlsx", b"PK\x03\x04 this is not a workbook", "damaged or not an .xlsx"),
    ],
)  # fmt: skip
def test_files_that_are_not_readable_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, said: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert _import(path, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert said in err and "hint:" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_an_existing_catalogue_is_not_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = street_list(tmp_path / "list.xlsx")
    into = tmp_path / "catalogs" / "gulou"
    assert _import(sheet, into) == 0
    before = (into / "duties.yaml").read_text("utf-8")
    (into / "duties.yaml").write_text(before + "# my edit\n", "utf-8")
    capsys.readouterr()
    assert _import(sheet, into) == 2
    assert "already holds" in capsys.readouterr().err
    assert (into / "duties.yaml").read_text("utf-8").endswith("# my edit\n")
    assert _import(sheet, into, "--force") == 0
    assert (into / "duties.yaml").read_text("utf-8") == before


def test_a_gb18030_csv_with_its_own_column_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "清单.csv"
    rows = [["鼓楼街道履职事项清单"], ["编号", "事务", "负责科室", "协办单位", "依据"],
            ["1", "环境卫生巡查", "鼓楼", "城管", ""], ["2", "防汛", "鼓楼街道", "区应急管理局", ""]]  # fmt: skip
    path.write_bytes("\n".join(",".join(r) for r in rows).encode("gb18030"))
    into = tmp_path / "catalogs" / "gulou"
    assert _import(path, into) == 1  # 事务 and 负责科室 are no known column names
    assert "no header row found" in capsys.readouterr().err
    assert (
        _import(path, into, "--map", "事务=name", "--map", "负责科室=lead", "--list", "basic") == 0
    )
    duties = _duties(into)
    assert [(d["lead"], d.get("support")) for d in duties] == [("gulou", ["cgj"]),
                                                                ("gulou", ["yjj"])]  # fmt: skip
    assert all(d["list"] == "basic" for d in duties)


# -- the round trip -----------------------------------------------------------------------
def test_panlong_exported_and_imported_routes_exactly_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "权责清单.xlsx"
    assert main(["export", str(PANLONG), "--output", str(book)]) == 0
    into = tmp_path / "catalogs" / "panlong"
    assert _import(book, into) == 0
    capsys.readouterr()
    assert main(["diff", str(PANLONG), str(into), "--exit-code", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "routing unchanged" in out and "new findings: none" in out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=catalogs())
def test_any_catalogue_exported_and_imported_routes_exactly_alike(catalog: RandomCatalog) -> None:
    import datetime as dt

    from dutylist.sheets.grid import read_grid
    from dutylist.sheets.header import find_header
    from dutylist.sheets.items import read_items
    from dutylist.sheets.write import plan_catalog

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        loaded = load_catalog(catalog.write(root / "base"))
        assert loaded.catalog is not None
        base = loaded.catalog
        book = root / "list.xlsx"
        to_workbook(base, [], dt.date(2026, 1, 1)).save(book)
        grid = read_grid(book)
        reading = read_items(grid, find_header(grid, {}), base, None)
        assert not reading.problems
        into = root / "catalogs" / "again"
        plan = plan_catalog(into, base, reading, "list.xlsx", None)
        assert not plan.problems
        into.mkdir(parents=True)
        for name, text in plan.files.items():
            write_atomic(into / name, text, catalogue_file=True)
        again = load_catalog(into)
        assert again.catalog is not None and not again.findings, [
            f.message("en") for f in again.findings
        ]
        assert routing_changes(Compiled(base), Compiled(again.catalog)) == []
        assert [d.id for d in again.catalog.duties] == [d.id for d in base.duties]
