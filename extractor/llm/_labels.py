"""Label questions for `auto`: which record field a printed label the vocabulary does not know stands for.

The question is small (the label, its part of the form, that part's fields with a few labels each) and
the answer is one of those fields or `none`, held to that list by an enum. An answer only extends the
vocabulary the template reader uses for the table: the values are read from the cells by the template,
never supplied by the model. A re-read that would change a value the first reading already had is
thrown away (the label was mapped onto a field the table prints elsewhere), and every label used stays
visible on the record and as a suggestion for a person (`jixiao vocab`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, create_model

from .._chunk import Chunk
from .._codes import IssueCode
from .._record import Issue, Record
from .._template import ExtractResult, chunk_to_record
from .._values import clean
from .._vocab import Section, Vocabulary, label_key
from ._compare import changed
from ._grid_prompt import Prompt

NONE = "none"
# Sections of the vocabulary whose labels name sub-columns: several of them may map to one field.
_MANY_PER_FIELD = {"indicator_parts", "fund_rows", "rows", "header"}
SECTIONS: dict[str, str] = {
    "header": "a label at the top of the form; its value is in the cell to its right",
    "fund_columns": "a column header of the fund block (项目资金)",
    "fund_rows": "a row label of the fund block (项目资金)",
    "goals": "a label of the goal block (年度总体目标)",
    "indicator_columns": "a column header of the indicator block (绩效指标)",
    "indicator_parts": "a sub-column header under a split 年度指标值 or 实际完成值",
    "rows": "a row label in the indicator block",
}
# Where each kind of label is reported on the record.
_FIELD_OF = {
    "header": "record",
    "fund_columns": "funds",
    "fund_rows": "funds",
    "goals": "record",
    "indicator_columns": "indicators",
    "indicator_parts": "indicators",
    "rows": "indicators",
}


@dataclass(frozen=True)
class LabelSettings:
    """The label questions' tunables."""

    examples: int = 3  # labels shown per field, taken from the vocabulary
    unknown_examples: int = 1  # the same for a table not mapped at all (every part's fields are offered)
    unknown_questions: int = 12  # labels asked at most per table not mapped at all
    max_tokens: int = 64  # the answer is one field name


SETTINGS = LabelSettings()


@dataclass
class Question:
    section: Section
    key: str  # the label as the vocabulary compares it: the question and the cache are about this
    choices: tuple[str, ...]
    messages: list[dict[str, str]]
    model: type[BaseModel]
    chunk: Chunk  # the first table that printed it


def _fields(vocab: Vocabulary, section: str) -> list[str]:
    return list(dict.fromkeys(vocab.labels.get(section, {}).values()))


def choices(vocab: Vocabulary, section: Section) -> tuple[str, ...]:
    """What the model may answer: the section's fields; in a table not mapped at all, section.field of every part."""
    if section != "unknown":
        return (*_fields(vocab, section), NONE)
    return (*(f"{s}.{f}" for s in SECTIONS for f in _fields(vocab, s)), NONE)


def _field_lines(vocab: Vocabulary, section: Section, settings: LabelSettings) -> str:
    def examples(s: str, f: str, n: int) -> str:
        return "、".join([k for k, v in vocab.labels[s].items() if v == f][:n])

    if section != "unknown":
        return "\n".join(f"- {f}: {examples(section, f, settings.examples)}" for f in _fields(vocab, section))
    return "\n".join(
        f"- {s}.{f}: {examples(s, f, settings.unknown_examples)}" for s in SECTIONS for f in _fields(vocab, s)
    )


@cache
def answer_model(options: tuple[str, ...]) -> type[BaseModel]:
    """The answer: one of `options`, nothing else (the enum is in the tool schema the model must fill)."""
    return create_model(
        "LabelAnswer", __config__=ConfigDict(title="label_field", extra="ignore"), field=(Literal[options], ...)
    )


