"""`who --text`: the case read from what the resident said — the problem, the place and
the attributes named in it — then answered as any other; names that contain one
another read as the longest; what is missing is what to ask the caller."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dutylist.session import open_session
from dutylist.text.reading import Names, TextReader
from tests.conftest import PANLONG, Run

MESSAGE = "桃园社区楼下的KTV每天晚上噪音很大，社会生活噪声，吵到凌晨两点"


def test_the_readme_message_is_answered_end_to_end(run_cli: Callable[..., Run]) -> None:
    result = run_cli("who", "--text", MESSAGE, "--catalog", str(PANLONG), "--format", "json")
    assert result.code == 0, result.err
    answer = json.loads(result.out)
    assert answer["problem"]["id"] == "noise" and answer["place"]["id"] == "gulou.taoyuan"
    assert (
        answer["lead"]["id"] == "ga"
    )  # what `who 噪声扰民 --at 桃园社区 --set source=社会生活` says
    read = {r["field"]: r for r in answer["read"]}
    assert (
        read["place"]["from"] == "桃园社区" and MESSAGE[slice(*read["place"]["at"])] == "桃园社区"
    )
    assert read["problem"]["how"] == "alias" and read["source"]["value"] == "社会生活"
    explained = run_cli("who", "--text", MESSAGE, "--catalog", str(PANLONG), "--explain",
                        "--lang", "zh").out  # fmt: skip
    assert "从来电内容中读出" in explained and "“桃园社区” @0 (name)" in explained


def test_names_that_contain_one_another_read_as_the_longest() -> None:
    names = Names([("桃源", "a", "name"), ("桃源街", "b", "name"), ("桃源街社区", "c", "name")])
    assert [s[2] for s in names.find("我住在桃源街社区旁边")] == ["c"]
    assert [s[2] for s in names.find("桃源街上的摊位")] == ["b"]
    assert [s[2] for s in names.find("去桃源玩")] == ["a"]
    assert [s[2] for s in names.find("桃源街社区和桃源")] == ["c", "a"]


def test_the_most_specific_place_wins_and_numbers_come_with_their_unit() -> None:
    reader = TextReader(open_session(PANLONG, "zh").catalog)
    reading = reader.read("鼓楼街道桃园社区有人私搭乱建，在建，面积大概 1200 平方米")
    assert reading.place == "gulou.taoyuan"  # the community, not its street
    assert reading.problem == "illegal-construction"  # by its alias 私搭乱建
    assert reading.values == {"stage": "在建", "area_m2": 1200.0}


def test_what_is_missing_is_what_to_ask(run_cli: Callable[..., Run]) -> None:
    nowhere = run_cli("who", "--text", "有人违建，面积大概300平方米", "--catalog", str(PANLONG),
                      "--lang", "zh")  # fmt: skip
    assert nowhere.code == 1 and "请向来电人问明在哪里" in nowhere.out
    unknown = run_cli("who", "--text", "桃园社区有点事", "--catalog", str(PANLONG),
                      "--format", "json")  # fmt: skip
    document = json.loads(unknown.out)
    assert unknown.code == 1 and document["missing"] == ["problem"]
    empty = run_cli("who", "--text", "   ", "--catalog", str(PANLONG))
    assert empty.code == 2 and "empty" in empty.err
    both = run_cli("who", "噪声扰民", "--text", MESSAGE, "--catalog", str(PANLONG))
    assert both.code == 2


NOISY = ["楼上天天装修吵死人", "隔壁半夜唱歌太吵", "广场舞音响太大声", "工地晚上还在打桩很吵",
         "楼下酒吧音乐震天响", "邻居家狗叫一整夜", "夜里有人敲敲打打", "早上五点就有人放鞭炮",
         "小区里喇叭循环播放太吵", "楼道里有人大声喧哗"]  # fmt: skip
BUILDING = ["邻居在楼顶加盖了一层房子", "有人在绿地上盖了铁皮房", "院子里私自搭了棚子",
            "一楼住户把阳台往外扩建", "小区空地被人围起来建房", "屋顶上搭了个阳光房",
            "有人在河边偷偷盖房子", "车库被改成了住房还在加建", "楼下商户违规搭建雨棚",
            "农田里新起了一栋楼"]  # fmt: skip


def test_a_catalogue_with_its_own_examples_names_the_problem_from_them(
    minimal: Path, run_cli: Callable[..., Run]
) -> None:
    rows = [f"{t},noise" for t in NOISY] + [f"{t},违法建设" for t in BUILDING]  # ids or names
    (minimal / "messages.csv").write_text("text,problem\n" + "\n".join(rows) + "\n",
                                          encoding="utf-8")  # fmt: skip
    asked = ("who", "--text", "楼上邻居天天装修，吵死人了", "--at", "东社区", "--catalog",
             str(minimal), "--format", "json")  # fmt: skip
    first = run_cli(*asked)
    answer = json.loads(first.out)
    assert answer["problem"]["id"] == "noise", first.err  # no name of it in the text
    assert {r["field"]: r["how"] for r in answer["read"]}["problem"] == "model"
    assert json.loads(run_cli(*asked).out)["problem"]["id"] == "noise"  # from the cache
    (minimal / "messages.csv").write_text("text,problem\n楼上太吵,火星问题\n", encoding="utf-8")
    wrong = run_cli(*asked)
    assert wrong.code == 2 and "messages.csv:2" in wrong.err and "火星问题" in wrong.err


def test_without_examples_a_model_of_the_catalogues_names_reads_the_problem(
    run_cli: Callable[..., Run],
) -> None:
    """Panlong keeps no messages.csv: 摆摊卖菜 is no name or alias of a problem (占道经营's
    are 流动摊贩, 摆摊设点 …), yet the model of its names, aliases and cases decides it;
    a name written in the text still decides by itself, and a text that says nothing of
    a problem stays undetermined."""
    asked = ("who", "--text", "鼓楼街道马路边每天都有人摆摊卖菜", "--catalog", str(PANLONG),
             "--format", "json")  # fmt: skip
    answer = json.loads(run_cli(*asked).out)
    read = {r["field"]: r for r in answer["read"]}
    assert answer["problem"]["id"] == "street-vending" and read["problem"]["how"] == "model"
    assert answer["place"]["id"] == "gulou" and answer["lead"]["id"] == "cgj"
    named = json.loads(run_cli("who", "--text", "鼓楼街道有流动摊贩", "--catalog", str(PANLONG),
                               "--format", "json").out)  # fmt: skip
    assert {r["field"]: r["how"] for r in named["read"]}["problem"] == "alias"
    vague = run_cli("who", "--text", "鼓楼街道有点事", "--catalog", str(PANLONG), "--format",
                    "json")  # fmt: skip
    assert vague.code == 1 and json.loads(vague.out)["missing"] == ["problem"]


def test_landmarks_and_the_words_residents_use_are_read(run_cli: Callable[..., Run]) -> None:
    """The issue's own message: 桃源街菜市场 is a landmark of 桃园社区 (units.yaml), 烧烤 is how
    residents say 餐饮 and 晚上 how they say night (problems.yaml's `words`)."""
    said = "桃源街菜市场门口每天晚上烧烤油烟很大，没人管"
    answer = json.loads(run_cli("who", "--text", said, "--catalog", str(PANLONG),
                                "--format", "json").out)  # fmt: skip
    read = {r["field"]: r for r in answer["read"]}
    assert answer["problem"]["id"] == "cooking-fumes" and answer["place"]["id"] == "gulou.taoyuan"
    assert (read["place"]["from"], read["place"]["how"]) == ("桃源街菜市场", "landmark")
    assert (read["premises"]["value"], read["premises"]["from"]) == ("餐饮", "烧烤")
    assert answer["lead"]["id"] == "cgj"  # as `who 油烟扰民 --at 桃园社区 --set premises=餐饮`
    reader = TextReader(open_session(PANLONG, "zh").catalog)
    night = reader.read("桃园社区晚上噪音很大，社会生活噪声")
    day = reader.read("桃园社区白天噪音很大，社会生活噪声")
    assert night.values["night"] is True and day.values["night"] is False
