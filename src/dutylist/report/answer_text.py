"""`who` in text: a short answer a dispatcher reads at a glance, in Chinese or English."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from dutylist.engine.answer import Answer, Outcome
from dutylist.engine.considered import Considered
from dutylist.i18n import Lang
from dutylist.model import Catalog
from dutylist.report.conditions_text import condition_text, scalar_text

STATUS = {
    "routed": ("routed", "已明确主责"),
    "gap": ("GAP — no duty covers this case", "职责真空：没有任何职责覆盖此情形"),
    "overlap": ("OVERLAP — duties or rules disagree", "职责交叉：职责或规则相互冲突"),
    "undetermined": ("UNDETERMINED — depends on a value not given", "待定：取决于未提供的属性"),
}
LABELS = {
    "lead": ("lead", "主责"),
    "support": ("support", "配合"),
    "whistle": ("whistle", "吹哨"),
    "respond": ("respond", "时限"),
    "escalate": ("escalate", "升级"),
    "basis": ("basis", "依据"),
    "why": ("why", "命中"),
    "conflict": ("conflict", "冲突"),
    "depends": ("depends on", "取决于"),
}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "zh" else pair[0]


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def duration(minutes: int, lang: Lang) -> str:
    for size, en, zh in ((1440, "d", " 天"), (60, "h", " 小时"), (1, " min", " 分钟")):
        if minutes % size == 0:
            return f"{minutes // size}{zh if lang == 'zh' else en}"
    return f"{minutes} min"


def time_limit_text(minutes: int | None, working_days: int | None, lang: Lang) -> str:
    """A time limit as people say it: '30 分钟', '5 个工作日' / '30 min', '5 working days'."""
    if working_days is not None:
        return f"{working_days} 个工作日" if lang == "zh" else f"{working_days} working days"
    return duration(minutes or 0, lang)


class AnswerText:
    def __init__(self, catalog: Catalog, lang: Lang) -> None:
        self.catalog = catalog
        self.lang = lang

    def unit(self, unit_id: str | None) -> str:
        if unit_id is None:
            return "—"
        unit = self.catalog.units.get(unit_id)
        return f"{unit.name} ({unit_id})" if unit else unit_id

    def render(self, answer: Answer) -> str:
        lang = self.lang
        problem = self.catalog.problems[answer.problem]
        place = self.catalog.units[answer.place]
        at = " @ " if lang == "en" else " · "
        lines = [f"{problem.name}{at}{place.name}: {_pick(STATUS[answer.status], lang)}"]
        rows = self._rows(answer)
        width = max((display_width(label) for label, _ in rows), default=0)
        lines += [f"  {pad(label, width)}  {value}" for label, value in rows]
        return "\n".join(lines) + "\n"

    def _rows(self, answer: Answer) -> list[tuple[str, str]]:
        lang = self.lang
        label = {key: _pick(pair, lang) for key, pair in LABELS.items()}
        sep = "、" if lang == "zh" else ", "
        rows: list[tuple[str, str]] = []
        if answer.lead is not None:
            rows.append((label["lead"], self.unit(answer.lead)))
        if answer.status == "overlap" and answer.lead is None:
            rows.append((label["conflict"], self._competing(answer)))
        if answer.decided_by is not None:
            rows.append((label["depends"], answer.decided_by.attribute))
            for option, outcome in answer.decided_by.options:
                rows.append(("", self._option(answer.decided_by.attribute, option, outcome)))
        if answer.support:
            rows.append((label["support"], sep.join(self.unit(u) for u in answer.support)))
        rows.append((label["whistle"], self._whistle(answer)))
        if answer.respond_within_minutes is not None or answer.respond_within_working_days:
            within = time_limit_text(
                answer.respond_within_minutes, answer.respond_within_working_days, lang
            )
            rows.append(
                (label["respond"], f"{within}内到场" if lang == "zh" else f"arrive within {within}")
            )
        if answer.escalate:
            steps = [
                (
                    f"{time_limit_text(e.after_minutes, e.after_working_days, lang)}后 → "
                    f"{self.unit(e.to)}"
                    if lang == "zh"
                    else f"after {time_limit_text(e.after_minutes, e.after_working_days, lang)}"
                    f" → {self.unit(e.to)}"
                )
                for e in answer.escalate
            ]
            rows.append((label["escalate"], "; ".join(steps)))
        for field, ids in answer.conflicts.items():
            rows.append((label["conflict"], f"{field}: {', '.join(ids)}"))
        for index, basis in enumerate(answer.basis):
            rows.append((label["basis"] if index == 0 else "", basis))
        why = []
        if answer.duties:
            why.append(("职责 " if lang == "zh" else "duties ") + ", ".join(answer.duties))
        if answer.rules:
            why.append(("规则 " if lang == "zh" else "rules ") + ", ".join(answer.rules))
        if why:
            rows.append((label["why"], "; ".join(why)))
        return rows

    def _option(self, attribute: str, option: str, outcome: Outcome) -> str:
        condition = f"{attribute}{option}" if option[0] in "<>=" else f"{attribute}={option}"
        if outcome.lead is not None and outcome.status == "routed":
            shown = self.unit(outcome.lead)
        elif outcome.status == "undetermined":
            shown = (
                "仍待定（还取决于其他属性）"
                if self.lang == "zh"
                else "still undetermined (depends on more)"
            )
        else:
            shown = _pick(STATUS[outcome.status], self.lang)
        return f"{condition} → {shown}"

    def _competing(self, answer: Answer) -> str:
        duties = {d.id: d for d in self.catalog.duties}
        parts = [f"{d} → {self.unit(duties[d].lead)}" for d in answer.duties if d in duties]
        return "; ".join(parts)

    def _whistle(self, answer: Answer) -> str:
        if answer.whistle is None:
            return "无（没有规则指定哨）" if self.lang == "zh" else "none (no rule gives a whistle)"
        whistle = self.catalog.whistles[answer.whistle]
        if answer.blower is None:
            blower = "无吹哨方" if self.lang == "zh" else "no blower here"
        else:
            blower = self.unit(answer.blower)
        return (
            f"{whistle.name}（吹哨：{blower}）"
            if self.lang == "zh"
            else f"{whistle.name}, blown by {blower}"
        )

    def explain(self, rows: Sequence[Considered]) -> str:
        lang = self.lang
        out = ["", "考虑过的职责与规则：" if lang == "zh" else "Considered:"]
        for row in rows:
            mark = "✓" if row.matched else "✗"
            text = f"  {mark} {row.kind} {row.id}  {row.location}"
            if not row.matched and row.failed is not None:
                text += "  " + self.why_not(row)
            out.append(text)
        return "\n".join(out) + "\n"

    def why_not(self, row: Considered) -> str:
        """Why a duty or rule did not match: its first failing condition, and the case."""
        assert row.failed is not None
        written = condition_text(row.failed)
        if row.reason == "undeclared":
            if self.lang == "zh":
                return f"不适用：问题类型未声明属性 {row.failed.attribute}"
            return f"cannot apply: the problem does not declare {row.failed.attribute}"
        if not row.given:
            return f"{written}：未提供" if self.lang == "zh" else f"{written} — not given"
        value = self.unit(row.value) if row.failed.attribute == "at" else scalar_text(row.value)
        return (
            f"{written}：实际为 {value}" if self.lang == "zh" else f"{written} — case has {value}"
        )
