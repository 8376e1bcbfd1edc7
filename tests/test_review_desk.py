"""The review desk for Chinese archive clerks, through its HTTP interface: Chinese pages by default with the
table's own labels, units as candidates, the bulk unit answer, worklists that Start/Next follow, claims
only on action, comments in the audit, reopening, overruling an automatic correction, correcting any field."""

from __future__ import annotations

import html
import json
import re

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX
from test_review import PASSWORD, corpus_with_accounts, csrf_of, item_id, login
from test_store import db_url  # noqa: F401  (fixture: SQLite, and PostgreSQL where JIXIAO_TEST_PG is set)

from cli import main
from extractor import Record, Store, run
from extractor.review import answer, hash_password
from extractor.review._desk import reopen
from extractor.review._i18n import field_label, message
from extractor.store._worklist import Worklist

FILE = "songjiang-hrss-2020.docx"


@pytest.fixture
def store():
    return corpus_with_accounts("bob")


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.delenv("JIXIAO_LANG")


def _visible(page: str) -> str:
    """The text a reader sees: tags, scripts and attribute values left out."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _post(client, path: str, **data):
    # The token from the page itself: opening the queue page would also set the worklist to its filters.
    token = csrf_of(client, path if path.startswith("/items/") else "/admin/users" if "admin" in path else "/")
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def _english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text.replace(FILE, ""))) - {"alice"}  # the reviewer's own name


def test_pages_speak_chinese_with_the_tables_own_labels(store, chinese):
    alice = login("alice")
    queue = _visible(alice.get("/").text)
    assert "40 待复核事项" in re.sub(r"\s+", " ", queue) and "金额单位存疑 23" in re.sub(r"\s+", " ", queue)
    assert not _english_words(queue), _english_words(queue)
    ambiguous = item_id(store, 2, "ambiguous_cell")
    page = _visible(alice.get(f"/items/{ambiguous}").text)
    assert "三级指标「宣传工作计划完成率」 · 得分" in page
    assert "一格中有 2 个值：10 / 9；取 10 时合计等于总分 88" in page and "对照原表，选出该格真正的数值。" in page
    assert not _english_words(page), _english_words(page)
    english = alice.get(f"/items/{ambiguous}", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert "10 makes the scores add up to the printed total 88" in english and "What to do" in english


def test_every_corpus_message_and_field_reads_in_chinese(store, chinese):
    for _, record, _ in store.records():
        for issue in record.issues:  # the queue's items and the table's own corrections alike
            assert not _english_words(message("zh", issue.message)), issue.message
            assert not _english_words(field_label("zh", issue.field, record)), issue.field
    assert field_label("zh", "funds.total.annual_budget") == "项目资金 · 年度资金总额 · 全年预算数"
    alice = login("alice")
    for row in [*store.queue(), *store.queue(work=Worklist(kind="auto"))]:
        item = store.item(row["id"])
        printed = _english_words(json.dumps(store.chunk_grid(item["chunk_id"]), ensure_ascii=False))  # "LED大屏"
        english = _english_words(_visible(alice.get(f"/items/{row['id']}").text)) - printed
        assert not english, (row["code"], row["field"], english)


def test_units_are_offered_and_nothing_else_is_a_unit(store, chinese):
    alice = login("alice")
    unit = item_id(store, 2, "unit_suspect")
    page = alice.get(f"/items/{unit}").text
    assert re.findall(r'data-key="(\d)"\s+class="candidate">(\S+) <kbd>', page) == [
        ("1", "元"),
        ("2", "千元"),
        ("3", "万元"),
        ("4", "亿元"),
    ]
    for typed in ("yuan", "圆"):
        _post(alice, f"/items/{unit}", action="set", value=typed, field="amount_unit")
        assert "金额单位只能是 元/千元/万元/亿元" in alice.get(f"/items/{unit}").text
    assert store.item(unit)["status"] == "open"
    _post(alice, f"/items/{unit}", action="accept", candidate="1", field="amount_unit")
    record = Record.model_validate_json(store.item(unit)["data"])
    assert store.item(unit)["status"] == "answered" and record.amount_unit == "元"


def test_one_bulk_answer_closes_the_files_unit_items_each_audited(store):
    alice = login("alice")
    assert len(store.queue("unit_suspect")) == 23
    r = _post(alice, "/bulk", bulk_file=FILE, bulk_code="unit_suspect", value="元", comment="金额按元填报")
    assert r.status_code == 303 and "answered 23 items in bulk" in alice.get("/").text
    assert store.queue("unit_suspect") == []
    trail = [a for a in store.actions() if a["code"] == "unit_suspect"]
    assert len(trail) == 23 and {(a["action"], a["new_value"], a["who"], a["comment"]) for a in trail} == {
        ("set", "元", "alice", "金额按元填报")
    }
    assert {rec.amount_unit for _, rec, _ in store.records()} == {"元"}


def test_bulk_accept_shows_each_suggestion_then_accepts_them(store):
    alice = login("alice")
    page = alice.get(f"/?file={FILE}&code=ambiguous_cell").text
    assert re.search(r"→ <b>10</b>", page)
    _post(alice, "/bulk", bulk_file=FILE, bulk_code="ambiguous_cell")
    assert store.queue("ambiguous_cell") == []
    assert [(a["action"], a["new_value"]) for a in store.actions()] == [("accept", "10")]


def test_start_and_next_follow_the_worklist_with_n_of_n_left(store, chinese):
    alice = login("alice")
    alice.get("/?code=implausible_value")
    ids = [i["id"] for i in store.queue("implausible_value")]
    first = alice.get("/next", follow_redirects=False).headers["location"]
    assert first == f"/items/{ids[0]}"
    assert "本清单还剩 5 / 5 项" in alice.get(first).text
    r = _post(alice, first, action="set", value="20%", field="indicators[0].target")
    assert r.headers["location"] == f"/items/{ids[1]}"
    left = re.search(r"本清单还剩 \d+ / \d+ 项", alice.get(r.headers["location"]).text)
    assert left and left.group(0) == "本清单还剩 4 / 5 项"
    whole = store.queue()
    assert [i["id"] for i in store.queue(work=Worklist(), limit=7, offset=7)] == [i["id"] for i in whole[7:14]]
    assert store.count(Worklist(project="疫情防控")) == len([i for i in whole if "疫情防控" in i["project"]])


def test_looking_claims_nothing_taking_does_and_an_admin_releases_and_assigns(store):
    alice, bob, root = login("alice"), login("bob"), login("root")
    item = item_id(store, 2, "ambiguous_cell")
    alice.get(f"/items/{item}")
    assert store.holder(item) == (None, None)
    _post(alice, f"/items/{item}", action="take")
    assert store.holder(item)[0] == "alice" and "Being reviewed by alice" in bob.get(f"/items/{item}").text
    assert _post(bob, f"/items/{item}", action="release").status_code == 303 and store.holder(item)[0] == "alice"
    _post(root, f"/items/{item}", action="release")
    assert store.holder(item) == (None, None)
    _post(root, f"/items/{item}", action="assign", to="bob")
    assert store.holder(item)[0] == "bob"
    _post(alice, f"/items/{item}", action="accept", candidate="1", field="indicators[0].score")
    assert store.item(item)["status"] == "open"
    _post(bob, f"/items/{item}", action="accept", candidate="1", field="indicators[0].score", comment="核对原件")
    assert store.item(item)["status"] == "answered" and store.actions()[-1]["comment"] == "核对原件"


def test_an_answered_item_reopens_and_takes_another_answer(store):
    alice = login("alice")
    item = item_id(store, 2, "ambiguous_cell")
    _post(alice, f"/items/{item}", action="accept", candidate="1", field="indicators[0].score")
    assert store.item(item)["status"] == "answered"
    _post(alice, f"/items/{item}", action="reopen", comment="再核")
    assert store.item(item)["status"] == "open" and store.item(item)["severity"] == "error"
    _post(alice, f"/items/{item}", action="accept", candidate="2", field="indicators[0].score")
    record = Record.model_validate_json(store.item(item)["data"])
    assert record.indicators[0].score == 9 and store.item(item)["status"] == "answered"
    assert [a["action"] for a in store.actions()] == ["accept", "reopen", "accept"]


def test_an_automatic_correction_is_listed_and_overruled(store):
    alice = login("alice")
    auto = store.queue(work=Worklist(kind="auto", code="taxonomy_mismatch"))
    assert auto and len(auto) == store.count(Worklist(kind="auto", code="taxonomy_mismatch"))
    item = store.item(auto[0]["id"])
    record = Record.model_validate_json(item["data"])
    issue = next(i for i in record.issues if (i.code, i.field) == (item["code"], item["field"]))
    assert issue.resolved and issue.original is not None
    assert 'id="overrule"' in alice.get(f"/items/{item['id']}").text
    _post(alice, f"/items/{item['id']}", action="overrule")
    after = store.item(item["id"])
    level1 = Record.model_validate_json(after["data"]).indicators[int(item["field"][11:].split("]")[0])].level1
    assert after["status"] == "open" and after["severity"] == "error" and level1 == issue.original
    _post(alice, f"/items/{item['id']}", action="confirm")
    assert store.item(item["id"])["status"] != "open"
    assert [(a["action"], a["new_value"]) for a in store.actions()][0] == ("overrule", issue.original)


def test_any_field_is_corrected_from_an_item_and_rechecked(store):
    alice = login("alice")
    total = item_id(store, 10, "score_total_mismatch")
    before = Record.model_validate_json(store.item(total)["data"])
    _post(alice, f"/items/{total}", action="edit", field="indicators[0].score", value="1", comment="原表为1")
    after = Record.model_validate_json(store.record_row(before_id := store.item(total)["record_id"])["data"])
    assert after.indicators[0].score == 1 != before.indicators[0].score
    last = store.actions(before_id)[-1]
    assert (last["action"], last["field"], last["new_value"], last["comment"]) == (
        "set",
        "indicators[0].score",
        "1",
        "原表为1",
    )
    assert store.item(total)["message"] != before.issues and "with the 年度资金总额" in store.item(total)["message"]


def test_a_new_password_keeps_an_admins_role(store):
    store.add_user("eve", hash_password(PASSWORD), "admin")
    root = login("root")
    _post(root, "/admin/users", name="eve", password="another long one", role="")
    assert store.user("eve")["role"] == "admin"


def test_cli_queue_pages_counts_and_names_the_codes(store, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["queue", "--count"]).output.strip() == "40 open items"
    paged = runner.invoke(main, ["queue", "--limit", "5", "--page", "2"])
    assert paged.output.count("\n#") + paged.output.startswith("#") == 5 and "30 more: add --page 3" in paged.output
    unit = item_id(store, 2, "unit_suspect")
    said = runner.invoke(main, ["review", str(unit), "--accept", "1", "--comment", "金额按元", "--who", "cli:ann"])
    assert said.exit_code == 0 and "amount_unit = 元" in said.output
    assert (store.actions()[-1]["new_value"], store.actions()[-1]["comment"]) == ("元", "金额按元")
    exported = runner.invoke(main, ["export", "-o", str(tmp_path / "all.csv")])
    assert exported.exit_code == 0 and "金额按元" in (tmp_path / "all.audit.csv").read_text("utf-8")
    bad = runner.invoke(main, ["queue", "--code", "unit_wrong"])
    assert bad.exit_code == 2 and "unit_suspect" in bad.output and "ambiguous_cell" in bad.output


def test_keep_as_printed_on_a_two_value_cell_keeps_the_cells_text_or_refuses(store):
    item = item_id(store, 2, "ambiguous_cell")
    refused = answer(store, item, "alice")
    assert not refused.ok and "cannot hold two values" in refused.message
    assert store.item(item)["status"] == "open" and store.actions() == []
    # The same cell as a text field (a target printed as two values): kept as printed, not as a candidate.
    row = store.item(item)
    data = json.loads(row["data"])
    data["indicators"][0]["target"] = "90%"
    for issue in data["issues"]:
        if issue["code"] == "ambiguous_cell":
            issue.update(field="indicators[0].target", original="≥85% / 90%", candidates=["≥85%", "90%"])
    with store.conn:
        store.conn.execute("UPDATE records SET data = ? WHERE id = ?", (json.dumps(data), row["record_id"]))
        store.conn.execute("UPDATE issues SET field = 'indicators[0].target' WHERE id = ?", (item,))
    kept = answer(store, item, "alice")
    record = Record.model_validate_json(store.item(item)["data"])
    assert kept.ok and record.indicators[0].target == "≥85% / 90%"
    assert [(a["action"], a["old_value"], a["new_value"]) for a in store.actions()] == [("set", "90%", "≥85% / 90%")]


def test_worklist_claims_and_reopen_in_sql_on_both_databases(db_url):  # noqa: F811
    """The desk's SQL (filters, counts, pages, next, project names, claims, reopened items) on SQLite and
    PostgreSQL alike."""
    store = Store()
    run([CORPUS_DOCX], store)
    whole = store.queue()
    assert store.count(Worklist()) == len(whole) == 40
    assert dict(store.counts_by("code", Worklist()))["unit_suspect"] == 23
    assert [i["id"] for i in store.queue(work=Worklist(), limit=10, offset=30)] == [i["id"] for i in whole[30:]]
    assert {i["project"] for i in store.queue(work=Worklist(project="疫情防控"))} == {"疫情防控"}
    codes = [i for i in whole if i["code"] == "implausible_value"]
    assert store.next_in(Worklist(code="implausible_value"), "alice") == codes[0]["id"]
    assert store.next_in(Worklist(code="implausible_value"), "alice", codes[-1]["id"]) == codes[0]["id"]
    store.add_user("bob", hash_password(PASSWORD), "reviewer")
    store.assign(codes[1]["id"], "bob")
    assert store.holder(codes[1]["id"])[0] == "bob"
    assert store.next_in(Worklist(code="implausible_value"), "alice", codes[0]["id"]) == codes[2]["id"]
    store.release(codes[1]["id"], None)
    ambiguous = store.queue("ambiguous_cell")[0]["id"]
    assert answer(store, ambiguous, "alice", candidate=1).ok
    assert store.count(Worklist(kind="answered")) == 1 and store.count(Worklist(), "asked") == 40
    assert reopen(store, ambiguous, "alice").ok
    assert [r["id"] for r in store.reopened(store.item(ambiguous)["record_id"])] == [ambiguous]
    assert store.item(ambiguous)["status"] == "open" and store.count(Worklist(kind="auto")) > 0


def test_a_missing_value_group_leaves_each_blank_amount_open(store):
    group = next(i for i in store.queue("missing_value") if i["field"] == "funds.current_appropriation")
    out = answer(store, group["id"], "alice", value="462086", field="funds.current_appropriation.annual_budget")
    assert out.ok and {(i["code"], i["field"]) for i in out.opened} == {
        ("missing_value", "funds.current_appropriation.initial_budget"),
        ("missing_value", "funds.current_appropriation.executed"),
    }
    for item in out.opened:  # each is answered: a value, or confirmed blank
        assert answer(store, item["id"], "alice").ok
    assert not [i for i in store.queue("missing_value") if i["record_id"] == group["record_id"]]
