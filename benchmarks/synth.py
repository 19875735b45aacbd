"""A synthetic city-scale catalogue for benchmarks: valid by construction, defects on demand.

    python benchmarks/synth.py OUT_DIR [--scale 1.0] [--seed 0] [--overlaps K] [--gaps G]

writes OUT_DIR/catalogs/synth/ (catalog, units, problems, duties, whistles, tasks, cases),
OUT_DIR/rules/synth/*.yaml and OUT_DIR/manifest.json. Scale 1 ("city") is one district,
331 streets, 7,000 communities, 100 departments and public units, 1,000 problem types,
10,000 duties and 2,000 dispatch rules; every count is multiplied by --scale (at least
one of each, at least two streets). The same arguments give byte-identical files.

How the duties stay free of overlaps and gaps. For each problem the duties form a
*laminar* family of matching sets: any two are either disjoint or one lies strictly
inside the other. The roots are a base partition of the whole case space (the values of
one attribute split into groups, true/false, or `{lt: t}`/`{gte: t}`), or one catch-all
duty with no `when`. Every other duty is an exception strictly inside its parent: the
parent's `when` plus one more condition — a place (`at` a street when the parent has
no place, a community of the parent's street), or a part of an attribute the parent
leaves open. The children of one duty all split on the same dimension, are pairwise
disjoint and never cover the whole parent (the district itself, a street itself, one
enumeration value, the numbers below the lowest threshold stay with the parent), so
every duty applies somewhere and each case has exactly one applicable duty: the
smallest set that holds it.

The dispatch rules are laminar field by field. One rule per category sets whistle,
respond_within and escalate. Narrower rules set a field only strictly inside every
other rule that sets it and can match the same case: a problem's own whistle (only
when its category has other problems), a problem's whistle at one street, a
category's respond_within at one street, a problem's respond_within at one community,
a problem's escalation for one part of an attribute. The rest only add `also_report`.
No two rules have the same matching set.

Injected defects (`--overlaps K`, `--gaps G`, on distinct problems): an overlap is one
more duty whose `when` repeats a leaf duty's word for word, with another lead; a gap
drops one piece of a problem's base partition with everything inside it (or, for a
problem with a catch-all root, all its duties).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

_BASE_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class DUMPER(_BASE_DUMPER):  # type: ignore[misc, valid-type]
    """Writes shared lists out in full: no `&id001` anchors in a catalogue."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


CATALOG_ID = "synth"

# -- counts at scale 1 ("city") --------------------------------------------------------
CITY = {
    "streets": 331,
    "communities": 7000,
    "departments": 85,
    "public_units": 15,
    "problems": 1000,
    "duties": 10000,
    "rules": 2000,
    "cases": 50,
    "party_members": 40,
    "alliances": 20,
}
PROBLEMS_PER_CATEGORY = 100

# -- vocabulary ------------------------------------------------------------------------
PLACE_CHARS = "".join(
    dict.fromkeys(
        "东西南北中新华兴安宁和平康乐福寿长春明光金银玉翠青碧红白云山水河湖江海泉溪桥塘"
        "园林花柳桃李杏梅松竹兰菊龙凤鹤麟虎鹿德仁义礼智信忠孝文武盛昌隆泰丰源茂荣富吉"
        "祥瑞庆嘉惠利民强胜朝阳星月辰晨曦霞岚峰岭坡坪坝湾滨洲沙石城关营屯堡寨庄集"
    )
)

CATEGORIES = [
    # (name, whistle, respond_within, escalate after)
    ("综合执法", "street", "30m", "2h"),
    ("环境保护", "street", "30m", "2h"),
    ("市场监管", "street", "1h", "4h"),
    ("安全生产", "street", "30m", "1h"),
    ("社区服务", "community", "24h", "3d"),
    ("共建共享", "alliance", "3d", "7d"),
    ("营商环境", "government", "24h", "3d"),
    ("重点项目", "project", "2h", "1d"),
    ("城市管理", "street", "1h", "4h"),
    ("民生保障", "community", "24h", "2d"),
]


def nth_category(index: int) -> tuple[str, str, str, str]:
    """The index-th category: the ten above, then numbered copies of them."""
    name, whistle, respond, after = CATEGORIES[index % len(CATEGORIES)]
    lap = index // len(CATEGORIES)
    return (name if lap == 0 else f"{name}（{lap + 1}）", whistle, respond, after)


WHISTLES: list[dict[str, Any]] = [
    {
        "id": "community",
        "name": "社区吹哨、党员报到",
        "blower": "community",
        "reporters": ["public-unit", "party-members"],
        "purpose": "开展志愿服务",
    },
    {
        "id": "street",
        "name": "街道吹哨、部门报到",
        "blower": "street",
        "reporters": ["department"],
        "purpose": "开展综合执法整治",
    },
    {
        "id": "alliance",
        "name": "党建联盟吹哨、公共单位报到",
        "blower": "community",
        "reporters": ["alliance", "public-unit"],
        "purpose": "推进共驻共建共享",
    },
    {
        "id": "government",
        "name": "政务吹哨、部门报到",
        "blower": None,  # the first department
        "reporters": ["department"],
        "purpose": "优化营商环境",
    },
    {
        "id": "project",
        "name": "项目吹哨、部门报到",
        "blower": "street",
        "reporters": ["department"],
        "purpose": "凝聚力量推进发展",
    },
]
WHISTLE_IDS = [w["id"] for w in WHISTLES]
STREET_WHISTLES = ["street", "project", "government"]  # a blower at every street

# (name, kind, values | grid of thresholds)
ATTRIBUTES: list[tuple[str, str, str, list[Any]]] = [
    ("stage", "建设阶段", "enum", ["未开工", "在建", "已建成"]),
    ("source", "来源", "enum", ["社会生活", "建筑施工", "工业", "交通"]),
    ("premises", "场所类型", "enum", ["餐饮", "居民", "商铺", "单位", "其他"]),
    ("severity", "严重程度", "enum", ["一般", "较重", "严重"]),
    ("land", "土地性质", "enum", ["国有土地", "集体土地", "林地", "耕地"]),
    ("position", "发生位置", "enum", ["机动车道", "人行道", "小区内部", "广场"]),
    (
        "party",
        "当事主体",
        "enum",
        ["个人", "个体工商户", "企业", "机关事业单位", "社会组织", "其他"],
    ),
    ("period", "发生时段", "enum", ["白天", "夜间", "节假日"]),
    ("load_bearing", "是否涉及承重墙", "boolean", []),
    ("fire_hazard", "是否存在消防隐患", "boolean", []),
    ("repeat", "是否重复投诉", "boolean", []),
    ("casualties", "是否有人员伤亡", "boolean", []),
    ("area_m2", "面积（平方米）", "number", [50, 100, 500, 1000, 5000]),
    ("people", "涉及人数", "number", [3, 10, 30, 100]),
    ("amount_yuan", "涉及金额（元）", "number", [1000, 10000, 50000, 200000]),
    ("hours", "持续时长（小时）", "number", [1, 6, 24, 72]),
]
ATTR = {a[0]: a for a in ATTRIBUTES}

