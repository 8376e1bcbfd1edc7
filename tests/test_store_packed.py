"""Storing what a worker packed: the parent receives text, and what it stores is the record it was given."""

from __future__ import annotations

import pickle

from conftest import CORPUS_DOCX

from extractor import Record, Store, file_to_records


def test_a_packed_file_stores_its_records_and_issues_unchanged():
    result = file_to_records(CORPUS_DOCX)
    originals = [r.model_copy(deep=True) for r in result.records]
    packed = pickle.loads(pickle.dumps(result.pack()))  # as it crosses the pipe from a worker
    assert packed.records == [] and packed.chunks == [] and len(packed.packed) == 23
    store = Store()
    file_id = store.save(
        "/x/a.docx", "a.docx", "0" * 64, 1, "template", packed.status, packed.reason, packed.grids_json, packed.packed
    )
    # As stored; store.records() adds the keys on reading back (id, path, resolved issues' story).
    stored = [
        Record.model_validate_json(r["data"])
        for r in store.conn.execute("SELECT data FROM records WHERE file_id = ? ORDER BY idx", (file_id,)).fetchall()
    ]
    assert [r.model_dump(mode="json") for r in stored] == [r.model_dump(mode="json") for r in originals]
    assert [r.id for _, r, _ in store.records([file_id])] == [f"{'0' * 16}-{n}" for n in range(1, 24)]
    rows = store.conn.execute(
        "SELECT r.idx, i.code, i.field, i.severity, i.message FROM issues i"
        " JOIN records r ON r.id = i.record_id ORDER BY i.id"
    ).fetchall()
    want = [(r.source.table, i.code, i.field, i.severity, i.message) for r in originals for i in r.issues]
    assert [tuple(row) for row in rows] == want and want
    chunks = store.conn.execute("SELECT idx FROM chunks WHERE file_id = ? ORDER BY idx", (file_id,)).fetchall()
    assert [c["idx"] for c in chunks] == [r.source.table for r in originals]
