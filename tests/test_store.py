"""The store on SQLite and on PostgreSQL (JIXIAO_TEST_PG, set by .ci/run): migrations, the queue, versioned
corrections, the issues mirror, claims, accounts."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from conftest import CORPUS_DOCX, pg_schema

from extractor import Record, Store, run
from extractor.review import answer, review_recheck, undo
from extractor.store._migrate import migrate, migrations


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path, monkeypatch):
    """A fresh database, named in JIXIAO_DB: a SQLite file, or a schema of its own in the test PostgreSQL."""
    if request.param == "sqlite":
        url = str(tmp_path / "store.db")
        monkeypatch.setenv("JIXIAO_DB", url)
        yield url
        return
    with pg_schema("t") as url:
        monkeypatch.setenv("JIXIAO_DB", url)
        yield url


@pytest.fixture
def corpus(db_url) -> Store:
    store = Store()
    run([CORPUS_DOCX], store)
    return store


def _item(store: Store, table: int, code: str) -> dict:
    return next(i for i in store.queue(code) if i["tbl"] == table)


def _record(store: Store, record_id: int) -> Record:
    return Record.model_validate_json(store.record_row(record_id)["data"])


def test_migrations_apply_once(db_url):
    store = Store()
    assert store.conn.dialect == ("postgres" if db_url.startswith("postgresql") else "sqlite")
    versions = [v for v, _ in migrations()]
    assert 1 in versions and 3 in versions
    stored = sorted(r[0] for r in store.conn.execute("SELECT version FROM schema_migrations").fetchall())
    assert stored == versions
    assert migrate(store.conn) == 0


def test_queue_holds_the_corpus_items(corpus):
    items = corpus.queue("ambiguous_cell")
    assert [(i["tbl"], i["field"], i["project"]) for i in items] == [(2, "indicators[0].score", "宣传与推广")]
    assert corpus.queue(project="宣传与推广") and all(i["tbl"] == 2 for i in corpus.queue(project="宣传与推广"))
    record = _record(corpus, items[0]["record_id"])
    assert record.funds.total.annual_budget == Decimal("95435.80")


def test_correction_closes_opens_and_undo_restores(corpus):
    item = _item(corpus, 2, "ambiguous_cell")
    out = answer(corpus, item["id"], "alice", candidate=2)  # 9: the scores no longer add up to 88
    assert out.ok and [c["id"] for c in out.closed] == [item["id"]]
    assert [(o["code"], o["field"]) for o in out.opened] == [("score_total_mismatch", "total_score")]
    assert _record(corpus, item["record_id"]).indicators[0].score == 9
    assert corpus.item(item["id"])["status"] == "answered"
    mismatch = out.opened[0]["id"]

    back = undo(corpus, "alice")
    assert back.ok and [o["id"] for o in back.opened] == [item["id"]] and [c["id"] for c in back.closed] == [mismatch]
    assert _record(corpus, item["record_id"]).indicators[0].score == 10
    assert corpus.item(item["id"])["status"] == "open"
    trail = corpus.actions(item["record_id"])
    assert [(a["action"], a["old_value"], a["new_value"], a["who"]) for a in trail] == [
        ("accept", "10", "9", "alice"),
        ("undo", "9", "10", "alice"),
    ]
    assert trail[0]["undone_at"] is not None


def test_confirmation_holds_until_the_numbers_change(corpus):
    item = _item(corpus, 10, "weight_total_mismatch")
    assert answer(corpus, item["id"], "alice").ok
    assert corpus.item(item["id"])["status"] == "answered"
    # A later edit of the same record that changes the sum puts the question again, under the same item. (An
    # answer to another item cannot make that edit: it changes only its own field. The edit is its own action.)
    row = corpus.record_row(item["record_id"])
    record = Record.model_validate_json(row["data"])
    record.indicators[0].weight = Decimal(5)
    review_recheck(record, corpus.confirmations(item["record_id"]))
    edit = {"issue_id": None, "action": "edit", "who": "bob", "field": "indicators[0].weight"}
    _, opened = corpus.commit_review(item["record_id"], row["version"], record, edit)
    assert item["id"] in [o["id"] for o in opened]
    reopened = corpus.item(item["id"])
    assert reopened["status"] == "open" and "add up to" in reopened["message"]


def test_two_reviewers_on_one_record_lose_nothing(corpus):
    first, second = _item(corpus, 10, "weight_total_mismatch"), _item(corpus, 10, "score_total_mismatch")
    stale = corpus.record_row(first["record_id"])
    outcomes = {}

    def work(name, item, value):
        with Store() as own:  # each reviewer on a connection of their own
            outcomes[name] = answer(own, item["id"], name, value=value)

    threads = [
        threading.Thread(target=work, args=("alice", first, "90")),
        threading.Thread(target=work, args=("bob", second, "87")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes["alice"].ok and outcomes["bob"].ok
    record = _record(corpus, first["record_id"])
    assert (record.total_weight, record.total_score) == (90, 87)
    assert {a["who"] for a in corpus.actions(first["record_id"])} == {"alice", "bob"}
    # A write against the version read before both answers is refused, not applied over them.
    assert (
        corpus.commit_review(
            first["record_id"],
            stale["version"],
            Record.model_validate_json(stale["data"]),
            {"issue_id": None, "action": "set", "who": "mallory"},
        )
        is None
    )
    assert _record(corpus, first["record_id"]).total_weight == 90


def test_an_answer_is_applied_again_over_a_write_made_meanwhile(corpus):
    first, second = _item(corpus, 10, "weight_total_mismatch"), _item(corpus, 10, "score_total_mismatch")
    read = corpus.record_row
    interleaved = []

    def read_then_bob_writes(record_id):
        row = read(record_id)
        if not interleaved:  # bob answers between alice's read and alice's write
            with Store() as bob:
                interleaved.append(answer(bob, second["id"], "bob", value="87"))
        return row

    corpus.record_row = read_then_bob_writes
    assert answer(corpus, first["id"], "alice", value="90").ok
    assert len(interleaved) == 1 and interleaved[0].ok
    record = _record(corpus, first["record_id"])
    assert (record.total_weight, record.total_score) == (90, 87)


def test_claims_keep_reviewers_apart(corpus):
    item = _item(corpus, 6, "missing_value")
    assert corpus.claim(item["id"], "alice")[0] == "alice"
    assert corpus.claim(item["id"], "bob")[0] == "alice"
    refused = answer(corpus, item["id"], "bob")
    assert not refused.ok and "alice" in refused.message
    assert corpus.claim(item["id"], "alice", seconds=-1)[0] == "alice"  # alice's claim lapses
    assert corpus.claim(item["id"], "bob")[0] == "bob"
    assert answer(corpus, item["id"], "bob").ok


def test_accounts_and_sessions(db_url):
    store = Store()
    uid = store.add_user("carol", "hash", "admin")
    with pytest.raises(ValueError):
        store.add_user("dave", "hash", "owner")
    csrf = store.open_session(uid, "tokenhash")
    session = store.session("tokenhash")
    assert (session["name"], session["role"], session["csrf"]) == ("carol", "admin", csrf)
    store.flash("tokenhash", "done")
    assert store.flash("tokenhash") == "done" and store.flash("tokenhash") is None
    store.close_session("tokenhash")
    assert store.session("tokenhash") is None
