"""The stamp on every record: reader, extractor, version, and for a model its name, prompt and schema (issue 14)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import CORPUS, CORPUS_DOCX

from cli import main
from extractor import file_to_grids
from extractor._stamp import jixiao_version, stamp, vocabulary_hash


def test_every_record_of_every_reader_carries_its_stamp(tmp_path):
    from xlsx_forms import grids_to_xlsx

    book = grids_to_xlsx(file_to_grids(CORPUS_DOCX).grids[:2], tmp_path / "book.xlsx")
    files = [CORPUS_DOCX, CORPUS / "songjiang-hrss-2020.pdf", book]
    out = tmp_path / "p.jsonl"
    assert CliRunner().invoke(main, ["extract", *map(str, files), "-o", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 48
    readers = {r["source"]["file"]: r["stamp"]["reader"] for r in records}
    assert readers == {"songjiang-hrss-2020.docx": "docx", "songjiang-hrss-2020.pdf": "pdf", "book.xlsx": "xlsx"}
    for r in records:
        s = r["stamp"]
        assert (s["extractor"], s["jixiao"], s["vocabulary"]) == ("template", jixiao_version(), vocabulary_hash())
        assert s["model"] is None and s["prompt_hash"] is None and s["schema_hash"] is None
    configs = {r["stamp"]["reader"]: r["stamp"]["config"] for r in records}
    assert len(set(configs.values())) == 3  # another reader, another configuration


def test_a_model_reading_is_stamped_with_model_prompt_and_schema_and_told_apart():
    plain = stamp("docx", "template")
    qwen = stamp("docx", "template+llm:qwen2.5:7b:prompt=0a1b2c3d4e5f:schema=llm-answer/1")
    other_prompt = stamp("docx", "template+llm:qwen2.5:7b:prompt=ffffffffffff:schema=llm-answer/1")
    labels = stamp("docx", "template+labels:gpt-4o-mini:prompt=abcdef012345")
    assert (qwen.extractor, qwen.model, qwen.prompt_hash) == ("template+llm", "qwen2.5:7b", "0a1b2c3d4e5f")
    assert qwen.schema_hash and len(qwen.schema_hash) == 12
    assert (labels.extractor, labels.model, labels.prompt_hash, labels.schema_hash) == (
        "template+labels",
        "gpt-4o-mini",
        "abcdef012345",
        None,
    )
    assert len({plain.config, qwen.config, other_prompt.config, labels.config}) == 4
    assert stamp("docx", "template").config == plain.config  # the same configuration, the same stamp
