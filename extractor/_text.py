"""Text as every stage compares it: one normalisation, so a label, a value and a key agree everywhere.

Unicode NFKC first (full-width 100％ and ASCII 100% are one text, as the scorer sees them), then whitespace:
a label or key drops all of it (社会效益\\n指标 is 社会效益指标); a value keeps its inner spaces and loses the ends.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def normalize(text: str | None, *, keep_spaces: bool = False) -> str:
    """NFKC text without whitespace, or with `keep_spaces` only stripped at the ends."""
    t = unicodedata.normalize("NFKC", text or "")
    return t.strip() if keep_spaces else _WS.sub("", t)
