"""The review page in Debian's Chromium, driven by Playwright, against the app served on a free local port:
log in, open the queue, fix the ambiguous cell of the corpus's table 2 with the keyboard, export."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX

from cli import main
from extractor import Store, run
from extractor.review import hash_password

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    import uvicorn

    from extractor.review.app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the review app did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: .ci/run installs Debian's chromium")
        pytest.skip("no /usr/bin/chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield browser
        browser.close()


def test_fix_the_ambiguous_cell_with_the_keyboard(server, browser, tmp_path):
    store = Store()
    run([CORPUS_DOCX], store)
    store.add_user("alice", hash_password("a long passphrase"), "reviewer")
    item = next(i for i in store.queue("ambiguous_cell") if i["tbl"] == 2)

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", "a long passphrase")
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    assert int(page.inner_text("#open-count")) == len(store.queue())

    page.select_option("select[name=code]", "ambiguous_cell")
    page.click(".filters button[type=submit]")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and "宣传与推广" in rows.first.inner_text()
    page.click(f"a[href='/items/{item['id']}']")
    page.wait_for_url(f"{server}/items/{item['id']}")
    assert page.inner_text("#status") == "open"
    assert "10 makes the scores add up to the printed total 88" in page.inner_text("#rule")
    outlined = page.locator("table.grid td.primary")
    assert outlined.count() == 1 and outlined.first.inner_text().split() == ["10", "9"]
    # Into the test's temp dir: docs/ screenshots are chosen and copied on purpose, not rewritten by every run.
    page.screenshot(path=str(tmp_path / "review-item.png"), full_page=True)

    page.keyboard.press("1")  # accept the first candidate, 10
    page.wait_for_selector("#flash")
    flash = page.inner_text("#flash")
    assert f"#{item['id']} accepted indicators[0].score = 10" in flash
    assert f"closed: #{item['id']} ambiguous_cell" in flash
    assert page.get_attribute("#flash .check[data-check=scores]", "class").split() == ["check", "pass"]
    assert page.url != f"{server}/items/{item['id']}"  # on to the next item

    skipped = int(page.url.rsplit("/", 1)[1])
    page.keyboard.press("s")
    page.wait_for_url(lambda url: not url.endswith(f"/items/{skipped}"))
    assert f"#{skipped} skipped" in page.inner_text("#flash")
    typed = int(page.url.rsplit("/", 1)[1])
    assert "implausible_value indicators[0].target" in page.inner_text("h1")  # table 3: a bare 20 for a rate
    page.keyboard.press("e")
    page.keyboard.type("20%")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: not url.endswith(f"/items/{typed}"))
    assert f"#{typed} set indicators[0].target = 20%" in page.inner_text("#flash")
    assert f"closed: #{typed} implausible_value" in page.inner_text("#flash")

    page.goto(f"{server}/items/{item['id']}")
    assert page.inner_text("#status") == "answered"
    assert "check pass" in page.get_attribute(".question .check[data-check=scores]", "class")
    page.close()

    out = tmp_path / "reviewed.jsonl"
    assert CliRunner().invoke(main, ["export", "-o", str(out)]).exit_code == 0
    table2 = next(r for r in map(json.loads, out.read_text("utf-8").splitlines()) if r["source"]["table"] == 2)
    assert table2["indicators"][0]["score"] == 10 and table2["total_score"] == 88
    assert not [i for i in table2["issues"] if i["code"] == "ambiguous_cell" and i["severity"] == "error"]
    trail = [json.loads(line) for line in (tmp_path / "reviewed.audit.jsonl").read_text("utf-8").splitlines()]
    assert [(a["who"], a["action"], a["field"], a["new_value"]) for a in trail] == [
        ("alice", "accept", "indicators[0].score", "10"),
        ("alice", "skip", "amount_unit", None),
        ("alice", "set", "indicators[0].target", "20%"),
    ]
