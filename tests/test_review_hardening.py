"""The review web app against an attacker and a heavy page: headers, throttled logins, answers that stay on
their item, superseded and claimed items, ids out of range, page renders with a pixel cap, and no blocking
work on the event loop."""

from __future__ import annotations

import asyncio
import logging
import re
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS_DOCX
from starlette.testclient import TestClient
from test_review import PASSWORD, corpus_with_accounts, csrf_of, item_id, login

from extractor import Store, run
from extractor import store as store_mod
from extractor.review import _source, hash_password
from extractor.review.app import create_app

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def store() -> Store:
    return corpus_with_accounts("bob")


def _wrong_login(client: TestClient, name: str, password: str = "guess-guess"):
    token = _CSRF.search(client.get("/login").text).group(1)
    return client.post(
        "/login", data={"name": name, "password": password, "csrf": token, "next": "/"}, follow_redirects=False
    )


def test_headers_on_pages_and_error_pages(store, monkeypatch):
    alice = login("alice")
    for r in (
        alice.get("/"),
        alice.get(f"/items/{item_id(store, 2, 'ambiguous_cell')}"),
        alice.get("/login"),
        alice.get("/no/such/page"),
        alice.get("/items/99999999999999999999"),
    ):
        csp = r.headers["content-security-policy"]
        assert "form-action 'self'" in csp and "base-uri 'none'" in csp, r.url
        assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff", r.url
    monkeypatch.setattr(Store, "queue", lambda *a, **k: 1 / 0)
    broken = TestClient(alice.app, base_url="http://127.0.0.1", raise_server_exceptions=False, cookies=alice.cookies)
    r = broken.get("/")
    assert r.status_code == 500 and "form-action 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store" and "ZeroDivisionError" not in r.text


def test_ids_beyond_any_key_are_not_found(store):
    alice = login("alice")
    for path in (
        "/items/99999999999999999999",
        "/items/9223372036854775808",
        "/files/99999999999999999999/pages/1.png",
        "/files/1/pages/99999999999999999999.png",
    ):
        assert alice.get(path).status_code == 404, path
    r = alice.post("/items/99999999999999999999", data={"csrf": csrf_of(alice), "action": "skip"})
    assert r.status_code == 404
    assert store.item(2**70) is None and store.item(2**63 - 1) is None


def test_secure_cookies_by_option_or_from_a_trusted_proxy(store):
    plain = TestClient(create_app(), base_url="http://127.0.0.1")
    assert "secure" not in plain.get("/login").headers["set-cookie"].lower()
    behind_tls = TestClient(create_app(secure_cookies=True), base_url="http://127.0.0.1")
    assert "secure" in behind_tls.get("/login").headers["set-cookie"].lower()
    https = TestClient(create_app(), base_url="https://127.0.0.1")
    assert "secure" in https.get("/login").headers["set-cookie"].lower()


def test_wrong_passwords_are_throttled_per_account_and_per_client(store, monkeypatch, caplog):
    from extractor.review import _passwords

    checks = []

    class Counting:
        def __init__(self, hasher):
            self.hasher = hasher

        def verify(self, *a):
            checks.append(1)
            return self.hasher.verify(*a)

    monkeypatch.setattr(_passwords, "_hasher", Counting(_passwords._hasher))
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    with caplog.at_level(logging.WARNING, logger="jixiao.review"):
        codes = [_wrong_login(client, "alice").status_code for _ in range(50)]
    assert codes[:6] == [401] * 6 and set(codes[6:]) == {429}
    assert len(checks) == 6  # a refused attempt costs no hashing
    locked = _wrong_login(client, "alice", PASSWORD)  # the right password waits too
    assert locked.status_code == 429 and "try again in" in locked.text and int(locked.headers["retry-after"]) > 0
    assert "too many wrong passwords" in caplog.text and "'alice'" in caplog.text
    # The same client is held back on other accounts; another client and account still log in.
    assert _wrong_login(client, "bob", PASSWORD).status_code == 429
    assert login("bob").get("/").status_code == 200


