"""The whistle store, on SQLite and on a real PostgreSQL server: the lifecycle refuses what a state does not allow, the log
is append-only and hash-chained, a retried blow is not repeated, two units acting at
once cannot both pass, and the command line does the whole loop."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dutylist.store.lifecycle import IllegalTransition, apply, fold
from dutylist.store.log import Store, stamp, url_of
from tests.conftest import PANLONG, Run
from tests.postgres import db, postgres_url

__all__ = ["db", "postgres_url"]  # the fixtures: a store on SQLite, then on the server

BLOWN: dict[str, Any] = {"lead": "ga", "support": ["scjg"], "blower": "gulou"}


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    opened = Store(db)
    yield opened
    opened.close()


def _raw(db: str, *statements: str) -> None:
    """SQL run behind the store's back, straight on the database."""
    engine = sa.create_engine(url_of(db))
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _drop_guards(db: str) -> None:
    if "postgresql" in db:
        _raw(db, "DROP TRIGGER events_never_changed ON events")
    else:
        _raw(db, "DROP TRIGGER events_never_updated", "DROP TRIGGER events_never_deleted")


# -- the state machine ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("done", "kind", "unit", "allowed"),
    [
        ([], "resolve", "ga", False),  # not arrived, not even signed
        ([], "arrive", "ga", False),
        ([], "sign", "ga", True),
        ([("sign", "ga")], "sign", "ga", False),  # twice
        ([("sign", "ga")], "arrive", "ga", True),
        ([("sign", "ga"), ("arrive", "ga")], "resolve", "ga", True),
        ([("sign", "ga")], "sign", "zjj", False),  # zjj is not obliged by this whistle
        ([], "close", None, False),  # nobody has resolved
        ([("sign", "ga"), ("arrive", "ga"), ("resolve", "ga")], "close", None, False),  # scjg
        ([("reject", "scjg")], "sign", "scjg", False),  # rejected: only a reassignment
        ([], "reopen", None, False),  # it is open
        ([], "note", None, True),
    ],
)
def test_each_event_is_allowed_only_from_the_states_the_lifecycle_says(
    done: list[tuple[str, str]], kind: str, unit: str | None, allowed: bool
) -> None:
    state = apply(None, "blow", None, BLOWN)
    for event, who in done:
        state = apply(state, event, who, {"reason": "职能交叉"})
    if allowed:
        apply(state, kind, unit, {})
    else:
        with pytest.raises(IllegalTransition) as refused:
            apply(state, kind, unit, {})
        assert "allowed from there" in str(refused.value) or "not obliged" in str(refused.value)


def test_a_whistle_is_closed_only_when_every_obligation_is_resolved_and_then_evaluated() -> None:
    events: list[tuple[str, str | None, dict[str, Any]]] = [("blow", None, BLOWN)]
    for unit in ("ga", "scjg"):
        events += [("sign", unit, {}), ("arrive", unit, {}), ("resolve", unit, {})]
    events += [("close", None, {}), ("evaluate", None, {"by": "resident", "score": 4})]
    state = fold(events)
    assert state.status == "closed" and state.evaluations == {"resident": 4}
    with pytest.raises(IllegalTransition, match="closed"):
        apply(state, "sign", "ga", {})
    assert apply(state, "reopen", None, {}).status == "open"


def test_a_reassignment_obliges_the_new_lead() -> None:
    state = fold([("blow", None, BLOWN), ("reject", "ga", {"reason": "职能交叉", "duty": "D021"})])
    state = apply(state, "reassign", None, {"to": "cgj"})
    assert state.lead == "cgj" and state.obligations["cgj"] == "pending"
    assert "ga" not in state.obligations and state.reassignments == 1
    assert state.rejections[0]["duty"] == "D021"


# -- the log --------------------------------------------------------------------------------
def test_the_state_is_derived_from_the_events_and_survives_reopening(db: str) -> None:
    first = Store(db)
    whistle, _ = first.blow("noise", "gulou", BLOWN, "gulou")
    first.record(whistle, "sign", "ga", unit="ga")
    first.close()
    again = Store(db)
    assert again.state(whistle).obligations == {"ga": "signed", "scjg": "pending"}
    assert [e.kind for e in again.events(whistle)] == ["blow", "sign"]
    again.close()


