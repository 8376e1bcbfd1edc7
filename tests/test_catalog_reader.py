"""The review desk speaks Chinese about what the reader did not understand, too: every message the reader and
the checks raise on the generated forms of other provinces has a translation."""

from __future__ import annotations

import pytest
from conftest import EVAL

from extractor import file_to_records
from extractor.review._i18n import message

FILES = sorted(p for p in EVAL.glob("forms-*/*.docx")) + [EVAL / "bad" / "converted-doc-2020.docx"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_message_on_a_form_has_its_chinese(path):
    messages = {i.message for r in file_to_records(path).records for i in r.issues}
    untranslated = [m for m in messages if message("zh", m) == m]
    assert untranslated == []