def test_throttle_waits_double_and_lapse():
    from extractor.review._throttle import LoginThrottle, ThrottleSettings

    now = [0.0]
    throttle = LoginThrottle(ThrottleSettings(free_attempts=2, first_wait=10, max_wait=25), clock=lambda: now[0])
    keys = ["account:a", "client:x"]
    assert [throttle.begin(keys) for _ in range(3)] == [0, 0, 0]
    assert throttle.begin(keys) == 10
    now[0] = 10.5
    assert throttle.begin(keys) == 0 and throttle.begin(keys) == pytest.approx(20)
    now[0] = 31
    assert throttle.begin(keys) == 0 and throttle.begin(keys) == pytest.approx(25)  # capped
    throttle.succeeded(keys)
    assert throttle.begin(["account:a", "client:y"]) == 0
    # Good logins from one address (reviewers behind one proxy) never add up to a lock.
    shared = LoginThrottle(ThrottleSettings(free_attempts=2), clock=lambda: now[0])
    for k in range(10):
        assert shared.begin([f"account:{k}", "client:proxy"]) == 0
        shared.succeeded([f"account:{k}", "client:proxy"])


def test_an_answer_changes_only_the_field_of_its_item(store):
    alice = login("alice")
    unit = item_id(store, 2, "unit_suspect")
    before = store.item(unit)["data"]
    r = alice.post(
        f"/items/{unit}",
        data={"csrf": csrf_of(alice), "action": "set", "field": "project_name", "value": "changed"},
        follow_redirects=True,
    )
    assert "cannot change project_name" in r.text
    assert store.item(unit)["data"] == before and store.item(unit)["status"] == "open"
    assert store.actions() == []
    group = next(i for i in store.queue("missing_value") if i["field"] == "funds.current_appropriation")
    ok = alice.post(
        f"/items/{group['id']}",
        data={
            "csrf": csrf_of(alice),
            "action": "set",
            "value": "462,086",
            "field": "funds.current_appropriation.annual_budget",
        },
    )
    assert ok.status_code == 200 and store.item(group["id"])["status"] != "open"


def test_skip_of_an_item_claimed_by_another_reviewer_is_refused(store):
    item = item_id(store, 2, "ambiguous_cell")
    alice, bob = login("alice"), login("bob")
    # Opening an item no longer claims it (browsing locked colleagues out); taking it does.
    alice.post(f"/items/{item}", data={"csrf": csrf_of(alice), "action": "take"})
    r = bob.post(f"/items/{item}", data={"csrf": csrf_of(bob), "action": "skip"}, follow_redirects=True)
    assert "being reviewed by alice" in r.text
    assert [a["action"] for a in store.actions()] == []


def _reread(path: Path) -> None:
    """The same tables in a different file: the store reads it again."""
    rebuilt = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("docProps/custom-note.txt", "edited")
    rebuilt.replace(path)


def test_items_of_a_file_read_again_refuse_answers_and_point_to_the_new_item(tmp_path):
    path = tmp_path / "tables.docx"
    path.write_bytes(CORPUS_DOCX.read_bytes())
    store = Store()
    run([path], store)
    store.add_user("alice", hash_password(PASSWORD), "reviewer")
    old = item_id(store, 2, "ambiguous_cell")
    _reread(path)
    run([path], store)
    new = item_id(store, 2, "ambiguous_cell")
    assert new != old
    alice = login("alice")
    page = alice.get(f"/items/{old}").text
    assert f'href="/items/{new}"' in page and 'name="action"' not in page
    r = alice.post(
        f"/items/{old}", data={"csrf": csrf_of(alice), "action": "accept", "candidate": "1"}, follow_redirects=True
    )
    assert f"answer #{new} instead" in r.text
    r = alice.post(f"/items/{old}", data={"csrf": csrf_of(alice), "action": "skip"}, follow_redirects=True)
    assert f"answer #{new} instead" in r.text
    assert store.actions() == [] and store.item(new)["status"] == "open"


