"""The rows under the header, read as items of a list: each a problem and the duty for it.

A row is an item when it has a name (or continues the item above as a sub-item: a
序号 such as 1.2 or （2）, or a 子项 with the name left blank) and a lead. Units are
written by name, as the sheet has them, several to a cell (、，;/ or one a line), and
read against the catalogue's names and aliases. A section heading (一、基本履职事项)
sets the list of the rows below it. What is not an item — a note under the table, a row
with no lead — goes to the review with the reason; what is wrong — a unit nobody knows,
two leads in one cell, a formula where a name is due — is an `ImportProblem` at its
cell, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dutylist.lookup import Lookup
from dutylist.model import Catalog, Unit
from dutylist.sheets.grid import Cell, Grid
from dutylist.sheets.header import Header

LISTS = {
    "basic": ("基本履职事项", "基本履职", "基本"),
    "support": ("配合履职事项", "配合履职", "配合"),
    "returned": ("上级部门收回事项", "收回事项", "收回"),
}
UNIT_SEPARATORS = re.compile(r"[、，,;；/\n\r]+")
SUB_NUMBER = re.compile(r"^\s*(\d+)\s*[.\-．—]\s*(\d+)\s*$")
PAREN_NUMBER = re.compile(r"^\s*[（(]\s*(\d+)\s*[)）]\s*$")
FIELD_WORDS = {"name": "事项名称", "lead": "主责单位", "support": "配合单位", "sub": "子项"}
NOTE_START = ("注", "说明", "备注", "附", "填表", "制表")
ID_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ImportProblem:
    where: str  # 'Sheet1!F7'
    reason: str
    hint: str | None = None
    zh: tuple[str, str | None] | None = None  # the reason and the hint in Chinese

    def said(self, lang: str) -> tuple[str, str | None]:
        if lang == "zh" and self.zh is not None:
            return self.zh
        return self.reason, self.hint


@dataclass(frozen=True)
class Skipped:
    where: str  # the row's first cell
    reason: str
    cells: tuple[str, ...]


@dataclass
class Item:
    where: str  # the name cell
    number: str
    name: str
    lead: str  # a unit id
    support: list[str] = field(default_factory=list)
    sub: str = ""
    code: str = ""
    problem: str = ""  # an existing problem's id (from a 问题编号 column)
    when: str = ""  # a `when` as flow YAML (from a 条件 column)
    basis: str = ""
    needs: list[str] = field(default_factory=list)
    list: str | None = None
    kind: str = ""
    duties: str = ""
    accountability: str = ""
    note: str = ""


@dataclass
class Reading:
    items: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def list_of(text: str) -> str | None:
    plain = re.sub(r"\s+", "", text)
    for name, words in LISTS.items():
        if plain in (name, *words) or any(plain.startswith(w) for w in words[:2]):
            return name
    return None


def read_items(grid: Grid, header: Header, catalog: Catalog, given_list: str | None) -> Reading:
    reading = Reading()
    units = Lookup(catalog.units)
    columns = header.columns
    current_list = given_list
    parent: Item | None = None
    subs = 0
    for index in range(header.row + 1, len(grid.rows)):
        row = grid.rows[index]
        texts = [c.text for c in row]
        filled = [c for c in row if c.text]
        if not filled:
            continue  # a blank separator row
        value = _getter(row, columns)
        distinct = {c.text for c in filled}
        if len(distinct) == 1 and value("name").text in ("", filled[0].text):
            only = filled[0]
            if only.text.startswith(NOTE_START) or (
                index > header.row + 1 and _is_tail(grid, index)
            ):
                reading.skipped.append(Skipped(only.where, "a note under the table", tuple(texts)))
                continue
            heading_list = list_of(_strip_number(only.text))
            if heading_list is not None:
                current_list = given_list or heading_list
            reading.skipped.append(
                Skipped(
                    only.where,
                    f"a section heading (list: {heading_list})" if heading_list else
                    "a section heading, not an item",
                    tuple(texts),
                )
            )  # fmt: skip
            continue
        for name in ("name", "lead", "support", "sub"):
            cell = value(name)
            if cell.formula is not None:
                reading.problems.append(ImportProblem(
                    cell.where, f"a formula ({cell.formula}) where a {name} is due",
                    "paste the values instead (复制 → 选择性粘贴 → 数值)",
                    (f"此处应为{FIELD_WORDS.get(name, name)}，却是公式（{cell.formula}）",
                     "请改为粘贴数值（复制 → 选择性粘贴 → 数值）"),
                ))  # fmt: skip
        number = value("number").text
        name = value("name").text
        sub = value("sub").text
        continues = parent is not None and (
            _is_sub_number(number, parent.number) or (not name and bool(sub))
        )
        if not name and continues and parent is not None:
            name = parent.name
        if not name:
            reading.skipped.append(Skipped(row[0].where, "no item name in this row", tuple(texts)))
            continue
        lead_cell = value("lead")
        leads = _units_in(lead_cell.text)
        if not leads:
            reading.skipped.append(Skipped(value("name").where, "no lead unit in this row",
                                           tuple(texts)))  # fmt: skip
            continue
        if len(leads) > 1:
            reading.problems.append(ImportProblem(
                lead_cell.where,
                f"two leads in one cell ({'、'.join(leads)}): an item has one lead",
                "keep the lead here and move the others to the 配合单位 column",
                (f"一个单元格里有两个主责单位（{'、'.join(leads)}）：每个事项只能有一个主责单位",
                 "此处只留主责单位，其余移到“配合单位”列"),
            ))  # fmt: skip
            continue
        lead = _unit(units, leads[0], lead_cell, reading)
        support = [
            found
            for written in _units_in(value("support").text)
            if (found := _unit(units, written, value("support"), reading)) is not None
        ]
        if lead is None:
            continue
        item = Item(
            where=value("name").where,
            number=number,
            name=name,
            lead=lead.id,
            # as written, the lead too if it is there: in an overlap the competing duties
            # bring their whole support
            support=list(dict.fromkeys(u.id for u in support)),
            sub=sub,
            code=value("code").text,
            problem=value("problem").text,
            when=value("when").text,
            basis=value("basis").text,
            needs=_units_in(value("needs").text),
            list=list_of(value("list").text) if value("list").text else current_list,
            kind=value("kind").text,
            duties=value("duties").text,
            accountability=value("accountability").text,
            note=value("note").text,
        )
        if continues and parent is not None:
            subs += 1
            item.number = item.number or f"{parent.number}.{subs}"
        else:
            parent, subs = item, 0
        reading.items.append(item)
    return reading


def _getter(row: list[Cell], columns: dict[str, int]) -> Callable[[str], Cell]:
    empty = Cell("", row[0].where if row else "")

    def value(name: str) -> Cell:
        column = columns.get(name)
        if column is None or column >= len(row):
            return empty
        return row[column]

    return value


def _is_tail(grid: Grid, index: int) -> bool:
    """A one-text row after which no row has more than one text: the notes at the end."""
    return all(len({c.text for c in r if c.text}) <= 1 for r in grid.rows[index:])


def _strip_number(text: str) -> str:
    return re.sub(r"^[一二三四五六七八九十]+[、.．]\s*|^\d+[、.．]\s*", "", text).split("（")[0]


def _is_sub_number(number: str, parent_number: str) -> bool:
    found = SUB_NUMBER.match(number)
    if found:
        return found.group(1) == parent_number.split(".")[0].strip()
    return bool(PAREN_NUMBER.match(number))


def _units_in(text: str) -> list[str]:
    return [part.strip() for part in UNIT_SEPARATORS.split(text) if part.strip()]


def _unit(units: Lookup[Unit], written: str, cell: Cell, reading: Reading) -> Unit | None:
    found = units.find(written)
    if found is None:
        close = units.suggest(written)
        reading.problems.append(ImportProblem(
            cell.where,
            f"'{written}' is no unit of the catalogue (by id, name or alias)",
            f"did you mean {' or '.join(close)}? or add '{written}' as an alias of its unit in "
            "units.yaml" if close else "add the unit to units.yaml, or its name as an alias",
            (f"目录中没有“{written}”这个单位（按编号、名称、别名都找不到）",
             f"是不是要写 {' 或 '.join(close)}？也可以在 units.yaml 里把“{written}”加为该单位的别名"
             if close else "请在 units.yaml 中添加该单位，或把这个名称加为别名"),
        ))  # fmt: skip
    return found


def item_id(item: Item, position: int) -> str:
    """An id for the item's problem and duty: its code when that is an id, else its
    number, else its position."""
    for text in (item.code, item.number):
        slug = ID_SAFE.sub("-", text).strip("-.")
        if slug and slug[0].isalnum():
            return slug
    return str(position)