SETTINGS = [
    ("小区", "住宅小区"),
    ("道路", "街路"),
    ("河道", "河沟"),
    ("公园", "游园"),
    ("市场", "集贸市场"),
    ("校园周边", "学校周边"),
    ("商圈", "商业圈"),
    ("背街小巷", "小街小巷"),
    ("城中村", "村改居"),
    ("工地", "建筑工地"),
    ("景区", "旅游景区"),
    ("车站", "客运站"),
    ("医院周边", "医院周围"),
    ("农村", "乡村"),
    ("山林", "林区"),
    ("老旧院落", "老院子"),
    ("商业街", "步行街"),
    ("地下空间", "地下室"),
    ("桥下空间", "桥洞"),
    ("广场", "广场周边"),
]
OBJECTS = [
    "噪声",
    "油烟",
    "渣土",
    "广告",
    "停车",
    "垃圾",
    "污水",
    "违建",
    "摊贩",
    "群租",
    "养犬",
    "井盖",
    "路灯",
    "绿化",
    "消防通道",
    "电动车充电",
    "高空抛物",
    "扬尘",
    "积水",
    "管线",
    "无证经营",
    "食品安全",
    "燃气",
    "电梯",
    "房屋安全",
    "供暖",
    "供水",
    "供电",
    "物业",
    "拆迁",
    "征地",
    "施工",
    "树木",
    "野生动物",
    "防汛",
    "非法采砂",
    "秸秆",
    "共享单车",
    "快递",
    "充电桩",
]
ISSUES = [
    "扰民",
    "违规",
    "纠纷",
    "隐患",
    "投诉",
    "乱象",
    "占道",
    "破损",
    "污染",
    "整治",
    "堵塞",
    "缺失",
    "超标",
    "失管",
    "冲突",
]

DEPARTMENT_BASES = [
    # the first is the fixed blower of the government whistle
    ("政务服务管理", ["政务服务", "审批协调", "行政许可"]),
    ("委组织", ["组织协调", "党建统筹", "考核评价"]),
    ("委编办", ["机构编制", "职责清单"]),
    ("委政研室", ["政策研究"]),
    ("城市管理", ["执法", "行政处罚", "查封扣押", "强制拆除", "市容管理", "环卫管理"]),
    ("公安", ["治安管理", "行政处罚", "行政拘留", "刑事侦查"]),
    ("市场监督管理", ["市场监管", "行政处罚", "食品安全监管", "价格监督"]),
    ("住房和城乡建设", ["建筑管理", "行政处罚", "物业监管"]),
    ("自然资源", ["规划许可", "土地管理", "行政处罚"]),
    ("生态环境", ["环境监测", "环境执法", "行政处罚"]),
    ("卫生健康", ["卫生监督", "医疗管理"]),
    ("民政", ["社会救助", "养老服务", "社区建设"]),
    ("文化和旅游", ["文化市场执法", "旅游管理"]),
    ("教育体育", ["教育管理", "体育管理"]),
    ("交通运输", ["交通管理", "道路养护"]),
    ("水务", ["水务管理", "防汛调度"]),
    ("林业和草原", ["林业执法", "森林防火"]),
    ("应急管理", ["应急处置", "安全监管"]),
    ("司法", ["法律服务", "人民调解"]),
    ("人力资源和社会保障", ["劳动监察", "就业服务"]),
    ("农业农村", ["农业执法", "农村管理"]),
    ("商务", ["商贸管理", "投资促进"]),
    ("发展和改革", ["项目审批", "价格监督"]),
    ("财政", ["资金保障"]),
    ("审计", ["审计监督"]),
    ("统计", ["统计调查"]),
    ("退役军人事务", ["优抚安置"]),
    ("医疗保障", ["医保监管"]),
    ("工业和信息化", ["工业管理", "安全监管"]),
    ("科学技术", ["科技管理"]),
    ("国有资产监督管理", ["国资监管"]),
    ("信访", ["信访接待", "组织协调"]),
    ("园林绿化", ["绿化管理", "行政处罚"]),
    ("消防救援", ["消防监督", "应急处置"]),
    ("交通警察", ["交通管理", "行政处罚"]),
    ("残疾人联合", ["残疾人服务"]),
    ("妇女联合", ["妇女儿童权益"]),
    ("共青团", ["青年工作", "志愿服务"]),
    ("总工会", ["职工权益"]),
    ("城市更新", ["项目推进", "征收补偿"]),
    ("征地拆迁", ["征收补偿", "强制拆除"]),
    ("粮食和物资储备", ["物资保障"]),
    ("人民防空", ["人防管理"]),
    ("投资促进", ["投资促进", "审批协调"]),
    ("大数据", ["数据共享"]),
]
DEPARTMENT_SUFFIXES = ["局", "执法大队", "事务办公室"]
PUBLIC_BASES = [
    ("供电局", ["供电"]),
    ("自来水公司", ["供水"]),
    ("燃气公司", ["供气"]),
    ("人民医院", ["医疗服务"]),
    ("中医医院", ["医疗服务"]),
    ("妇幼保健院", ["医疗服务"]),
    ("疾病预防控制中心", ["疾病防控"]),
    ("环卫站", ["环卫作业"]),
    ("公交公司", ["公交运营"]),
    ("图书馆", ["文化服务"]),
    ("文化馆", ["文化服务"]),
    ("第一中学", ["教育服务"]),
    ("邮政分公司", ["邮政服务"]),
    ("电信分公司", ["通信保障"]),
    ("物业服务中心", ["物业服务"]),
]
STREET_POWERS = ["巡查", "劝导", "统筹协调"]
LAWS = [
    "中华人民共和国城乡规划法",
    "中华人民共和国行政处罚法",
    "中华人民共和国行政强制法",
    "中华人民共和国环境保护法",
    "中华人民共和国环境噪声污染防治法",
    "中华人民共和国大气污染防治法",
    "中华人民共和国食品安全法",
    "中华人民共和国消防法",
    "中华人民共和国道路交通安全法",
    "中华人民共和国治安管理处罚法",
    "中华人民共和国安全生产法",
    "中华人民共和国土地管理法",
    "中华人民共和国森林法",
    "中华人民共和国水法",
    "中华人民共和国残疾人保障法",
    "物业管理条例",
    "城市市容和环境卫生管理条例",
    "无证无照经营查处办法",
    "娱乐场所管理条例",
    "优化营商环境条例",
]