def test_a_retried_blow_with_the_same_key_is_the_same_whistle(store: Store) -> None:
    first = store.blow("noise", "gulou", BLOWN, "gulou", key="call-42")
    again = store.blow("noise", "gulou", BLOWN, "gulou", key="call-42")
    other = store.blow("noise", "gulou", BLOWN, "gulou", key="call-43")
    assert first == (again[0], True) and again[1] is False
    assert other[0] != first[0]
    assert store.whistle_ids() == [first[0], other[0]]


def test_the_database_refuses_to_change_an_event_and_verify_finds_a_change_made_around_it(
    store: Store, db: str
) -> None:
    whistle, _ = store.blow("noise", "gulou", BLOWN, "gulou")
    store.record(whistle, "sign", "ga", unit="ga")
    store.record(whistle, "arrive", "ga", unit="ga")
    assert store.verify() == []
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        _raw(db, "UPDATE events SET unit = 'cgj' WHERE seq = 2")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        _raw(db, "DELETE FROM events WHERE seq = 2")
    _drop_guards(db)  # behind the store's back
    _raw(db, "UPDATE events SET unit = 'cgj' WHERE seq = 3", "DELETE FROM events WHERE seq = 2")
    found = {t.reason for t in store.verify() if t.seq == 3}
    assert found == {
        "events 2–2 are missing",
        "does not follow the event before it",
        "its content was changed",
    }


