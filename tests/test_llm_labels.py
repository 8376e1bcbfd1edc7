"""`auto` asks the model where the template is unsure: labels first (the template then reads the cells), the whole
table only where cells stay unplaced, and the two readings compared. Scripted model, 127.0.0.1 only: the answers
are chosen to test what our code does with right and wrong ones, and say nothing about any model's accuracy."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner
from conftest import CORPUS_DOCX
from test_llm_offline import completion, extractor_for, finished, ideal_answer
from test_llm_offline import scripted as scripted_server

from cli import main
from extractor import Store, chunk_to_record, file_to_grids, grids_to_chunks, recheck, resolve
from extractor._vocab import vocabulary
from extractor.llm import load_prompt
from extractor.llm._labels import choices, questions
from extractor.store._suggestions import LabelSuggestions
from extractor.store._suggestions import suggestion_lines as vocab_lines

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
scripted = scripted_server  # the fixture
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ACTUAL_HEADER = "实际\n完成值"


def fresh_chunks():
    return grids_to_chunks(file_to_grids(CORPUS_DOCX).grids)


def relabel(chunk, old: str, new: str) -> None:
    """A layout the template was not written for: the same table with another label."""
    cell = next(c for c in chunk.grid.cells if c.text == old)
    cell.paragraphs = [new]
    cell._key = None  # the label as matched is cached on the cell


def column_below(chunk, header: str) -> list[str]:
    """The texts printed under the indicator block's header cell, down to the 总分 row: what the record must hold."""
    head = max((c for c in chunk.grid.cells if c.text == header), key=lambda c: c.row)
    total = next(c.row for c in chunk.grid.cells if c.text.replace(" ", "") == "总分")
    return [chunk.grid.at(r, head.col).text for r in range(head.row + head.rowspan, total)]


class Model:
    """A scripted model: label questions answered from `labels` (else none), table readings with `table`."""

    def __init__(self, labels: dict[str, str], table: dict | None = None) -> None:
        self.labels, self.table = labels, table

    def __call__(self, body: dict):
        tool = body["tools"][0]["function"]["name"]
        if tool == "label_field":
            question = next(m["content"] for m in body["messages"] if m["role"] == "user")
            label = question.rsplit("Label: ", 1)[1].strip()
            return 200, completion({"field": self.labels.get(label, "none")}, 120, 6, tool=tool)
        if self.table is None:
            return 500, None
        return 200, completion(self.table)


def template_record(chunk):
    record = chunk_to_record(chunk).record
    resolve([record])
    recheck(record)
    return record


def errors(record) -> list[tuple[str, str]]:
    return [(i.code, i.field) for i in record.issues if i.severity == "error"]


def asked(server, tool: str) -> list[dict]:
    return [r for r in server.requests if r["tools"][0]["function"]["name"] == tool]


def test_an_unknown_column_header_is_asked_once_and_the_template_reads_its_cells(scripted):
    chunks = fresh_chunks()
    table2, table3 = chunks[1], chunks[2]
    actuals = [column_below(c, ACTUAL_HEADER) for c in (table2, table3)]
    for c in (table2, table3):
        relabel(c, ACTUAL_HEADER, "全年完成情况")
    assert chunk_to_record(table2).unknown_labels == [("indicator_columns", "全年完成情况")]
    assert all(i.actual is None for i in chunk_to_record(table2).record.indicators)
    store = Store()
    server = scripted(Model({"全年完成情况": "actual"}))
    record = finished(extractor_for(server, mode="auto", store=store), table2)
    assert [i.actual for i in record.indicators] == actuals[0] and actuals[0][3] == "80%"
    assert record.provenance["indicators[3].actual"].col == 5  # read from the cell, by the template
    assert errors(record) == errors(template_record(fresh_chunks()[1]))  # as if the vocabulary knew the label
    note = next(i for i in record.issues if i.code == "unmapped_cell")
    assert note.severity == "warning" and "全年完成情况" in note.message and "indicator_columns.actual" in note.message
    assert record.extractor.startswith("template+labels:scripted-model:")
    (question,) = server.requests  # one label question, no table reading
    enum = question["tools"][0]["function"]["parameters"]["properties"]["field"]["enum"]
    assert enum == [*choices(vocabulary(), "indicator_columns")] and "actual" in enum and enum[-1] == "none"
    assert question["max_tokens"] == 64 and "Label: 全年完成情况" in question["messages"][-1]["content"]

    # Another table (another run, same archive) printing the same label: answered from the cache.
    again = extractor_for(server, mode="auto", store=store)
    other = finished(again, table3)
    assert len(server.requests) == 1 and again.usage.cached == 1 and again.usage.calls == 0
    assert [i.actual for i in other.indicators] == actuals[1]
    (kept,) = LabelSuggestions(store.conn).all()
    assert (kept.section, kept.label, kept.field, kept.model, kept.count) == (
        "indicator_columns",
        "全年完成情况",
        "actual",
        "scripted-model",
        2,
    )
    assert [e[1] for e in kept.examples] == [2, 3]


