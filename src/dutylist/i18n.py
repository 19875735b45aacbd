"""Messages in the user's language (Chinese or English).

Templates live in `dutylist.messages`; arguments that name a kind of thing (`what`,
`kind`) are translated through `TERMS` so one template serves every kind.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TERMS: dict[str, tuple[str, str]] = {
    # term: (english, chinese)
    "unit": ("unit", "单位"),
    "problem": ("problem type", "问题类型"),
    "attribute": ("attribute", "属性"),
    "duty": ("duty", "职责"),
    "rule": ("rule", "派单规则"),
    "whistle": ("whistle", "哨"),
    "phase": ("phase", "阶段"),
    "task": ("key task", "重点任务"),
    "case": ("case", "用例"),
    "category": ("category", "类别"),
    "place": ("place", "属地"),
    "district": ("district", "区"),
    "street": ("street", "街道"),
    "community": ("community", "社区"),
    "department": ("department", "部门"),
    "public-unit": ("public unit", "公共单位"),
    "alliance": ("party-building alliance", "党建联盟"),
    "party-members": ("party members", "党员"),
    "leadership": ("leadership", "领导"),
}


def default_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language the locale asks for: Chinese for zh_*, English otherwise."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def term(name: str, lang: Lang) -> str:
    english, chinese = TERMS.get(name, (name, name))
    return chinese if lang == "zh" else english


def _localise(key: str, value: Any, lang: Lang) -> Any:
    if key in ("what", "kind", "expected_kind") and isinstance(value, str):
        return term(value, lang)
    if isinstance(value, Mapping) and set(value) == {"en", "zh"}:
        return value[lang]
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def render_message(key: str, args: Mapping[str, Any], lang: Lang) -> str:
    from dutylist.messages import MESSAGES

    english, chinese = MESSAGES[key]
    template = chinese if lang == "zh" else english
    values = {k: _localise(k, v, lang) for k, v in args.items()}
    text = template.format_map(values)
    hint = values.get("hint")
    if isinstance(hint, str) and hint:
        text += f" ({hint})" if lang == "en" else f"（{hint}）"
    return text
