"""A non-editable install works on its own: the wheel, installed into a fresh venv, reads the corpus and
replays the LLM cassette with the prompts it carries, and installs no top-level module named `cli`.

Offline: the wheel is built by pip from the local indexes, installed with --no-index --no-deps, and the
fresh venv borrows this venv's dependencies through a .pth line (a path entry, so this venv's editable
jixiao is not on it: `extractor` must come from the wheel).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import CORPUS_DOCX, GOLD, ROOT
from local_model import MODEL_ALIAS

CASSETTE = ROOT / "tests/cassettes/test_llm_recorded/test_cli_extract_llm_on_the_corpus_replayed_then_cached.yaml"

SOURCES = ["pyproject.toml", "README.md", "cli.py", "extractor", "prompts"]  # what the wheel is built from

# The settings the cassette was recorded with (tests/test_llm_recorded.py): they are part of each request body.
REPLAY = f"""
import sys, vcr
from extractor.cli import main
with vcr.VCR(record_mode="none", match_on=["method", "path", "body"]).use_cassette({str(CASSETTE)!r}):
    main(["extract", "--extractor", "llm", "--model", {MODEL_ALIAS!r}, "--price", "1,2",
          "--concurrency", "1", "-o", sys.argv[1], {str(CORPUS_DOCX)!r}])
"""
LLM_ENV = {
    "OPENAI_BASE_URL": "http://127.0.0.1:8765/v1",
    "JIXIAO_LLM_MAX_TOKENS": "160",
    "JIXIAO_LLM_REASKS": "0",
    "JIXIAO_LLM_TIMEOUT": "900",
}


def run(*cmd: object, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True
    )
    assert out.returncode == 0, f"{cmd}:\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv with the jixiao wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    # From a copy: setuptools builds in the source tree, and a stale build/ there could carry files the
    # package no longer declares.
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", src, cwd=tmp)
    [wheel] = (tmp / "dist").glob("jixiao-*.whl")
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv", cwd=tmp)
    python = tmp / "venv" / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-index", "--no-deps", wheel, cwd=tmp)
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).stdout.strip()
    (Path(site) / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return tmp / "venv" / "bin"


def test_the_installed_package_is_the_wheel_and_no_module_named_cli(installed, tmp_path):
    probe = "import importlib.util, extractor; print(extractor.__file__, importlib.util.find_spec('cli'))"
    where, cli_spec = run(installed / "python", "-c", probe, cwd=tmp_path).stdout.split()
    assert Path(where).is_relative_to(installed.parent) and cli_spec == "None"


def test_the_installed_command_extracts_the_corpus(installed, tmp_path):
    out = tmp_path / "out.jsonl"
    run(installed / "jixiao", "extract", CORPUS_DOCX, "-o", out, cwd=tmp_path, env={"JIXIAO_HOME": str(tmp_path)})
    got = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    gold = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines()]
    assert [r["project_name"] for r in got] == [g["project_name"] for g in gold]
    assert [r["funds"]["total"] for r in got] == [g["funds"]["total"] for g in gold]


def test_the_installed_llm_backend_replays_the_cassette_with_its_shipped_prompts(installed, tmp_path):
    out = tmp_path / "llm.jsonl"
    env = {"JIXIAO_HOME": str(tmp_path), **LLM_ENV}
    result = run(installed / "python", "-c", REPLAY, out, cwd=tmp_path, env=env)
    assert "23 calls" in result.stderr
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["source"]["table"] for r in records] == list(range(1, 24))