def test_a_wrong_field_cannot_move_or_invent_values(scripted):
    table2 = fresh_chunks()[1]
    scores = column_below(table2, "得分")
    relabel(table2, ACTUAL_HEADER, "全年完成情况")
    store = Store()
    # The model calls the column 得分, which the table prints already; its full reading then finds nothing.
    server = scripted(Model({"全年完成情况": "score"}, table={}))
    record = finished(extractor_for(server, mode="auto", store=store), table2)
    assert [str(i.score) for i in record.indicators[1:]] == scores[1:]  # still the 得分 column's cells
    assert all(i.actual is None for i in record.indicators)
    unplaced = [i for i in record.issues if i.code == "unmapped_cell" and i.severity == "error"]
    assert [i.original for i in unplaced] == ["全年完成情况"]  # one issue for the column, its cells not stored
    assert len(asked(server, "label_field")) == 1 and len(asked(server, "record_table")) == 1
    assert LabelSuggestions(store.conn).all() == []  # an answer that was not used is no suggestion


def test_an_answer_outside_the_fields_is_re_asked_and_never_used(scripted):
    table2 = fresh_chunks()[1]
    relabel(table2, ACTUAL_HEADER, "全年完成情况")
    server = scripted(Model({"全年完成情况": "actual_value"}, table={}))  # not one of the fields offered
    extractor = extractor_for(server, mode="auto", concurrency=1)
    record = finished(extractor, table2)
    labels = asked(server, "label_field")
    assert len(labels) == 3  # the first answer and two validation re-asks, each told what is allowed
    assert "actual" in labels[1]["messages"][-1]["content"] and all(i.actual is None for i in record.indicators)
    assert len([i for i in record.issues if i.code == "unmapped_cell" and i.severity == "error"]) == 1


def test_still_unplaced_cells_go_to_the_full_reading_and_differences_are_review_items(scripted):
    chunks = fresh_chunks()
    table2 = chunks[1]
    answer = ideal_answer(table2)  # cites every value the template reads, the actuals included
    answer["project_name"] = "r2c2|宣传"  # in the cell, but not what it says
    relabel(table2, ACTUAL_HEADER, "全年完成情况")
    server = scripted(Model({}, answer))  # the label question gets none
    record = finished(extractor_for(server, mode="auto"), table2)
    assert len(asked(server, "label_field")) == 1 and len(asked(server, "record_table")) == 1
    disagree = {i.field: i for i in record.issues if i.code == "readings_disagree"}
    assert disagree["project_name"].candidates == ["宣传与推广", "宣传"]
    assert disagree["project_name"].severity == "error"
    assert record.project_name == "宣传与推广"  # the template's value stands, flagged
    actual = [disagree[f"indicators[{i}].actual"] for i in range(8)]
    assert [d.candidates for d in actual] == [[v] for v in column_below(chunks[1], "全年完成情况")]
    assert all(i.actual is None for i in record.indicators)  # the model's values are candidates, not values
    assert "funds.total.executed" not in disagree and "total_score" not in disagree  # where they agree, no item
    assert record.extractor.startswith("template+llm:scripted-model:")


def test_a_table_not_mapped_at_all_asks_about_the_labels_near_known_ones(scripted):
    table2 = fresh_chunks()[1]
    relabel(table2, "三级指标", "考核内容")
    first = chunk_to_record(table2)
    assert first.record is None
    asks = questions([(table2, first)], vocabulary(), load_prompt("label"))
    assert "考核内容" in [q.key for q in asks] and "宣传工作计划完成率" not in [q.key for q in asks]
    server = scripted(Model({"考核内容": "indicator_columns.name"}))
    record = finished(extractor_for(server, mode="auto"), table2)
    assert [i.name for i in record.indicators][3] == "各镇社保宣传栏维护完成及时率"
    assert asked(server, "record_table") == [] and record.extractor.startswith("template+labels:")


def test_jixiao_vocab_lists_suggestions_with_the_toml_line():
    store = Store()
    LabelSuggestions(store.conn).used("indicator_columns", "全年完成情况", "actual", "m1", "a.docx", 2, "全年 完成情况")
    LabelSuggestions(store.conn).used("indicator_columns", "全年完成情况", "actual", "m1", "a.docx", 2, "全年 完成情况")
    LabelSuggestions(store.conn).used("indicator_columns", "全年完成情况", "actual", "m1", "b.docx", 1, "全年完成情况")
    lines = vocab_lines(LabelSuggestions(store.conn).all())
    assert lines[0].startswith("[indicator_columns] 全年完成情况 -> actual  (m1, 2 tables: a.docx table 2, b.docx")
    assert 'actual = [..., "全年完成情况"]' in lines[1]
    out = CliRunner().invoke(main, ["vocab"])
    assert out.exit_code == 0 and "全年完成情况 -> actual" in out.output and "1 label suggestions" in out.output
    # Document text: a quote, a backslash, a control and a bidi character stay inert in the terminal and the TOML.
    LabelSuggestions(store.conn).used("header", '主管"部门\\\x1b[2J\u202e', "department", "m1", "c.docx", 1, "x")
    hostile = [line for line in vocab_lines(LabelSuggestions(store.conn).all()) if "department = " in line][0]
    assert "\x1b" not in hostile and "\u202e" not in hostile
    toml = hostile.split("department = [..., ", 1)[1][:-1]
    assert tomllib.loads(f"k = {toml}")["k"] == '主管"部门\\\x1b[2J\u202e'
