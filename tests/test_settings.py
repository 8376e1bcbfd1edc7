"""One configuration: read from the environment once per command, options on top, shown by `jixiao config`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from cli import main
from extractor._settings import Settings, current, use


def test_settings_come_from_the_environment_with_their_source() -> None:
    s = Settings.from_env(
        {
            "JIXIAO_HOME": "/data/jx",
            "OPENAI_MODEL": "m-fallback",
            "JIXIAO_LLM_MODEL": "m-first",
            "JIXIAO_LLM_TIMEOUT": "5",
            "JIXIAO_CONVERT": "1",
            "JIXIAO_DB": "",
        }
    )
    assert (s.home, s.llm_model, s.llm_timeout, s.convert, s.db) == (Path("/data/jx"), "m-first", 5.0, True, None)
    assert s.sources == {"home": "env", "llm_model": "env", "llm_timeout": "env", "convert": "env"}
    opt = s.with_options(llm_model="m-option", pdf_password=None, llm_price="1,2")
    assert (opt.llm_model, opt.llm_price, opt.pdf_password) == ("m-option", "1,2", None)
    assert opt.sources["llm_model"] == "option" and "pdf_password" not in opt.sources
    assert s.llm_model == "m-first"  # frozen: options make a new object


def test_a_malformed_number_names_its_variable() -> None:
    with pytest.raises(ValueError, match="JIXIAO_LLM_MAX_TOKENS='many'"):
        Settings.from_env({"JIXIAO_LLM_MAX_TOKENS": "many"})


def test_secrets_are_masked_in_rows_and_repr() -> None:
    s = Settings.from_env({"OPENAI_API_KEY": "sk-very-secret"}).with_options(pdf_password="pdf-secret")
    shown = {name: (value, source) for name, _, value, source, _ in s.rows()}
    assert shown["openai_api_key"] == ("****", "env") and shown["pdf_password"] == ("****", "option")
    assert "secret" not in repr(s) and "secret" not in str(s.rows())


def test_installed_settings_are_in_effect_until_the_block_ends(monkeypatch) -> None:
    monkeypatch.setenv("JIXIAO_PROMPTS", "/from/env")
    with use(Settings.from_env({"JIXIAO_PROMPTS": "/installed"})):
        assert current().prompts == Path("/installed")
    assert current().prompts == Path("/from/env")


def test_jixiao_config_prints_every_setting_its_value_and_source(monkeypatch, jixiao_home) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    monkeypatch.setenv("JIXIAO_LLM_REASKS", "0")
    res = CliRunner().invoke(main, ["config", "--model", "qwen-x"])
    assert res.exit_code == 0, res.output
    lines = {line.split()[0]: line.split() for line in res.output.splitlines()[1:]}
    assert set(lines) == {name for name, *_ in Settings().rows()}
    assert lines["home"][1:] == ["JIXIAO_HOME", str(jixiao_home), "env"]
    assert lines["openai_api_key"][-2:] == ["****", "env"] and "sk-very-secret" not in res.output
    assert lines["llm_reasks"][-2:] == ["0", "env"]
    assert lines["llm_model"][-2:] == ["qwen-x", "option"]
    assert lines["llm_price"][-3:] == ["(not", "set)", "default"]
    assert current().llm_model != "qwen-x"  # the command's settings end with it


def test_the_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("## Settings") : readme.index("## For importers")]
    assert all(f"| {name} | `{env.replace(' or ', '` or `')}` |" in table for name, env, *_ in Settings().rows())