PHASES = [
    {"id": "pilot", "name": "工作试点阶段", "start": "2019-01-01", "end": "2019-06-30"},
    {"id": "plan", "name": "实施方案形成阶段", "start": "2019-07-01", "end": "2019-07-09"},
    {"id": "rollout", "name": "动员部署全面推进阶段", "start": "2019-07-10", "end": "2019-09-30"},
    {"id": "consolidation", "name": "固化成果常态长效推行阶段", "start": "2019-10-01"},
]
AIMS = ["明责瘦身、赋权提能", "聚焦重点、破解难题", "优化流程、健全机制", "协同配合、凝聚合力"]
TASKS = [
    # (name, phase, due, status, done_on, results)
    ("开展街道吹哨试点", "pilot", "2019-06-30", "done", "2019-06-20", ["实践成果"]),
    ("总结试点经验", "pilot", "2019-06-30", "done", "2019-06-28", ["理论成果"]),
    ("制定出台《实施方案》", "plan", "2019-07-09", "done", "2019-07-09", ["制度成果"]),
    ("编制街道职责清单", "rollout", "2019-09-20", "done", "2019-09-18", ["制度成果"]),
    ("编制部门主责配合清单", "rollout", "2019-09-30", "done", "2019-09-25", ["制度成果"]),
    ("赋予街道考核评价权", "rollout", "2019-09-30", "in-progress", None, ["制度成果"]),
    ("推动执法力量下沉街道", "rollout", "2019-09-30", "in-progress", None, ["实践成果"]),
    ("建立“五哨”联动响应机制", "rollout", "2019-07-31", "done", "2019-07-26", ["制度成果"]),
    ("建立吹哨事项清单", "rollout", "2019-08-31", "done", "2019-08-30", ["制度成果"]),
    ("建立部门报到考核办法", "rollout", "2019-09-30", "in-progress", None, ["制度成果"]),
    ("开展违法建设联合执法", "rollout", "2019-09-30", "in-progress", None, ["实践成果"]),
    ("开展环境污染专项整治", "rollout", "2019-09-30", "not-started", None, ["实践成果"]),
    ("推进社区党员报到服务", "rollout", "2019-09-15", "done", "2019-09-10", ["实践成果"]),
    ("组建社区党建联盟", "rollout", "2019-09-30", "in-progress", None, ["实践成果"]),
    ("优化营商环境政务哨", "rollout", "2019-09-30", "in-progress", None, ["实践成果"]),
    ("重点项目哨推进征地拆迁", "rollout", "2019-09-30", "not-started", None, ["实践成果"]),
    ("建设网格化指挥平台", "consolidation", "2019-12-31", "not-started", None, ["实践成果"]),
    ("建立接诉即办机制", "consolidation", "2019-12-31", "not-started", None, ["制度成果"]),
    ("完善街道议事协商制度", "consolidation", "2019-12-31", "not-started", None, ["制度成果"]),
    ("汇编“1+N”政策文件", "consolidation", "2020-03-31", "not-started", None, ["制度成果"]),
    ("开展基层治理理论研究", "consolidation", "2020-06-30", "not-started", None, ["理论成果"]),
    ("建立常态长效考评机制", "consolidation", "2020-06-30", "not-started", None, ["制度成果"]),
    ("总结推广典型案例", "consolidation", "2020-06-30", "not-started", None, ["理论成果"]),
]


def scaled(name: str, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(CITY[name] * scale))


# -- conditions ------------------------------------------------------------------------
def sample(attr: str, cond: Any) -> Any:
    """A value of `attr` that satisfies `cond` (as written in YAML)."""
    spec = ATTR[attr][3]
    if isinstance(cond, dict):
        if "not" in cond:
            return next(v for v in spec if v not in cond["not"])
        if "gte" in cond:
            return cond["gte"]
        if "lte" in cond:
            return cond["lte"]
        if "gt" in cond:
            return cond["gt"] + 1
        return cond["lt"] - 1
    if isinstance(cond, list):
        return cond[0]
    return cond


def any_value(attr: str) -> Any:
    _, _, kind, spec = ATTR[attr]
    if kind == "enum":
        return spec[0]
    if kind == "boolean":
        return False
    return 0


def enum_cond(group: list[str], values: list[str]) -> Any:
    ordered = [v for v in values if v in group]
    return ordered[0] if len(ordered) == 1 else ordered


# -- the duty tree of one problem ------------------------------------------------------
class Node:
    __slots__ = (
        "basis",
        "children",
        "constrained",
        "lead",
        "needs",
        "parent",
        "place",
        "split",
        "style",
        "support",
        "used",
        "when",
    )

    def __init__(
        self,
        when: dict[str, Any],
        place: tuple[str, str | None],
        constrained: frozenset[str],
        parent: Node | None,
    ) -> None:
        self.when = when
        self.place = place  # ("all", None) | ("street", id) | ("community", id) | ("set", None)
        self.constrained = constrained
        self.parent = parent
        self.children: list[Node] = []
        self.split: str | None = None  # "place" or an attribute
        self.used: Any = None
        self.style = "co"
        self.lead = ""
        self.support: list[str] = []
        self.needs: list[str] = []
        self.basis = ""

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out += child.walk()
        return out


