"""A replay as tables (text, markdown) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from dutylist.diff.render import change_text_of, outcome_json
from dutylist.diff.replay import KINDS, Replay, Replayed
from dutylist.i18n import Lang
from dutylist.report.table import table_lines

KIND_WORDS = {
    "changed-hands": {"en": "change hands", "zh": "主责改变"},
    "became-gap": {"en": "become gaps", "zh": "变为空白"},
    "became-overlap": {"en": "become overlaps", "zh": "变为交叉"},
    "became-undetermined": {"en": "become undetermined", "zh": "变为待定"},
    "now-routed": {"en": "now routed", "zh": "由无人负责变为有主责"},
    "other-change": {"en": "same lead, other changes", "zh": "主责不变、其他有变"},
    "unanswerable": {"en": "one side cannot answer", "zh": "一方无法回答"},
    "same": {"en": "unchanged", "zh": "不变"},
}
SHOWN_CASES = 50  # in the text table; JSON has them all


def _delta(pair: Sequence[int]) -> str:
    change = pair[1] - pair[0]
    return f"{change:+d}" if change else "0"


def _case_change(case: Replayed, lang: Lang) -> str:
    if case.kind == "unanswerable":
        side, error = (
            ("old", case.why_not[0]) if case.why_not[0] is not None else ("new", case.why_not[1])
        )
        reason = error.localised(lang)[0] if error is not None else ""
        return f"{side}: {reason}"
    return change_text_of(case.old, case.new, lang)


def render_tables(result: Replay, old: str, new: str, lang: Lang, markdown: bool) -> str:
    zh = lang == "zh"
    total = len(result.cases)
    title = (
        f"回放 {total} 个案件：{old} → {new}" if zh else f"{total} cases replayed: {old} → {new}"
    )
    lines = [f"### {title}" if markdown else title, ""]
    counts = [(KIND_WORDS[k][lang], result.count(k)) for k in KINDS]
    lines += table_lines(("结果", "案件数") if zh else ("cases that", "count"), counts, markdown)
    movers = [(u, load) for u, load in result.units.items() if load.led[0] != load.led[1]
              or load.supported[0] != load.supported[1]]  # fmt: skip
    lines += [
        "",
        "各单位负担（主责/配合案件数，旧 → 新）：" if zh else "load per unit (cases, old → new):",
    ]
    if movers:
        header: tuple[str, ...] = (
            ("单位", "主责旧", "主责新", "Δ", "配合旧", "配合新", "Δ")
            if zh
            else ("unit", "led old", "led new", "Δ", "support old", "support new", "Δ")
        )
        rows = [(u, *load.led, _delta(load.led), *load.supported, _delta(load.supported))
                for u, load in movers]  # fmt: skip
        lines += table_lines(header, rows, markdown)
    else:
        lines.append("  无变化" if zh else "  no unit gains or loses a case")
    moved = [k for k in KINDS if k != "same" and result.count(k)]  # columns that say something
    lines += ["", "各街道：" if zh else "per street (where the cases are):"]
    header = ("街道", "案件", *(KIND_WORDS[k][lang] for k in moved))
    if not zh:
        header = ("street", "cases", *(KIND_WORDS[k][lang] for k in moved))
    rows = [(street or "—", sum(c.values()), *(c[k] for k in moved))
            for street, c in result.streets.items()]  # fmt: skip
    lines += table_lines(header, rows, markdown)
    changed = result.changed()
    if changed:
        lines += ["", "有变化的案件：" if zh else "cases that change:"]
        rows = [(c.case.label, KIND_WORDS[c.kind][lang], _case_change(c, lang))
                for c in changed[:SHOWN_CASES]]  # fmt: skip
        header = ("案件", "结果", "变化") if zh else ("case", "what", "change")
        lines += table_lines(header, rows, markdown)
        if len(changed) > SHOWN_CASES:
            more = len(changed) - SHOWN_CASES
            lines.append(f"… 另有 {more} 个（--format json 列出全部）" if zh
                         else f"… and {more} more (--format json lists them all)")  # fmt: skip
    return "\n".join(lines) + "\n"


def render_json(result: Replay, old: str, new: str, lang: Lang) -> str:
    report = {
        "old": old,
        "new": new,
        "cases": len(result.cases),
        "counts": {k: result.count(k) for k in KINDS},
        "units": {
            u: {
                "led": {"old": load.led[0], "new": load.led[1]},
                "supported": {"old": load.supported[0], "new": load.supported[1]},
            }
            for u, load in result.units.items()
        },
        "streets": {street or None: dict(c) for street, c in result.streets.items()},
        "changed": [
            {
                "case": c.case.label,
                "problem": c.case.problem,
                "at": c.case.at,
                "with": dict(c.case.values),
                "kind": c.kind,
                "street": c.street,
                "old": outcome_json(c.old),
                "new": outcome_json(c.new),
                "why_not": [e.localised(lang)[0] if e is not None else None for e in c.why_not],
            }
            for c in result.changed()
        ],
    }
    return json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"


RENDERERS: dict[str, Callable[[Replay, str, str, Lang], str]] = {
    "text": lambda r, o, n, lang: render_tables(r, o, n, lang, markdown=False),
    "markdown": lambda r, o, n, lang: render_tables(r, o, n, lang, markdown=True),
    "json": render_json,
}
