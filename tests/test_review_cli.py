"""The review from the command line: queue, answer, undo, accounts, and the export of corrections."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from conftest import CORPUS_DOCX

from cli import main
from extractor import Store


def _ingest(runner: CliRunner) -> Store:
    assert runner.invoke(main, ["ingest", str(CORPUS_DOCX)]).exit_code == 0
    return Store()


def test_review_from_the_cli(tmp_path):
    runner = CliRunner()
    store = _ingest(runner)
    listed = runner.invoke(main, ["queue", "--project", "宣传与推广"])
    assert "ambiguous_cell" in listed.output and "2 open items" in listed.output
    item = next(i["id"] for i in store.queue("ambiguous_cell"))

    shown = runner.invoke(main, ["review", str(item)])
    assert "10 makes the scores add up to the printed total 88" in shown.output and '["10", "9"]' in shown.output
    bad = runner.invoke(main, ["review", str(item), "--set", "ten", "--who", "carol"])
    assert bad.exit_code == 1 and "takes a number" in bad.output
    set_9 = runner.invoke(main, ["review", str(item), "--set", "9", "--who", "carol"])
    assert set_9.exit_code == 0 and f"closed #{item} ambiguous_cell" in set_9.output
    assert "opened #" in set_9.output and "score_total_mismatch total_score" in set_9.output
    undone = runner.invoke(main, ["review", "--undo", "--who", "carol"])
    assert undone.exit_code == 0 and f"opened #{item} ambiguous_cell" in undone.output
    assert runner.invoke(main, ["review", str(item), "--accept", "1", "--who", "carol"]).exit_code == 0

    # Table 2 still has its unit question; answering it leaves the record with no error: reviewed.
    unit = next(i["id"] for i in store.queue("unit_suspect") if i["tbl"] == 2)
    assert runner.invoke(main, ["review", str(unit), "--confirm", "--who", "carol"]).exit_code == 0
    out = tmp_path / "only.csv"
    assert runner.invoke(main, ["export", "--only-reviewed", "--format", "csv", "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert {(r["table"], r["project_name"], r["reviewed"]) for r in rows} == {("2", "宣传与推广", "true")}
    trail = list(csv.DictReader(open(tmp_path / "only.audit.csv", encoding="utf-8-sig")))
    assert [(a["action"], a["new_value"], a["undone_at"] != "") for a in trail] == [
        ("set", "9", True),
        ("undo", "10", False),
        ("accept", "10", False),
        ("confirm", "万元", False),
    ]


def test_group_fields_take_a_named_field(tmp_path):
    runner = CliRunner()
    store = _ingest(runner)
    item = next(i for i in store.queue("missing_value") if i["field"] == "funds.current_appropriation")
    group = runner.invoke(main, ["review", str(item["id"]), "--set", "5"])
    assert group.exit_code == 1 and "is a group of fields" in group.output
    ok = runner.invoke(
        main, ["review", str(item["id"]), "--field", "funds.current_appropriation.annual_budget", "--set", "462,086"]
    )
    assert ok.exit_code == 0 and f"closed #{item['id']}" in ok.output
    out = tmp_path / "all.jsonl"
    assert runner.invoke(main, ["export", "-o", str(out)]).exit_code == 0
    record = next(
        r for r in map(json.loads, out.read_text("utf-8").splitlines()) if r["source"]["table"] == item["tbl"]
    )
    assert record["funds"]["current_appropriation"]["annual_budget"] == 462086


def test_users_command(tmp_path):
    runner = CliRunner()
    added = runner.invoke(main, ["users", "add", "dora", "--role", "admin"], input="long enough\nlong enough\n")
    assert added.exit_code == 0, added.output
    assert runner.invoke(main, ["users", "add", "dora"], input="long enough\nlong enough\n").exit_code == 1
    last = runner.invoke(main, ["users", "set", "dora", "--role", "reviewer"])
    assert last.exit_code == 1 and "last admin" in last.output and Store().user("dora")["role"] == "admin"
    assert runner.invoke(main, ["users", "add", "eric", "--role", "admin"], input="long enough\n" * 2).exit_code == 0
    assert runner.invoke(main, ["users", "set", "dora", "--role", "reviewer"]).exit_code == 0
    assert "dora" in runner.invoke(main, ["users", "list"]).output and Store().user("dora")["role"] == "reviewer"
    assert runner.invoke(main, ["users", "set", "eric", "--role", "reviewer"]).exit_code == 1


def test_users_need_a_name_and_eight_characters(tmp_path):
    runner = CliRunner()
    short = runner.invoke(main, ["users", "add", "dora"], input="x\nx\n")
    assert short.exit_code == 2 and "8 characters" in short.output and Store().user("dora") is None
    for name in ("", "  ", "a\x1b[2Jb"):
        nameless = runner.invoke(main, ["users", "add", name], input="long enough\n" * 2)
        assert nameless.exit_code == 2 and "needs a name" in nameless.output
    assert Store().users() == []
    assert runner.invoke(main, ["users", "add", "dora"], input="long enough\n" * 2).exit_code == 0
    weak = runner.invoke(main, ["users", "set", "dora", "--password"], input="1234567\n1234567\n")
    assert weak.exit_code == 2 and "8 characters" in weak.output


def test_password_change_ends_the_accounts_sessions(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["users", "add", "dora"], input="long enough\n" * 2).exit_code == 0
    store = Store()
    uid = store.user("dora")["id"]
    store.open_session(uid, "phone")
    store.open_session(uid, "laptop")
    changed = runner.invoke(main, ["users", "set", "dora", "--password"], input="another long one\n" * 2)
    assert changed.exit_code == 0 and "sessions are ended" in changed.output
    assert store.session("phone") is None and store.session("laptop") is None


def test_cli_output_escapes_control_characters(tmp_path):
    hostile = tmp_path / "a\x1b[2J\rok      fake.docx: 99 tables\x07.docx"
    hostile.write_bytes(CORPUS_DOCX.read_bytes())
    runner = CliRunner()
    out = runner.invoke(main, ["ingest", str(hostile)])
    assert out.exit_code == 0
    assert "\x1b" not in out.output and "\x07" not in out.output and "\r" not in out.output
    assert "a\\x1b[2J\\rok      fake.docx: 99 tables\\x07.docx: 23 tables" in out.output
    store = Store()
    item = store.queue("ambiguous_cell")[0]["id"]
    store.conn.execute("UPDATE issues SET message = ? WHERE id = ?", ("fine\x1b]0;pwned\x07\nok #1 done", item))
    store.conn.raw.commit()
    for args in (["queue"], ["review", str(item)]):
        shown = runner.invoke(main, args).output
        assert "\x1b" not in shown and "fine\\x1b]0;pwned\\x07\\nok #1 done" in shown, args