class Synth:
    def __init__(self, scale: float, seed: int, overlaps: int, gaps: int) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.seed = seed
        self.overlaps = overlaps
        self.gaps = gaps
        self.rng = random.Random(seed)
        self.units: list[dict[str, Any]] = []
        self.powers: dict[str, list[str]] = {}
        self.used_words: set[str] = set()

    # -- units ------------------------------------------------------------------------
    def word(self, text: str) -> bool:
        """Claim a name or alias; False if it is taken."""
        if text in self.used_words:
            return False
        self.used_words.add(text)
        return True

    def place_names(self, count: int) -> list[str]:
        chars = PLACE_CHARS
        pairs = [a + b for a, b in itertools.permutations(chars, 2)]
        if count <= len(pairs):
            return self.rng.sample(pairs, count)
        triples = [p + c for p in pairs for c in chars if c not in p]
        return self.rng.sample(triples, count)

    def build_units(self) -> None:
        rng = self.rng
        n_streets = scaled("streets", self.scale, 2)
        n_comm = scaled("communities", self.scale)
        self.root = "city"
        self.word("合成市中心区")
        self.units.append(
            {"id": "city", "name": "合成市中心区", "kind": "district", "aliases": ["中心区"]}
        )
        self.word("中心区")
        width = len(str(n_streets))
        self.streets = [f"st{i + 1:0{width}d}" for i in range(n_streets)]
        street_names = self.place_names(n_streets)
        for sid, name in zip(self.streets, street_names, strict=True):
            self.word(name + "街道")
            self.word(name)
            self.units.append(
                {
                    "id": sid,
                    "name": name + "街道",
                    "kind": "street",
                    "parent": "city",
                    "aliases": [name],
                    "powers": STREET_POWERS,
                }
            )
            self.powers[sid] = STREET_POWERS
        # communities: one for each street first, then at random
        owner = [self.streets[i % n_streets] for i in range(min(n_comm, n_streets))]
        owner += [rng.choice(self.streets) for _ in range(n_comm - len(owner))]
        by_street: dict[str, list[str]] = {s: [] for s in self.streets}
        comm_names = self.place_names(n_comm)
        comm_width = max(2, len(str(max(owner.count(s) for s in set(owner)) if owner else 1)))
        self.street_of: dict[str, str] = {}
        comm_units = []
        for street, name in zip(owner, comm_names, strict=True):
            cid = f"{street}.c{len(by_street[street]) + 1:0{comm_width}d}"
            by_street[street].append(cid)
            self.street_of[cid] = street
            self.word(name + "社区")
            comm_units.append((cid, name + "社区", street))
        self.communities_of = by_street
        self.communities = [c for s in self.streets for c in by_street[s]]
        comm_unit = {
            cid: {"id": cid, "name": name, "kind": "community", "parent": street}
            for cid, name, street in comm_units
        }
        for cid in self.communities:
            self.units.append(comm_unit[cid])
        # party members and alliances of a few communities
        self.community_reporters: dict[str, list[str]] = {}
        picks = rng.sample(
            self.communities, min(len(self.communities), scaled("party_members", self.scale))
        )
        for cid in picks:
            uid = f"{cid}.dangyuan"
            name = comm_unit[cid]["name"] + "在职党员"
            self.word(name)
            self.units.append(
                {
                    "id": uid,
                    "name": name,
                    "kind": "party-members",
                    "parent": cid,
                    "powers": ["志愿服务", "结对帮扶"],
                }
            )
            self.community_reporters.setdefault(cid, []).append(uid)
        picks = rng.sample(
            self.communities, min(len(self.communities), scaled("alliances", self.scale))
        )
        for cid in picks:
            uid = f"{cid}.lianmeng"
            name = comm_unit[cid]["name"] + "党建联盟"
            self.word(name)
            self.units.append(
                {
                    "id": uid,
                    "name": name,
                    "kind": "alliance",
                    "parent": cid,
                    "powers": ["志愿服务", "共建共享"],
                }
            )
            self.community_reporters.setdefault(cid, []).append(uid)
        # leadership
        self.word("区委区政府主要领导")
        self.units.append(
            {
                "id": "leaders",
                "name": "区委区政府主要领导",
                "kind": "leadership",
                "parent": "city",
                "powers": ["统筹调度", "督查问责"],
                "aliases": ["区主要领导"],
            }
        )
        self.word("区主要领导")
        # departments and public units
        self.departments: list[str] = []
        n_dept = scaled("departments", self.scale)
        combos = [
            (b, s)
            for s in DEPARTMENT_SUFFIXES
            for b in DEPARTMENT_BASES
            if s == "局" or not b[0].startswith("委")
        ]
        for i in range(n_dept):
            (base, powers), suffix = combos[i % len(combos)]
            round_ = i // len(combos)
            if base.startswith("委") and suffix == "局":
                name, alias = f"区{base}{'部' if base == '委组织' else ''}", base[1:]
                alias = "组织部" if base == "委组织" else alias
            else:
                name, alias = f"区{base}{suffix}", f"{base}{suffix}"
            if round_:
                name, alias = f"{name}第{round_ + 1}分支", f"{alias}{round_ + 1}"
            uid = f"bm{i + 1:02d}"
            extra = rng.sample(POWER_POOL, rng.randint(0, 2))
            mine = list(dict.fromkeys(powers + extra))
            aliases = [alias] if self.word(alias) else []
            assert self.word(name), name
            self.units.append(
                {
                    "id": uid,
                    "name": name,
                    "kind": "department",
                    "parent": "city",
                    "powers": mine,
                    "aliases": aliases,
                }
            )
            self.powers[uid] = mine
            self.departments.append(uid)
        self.public_units: list[str] = []
        for i in range(scaled("public_units", self.scale)):
            base, powers = PUBLIC_BASES[i % len(PUBLIC_BASES)]
            round_ = i // len(PUBLIC_BASES)
            name = f"区{base}" + (f"第{round_ + 1}分部" if round_ else "")
            alias = base + (str(round_ + 1) if round_ else "")
            uid = f"gg{i + 1:02d}"
            assert self.word(name), name
            aliases = [alias] if self.word(alias) else []
            self.units.append(
                {
                    "id": uid,
                    "name": name,
                    "kind": "public-unit",
                    "parent": "city",
                    "powers": powers,
                    "aliases": aliases,
                }
            )
            self.powers[uid] = powers
            self.public_units.append(uid)
        self.agencies = self.departments + self.public_units

    # -- problems ---------------------------------------------------------------------
    def build_problems(self) -> None:
        rng = self.rng
        n = scaled("problems", self.scale)
        # A bigger city has more kinds of problem, not bigger kinds: about a hundred
        # problem types per category at every scale, so that a category rule's reach
        # (and the work it makes) grows with the city, not with its square.
        count = max(1, min(n, round(n / PROBLEMS_PER_CATEGORY)))
        self.categories = [nth_category(k) for k in range(count)]
        combos = [(m, o, i) for m in range(len(SETTINGS)) for o in OBJECTS for i in ISSUES]
        if n > len(combos):
            raise ValueError(f"at most {len(combos)} problems")
        chosen = rng.sample(combos, n)
        width = max(4, len(str(n)))
        self.problems: list[dict[str, Any]] = []
        names = [a[0] for a in ATTRIBUTES]
        for index, (m, o, i) in enumerate(chosen):
            setting, synonym = SETTINGS[m]
            name = f"{setting}{o}{i}"
            assert self.word(name), name
            aliases: list[str] = []
            for alias in (f"{synonym}{o}{i}", f"{o}{i}（{setting}）"):
                if len(aliases) < rng.randint(1, 2) and self.word(alias):
                    aliases.append(alias)
            category = (
                index if index < len(self.categories) else rng.randrange(len(self.categories))
            )
            k = rng.choices([0, 1, 2, 3], weights=[15, 35, 30, 20])[0]
            attrs = rng.sample(names, k)
            attrs.sort(key=names.index)
            problem = {
                "id": f"p{index + 1:0{width}d}",
                "name": name,
                "aliases": aliases,
                "category": self.categories[category][0],
                "attributes": attrs,
            }
            self.problems.append(problem)
        self.problem_by_id = {p["id"]: p for p in self.problems}
        self.members: dict[str, list[str]] = {c[0]: [] for c in self.categories}
        for p in self.problems:
            self.members[p["category"]].append(p["id"])
        # each category leans on a pool of departments
        self.category_pool = {
            c[0]: rng.sample(
                self.agencies, min(len(self.agencies), max(3, len(self.agencies) // 6))
            )
            for c in self.categories
        }

    # -- duties -----------------------------------------------------------------------
    def fill(self, node: Node, lead: str | None = None) -> None:
        rng = self.rng
        node.lead = lead if lead is not None else rng.choice(self.agencies)
        others = [u for u in self.agencies if u != node.lead]
        node.support = rng.sample(others, min(len(others), rng.choice([0, 1, 1, 2])))
        powers = self.powers.get(node.lead, [])
        node.needs = rng.sample(powers, min(len(powers), rng.choice([0, 1, 1, 2])))
        node.basis = f"《{rng.choice(LAWS)}》第{rng.randint(2, 90)}条"

    def base(self, problem: dict[str, Any]) -> list[Node]:
        rng = self.rng
        attrs = problem["attributes"]
        pool = self.category_pool[problem["category"]]
        if not attrs or rng.random() < 0.2:
            node = Node({}, ("all", None), frozenset(), None)
            self.fill(node, rng.choice(pool))
            return [node]
        a0 = rng.choice(attrs)
        _, _, kind, spec = ATTR[a0]
        conds: list[Any]
        if kind == "enum":
            k = rng.randint(2, min(4, len(spec)))
            shuffled = rng.sample(spec, len(spec))
            cuts = sorted(rng.sample(range(1, len(spec)), k - 1))
            groups = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(spec)], strict=True)]
            conds = [enum_cond(g, spec) for g in groups]
            if rng.random() < 0.3:
                rest = [v for g in groups[:-1] for v in g]
                conds[-1] = {"not": enum_cond(rest, spec) if len(rest) > 1 else rest}
        elif kind == "boolean":
            conds = [True, False]
        else:
            ts = sorted(rng.sample(spec, rng.choice([1, 1, 2])))
            if len(ts) == 1:
                t = ts[0]
                conds = [{"lt": t}, {"gte": t}] if rng.random() < 0.7 else [{"lte": t}, {"gt": t}]
            else:
                conds = [{"lt": ts[0]}, {"gte": ts[0], "lt": ts[1]}, {"gte": ts[1]}]
        nodes = []
        for cond in conds:
            node = Node({a0: cond}, ("all", None), frozenset([a0]), None)
            self.fill(node, rng.choice(pool))
            nodes.append(node)
        return nodes

    def child_options(self, node: Node, attrs: list[str]) -> list[str]:
        """The dimensions a new child of `node` could split on."""
        if node.split is not None:
            return [node.split] if self.can_split(node, node.split) else []
        dims = ["place"] if self.can_split(node, "place") else []
        return dims + [a for a in attrs if a not in node.constrained]

    def can_split(self, node: Node, dim: str) -> bool:
        used = node.used
        if dim == "place":
            kind, pid = node.place
            if kind == "all":
                return True  # there are many places; add_child retries
            if kind == "street":
                return len(used or ()) < len(self.communities_of[str(pid)])
            return False
        _, _, kind, spec = ATTR[dim]
        if kind == "enum":
            return used is None or len(spec) - len(used) >= 2
        if kind == "boolean":
            return used is None
        return used is None or len(used) < len(spec)

    def add_child(self, node: Node, dim: str) -> Node | None:
        rng = self.rng
        if node.split is None:
            node.split = dim
            node.style = rng.choice(["co", "co", "oc"])
        when = dict(node.when)
        constrained = node.constrained
        place = node.place
        if dim == "place":
            kind, pid = node.place
            if node.used is None:
                node.used = {"streets": set(), "communities": set()}
            used = node.used
            if kind == "all":
                anchors = None
                for _ in range(20):
                    roll = rng.random()
                    if roll < 0.5:
                        s = rng.choice(self.streets)
                        if s in used["streets"] or any(
                            self.street_of[c] == s for c in used["communities"]
                        ):
                            continue
                        used["streets"].add(s)
                        anchors, place = [s], ("street", s)
                    else:
                        count = 1 if roll < 0.85 else 2
                        picked = []
                        for _ in range(count):
                            if not self.communities:
                                break
                            c = rng.choice(self.communities)
                            if (
                                c in used["communities"]
                                or self.street_of[c] in used["streets"]
                                or c in picked
                            ):
                                continue
                            picked.append(c)
                        if not picked:
                            continue
                        used["communities"].update(picked)
                        anchors = sorted(picked)
                        place = ("community", picked[0]) if len(picked) == 1 else ("set", None)
                    break
                if anchors is None:
                    return None
            else:  # a street: one of its communities
                free = [c for c in self.communities_of[str(pid)] if c not in used["communities"]]
                c = rng.choice(free)
                used["communities"].add(c)
                anchors, place = [c], ("community", c)
            when = {"at": anchors, **{k: v for k, v in when.items() if k != "at"}}
        else:
            _, _, kind, spec = ATTR[dim]
            if kind == "enum":
                used = node.used = node.used or []
                free = [v for v in spec if v not in used]
                group = rng.sample(free, rng.randint(1, min(2, len(free) - 1)))
                used.extend(group)
                when[dim] = enum_cond(group, spec)
            elif kind == "boolean":
                node.used = [rng.choice([True, False])]
                when[dim] = node.used[0]
            else:
                used = node.used = node.used or []
                segments = [i for i in range(len(spec)) if i not in used]
                i = rng.choice(segments)
                used.append(i)
                lo = spec[i]
                hi = spec[i + 1] if i + 1 < len(spec) else None
                if node.style == "co":
                    when[dim] = {"gte": lo, "lt": hi} if hi is not None else {"gte": lo}
                else:
                    when[dim] = {"gt": lo, "lte": hi} if hi is not None else {"gt": lo}
            constrained = constrained | {dim}
        child = Node(when, place, constrained, node)
        lead = None
        if place[0] == "street" and rng.random() < 0.2:
            lead = place[1]  # the street leads within itself
        self.fill(child, lead)
        node.children.append(child)
        return child

    def grow(self, problem: dict[str, Any], target: int) -> list[Node]:
        rng = self.rng
        roots = self.base(problem)
        nodes = [n for r in roots for n in r.walk()]
        attrs = problem["attributes"]
        stuck = 0
        while len(nodes) < target and stuck < 50:
            node = rng.choice(nodes)
            dims = self.child_options(node, attrs)
            if not dims:
                stuck += 1
                continue
            child = self.add_child(node, rng.choice(dims))
            if child is None:
                stuck += 1
                continue
            stuck = 0
            nodes.append(child)
        return roots

    def build_duties(self) -> None:
        rng = self.rng
        n_problems = len(self.problems)
        total = round(CITY["duties"] * self.scale)
        total = max(total, n_problems)
        targets = [
            total // n_problems + (1 if i < total % n_problems else 0) for i in range(n_problems)
        ]
        for _ in range(n_problems):  # vary the sizes, keeping the sum
            a, b = rng.randrange(n_problems), rng.randrange(n_problems)
            move = rng.randint(0, 4)
            if targets[a] - move >= 2:
                targets[a] -= move
                targets[b] += move
        self.trees: dict[str, list[Node]] = {}
        carry = 0  # duties made beyond (or short of) the targets so far
        for problem, target in zip(self.problems, targets, strict=True):
            roots = self.grow(problem, max(1, target - carry))
            self.trees[problem["id"]] = roots
            carry += sum(len(r.walk()) for r in roots) - target

    # -- injected defects -------------------------------------------------------------
    def inject(self) -> None:
        rng = self.rng
        ids = [p["id"] for p in self.problems]
        if self.overlaps + self.gaps > len(ids):
            raise ValueError(
                f"--overlaps {self.overlaps} + --gaps {self.gaps} exceeds the "
                f"{len(ids)} problems at this scale"
            )
        chosen = rng.sample(ids, self.overlaps + self.gaps)
        self.overlap_problems = sorted(chosen[: self.overlaps])
        self.gap_problems = sorted(chosen[self.overlaps :])
        self.extra: dict[int, Node] = {}  # id(leaf) → its injected twin
        self.overlap_detail: dict[str, dict[str, Any]] = {}
        for pid in self.overlap_problems:
            leaves = [n for r in self.trees[pid] for n in r.walk() if not n.children]
            leaf = rng.choice(leaves)
            twin = Node(dict(leaf.when), leaf.place, leaf.constrained, leaf.parent)
            others = [u for u in self.agencies if u != leaf.lead] or [
                s for s in self.streets if s != leaf.lead
            ]
            self.fill(twin, rng.choice(others))
            twin.basis = twin.basis + "（重复认定）"
            self.extra[id(leaf)] = twin
            self.overlap_detail[pid] = {"leaf": leaf, "twin": twin}
        self.gap_detail: dict[str, Any] = {}
        for pid in self.gap_problems:
            roots = self.trees[pid]
            if len(roots) >= 2:
                dropped = roots.pop(rng.randrange(len(roots)))
                self.gap_detail[pid] = dropped.when
            else:
                self.trees[pid] = []
                self.gap_detail[pid] = None

    # -- rules ------------------------------------------------------------------------
    def rule_key(self, rule: dict[str, Any]) -> tuple[Any, ...]:
        """The matching set of a rule, canonically: its problems, places and conditions."""
        when = rule.get("when", {})
        problems = set(self.problem_by_id)
        if "problem" in when:
            problems &= {when["problem"]}
        if "category" in when:
            problems &= set(self.members[when["category"]])
        attrs = [k for k in when if k not in ("at", "problem", "category")]
        problems = {p for p in problems if set(attrs) <= set(self.problem_by_id[p]["attributes"])}
        at = tuple(sorted(when["at"])) if "at" in when else None
        conds = tuple(sorted((k, json.dumps(when[k], sort_keys=True)) for k in attrs))
        return (tuple(sorted(problems)), at, conds)

    def attr_cond(self, attr: str) -> Any:
        """A condition strictly inside the attribute's domain."""
        rng = self.rng
        _, _, kind, spec = ATTR[attr]
        if kind == "enum":
            return enum_cond(rng.sample(spec, rng.randint(1, min(2, len(spec) - 1))), spec)
        if kind == "boolean":
            return True
        return {"gte": rng.choice(spec)}

    def reporters(self, exclude: Sequence[str] = ()) -> list[str]:
        pool = [u for u in self.agencies if u not in exclude]
        return self.rng.sample(pool, min(len(pool), self.rng.randint(1, 2)))

    def build_rules(self) -> None:
        rng = self.rng
        n_cat = len(self.categories)
        target = max(n_cat, round(CITY["rules"] * self.scale))
        rest = target - n_cat
        self.rule_files: dict[str, list[dict[str, Any]]] = {
            "dispatch.yaml": [],
            "streets.yaml": [],
            "problems.yaml": [],
        }
        keys: set[tuple[Any, ...]] = set()
        cat_whistle: dict[str, str] = {}
        cat_respond: dict[str, str] = {}
        rule: dict[str, Any]
        for name, whistle, respond, after in self.categories:
            rule = {
                "name": f"{name}类{next(w['name'] for w in WHISTLES if w['id'] == whistle)}",
                "when": {"category": name},
                "whistle": whistle,
                "respond_within": respond,
                "escalate": [{"after": after, "to": "leaders"}],
            }
            keys.add(self.rule_key(rule))
            self.rule_files["dispatch.yaml"].append(rule)
            cat_whistle[name] = whistle
            cat_respond[name] = respond
        count = 0

        def add(file: str, rule: dict[str, Any]) -> bool:
            nonlocal count
            if count >= rest:
                return False
            key = self.rule_key(rule)
            if not key[0] or key in keys:
                return False
            keys.add(key)
            self.rule_files[file].append(rule)
            count += 1
            return True

        street_name = {u["id"]: u["name"] for u in self.units if u["kind"] == "street"}
        comm_name = {u["id"]: u["name"] for u in self.units if u["kind"] == "community"}
        big = rest >= 10
        # categories at one street: a longer time to arrive in outlying streets
        cat_street_respond: dict[tuple[str, str], str] = {}
        for _ in range(max(1 if big else 0, round(rest * 0.025))):
            name = rng.choice(self.categories)[0]
            street = rng.choice(self.streets)
            respond = rng.choice([r for r in ["1h", "2h", "4h", "48h"] if r != cat_respond[name]])
            rule = {
                "name": f"{street_name[street]}{name}类到场时限",
                "when": {"category": name, "at": [street]},
                "respond_within": respond,
            }
            if add("streets.yaml", rule):
                cat_street_respond[(name, street)] = respond
        for _ in range(max(1 if big else 0, round(rest * 0.025))):
            name = rng.choice(self.categories)[0]
            street = rng.choice(self.streets)
            add(
                "streets.yaml",
                {
                    "name": f"{street_name[street]}{name}类加派",
                    "when": {"category": name, "at": [street]},
                    "also_report": self.reporters(),
                },
            )
        for _ in range(max(1 if big else 0, round(rest * 0.015))):
            name = rng.choice(self.categories)[0]
            declared = sorted(
                {a for p in self.members[name] for a in self.problem_by_id[p]["attributes"]}
            )
            if not declared:
                continue
            attr = rng.choice(declared)
            add(
                "streets.yaml",
                {
                    "name": f"{name}类{ATTR[attr][1]}加派",
                    "when": {"category": name, attr: self.attr_cond(attr)},
                    "also_report": self.reporters(),
                },
            )
        for _ in range(min(2, rest // 200)):
            street = rng.choice(self.streets)
            add(
                "streets.yaml",
                {
                    "name": f"{street_name[street]}全域加派",
                    "when": {"at": [street]},
                    "also_report": self.reporters(),
                },
            )
        # problem-level rules
        own_rule: dict[str, dict[str, Any]] = {}
        p_whistle: dict[str, str] = {}
        escalated: set[str] = set()
        kinds = [
            "own",
            "street-whistle",
            "community-respond",
            "community-also",
            "attr-escalate",
            "attr-also",
        ]
        weights = [3, 1.5, 1.5, 1, 1, 1]
        attempts = 0
        while count < rest and attempts < 50 * rest + 100:
            attempts += 1
            problem = rng.choice(self.problems)
            pid, cat = problem["id"], problem["category"]
            kind = rng.choices(kinds, weights)[0]
            if kind == "own":
                if pid in own_rule:
                    continue
                rule = {"name": f"{problem['name']}专项", "when": {"problem": pid}}
                whistled = sum(1 for m in self.members[cat] if m in p_whistle)
                if whistled < len(self.members[cat]) - 1 and rng.random() < 0.3:
                    whistle = rng.choice([w for w in WHISTLE_IDS if w != cat_whistle[cat]])
                    rule["whistle"] = whistle
                    p_whistle[pid] = whistle
                rule["also_report"] = self.reporters()
                if add("problems.yaml", rule):
                    own_rule[pid] = rule
                elif "whistle" in rule:
                    p_whistle.pop(pid, None)
            elif kind == "street-whistle":
                street = rng.choice(self.streets)
                taken = {cat_whistle[cat], p_whistle.get(pid)}
                rule = {
                    "name": f"{problem['name']}·{street_name[street]}",
                    "when": {"problem": pid, "at": [street]},
                    "whistle": rng.choice([w for w in STREET_WHISTLES if w not in taken]),
                }
                if rng.random() < 0.5:
                    rule["also_report"] = self.reporters()
                add("problems.yaml", rule)
            elif kind in ("community-respond", "community-also"):
                if not self.communities:
                    continue
                c = rng.choice(self.communities)
                rule = {
                    "name": f"{problem['name']}·{comm_name[c]}",
                    "when": {"problem": pid, "at": [c]},
                }
                if kind == "community-respond":
                    parent = cat_street_respond.get((cat, self.street_of[c]), cat_respond[cat])
                    rule["respond_within"] = rng.choice(
                        [r for r in ["15m", "20m", "45m", "6h"] if r != parent]
                    )
                local = self.community_reporters.get(c, [])
                rule["also_report"] = local + self.reporters(local) if local else self.reporters()
                if kind == "community-respond" and rng.random() < 0.5:
                    rule.pop("also_report")
                add("problems.yaml", rule)
            else:
                if not problem["attributes"]:
                    continue
                attr = rng.choice(problem["attributes"])
                rule = {
                    "name": f"{problem['name']}·{ATTR[attr][1]}",
                    "when": {"problem": pid, attr: self.attr_cond(attr)},
                }
                if kind == "attr-escalate":
                    if pid in escalated:
                        continue
                    rule["escalate"] = [{"after": rng.choice(["30m", "45m"]), "to": "leaders"}]
                    if rng.random() < 0.5:
                        rule["also_report"] = self.reporters()
                    if add("problems.yaml", rule):
                        escalated.add(pid)
                else:
                    rule["also_report"] = self.reporters()
                    add("problems.yaml", rule)
        self.rule_files["problems.yaml"].sort(key=lambda r: r["when"]["problem"])
        n = 0
        for rules in self.rule_files.values():
            for rule in rules:
                n += 1
                rule_id = f"R{n:04d}"
                items = list(rule.items())
                rule.clear()
                rule.update({"id": rule_id, **dict(items)})

    # -- tasks and cases --------------------------------------------------------------
    def build_tasks(self) -> dict[str, Any]:
        rng = self.rng
        pool = self.departments[:4] + rng.sample(self.agencies, min(6, len(self.agencies)))
        pool = list(dict.fromkeys(pool))
        organisation = self.departments[1] if len(self.departments) > 1 else self.departments[0]
        research = self.departments[3] if len(self.departments) > 3 else organisation
        self.results_leads = {
            "实践成果": organisation,
            "制度成果": organisation,
            "理论成果": research,
        }
        tasks = []
        led: set[str] = set()
        for i, (name, phase, due, status, done_on, results) in enumerate(TASKS):
            lead = pool[i % len(pool)] if i % 5 else rng.choice(self.streets)
            # the first task producing each kind of result is led by that result's lead
            first = [kind for kind in results if kind not in led]
            if first:
                lead = self.results_leads[first[0]]
                led.add(first[0])
            others = [u for u in self.agencies if u != lead]
            task: dict[str, Any] = {
                "id": f"T{i + 1:02d}",
                "name": name,
                "aim": AIMS[i * len(AIMS) // len(TASKS)],
                "lead": lead,
                "support": rng.sample(others, min(len(others), rng.randint(1, 3))),
                "phase": phase,
                "due": due,
                "results": results,
                "status": status,
            }
            if done_on:
                task["done_on"] = done_on
                if "制度成果" in results:
                    task["documents"] = [
                        {
                            "title": f"《{name}工作方案》",
                            "number": f"合办发〔2019〕{i + 1}号",
                            "date": done_on,
                        }
                    ]
            tasks.append(task)
        return {"phases": PHASES, "tasks": tasks}

    def case_for(self, problem: dict[str, Any], when: dict[str, Any]) -> tuple[str, dict]:
        at = when.get("at", [self.root])[0]
        values = {
            a: sample(a, when[a]) if a in when else any_value(a) for a in problem["attributes"]
        }
        return at, values

    def build_cases(self, ids: dict[int, str]) -> list[dict[str, Any]]:
        rng = self.rng
        cases = []
        injected = set(self.overlap_problems) | set(self.gap_problems)
        plain = [p for p in self.problems if p["id"] not in injected and self.trees[p["id"]]]
        for problem in rng.sample(plain, min(len(plain), scaled("cases", self.scale, 3))):
            leaves = [n for r in self.trees[problem["id"]] for n in r.walk() if not n.children]
            leaf = rng.choice(leaves)
            at, values = self.case_for(problem, leaf.when)
            case = {
                "name": f"{problem['name']}（{ids[id(leaf)]}）",
                "problem": problem["id"],
                "at": at,
            }
            if values:
                case["with"] = values
            case["expect"] = {"lead": leaf.lead, "duties": [ids[id(leaf)]]}
            cases.append(case)
        for pid in self.overlap_problems:
            problem, leaf = self.problem_by_id[pid], self.overlap_detail[pid]["leaf"]
            at, values = self.case_for(problem, leaf.when)
            case = {"name": f"{problem['name']}：注入的重叠", "problem": pid, "at": at}
            if values:
                case["with"] = values
            case["expect"] = {"status": "overlap"}
            cases.append(case)
        for pid in self.gap_problems:
            problem = self.problem_by_id[pid]
            at, values = self.case_for(problem, self.gap_detail[pid] or {})
            case = {"name": f"{problem['name']}：注入的空白", "problem": pid, "at": at}
            if values:
                case["with"] = values
            case["expect"] = {"status": "gap"}
            cases.append(case)
        return cases

    # -- output -----------------------------------------------------------------------
    def duty_records(self) -> tuple[list[dict[str, Any]], dict[int, str]]:
        records: list[dict[str, Any]] = []
        ids: dict[int, str] = {}
        for problem in self.problems:
            for root in self.trees[problem["id"]]:
                for node in root.walk():
                    for item in [node, self.extra.get(id(node))]:
                        if item is None:
                            continue
                        duty_id = f"D{len(records) + 1:05d}"
                        ids[id(item)] = duty_id
                        record: dict[str, Any] = {"id": duty_id, "problem": problem["id"]}
                        if item.when:
                            record["when"] = item.when
                        record["lead"] = item.lead
                        if item.support:
                            record["support"] = item.support
                        if item.needs:
                            record["needs"] = item.needs
                        record["basis"] = item.basis
                        records.append(record)
        return records, ids

    def generate(self, out: Path) -> dict[str, Any]:
        self.build_units()
        self.build_problems()
        self.build_duties()
        self.inject()
        self.build_rules()
        duties, ids = self.duty_records()
        tasks = self.build_tasks()
        cases = self.build_cases(ids)
        whistles = [dict(w, blower=w["blower"] or self.departments[0]) for w in WHISTLES]
        attributes = {}
        for name, label, kind, spec in ATTRIBUTES:
            if kind == "enum":
                attributes[name] = {"name": label, "values": spec}
            else:
                attributes[name] = {"name": label, "type": kind}
        problems = []
        for p in self.problems:
            record = {"id": p["id"], "name": p["name"]}
            if p["aliases"]:
                record["aliases"] = p["aliases"]
            record["category"] = p["category"]
            if p["attributes"]:
                record["attributes"] = p["attributes"]
            problems.append(record)
        units = []
        for u in self.units:
            units.append({k: v for k, v in u.items() if v not in (None, [])})
        catalog = {
            "id": CATALOG_ID,
            "name": "合成市中心区（基准测试）",
            "root": self.root,
            "rules": f"../../rules/{CATALOG_ID}",
            "defaults": {"respond_within": "30m"},
            "key_tasks": len(TASKS),
            "results_leads": self.results_leads,
        }
        header = (
            f"# generated by benchmarks/synth.py --scale {self.scale} --seed {self.seed} "
            f"--overlaps {self.overlaps} --gaps {self.gaps}; do not edit\n"
        )
        folder = out / "catalogs" / CATALOG_ID
        rules_folder = out / "rules" / CATALOG_ID
        for d in (folder, rules_folder):
            d.mkdir(parents=True, exist_ok=True)
            for stale in sorted(d.glob("*.yaml")):
                stale.unlink()
        files = {
            folder / "catalog.yaml": catalog,
            folder / "units.yaml": {"units": units},
            folder / "problems.yaml": {"attributes": attributes, "problems": problems},
            folder / "duties.yaml": {"duties": duties},
            folder / "whistles.yaml": {"whistles": whistles},
            folder / "tasks.yaml": tasks,
            folder / "cases.yaml": {"cases": cases},
        }
        for name, rules in self.rule_files.items():
            if rules:
                files[rules_folder / name] = {"rules": rules}
        for path, content in files.items():
            text = yaml.dump(
                content,
                Dumper=DUMPER,
                allow_unicode=True,
                sort_keys=False,
                default_flow_style=None,
                width=100000,
            )
            path.write_text(header + text, encoding="utf-8")
        kinds: dict[str, int] = {}
        for u in self.units:
            kinds[u["kind"]] = kinds.get(u["kind"], 0) + 1
        n_rules = sum(len(r) for r in self.rule_files.values())
        manifest = {
            "catalog": f"catalogs/{CATALOG_ID}",
            "scale": self.scale,
            "seed": self.seed,
            "counts": {
                "units": len(self.units),
                "units_by_kind": kinds,
                "places": kinds.get("district", 0)
                + kinds.get("street", 0)
                + kinds.get("community", 0),
                "attributes": len(ATTRIBUTES),
                "categories": len(self.categories),
                "problems": len(self.problems),
                "duties": len(duties),
                "rules": n_rules,
                "rules_by_file": {k: len(v) for k, v in self.rule_files.items()},
                "whistles": len(whistles),
                "phases": len(PHASES),
                "tasks": len(TASKS),
                "cases": len(cases),
            },
            "injected": {"overlap": len(self.overlap_problems), "gap": len(self.gap_problems)},
            "overlap_problems": self.overlap_problems,
            "gap_problems": self.gap_problems,
            "overlap_duties": {
                pid: [ids[id(d["leaf"])], ids[id(d["twin"])]]
                for pid, d in self.overlap_detail.items()
            },
            "gap_regions": {pid: when for pid, when in self.gap_detail.items()},
        }
        (out / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return manifest


POWER_POOL = sorted({p for _, ps in DEPARTMENT_BASES for p in ps})


def generate(
    out_dir: Path, scale: float = 1.0, seed: int = 0, overlaps: int = 0, gaps: int = 0
) -> dict[str, Any]:
    """Write the synthetic catalogue under out_dir and return its manifest."""
    return Synth(scale, seed, overlaps, gaps).generate(Path(out_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic city-scale dutylist catalogue (see the module docstring)."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = a city (default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--overlaps",
        type=int,
        default=0,
        metavar="K",
        help="problems that get one injected overlap",
    )
    parser.add_argument(
        "--gaps",
        type=int,
        default=0,
        metavar="G",
        help="other problems that get one uncovered region",
    )
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.overlaps < 0 or args.gaps < 0:
        parser.error("--scale must be positive, --overlaps and --gaps not negative")
    started = time.perf_counter()
    try:
        manifest = generate(args.out_dir, args.scale, args.seed, args.overlaps, args.gaps)
    except ValueError as error:
        parser.error(str(error))
    counts = manifest["counts"]
    print(
        f"wrote {args.out_dir / manifest['catalog']}: {counts['units']} units "
        f"({counts['places']} places), {counts['problems']} problems, {counts['duties']} duties, "
        f"{counts['rules']} rules; injected {manifest['injected']} "
        f"in {time.perf_counter() - started:.2f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