def test_two_units_cannot_both_win_one_obligation(db: str) -> None:
    """The same unit signs from eight devices at once: exactly one sign is recorded."""
    path = db
    setup = Store(path)
    whistle, _ = setup.blow("noise", "gulou", BLOWN, "gulou")
    setup.close()
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    stores = [Store(path) for _ in range(8)]

    def sign(mine: Store) -> None:
        barrier.wait(timeout=30)
        try:
            mine.record(whistle, "sign", "ga", unit="ga")
            outcomes.append("won")
        except IllegalTransition:
            outcomes.append("refused")

    threads = [threading.Thread(target=sign, args=(mine,)) for mine in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for mine in stores:
        mine.close()
    assert sorted(outcomes) == ["refused"] * 7 + ["won"]
    check = Store(path)
    assert [e.kind for e in check.events(whistle)] == ["blow", "sign"]
    assert check.verify() == []
    check.close()


def test_several_processes_may_open_one_store_at_once(db: str) -> None:
    """A server's workers start together: each opening migrates, none waits forever."""
    opened: list[str] = []
    failed: list[str] = []

    def open_one() -> None:
        try:
            mine = Store(db)
        except Exception as error:  # shown by the assertion below
            failed.append(repr(error))
            return
        opened.append(mine.url)
        mine.close()

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(opened) == 6, failed


# -- the command line -----------------------------------------------------------------------
def test_the_whole_loop_from_the_command_line(run_cli: Callable[..., Run], db: str) -> None:
    blown = run_cli(
        "whistle", "blow", "噪声扰民", "--at", "桃园社区", "--set", "source=社会生活",
        "--set", "night=true", "--catalog", str(PANLONG), "--db", db, "--format", "json",
        "--key", "call-1",
    )  # fmt: skip
    assert blown.code == 0, blown.err
    document = json.loads(blown.out)
    whistle = document["whistle"]
    assert document["answer"]["lead"]["id"] == "ga" and document["new"] is True
    refused = run_cli("whistle", "resolve", whistle, "--unit", "ga", "--db", db)
    assert refused.code == 1 and "signed" not in refused.err and "pending" in refused.err
    for action in ("sign", "arrive", "resolve"):
        assert run_cli("whistle", action, whistle, "--unit", "ga", "--db", db).code == 0
    rejected = run_cli(
        "whistle", "reject", whistle, "--unit", "scjg", "--reason", "不属于职责范围",
        "--duty", "D021", "--db", db,
    )  # fmt: skip
    assert rejected.code == 0
    bad_reason = run_cli(
        "whistle", "reject", whistle, "--unit", "wlj", "--reason", "懒", "--db", db
    )
    assert bad_reason.code == 2 and "职能交叉" in bad_reason.err
    shown = json.loads(run_cli("whistle", "show", whistle, "--db", db, "--format", "json").out)
    assert [e["kind"] for e in shown["events"]] == [
        "blow", "sign", "arrive", "resolve", "reject",
    ]  # fmt: skip
    assert shown["obligations"]["ga"] == "resolved" and shown["obligations"]["scjg"] == "rejected"
    verified = run_cli("whistle", "verify", "--db", db)
    assert verified.code == 0 and "intact" in verified.out
    unknown = run_cli("whistle", "sign", "W999999", "--unit", "ga", "--db", db)
    assert unknown.code == 2 and "no whistle W999999" in unknown.err


# -- time limits ----------------------------------------------------------------------------
ESCALATING = {
    **BLOWN,
    "escalate": [{"after_minutes": 60, "to": "panlong-deputies"}, {"after_minutes": 120, "to": "panlong-leaders"}],
}  # fmt: skip
BLOWN_AT = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


def test_a_sweep_escalates_each_step_once_when_its_time_has_come(store: Store) -> None:
    whistle, _ = store.blow("noise", "gulou", ESCALATING, "gulou", at=stamp(BLOWN_AT))
    assert store.sweep(BLOWN_AT + dt.timedelta(minutes=59)) == []
    first = store.sweep(BLOWN_AT + dt.timedelta(minutes=61))
    assert [(e.whistle, e.data["to"]) for e in first] == [(whistle, "panlong-deputies")]
    assert store.sweep(BLOWN_AT + dt.timedelta(minutes=61)) == []  # idempotent
    later = store.sweep(BLOWN_AT + dt.timedelta(hours=5))
    assert [e.data["to"] for e in later] == ["panlong-leaders"]
    assert store.sweep(BLOWN_AT + dt.timedelta(days=5)) == []
    assert [e.kind for e in store.events(whistle)] == ["blow", "escalate", "escalate"]
    assert len(store.state(whistle).escalations) == 2
    assert store.verify() == []


def test_a_closed_whistle_is_not_escalated(store: Store) -> None:
    whistle, _ = store.blow(
        "noise", "gulou", {**ESCALATING, "support": []}, "gulou", at=stamp(BLOWN_AT)
    )
    for action in ("sign", "arrive", "resolve"):
        store.record(whistle, action, "ga", unit="ga")
    store.record(whistle, "close", "gulou")
    assert store.sweep(BLOWN_AT + dt.timedelta(hours=5)) == []
    assert store.state(whistle).escalations == ()


def test_sweep_from_the_command_line_with_the_clock_moved_on(
    run_cli: Callable[..., Run], db: str
) -> None:
    blown = run_cli(
        "whistle", "blow", "噪声扰民", "--at", "桃园社区", "--set", "source=社会生活",
        "--set", "night=true", "--catalog", str(PANLONG), "--db", db, "--format", "json",
    )  # fmt: skip
    whistle = json.loads(blown.out)["whistle"]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)).isoformat()
    swept = run_cli("whistle", "sweep", "--now", later, "--db", db, "--format", "json")
    assert swept.code == 0
    assert json.loads(swept.out)["escalated"] == [
        {"whistle": whistle, "step": 0, "to": "panlong-deputies", "after_minutes": 60,
         "due_at": json.loads(swept.out)["escalated"][0]["due_at"]},
    ]  # fmt: skip
    again = run_cli("whistle", "sweep", "--now", later, "--db", db)
    assert again.code == 0 and "0 escalated" in again.out
    bad = run_cli("whistle", "sweep", "--now", "tomorrow", "--db", db)
    assert bad.code == 2 and "ISO 8601" in bad.err


