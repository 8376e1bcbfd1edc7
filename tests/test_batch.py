"""Batches: parallel workers, per-file limits, resume after a kill, the Ray engine."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS_DOCX, ROOT
from copies import distinct_copy

from extractor import Limits, ReadResult, Store, run
from extractor.readers import Reader


class _Hangs(Reader):
    suffixes = (".hang",)

    def read(self, path: Path) -> ReadResult:
        time.sleep(3600)
        return ReadResult.failed(path, "unreachable")


class _Swells(Reader):
    suffixes = (".big",)

    def read(self, path: Path) -> ReadResult:
        hog = [bytearray(50 << 20) for _ in range(40)]  # 2 GiB, touched page by page
        time.sleep(3600)
        return ReadResult.failed(path, str(len(hog)))


class _Crashes(Reader):
    suffixes = (".crash",)

    def read(self, path: Path) -> ReadResult:
        os._exit(3)


def _copies(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        distinct_copy(CORPUS_DOCX, folder / f"copy-{k:03d}.docx")
    return folder


def _comparable(store: Store) -> list[str]:
    return sorted(json.dumps(r.export(), ensure_ascii=False, sort_keys=True) for _, r, _ in store.records())


def test_workers_give_the_same_records_as_one_process(tmp_path):
    folder = _copies(tmp_path / "in", 3)
    serial = run([folder], Store(tmp_path / "a.db"))
    parallel = run([folder], Store(tmp_path / "b.db"), workers=2)
    assert serial.tables == parallel.tables == 69
    assert _comparable(Store(tmp_path / "a.db")) == _comparable(Store(tmp_path / "b.db"))
    assert parallel.issues["ambiguous_cell"] == 3


def test_poisoned_files_are_stopped_and_the_batch_goes_on(tmp_path, add_reader):
    for reader in (_Hangs(), _Swells(), _Crashes()):
        add_reader(reader)
    folder = _copies(tmp_path / "in", 2)
    for suffix in (".hang", ".big", ".crash"):
        (folder / f"poison{suffix}").write_bytes(suffix.encode())  # distinct: a duplicate is not read
    summary = run([folder], Store(), workers=2, limits=Limits(seconds=4, memory_mb=500))
    reasons = {o.name: o.reason for o in summary.failed}
    assert "longer than the 4 s limit" in reasons["poison.hang"]
    assert "500 MiB memory limit" in reasons["poison.big"]
    assert "reader crashed" in reasons["poison.crash"]
    assert summary.tables == 46


def stored_files(db: Path) -> int:
    """Files a running batch has stored so far (0 while its database is not there yet)."""
    try:
        return sqlite3.connect(db).execute("SELECT count(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_resume_after_kill_finishes_the_rest(tmp_path):
    folder = _copies(tmp_path / "in", 12)
    home = tmp_path / "killed"
    env = {**os.environ, "JIXIAO_HOME": str(home)}
    cmd = [sys.executable, str(ROOT / "cli.py"), "ingest", str(folder), "--workers", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = home / "jixiao.db"
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        stored = stored_files(db)
        if stored >= 3:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < 12, "the kill must land part way through"
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    resumed = Store(db)
    paths = [r[0] for r in resumed.conn.execute("SELECT path FROM files WHERE current = 1")]
    assert len(paths) == len(set(paths)) == 12
    whole = Store(tmp_path / "whole.db")
    run([folder], whole)
    assert _comparable(resumed) == _comparable(whole)


def test_ray_engine_gives_the_same_records(tmp_path, monkeypatch):
    pytest.importorskip("ray")
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    folder = _copies(tmp_path / "in", 2)
    local = Store(tmp_path / "local.db")
    run([folder], local)
    remote = Store(tmp_path / "ray.db")
    summary = run([folder], remote, engine="ray")
    assert summary.tables == 46 and not summary.failed
    assert _comparable(remote) == _comparable(local)