def test_a_password_change_ends_the_other_sessions(store):
    alice_phone, alice_laptop, root = login("alice"), login("alice"), login("root")
    root.post("/admin/users", data={"csrf": csrf_of(root), "name": "alice", "password": "short", "role": ""})
    assert alice_phone.get("/", follow_redirects=False).status_code == 200  # refused: too short
    root.post("/admin/users", data={"csrf": csrf_of(root), "name": "alice", "password": "a new long one", "role": ""})
    for client in (alice_phone, alice_laptop):
        assert client.get("/", follow_redirects=False).status_code == 303
    root.post("/admin/users", data={"csrf": csrf_of(root), "name": "root", "password": "root's new one", "role": ""})
    assert root.get("/", follow_redirects=False).status_code == 200  # the admin's own session stays


def test_the_last_admin_cannot_step_down(store):
    root = login("root")
    r = root.post(
        "/admin/users", data={"csrf": csrf_of(root), "name": "root", "role": "reviewer"}, follow_redirects=True
    )
    assert "last admin" in r.text and store.user("root")["role"] == "admin"
    with pytest.raises(ValueError, match="last admin"):
        store.update_user("root", role="reviewer")
    store.update_user("alice", role="admin")
    assert store.update_user("root", role="reviewer") and store.user("root")["role"] == "reviewer"


def test_pages_run_off_the_event_loop_and_never_migrate(store, monkeypatch):
    alice = login("alice")
    on_loop, migrations = [], []
    real_queue = Store.queue

    def queue(self, *a, **k):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real_queue(self, *a, **k)

    monkeypatch.setattr(Store, "queue", queue)
    monkeypatch.setattr(store_mod, "migrate", lambda db: migrations.append(1) or 0)
    for _ in range(3):
        assert alice.get("/").status_code == 200
    assert on_loop and not any(on_loop)
    assert migrations == []


def _giant_page_pdf(path: Path, points: float) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(points, points)
    pdf.save(str(path))
    pdf.close()


def test_page_renders_are_capped_cached_and_only_for_current_files_with_items(tmp_path, monkeypatch):
    from PIL import Image

    pdf = tmp_path / "tables.pdf"
    pdf.write_bytes(CORPUS_DOCX.with_suffix(".pdf").read_bytes())
    store = Store()
    run([pdf], store)
    store.add_user("alice", hash_password(PASSWORD), "reviewer")
    file_id = store.conn.execute("SELECT id FROM files WHERE current = 1").fetchone()[0]
    alice = login("alice")
    assert alice.get(f"/files/{file_id}/pages/1.png").status_code == 200
    _giant_page_pdf(pdf, 14_400)  # the file on disk is now hostile: one 14,400 pt page
    opened = []
    real_open = _source._open
    monkeypatch.setattr(_source, "_open", lambda p: opened.append(p) or real_open(p))
    first = alice.get(f"/files/{file_id}/pages/1.png")
    assert first.status_code == 200
    width, height = Image.open(__import__("io").BytesIO(first.content)).size
    assert width * height <= _source.RENDER.max_pixels and width > 1000
    assert alice.get(f"/files/{file_id}/pages/1.png").content == first.content and len(opened) == 1

    other = tmp_path / "blank.pdf"
    _giant_page_pdf(other, 500)
    run([other], store)  # no table: stored as failed, no items
    blank_id = store.conn.execute("SELECT id FROM files WHERE name = 'blank.pdf'").fetchone()[0]
    assert alice.get(f"/files/{blank_id}/pages/1.png").status_code == 404
    store.conn.execute("UPDATE files SET current = 0 WHERE id = ?", (file_id,))
    store.conn.raw.commit()
    assert alice.get(f"/files/{file_id}/pages/1.png").status_code == 404


def test_render_scale_keeps_small_pages_at_full_resolution():
    assert _source.render_scale(595, 842) == pytest.approx(110 / 72)
    big = _source.render_scale(14_400, 14_400)
    assert (14_400 * big) ** 2 == pytest.approx(_source.RENDER.max_pixels)