def test_a_refusal_reads_in_chinese(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    run_cli(
        "whistle", "blow", "噪声扰民", "--at", "桃园社区", "--set", "source=社会生活",
        "--set", "night=true", "--catalog", str(PANLONG), "--db", db,
    )  # fmt: skip
    refused = run_cli("whistle", "resolve", "W000001", "--unit", "ga", "--db", db, "--lang", "zh")
    assert refused.code == 1
    assert "不能办结：ga 的任务当前为“待签收”" in refused.err and "签收" in refused.err


def test_export_gives_every_event_as_json_lines_and_csv(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    import csv
    import io

    db = str(tmp_path / "w.db")
    store = Store(db)
    whistle, _ = store.blow("noise", "gulou", BLOWN, "gulou")
    store.record(whistle, "sign", "ga", unit="ga")
    store.record(
        whistle, "reject", "scjg", unit="scjg", data={"reason": "职能交叉", "duty": "D021"}
    )
    store.close()
    lines = run_cli("whistle", "export", "--db", db, "--format", "jsonl").out.splitlines()
    assert [json.loads(line)["kind"] for line in lines] == ["blow", "sign", "reject"]
    assert json.loads(lines[2])["data"] == {"reason": "职能交叉", "duty": "D021"}
    table = list(
        csv.DictReader(io.StringIO(run_cli("whistle", "export", "--db", db, "--format", "csv").out))
    )
    assert [row["unit"] for row in table] == ["", "ga", "scjg"]
    assert json.loads(table[2]["data"])["reason"] == "职能交叉"
    written = tmp_path / "events.csv"
    assert (
        run_cli("whistle", "export", "--db", db, "--format", "csv", "--output", str(written)).code
        == 0
    )
    assert written.read_text("utf-8").startswith("seq,whistle,at,kind,unit,actor,data")


# -- 推诿 found from the log ---------------------------------------------------------------------
def test_a_case_passed_back_and_forth_is_a_finding_at_the_duty_that_routed_it(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = str(tmp_path / "w.db")
    blow = ["whistle", "blow", "噪声扰民", "--at", "桃园社区", "--set", "source=社会生活",
            "--set", "night=true", "--catalog", str(PANLONG), "--db", db]  # fmt: skip
    assert run_cli(*blow).code == 0  # W000001: passed around
    assert run_cli(*blow).code == 0  # W000002: rejected once, then settled — no finding
    for args in (
        ["reject", "W000001", "--unit", "ga", "--reason", "职能交叉"],
        ["reassign", "W000001", "--to", "城管", "--as", "gulou", "--catalog", str(PANLONG)],
        ["reject", "W000001", "--unit", "cgj", "--reason", "不属于职责范围"],
        ["reject", "W000002", "--unit", "scjg", "--reason", "职能交叉"],
    ):
        assert run_cli("whistle", *args, "--db", db).code == 0
    checked = run_cli(
        "check",
        str(PANLONG),
        "--store",
        db,
        "--select",
        "DL310",
        "--format",
        "json",
        "--lang",
        "en",
    )
    assert checked.code == 1
    [found] = json.loads(checked.out)["findings"]
    assert found["kind"] == "dispute" and found["subjects"] == ["D021", "ga", "cgj"]
    assert found["file"].endswith("duties.yaml")
    duties = (PANLONG / "duties.yaml").read_text("utf-8").splitlines()
    assert duties[found["line"] - 1].strip() == "- id: D021"
    assert "职能交叉" in found["message"] and "不属于职责范围" in found["message"]
    assert "W000001" in found["message"] and "W000002" not in found["message"]
    assert found["witness"] == {
        "problem": "noise",
        "at": "gulou.taoyuan",
        "with": {"night": True, "source": "社会生活"},
    }
    nobody = run_cli(
        "whistle", "reassign", "W000002", "--to", "城管局x", "--catalog", str(PANLONG), "--db", db
    )
    assert nobody.code == 2 and "did you mean cgj" in nobody.err
    without = run_cli("check", str(PANLONG), "--select", "DL310")
    assert without.code == 0  # no store, no dispute
    assert run_cli("explain", "DL310").code == 0


# -- tokens ---------------------------------------------------------------------------------------
def test_a_token_opens_its_unit_until_revoked_and_is_kept_only_as_a_hash(
    store: Store, db: str
) -> None:
    number, secret = store.create_token("ga")
    other, _ = store.create_token("cgj")
    assert store.unit_of_token(secret) == "ga"
    assert store.unit_of_token(secret + "x") is None
    assert store.unit_of_token("") is None
    engine = sa.create_engine(url_of(db))
    with engine.connect() as connection:
        stored = [tuple(row) for row in connection.exec_driver_sql("SELECT * FROM tokens")]
    engine.dispose()
    assert secret not in repr(stored)  # only its digest is stored
    assert store.revoke_token(number) is True
    assert store.unit_of_token(secret) is None
    assert store.revoke_token(number) is False
    assert [(t.id, t.unit, t.revoked_at is not None) for t in store.token_list()] == [
        (number, "ga", True),
        (other, "cgj", False),
    ]


def test_tokens_from_the_command_line(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    created = run_cli(
        "token", "create", "公安", "--catalog", str(PANLONG), "--db", db, "--format", "json"
    )
    assert created.code == 0, created.err
    document = json.loads(created.out)
    assert document["unit"] == "ga" and document["token"].startswith("dl_")
    assert document["token"] not in run_cli("token", "list", "--db", db).out
    assert run_cli("token", "revoke", str(document["number"]), "--db", db).code == 0
    assert run_cli("token", "revoke", str(document["number"]), "--db", db).code == 1
    unknown = run_cli("token", "create", "城管局x", "--catalog", str(PANLONG), "--db", db)
    assert unknown.code == 2 and "did you mean cgj" in unknown.err


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("{tmp}/not-a-database.db", "file is not a database"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/none", "Connection refused"),
        ("mysql://nobody@127.0.0.1/none", "cannot open the whistle store"),
        ("/proc/no/such/whistles.db", "cannot open the whistle store"),
    ],
)
def test_a_store_that_cannot_be_opened_is_a_clear_error_not_a_traceback(
    run_cli: Callable[..., Run], tmp_path: Path, where: str, says: str
) -> None:
    (tmp_path / "not-a-database.db").write_text("hello", "utf-8")
    result = run_cli("whistle", "list", "--db", where.format(tmp=tmp_path))
    assert result.code == 2
    assert says in result.err and "Traceback" not in result.err


# -- stats ----------------------------------------------------------------------------------------
def test_stats_by_sql_agree_with_a_plain_recount_from_the_events(store: Store) -> None:
    start = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)

    def at(minutes: int) -> str:
        return stamp(start + dt.timedelta(minutes=minutes))

    answer = {**BLOWN, "respond_within_minutes": 30}
    w1, _ = store.blow("noise", "gulou", answer, "gulou", at=at(0))
    w2, _ = store.blow(
        "illegal-construction", "gulou", {**answer, "blower": "tuodong"}, "tuodong", at=at(5)
    )
    store.record(w1, "sign", "ga", unit="ga", at=at(10))  # in time
    store.record(w1, "arrive", "ga", unit="ga", at=at(45))  # late
    store.record(w1, "resolve", "ga", unit="ga", at=at(60))
    store.record(w1, "reject", "scjg", unit="scjg", data={"reason": "职能交叉"}, at=at(12))
    store.record(w1, "reassign", "gulou", data={"to": "cgj"}, at=at(20))
    store.record(w1, "sign", "cgj", unit="cgj", at=at(40))  # 20 min after its reassignment
    store.record(w2, "sign", "ga", unit="ga", at=at(50))  # late
    store.record(w1, "evaluate", "gulou", data={"by": "resident", "score": 5}, at=at(70))
    for by in ("unit", "street", "problem"):
        plain = _plain_stats(store, by, None, None)
        sql = {row["key"]: {k: row[k] for k in next(iter(plain.values()))}
               for row in store.stats(by)}  # fmt: skip
        assert sql == plain, by
    by_unit = {row["key"]: row for row in store.stats("unit")}
    assert by_unit["ga"]["response_rate"] == 0.5 and by_unit["ga"]["on_time_rate"] == 0.0
    assert by_unit["cgj"]["signed_in_time"] == 1 and by_unit["cgj"]["mean_sign_minutes"] == 20.0
    assert by_unit["ga"]["satisfaction_rate"] == 1.0
    weeks = store.stats("week")
    assert [row["key"] for row in weeks] == ["2026-W49"] and weeks[0]["obligations"] == 5


def test_stats_from_the_command_line(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    run_cli(
        "whistle", "blow", "噪声扰民", "--at", "桃园社区", "--set", "source=社会生活",
        "--set", "night=true", "--catalog", str(PANLONG), "--db", db,
    )  # fmt: skip
    run_cli("whistle", "sign", "W000001", "--unit", "ga", "--db", db)
    rows = json.loads(run_cli("whistle", "stats", "--db", db, "--format", "json").out)["rows"]
    ga = next(row for row in rows if row["key"] == "ga")
    assert ga["obligations"] == 1 and ga["response_rate"] == 1.0
    table = run_cli("whistle", "stats", "--by", "street", "--db", db, "--format", "markdown").out
    assert table.startswith("| street | 任务数 | 响应率 |") and "| gulou | 5 | 20% |" in table
    assert run_cli(
        "whistle", "stats", "--by", "street", "--db", db, "--format", "csv"
    ).out.startswith("street,obligations")


def test_stats_p90_and_period(store: Store) -> None:
    start = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)
    answer = {"lead": "ga", "support": [], "blower": "gulou", "respond_within_minutes": 30}
    for minute in range(1, 11):  # ten whistles, signed 1, 2, … 10 minutes after each blow
        blown = start + dt.timedelta(hours=minute)
        whistle, _ = store.blow("noise", "gulou", answer, "gulou", at=stamp(blown))
        store.record(
            whistle, "sign", "ga", unit="ga", at=stamp(blown + dt.timedelta(minutes=minute))
        )
    [ga] = store.stats("unit")
    assert ga["obligations"] == 10 and ga["mean_sign_minutes"] == 5.5
    assert ga["p90_sign_minutes"] == 9.0  # nearest rank: 9 of the 10 waits are at most 9 min
    assert ga["p90_arrive_minutes"] is None
    [later] = store.stats("unit", since=start + dt.timedelta(hours=6))
    assert later["obligations"] == 5 and later["mean_sign_minutes"] == 8.0
    assert store.stats("unit", until=start) == []


def test_the_tables_the_store_writes_are_the_ones_its_migrations_made(store: Store) -> None:
    """The schema is said twice — as migrations (its history) and as the tables the code
    writes — so a test holds the two to the same columns."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dutylist.store.log import metadata

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    columns = [
        d
        for d in differences
        if d[0] in ("add_column", "remove_column", "add_table", "remove_table")
    ]
    assert columns == [], columns


def test_a_store_made_before_the_stats_columns_gets_them_from_its_log(store: Store) -> None:
    """Migration 0005 fills the obligations' times and keys in from the events of a store
    written before it: the stats after the upgrade are the stats before it."""
    from alembic import command

    start = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)
    answer = {**BLOWN, "respond_within_minutes": 30}
    whistle, _ = store.blow("noise", "gulou", answer, "gulou", at=stamp(start))
    for minutes, kind, unit, data in [(10, "sign", "ga", {}), (50, "arrive", "ga", {}),
                                      (12, "reject", "scjg", {"reason": "职能交叉"}),
                                      (70, "resolve", "ga", {})]:  # fmt: skip
        store.record(whistle, kind, unit, unit=unit, data=data,
                     at=stamp(start + dt.timedelta(minutes=minutes)))  # fmt: skip
    store.record(whistle, "evaluate", "gulou", data={"by": "street", "score": 4})
    before = {by: store.stats(by) for by in ("unit", "street", "problem", "week")}
    config = store._config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")  # before the obligation times and the tallies
    reopened = Store(store.url)
    try:
        assert {by: reopened.stats(by) for by in before} == before
    finally:
        reopened.close()


def _plain_stats(store: Store, by: str, since: dt.datetime | None,
                 until: dt.datetime | None) -> dict[Any, dict[str, Any]]:  # fmt: skip
    """Every figure of the stats, recomputed in plain Python from the events alone."""
    from dutylist.store.stats import minutes

    beijing = dt.timezone(dt.timedelta(hours=8))
    blows: dict[str, tuple[dt.datetime, Mapping[str, Any]]] = {}
    since_of: dict[tuple[str, str], dt.datetime] = {}
    first: dict[tuple[str, str, str], dt.datetime] = {}
    scores: list[tuple[str, int]] = []
    for event in store.all_events():
        at = dt.datetime.fromisoformat(event.at)
        if event.kind == "blow":
            blows[event.whistle] = (at, event.data)
            for unit in [event.data["lead"], *event.data.get("support", [])]:
                since_of.setdefault((event.whistle, unit), at)
        elif event.kind == "reassign":
            for unit in [event.data["to"], *event.data.get("support", [])]:
                since_of.setdefault((event.whistle, unit), at)
        elif event.kind == "evaluate":
            scores.append((event.whistle, event.data["score"]))
        if event.unit:
            first.setdefault((event.kind, event.whistle, event.unit), at)

    def blown_in(whistle: str) -> bool:
        at = blows[whistle][0]
        return (since is None or at >= since) and (until is None or at < until)

    def key(whistle: str, unit: str) -> Any:
        at, blow = blows[whistle]
        year, week, _ = at.astimezone(beijing).date().isocalendar()
        return {"unit": unit, "street": blow["blower"], "problem": blow["problem"],
                "week": f"{year}-W{week:02d}"}[by]  # fmt: skip

    table: dict[Any, dict[str, Any]] = {}
    for (whistle, unit), began in since_of.items():
        if not blown_in(whistle):
            continue
        row = table.setdefault(key(whistle, unit), {"obligations": 0, "signed_in_time": 0,
                               "arrived_in_time": 0, "resolved": 0, "rejected": 0, "sign": [],
                               "arrive": [], "evaluations": 0, "satisfied": 0})  # fmt: skip
        limit = blows[whistle][1].get("respond_within_minutes")
        row["obligations"] += 1
        for kind, name in (("sign", "signed_in_time"), ("arrive", "arrived_in_time")):
            when = first.get((kind, whistle, unit))
            if when is not None:
                wait = (when - began).total_seconds()
                row[kind].append(wait)
                row[name] += limit is None or wait <= limit * 60
        row["resolved"] += ("resolve", whistle, unit) in first
        row["rejected"] += ("reject", whistle, unit) in first
    for whistle, score in scores:
        if not blown_in(whistle):
            continue
        units = [u for (w, u) in since_of if w == whistle] if by == "unit" else [None]
        for unit in units:
            row = table[key(whistle, unit or blows[whistle][1]["lead"])]
            row["evaluations"] += 1
            row["satisfied"] += score >= 4
    shown = {}
    for group, row in table.items():
        waits = {k: sorted(minutes(w) for w in row[k]) for k in ("sign", "arrive")}
        n = row["obligations"]
        shown[group] = {
            "obligations": n, "signed_in_time": row["signed_in_time"],
            "arrived_in_time": row["arrived_in_time"], "resolved": row["resolved"],
            "rejected": row["rejected"],
            "mean_sign_minutes": round(sum(row["sign"]) / len(row["sign"]) / 60, 1) if row["sign"] else None,
            "mean_arrive_minutes": round(sum(row["arrive"]) / len(row["arrive"]) / 60, 1) if row["arrive"] else None,
            "p90_sign_minutes": float(waits["sign"][-(-9 * len(waits["sign"]) // 10) - 1]) if waits["sign"] else None,
            "p90_arrive_minutes": float(waits["arrive"][-(-9 * len(waits["arrive"]) // 10) - 1]) if waits["arrive"] else None,
            "evaluations": row["evaluations"],
            "satisfaction_rate": round(row["satisfied"] / row["evaluations"], 4) if row["evaluations"] else None,
        }  # fmt: skip
    return shown


@pytest.mark.parametrize("seed", [1, 2])
def test_the_stats_of_any_period_are_what_the_events_add_up_to(store: Store, seed: int) -> None:
    """Whistles over five Beijing weeks, with random steps at random times; for periods
    that cut weeks anywhere (read partly from the running totals, partly from the
    obligations) every figure equals a plain recount of the events — and so do the
    totals counted again from scratch."""
    import random

    from dutylist.store.stats import recount

    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)  # 22:00 in Beijing
    units = ["ga", "scjg", "wlj", "cgj"]
    for _ in range(30):
        blown = start + dt.timedelta(minutes=rng.randint(0, 35 * 24 * 60))
        lead, *support = rng.sample(units, 3)
        answer = {"lead": lead, "support": support, "blower": rng.choice(["gulou", "tuodong"]),
                  "respond_within_minutes": rng.choice([30, 60, None])}  # fmt: skip
        whistle, _ = store.blow(rng.choice(["noise", "fire"]), "gulou", answer, "gulou",
                                at=stamp(blown))  # fmt: skip
        moment = blown
        for _ in range(rng.randint(0, 8)):
            moment += dt.timedelta(seconds=rng.randint(1, 3600))
            state = store.state(whistle)
            unit = rng.choice(sorted(state.obligations))
            kind = rng.choice([*state.allowed(unit), "evaluate"])
            if kind in ("escalate", "close", "reopen", "note") or (
                kind == "reassign" and state.evaluations
            ):
                continue  # (a reassignment after an evaluation is counted as of the evaluation)
            data: dict[str, Any] = {}
            if kind == "reject":
                data = {"reason": "职能交叉"}
            elif kind == "reassign":
                data = {"to": rng.choice(units)}
            elif kind == "evaluate":
                data = {"by": rng.choice(["street", "resident"]), "score": rng.randint(1, 5)}
            acting = unit if kind in ("sign", "arrive", "resolve", "reject") else None
            store.record(whistle, kind, "t", unit=acting, data=data, at=stamp(moment))
    periods: list[tuple[dt.datetime | None, dt.datetime | None]] = [(None, None)]
    for _ in range(8):
        low = start + dt.timedelta(minutes=rng.randint(-600, 36 * 24 * 60))
        periods.append((low, low + dt.timedelta(minutes=rng.randint(1, 25 * 24 * 60))))
    monday = dt.datetime(2026, 12, 7, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    periods += [(monday, None), (None, monday), (monday, monday + dt.timedelta(days=14))]
    for by in ("unit", "street", "problem", "week"):
        for since, until in periods:
            plain = _plain_stats(store, by, since, until)
            sql = {row["key"]: {k: row[k] for k in next(iter(plain.values()), {})}
                   for row in store.stats(by, since, until)}  # fmt: skip
            assert sql == plain, (by, since, until)
    before = {by: store.stats(by) for by in ("unit", "street", "problem", "week")}
    with store.engine.begin() as connection:
        recount(connection)
    assert {by: store.stats(by) for by in before} == before


def test_a_unit_that_signs_at_the_very_limit_is_in_time(store: Store) -> None:
    start = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)
    answer = {"lead": "ga", "support": ["scjg"], "blower": "gulou", "respond_within_minutes": 30}
    whistle, _ = store.blow("noise", "gulou", answer, "gulou", at=stamp(start))
    store.record(whistle, "sign", "ga", unit="ga", at=stamp(start + dt.timedelta(minutes=30)))
    store.record(whistle, "sign", "scjg", unit="scjg",
                 at=stamp(start + dt.timedelta(minutes=30, microseconds=1)))  # fmt: skip
    for since in (None, start - dt.timedelta(minutes=1)):  # from the totals, and not
        rows = {row["key"]: row for row in store.stats("unit", since=since)}
        assert rows["ga"]["response_rate"] == 1.0 and rows["scjg"]["response_rate"] == 0.0


def test_the_command_line_names_units_and_duties_by_id_without_a_catalogue(
    run_cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "w.db")
    blown = run_cli("whistle", "blow", "噪声扰民", "--at", "桃园社区", "--set", "source=社会生活",
                    "--catalog", str(PANLONG), "--db", db)  # fmt: skip
    assert blown.code == 0
    monkeypatch.chdir(tmp_path)  # no catalogue here: ids are taken as they are
    rejected = run_cli("whistle", "reject", "W000001", "--unit", "wlj", "--reason", "职能交叉",
                       "--duty", "D021", "--db", db)  # fmt: skip
    assert rejected.code == 0 and "wlj: rejected" in rejected.out
    checked = run_cli("whistle", "reject", "W000001", "--unit", "scjg", "--reason", "职能交叉",
                      "--duty", "D999", "--db", db, "--catalog", str(PANLONG))  # fmt: skip
    assert checked.code == 2 and "D999" in checked.err  # with one, they are checked


def test_the_list_shows_the_newest_whistles_a_page_at_a_time(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = str(tmp_path / "w.db")
    store = Store(db)
    for _ in range(5):
        store.blow("noise", "gulou", BLOWN, "gulou")
    store.record("W000002", "note", "gulou", data={"text": "x"})
    store.close()
    listed = run_cli("whistle", "list", "--db", db, "--limit", "3").out.splitlines()
    assert [line.split()[0] for line in listed] == ["W000005", "W000004", "W000003"]
    every = json.loads(run_cli("whistle", "list", "--db", db, "--format", "json").out)
    assert [w["whistle"] for w in every["whistles"]] == [f"W00000{n}" for n in (5, 4, 3, 2, 1)]
    assert run_cli("whistle", "list", "--db", db, "--status", "closed").out == ""
    assert run_cli("whistle", "list", "--db", db, "--limit", "0").code == 2
