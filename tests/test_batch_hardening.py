"""Batches against hostile input and a killed parent: no orphaned workers, only regular files, links kept
inside the folder, zip bombs and page floods refused before reading."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS_DOCX, ROOT
from test_batch import _copies, stored_files

from extractor import Limits, Store, run


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _batch_in_progress(tmp_path: Path) -> tuple[subprocess.Popen, list[int], Path]:
    """A 2-worker batch over 16 files, caught once some files are stored and both workers are up."""
    folder = _copies(tmp_path / "in", 16)
    home = tmp_path / "home-batch"
    env = {**os.environ, "JIXIAO_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "ingest", str(folder), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = home / "jixiao.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        workers = _children(proc.pid)
        if stored_files(db) >= 2 and len(workers) == 2:
            return proc, workers, db
    proc.kill()
    pytest.fail("the batch never got going")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_its_batch(tmp_path, sig):
    proc, workers, db = _batch_in_progress(tmp_path)
    try:
        proc.send_signal(sig)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "workers left behind"
    finally:
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)
    if sig == signal.SIGTERM:
        assert proc.returncode != 0
    paths = [r[0] for r in sqlite3.connect(db).execute("SELECT path FROM files WHERE current = 1")]
    assert 0 < len(paths) == len(set(paths)) < 16


def test_devices_and_fifos_are_refused_and_the_batch_goes_on(tmp_path):
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    home = tmp_path / "home-special"
    env = {**os.environ, "JIXIAO_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "ingest", "/dev/zero", str(fifo), str(CORPUS_DOCX), "--workers", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "FAILED  zero: not a regular file (a character device)" in out.stderr
    assert "FAILED  pipe.docx: not a regular file (a FIFO)" in out.stderr
    assert "23 tables" in out.stderr


def test_hashing_keeps_to_the_file_limit(tmp_path):
    big = tmp_path / "big.docx"
    big.write_bytes(b"\0" * (3 << 20))
    summary = run([big, CORPUS_DOCX], Store(), limits=Limits(file_mb=2))
    assert [o.reason for o in summary.failed] == ["3 MiB is over the 2 MiB file limit: not read"]
    assert summary.tables == 23


def test_links_out_of_a_folder_are_not_followed_unless_asked(tmp_path):
    outside = tmp_path / "elsewhere"
    _copies(outside, 1)
    folder = _copies(tmp_path / "in", 1)
    (folder / "link.docx").symlink_to(outside / "copy-000.docx")
    (folder / "inner.docx").symlink_to(folder / "copy-000.docx")  # inside the folder: read (same file, skipped)
    summary = run([folder], Store(tmp_path / "a.db"))
    reasons = {o.name: o.reason for o in summary.failed}
    assert set(reasons) == {"link.docx"}
    assert "a link out of the folder" in reasons["link.docx"] and "--follow-links" in reasons["link.docx"]
    assert summary.tables == 23
    from extractor import iter_files

    followed = run(list(iter_files([folder], follow_links=True)), Store(tmp_path / "b.db"))
    assert not followed.failed and followed.tables == 46


def _zip_bomb(path: Path, mib: int) -> None:
    """The corpus tables with one more part that inflates to `mib` MiB of zeros."""
    with zipfile.ZipFile(CORPUS_DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("word/media/zeros.bin", "w") as part:
            block = b"\0" * (1 << 20)
            for _ in range(mib):
                part.write(block)


@pytest.mark.parametrize("workers", [0, 1])
def test_a_zip_bomb_is_refused_before_inflating(tmp_path, workers):
    bomb = tmp_path / "bomb.docx"
    _zip_bomb(bomb, 40)
    assert bomb.stat().st_size < 1 << 20
    start = time.monotonic()
    summary = run([bomb, CORPUS_DOCX], Store(), workers=workers, limits=Limits(unpacked_mb=16))
    assert time.monotonic() - start < 30
    [failed] = summary.failed
    declared = re.fullmatch(
        r"its parts declare (\d+) MiB unpacked, over the 16 MiB limit \(a zip bomb\?\): not read", failed.reason
    )
    # (named by its path from the folder holding both files: the checkout may sit beside the temp folder)
    assert Path(failed.name).name == "bomb.docx" and declared and 40 <= int(declared.group(1)) < 42
    assert summary.tables == 23


def _blank_pdf(path: Path, pages: int) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(200, 200)
    pdf.save(str(path))
    pdf.close()


def test_a_pdf_over_the_page_budget_is_refused(tmp_path):
    flood = tmp_path / "flood.pdf"
    _blank_pdf(flood, 60)
    home = tmp_path / "home-pages"
    env = {**os.environ, "JIXIAO_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "ingest", str(flood), str(CORPUS_DOCX), "--max-pages", "50"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert re.search(r"FAILED  (\S*/)?flood\.pdf: 60 pages is over the 50-page budget per file: not read", out.stderr)
    assert out.returncode == 0 and "23 tables" in out.stderr
