"""Text lines of a cell, and reading them with the PP-OCR recogniser that ships inside the rapidocr wheel.

Only the recogniser runs: a table cell is already a small clean region, so its
text lines are found from the ink profile, which also tells a blank line between
two paragraphs ("10" and "9" in one score cell) from the tight spacing of a value
wrapped in a narrow cell ("95435." over "80", one paragraph). Each line is fed at
its own width, not padded to the detector pipeline's fixed 320 pixels, which is
most of the speed.

The model file is bundled in the wheel (rapidocr/models); nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ._pdf_layout import join_wrap

_REC_MODEL = "PP-OCRv6_rec_small.onnx"
_HEIGHT = 48  # the recogniser's fixed input height
_MIN_WIDTH = 64  # a lone digit reads surer with some padding around it
# A line is padded to its own width rounded up to a bucket, never to the widest line of its batch: the
# model sees the padding, so a reading that depended on its batch-mates would differ from page to page.
_BUCKET = 8
# A run holds lines of one bucket up to this many padded columns in all (at most _BATCH lines): the
# output is [lines, columns / 8, 18,710 characters] floats, which a wide run makes tens of MB.
_RUN_COLUMNS = 2048
_BATCH = 8
# Lines are read at 0.6 of their width: a CJK glyph keeps ~4 of the model's 8-pixel steps, and the run
# costs a little over half; _RETRY is the confidence below which a line is read again at full width.
_SQUEEZE = 0.6
_RETRY = 0.99
# Vertical gaps, as a share of the page's text height: a blank line apart is a new paragraph.
_PARAGRAPH_GAP = 0.8
_SPECK = 0.35  # share of the text height below which a line's ink, both ways, is dirt
DASH = "—"


@dataclass(slots=True)
class Line:
    x0: int
    y0: int
    x1: int
    y1: int
    text: str = ""
    confidence: float = 1.0
    doubt: str | None = None  # why the reading may be wrong whatever the model's confidence ("under a seal")


class Recognizer:
    """PP-OCR text-line recogniser (CTC), run with onnxruntime on one thread."""

    def __init__(self, threads: int = 1) -> None:
        import onnxruntime as ort

        # Only the model file is used: rapidocr itself is not imported (its pipeline is not run).
        spec = importlib.util.find_spec("rapidocr")
        path = Path(next(iter(spec.submodule_search_locations)) if spec else ".") / "models" / _REC_MODEL
        if not path.exists():
            raise RuntimeError(f"the OCR model {_REC_MODEL} was not found: install the rapidocr package ({path})")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        chars = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.chars = np.array(["", *chars, " "], dtype=object)
        # Characters that are one character once NFKC-normalised (（ and (): a choice between them is no doubt.
        groups: dict[str, list[int]] = {}
        for i, ch in enumerate(self.chars[1:], start=1):
            groups.setdefault(unicodedata.normalize("NFKC", ch), []).append(i)
        self.twins = {i: g for g in groups.values() if len(g) > 1 for i in g}

    def read(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence (the least sure character's probability) for each grey line image.

        Lines are read narrowed (fast); one not quite sure is read again at full width, where a repeated
        digit ("00") has room for the pause CTC needs between the two, and a small glyph (the ² of ㎡) stays.
        A reading depends on its line alone, never on the other lines read with it.
        """
        out = self._read(crops, _SQUEEZE)
        again = [i for i, (_, conf) in enumerate(out) if conf < _RETRY]
        for i, second in zip(again, self._read([crops[i] for i in again], 1.0)):
            # Two scales that read the same text back each other: the surer doubt stands. Where they differ,
            # the model's own proportions give the reading, and its doubt, to keep.
            out[i] = (second[0], max(second[1], out[i][1])) if second[0] == out[i][0] else second
        return out

    def quick(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """One narrowed reading of each line, no second look: enough to tell which way up a page is."""
        return self._read(crops, _SQUEEZE)

    def _read(self, crops: list[np.ndarray], squeeze: float) -> list[tuple[str, float]]:
        scaled = [
            cv2.resize(
                c, (max(8, round(c.shape[1] * _HEIGHT * squeeze / c.shape[0])), _HEIGHT), interpolation=cv2.INTER_CUBIC
            )
            for c in crops
        ]
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for width, batch in _runs([s.shape[1] for s in scaled]):
            # Never a run of one line: onnxruntime sums a lone row another way (a hair different), so a blank
            # row keeps it company; from two rows on, a row's result does not depend on the others.
            x = np.zeros((max(2, len(batch)), 3, _HEIGHT, width), dtype=np.float32)
            for k, i in enumerate(batch):
                img = scaled[i].astype(np.float32) / 127.5 - 1.0
                x[k, :, :, : img.shape[1]] = img
            probs = self.session.run(None, {self.input: x})[0]
            for k, i in enumerate(batch):
                out[i] = self._decode(probs[k])
        return out

    def _decode(self, probs: np.ndarray) -> tuple[str, float]:
        idx = probs.argmax(axis=1)
        keep = np.flatnonzero((idx != 0) & np.concatenate(([True], idx[1:] != idx[:-1])))
        if not keep.size:
            return "", 0.0
        conf = [probs[t, self.twins[idx[t]]].sum() if idx[t] in self.twins else probs[t, idx[t]] for t in keep]
        return "".join(self.chars[idx[keep]]), float(min(conf))


def bucket(width: int) -> int:
    """The padded width a line of this many pixels is read at: its own, rounded up (never its neighbours')."""
    return -(-max(_MIN_WIDTH, width) // _BUCKET) * _BUCKET


def _runs(widths: list[int]) -> list[tuple[int, list[int]]]:
    """Indexes of lines grouped into model runs: one padded width per run, at most _RUN_COLUMNS columns."""
    by_width: dict[int, list[int]] = {}
    for i, w in enumerate(widths):
        by_width.setdefault(bucket(w), []).append(i)
    out = []
    for width in sorted(by_width):
        size = max(1, min(_BATCH, _RUN_COLUMNS // width))
        ids = by_width[width]
        out += [(width, ids[k : k + size]) for k in range(0, len(ids), size)]
    return out


@lru_cache(maxsize=1)
def recognizer() -> Recognizer:
    return Recognizer()


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    padded = np.concatenate(([0], flags.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def remove_specks(ink: np.ndarray, min_area: int) -> np.ndarray:
    """A region's ink without paper specks (blobs smaller than min_area), for finding its lines."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.flatnonzero(stats[1:n, cv2.CC_STAT_AREA] < min_area) + 1
    if small.size == 0:
        return ink
    out = ink.copy()
    out[np.isin(labels, small)] = 0
    return out


def text_lines(ink: np.ndarray, text_h: float) -> list[Line]:
    """Text lines in a region's ink: bands of inked rows, the strokes of one glyph (三) kept together."""
    if not ink.any():
        return []
    bands: list[list[int]] = []
    for a, b in runs(ink.any(axis=1)):
        if bands and a - bands[-1][1] < 0.35 * text_h and b - bands[-1][0] <= 1.35 * text_h:
            bands[-1][1] = b
        else:
            bands.append([a, b])
    lines = []
    for a, b in bands:
        cols = np.flatnonzero(ink[a:b].any(axis=0))
        lines.append(Line(int(cols[0]), a, int(cols[-1]) + 1, b))
    return lines


def is_dash(line: Line, text_h: float) -> bool:
    """A lone flat stroke: the "—" that fills an empty cell. OCR reads it as 一 or 二; its shape is surer."""
    return line.y1 - line.y0 < 0.3 * text_h and line.x1 - line.x0 < 4 * text_h


def is_speck(line: Line, text_h: float) -> bool:
    """Too small every way to be a glyph (the smallest, a lone "1", is most of a text height tall)."""
    return max(line.y1 - line.y0, line.x1 - line.x0) < _SPECK * text_h


def paragraphs(lines: list[Line], text_h: float) -> list[str]:
    """Lines joined into paragraphs: a wrapped value joins with nothing, a blank line apart starts a new one."""
    out: list[str] = []
    previous: Line | None = None
    for ln in lines:
        if not ln.text:
            continue
        if previous is None or ln.y0 - previous.y1 > _PARAGRAPH_GAP * text_h:
            out.append(ln.text)
        else:
            out[-1] = join_wrap(out[-1], ln.text)
        previous = ln
    return out
