"""Catch-alls: the person reads `type: message`; the traceback goes to $JIXIAO_HOME/jixiao.log (and stderr
with --verbose). The LLM client quiets instructor's logger only while its own calls run."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from extractor import readers
from extractor.cli import main
from extractor.llm import LLMClient, LLMConfig
from extractor.llm._client import _instructor_quiet


class _Broken(readers.Reader):
    suffixes = (".broken",)

    def read(self, path: Path) -> readers.ReadResult:
        raise RuntimeError(f"no parser for {path.name}")


def _run_on_broken_file(tmp_path, add_reader, *flags: str):
    add_reader(_Broken())
    bad = tmp_path / "a.broken"
    bad.write_text("x")
    return CliRunner().invoke(main, [*flags, "ingest", str(bad)])


def test_a_reader_crash_is_a_message_for_the_person_and_a_traceback_in_the_log(tmp_path, add_reader, jixiao_home):
    res = _run_on_broken_file(tmp_path, add_reader)
    assert "a.broken: could not be read: RuntimeError: no parser for a.broken" in res.output
    assert "Traceback" not in res.output
    log = (jixiao_home / "jixiao.log").read_text("utf-8")
    assert "Traceback (most recent call last)" in log and "RuntimeError: no parser for a.broken" in log


VERBOSE = """
import sys
from extractor import readers
from extractor.cli import main
sys.path.insert(0, {tests!r})
from test_logging import _Broken
readers.register(_Broken())
main(["--verbose", "ingest", {path!r}])
"""


def test_verbose_prints_the_traceback_from_the_worker_too(tmp_path, jixiao_home):
    bad = tmp_path / "a.broken"
    bad.write_text("x")
    script = VERBOSE.format(tests=str(Path(__file__).parent), path=str(bad))
    res = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "JIXIAO_HOME": str(jixiao_home)},
    )
    assert res.returncode == 1  # nothing could be read
    assert "Traceback (most recent call last)" in res.stderr and "RuntimeError: no parser for a.broken" in res.stderr
    assert "Traceback" in (jixiao_home / "jixiao.log").read_text("utf-8")


def test_instructor_is_quiet_only_during_a_call():
    instructor_log = logging.getLogger("instructor")
    before = instructor_log.level
    LLMClient(LLMConfig(model="m", base_url="http://127.0.0.1:9/v1", api_key="k"))
    assert instructor_log.level == before
    with _instructor_quiet():
        with _instructor_quiet():  # a second thread's call
            assert instructor_log.getEffectiveLevel() == logging.CRITICAL
        assert instructor_log.getEffectiveLevel() == logging.CRITICAL
    assert instructor_log.level == before