def _near_known(vocab: Vocabulary, chunk: Chunk) -> set[str]:
    """Short texts on rows that print a known label: in a table not mapped at all, where labels may hide."""
    near: set[str] = set()
    for row in range(chunk.grid.n_rows):
        cells = [c for c in chunk.grid.row(row) if c.row == row]
        if any(vocab.field(s, c.text) for c in cells for s in SECTIONS):
            near.update(clean(c.text) for c in cells)
    return near


def questions(
    results: list[tuple[Chunk, ExtractResult]], vocab: Vocabulary, prompt: Prompt, settings: LabelSettings = SETTINGS
) -> list[Question]:
    """One question per distinct (section, label) the vocabulary did not know, over a file's tables."""
    out: dict[tuple[str, str], Question] = {}
    for chunk, result in results:
        labels = result.unknown_labels
        if result.record is None:
            near = _near_known(vocab, chunk)
            labels = [(s, t) for s, t in labels if t in near][: settings.unknown_questions]
        for section, printed in labels:
            key = label_key(printed)
            if not key or (section, key) in out:
                continue
            options = choices(vocab, section)
            meaning = SECTIONS.get(section, "a label in a table whose layout was not recognised")
            messages = prompt.messages(part=meaning, fields=_field_lines(vocab, section, settings), label=key)
            out[(section, key)] = Question(section, key, options, messages, answer_model(options), chunk)
    return list(out.values())


def cache_content(q: Question) -> str:
    """What makes two label questions the same: the whole message (part, fields offered, label)."""
    return json.dumps([q.section, q.choices, q.messages[-1]["content"]], ensure_ascii=False)


@dataclass
class Learned:
    section: str
    key: str
    field: str
    printed: str


def _printed(record: Record | None) -> set[tuple[str, str]]:
    """(section, field) of the columns and goal labels the table already prints under a known label."""
    if record is None:
        return set()
    cols = record.printed_columns or []
    out = {("fund_columns", c.removeprefix("funds.")) for c in cols if c.startswith("funds.")}
    out |= {("indicator_columns", c) for c in cols if not c.startswith("funds.")}
    return out | {("goals", f) for f in ("goal_expected", "goal_actual") if getattr(record, f) is not None}


def _learned(result: ExtractResult, answers: dict[tuple[str, str], str]) -> list[Learned]:
    """This table's unknown labels with the field the model gave. Left unknown: `none`, a column given a field
    the table prints under a known label, and two labels given one column field (their values would be joined
    into another column's)."""
    out: list[Learned] = []
    for section, printed in result.unknown_labels:
        answer = answers.get((section, label_key(printed)))
        if answer is None or answer == NONE:
            continue
        where, field = answer.split(".", 1) if section == "unknown" else (section, answer)
        out.append(Learned(where, label_key(printed), field, printed))
    taken = [(x.section, x.field) for x in out if x.section not in _MANY_PER_FIELD] + list(_printed(result.record))
    return [x for x in out if x.section in _MANY_PER_FIELD or taken.count((x.section, x.field)) == 1]


def reread(
    chunk: Chunk, first: ExtractResult, answers: dict[tuple[str, str], str], vocab: Vocabulary, model: str
) -> tuple[ExtractResult, list[Learned]]:
    """The table read again with the labels the model mapped, when that only adds values; else the first reading."""
    learned = _learned(first, answers)
    if not learned:
        return first, []
    second = chunk_to_record(chunk, vocab.with_labels({(x.section, x.key): x.field for x in learned}))
    if second.record is None or (first.record is not None and changed(first.record, second.record)):
        return first, []
    second.record.issues += [
        Issue(
            code=IssueCode.UNMAPPED_CELL,
            field=_FIELD_OF.get(x.section, "record"),
            severity="warning",
            original=x.printed,
            resolved=True,
            message=f"the label {x.printed!r} is not in the vocabulary; {model} read it as "
            f"{x.section}.{x.field}, and the template read its cells (`jixiao vocab`)",
        )
        for x in learned
    ]
    return second, learned
