"""The Chinese desk in Chromium at 1366×768, as a clerk works the corpus: one bulk unit answer, a worklist by
code, then the rest of the queue with the keyboard, the outlined cell in view on every item without
scrolling; an automatic correction overruled and an answered item reopened. Prints the keystrokes per item.
Screenshots go to the test's temp dir (docs/ holds copies chosen by hand)."""

from __future__ import annotations

import json

from conftest import CORPUS_DOCX, GOLD, load_scorer
from test_review_browser import browser, server  # noqa: F401  (fixtures)

from extractor import Store, run
from extractor.review import hash_password

VIEW = {"width": 1366, "height": 768}


class Keys:
    """The clerk's keyboard and mouse, counted: every key press and every click is one."""

    def __init__(self, page) -> None:
        self.page, self.count = page, 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.count += 1


def _answer_keys(store: Store, item_id: int, gold: dict, score) -> list[str] | str:
    """What a clerk who knows the table presses: a candidate's number, the value typed, or keep as printed."""
    item = store.item(item_id)
    truth = score.get(gold[item["tbl"]], item["field"])
    candidates = [str(c) for c in json.loads(item["candidates"] or "[]")]
    if not isinstance(truth, (dict, list)) and truth is not None and str(truth) in candidates:
        return [str(candidates.index(str(truth)) + 1)]
    record = json.loads(item["data"])
    current = score.get(record, item["field"])
    if isinstance(truth, (dict, list)) or truth is None or score.same(item["field"], truth, current):
        return ["c"]
    return str(truth)


def _evidence_in_view(page) -> bool | None:
    """Whether the outlined source cell is inside the window; None for an item with no cell of its own."""
    cell = page.locator("#source td.primary, #source .box.primary")
    if cell.count() == 0:
        return None
    box = cell.first.bounding_box()
    return (
        box is not None
        and 0 <= box["x"]
        and box["x"] + box["width"] <= VIEW["width"]
        and 0 <= box["y"]
        and box["y"] + box["height"] <= VIEW["height"]
    )


def _login(page, base: str) -> None:
    page.goto(base + "/")
    page.fill("input[name=name]", "clerk")
    page.fill("input[name=password]", "a long passphrase")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_a_clerk_works_the_corpus_at_1366x768(server, browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("JIXIAO_LANG")
    score = load_scorer()
    gold = {g["source"]["table"]: g for g in map(json.loads, GOLD.read_text("utf-8").splitlines())}
    store = Store()
    run([CORPUS_DOCX], store)
    store.add_user("clerk", hash_password("a long passphrase"), "reviewer")
    total = len(store.queue())
    context = browser.new_context(viewport=VIEW, locale="zh-CN")
    page = context.new_page()
    _login(page, server)
    assert page.inner_text("#open-count") == str(total) and "待复核事项" in page.inner_text(".counts")
    keys = Keys(page)

    keys.press("b")  # this file's amounts are in 元: one answer for its 23 unit_suspect items
    page.wait_for_selector("#flash")
    assert "已批量答复 23 项" in page.inner_text("#flash") and not store.queue("unit_suspect")
    page.screenshot(path=str(tmp_path / "desk-queue.png"))

    page.select_option("select[name=code]", "implausible_value")
    keys.count += 1
    keys.click(".filters button[type=submit]")
    page.wait_for_url(lambda url: "code=implausible_value" in url)
    keys.press("n")  # Start follows the filter
    page.wait_for_url(lambda url: "/items/" in url)
    assert "数值不合常理" in page.inner_text("h1") and "本清单还剩 5 / 5 项" in page.inner_text("#left")
    page.screenshot(path=str(tmp_path / "desk-item.png"))

    in_view, items = [], 0
    while "/items/" in page.url and items < 3 * total:
        item_id = int(page.url.rsplit("/", 1)[1].split("?")[0])
        in_view.append(_evidence_in_view(page))
        todo = _answer_keys(store, item_id, gold, score)
        if isinstance(todo, str):
            keys.press("e")
            keys.type(todo)
            keys.press("Enter")
        else:
            keys.press(*todo)
        page.wait_for_url(lambda url, i=item_id: not url.endswith(f"/items/{i}"))
        assert store.item(item_id)["status"] != "open", (item_id, page.inner_text("#flash"))
        items += 1
    assert not store.queue(), [(i["code"], i["field"]) for i in store.queue()]
    closed = total  # every open item of the corpus, the bulk ones included
    per_item = keys.count / closed
    print(
        f"\nkeystrokes: {keys.count} for {closed} items ({items} answered one by one, 23 in one bulk action): "
        f"{per_item:.2f} per item; outlined cell in view at 1366x768 on "
        f"{sum(1 for v in in_view if v)} of {sum(1 for v in in_view if v is not None)} items with a cell"
    )
    assert all(v is not False for v in in_view)
    assert per_item <= 1.5

    # An automatic correction, listed and overruled: the printed value is back and kept.
    page.goto(server + "/?kind=auto&code=taxonomy_mismatch")
    page.click("table.queue tbody tr a")
    page.wait_for_selector("#overrule")
    page.wait_for_load_state("load")
    auto_id = int(page.url.rsplit("/", 1)[1])
    page.keyboard.press("o")
    page.wait_for_selector("#overrule", state="detached")  # the item is a question again
    page.wait_for_load_state("load")  # the keys work once the page's script is in
    assert page.inner_text("#status") == "待复核"
    page.keyboard.press("c")
    page.wait_for_url(lambda url, i=auto_id: not url.endswith(f"/items/{i}"))
    assert [a["action"] for a in store.actions() if a["item"] == auto_id] == ["overrule", "confirm"]

    # An answered item reopened and answered again.
    ambiguous = next(a["item"] for a in store.actions() if a["code"] == "ambiguous_cell")
    page.goto(f"{server}/items/{ambiguous}")
    page.keyboard.press("r")
    page.wait_for_selector("#reopen", state="detached")
    page.wait_for_load_state("load")
    assert page.inner_text("#status") == "待复核"
    page.screenshot(path=str(tmp_path / "desk-reopened.png"))
    page.keyboard.press("1")
    page.wait_for_url(lambda url: not url.endswith(f"/items/{ambiguous}"))
    assert store.item(ambiguous)["status"] == "answered"
    assert [a["action"] for a in store.actions() if a["item"] == ambiguous] == ["accept", "reopen", "accept"]
    context.close()


def test_a_pdf_items_cell_is_in_view_at_full_size(server, browser, tmp_path, monkeypatch):  # noqa: F811
    """A PDF page is shown at its rendered size (not shrunk to the pane), scrolled so the outlined cell is in
    the 1366×768 window."""
    monkeypatch.delenv("JIXIAO_LANG")
    store = Store()
    run([CORPUS_DOCX.with_suffix(".pdf")], store)
    store.add_user("clerk", hash_password("a long passphrase"), "reviewer")
    context = browser.new_context(viewport=VIEW, locale="zh-CN")
    page = context.new_page()
    _login(page, server)
    for item in (store.queue("ambiguous_cell")[0], store.queue("score_total_mismatch")[-1]):
        page.goto(f"{server}/items/{item['id']}")
        page.wait_for_function("document.querySelector('#source img').complete")
        natural, shown = page.evaluate(
            "[document.querySelector('#source img').naturalWidth, document.querySelector('#source img').clientWidth]"
        )
        assert natural == shown and natural > VIEW["width"] / 2
        assert _evidence_in_view(page), item
    page.screenshot(path=str(tmp_path / "desk-pdf-item.png"))
    context.close()
