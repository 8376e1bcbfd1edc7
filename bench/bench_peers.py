"""The corpus through jixiao's readers and the tools a user would otherwise pick, side by side.

    pip install -e '.[peers]'      # pdfplumber, camelot (python-docx is a dependency already)
    pip install docling            # optional: large (torch); its .docx backend is measured when present
    python bench/bench_peers.py [--runs 3]

For each tool: tables (.docx) or pages (text PDF) per CPU second (time.process_time, so a figure
holds on a loaded machine; one process, one core) and cell exactness. A tool that is not installed
is skipped with a message.

Cell exactness: the reference is the set of non-blank cells of the corpus's 23 tables as jixiao reads
them from the .docx XML (every merge from w:gridSpan/w:vMerge, every paragraph; its records score
field_accuracy 1.0 against the hand-made gold), so jixiao's own .docx figure is 100% by construction.
A tool's cells are compared as text (NFKC, whitespace removed), as a multiset pooled over the file:
`exact` is the share of reference cells the tool gives exactly (not cut, not run into a neighbour, not
reordered), `extra` the cells it gives beyond them (merged cells repeated, fragments).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from extractor import file_to_grids
from extractor._text import normalize

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "eval_sets" / "songjiang-hrss-2020"
DOCX, PDF = CORPUS / "songjiang-hrss-2020.docx", CORPUS / "songjiang-hrss-2020.pdf"

Cells = list[str]  # every cell text a tool gave for a file, tables pooled


def cells_of(texts: Iterable[str | None]) -> Cells:
    return [k for k in (normalize(t or "") for t in texts) if k]


def jixiao(path: Path) -> tuple[Cells, int]:
    read = file_to_grids(path)
    return cells_of(c.text for g in read.grids for c in g.cells), len(read.grids)


def python_docx(path: Path) -> tuple[Cells, int]:
    import docx

    tables = docx.Document(str(path)).tables
    return cells_of(cell.text for t in tables for row in t.rows for cell in row.cells), len(tables)


def pdfplumber_tables(path: Path) -> tuple[Cells, int]:
    import pdfplumber

    out, n = [], 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                n += 1
                out += cells_of(cell for row in table for cell in row)
    return out, n


def camelot_lattice(path: Path) -> tuple[Cells, int]:
    import camelot

    tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
    return cells_of(cell for t in tables for row in t.df.itertuples(index=False) for cell in row), len(tables)


def docling_docx(path: Path) -> tuple[Cells, int]:
    from docling.document_converter import DocumentConverter

    doc = DocumentConverter().convert(str(path)).document
    cells = [c.text for t in doc.tables for c in t.data.table_cells]
    return cells_of(cells), len(doc.tables)


TOOLS: dict[str, list[tuple[str, Callable[[Path], tuple[Cells, int]], str]]] = {
    ".docx": [
        ("jixiao", jixiao, ""),
        ("python-docx", python_docx, "pip install python-docx"),
        ("docling (.docx backend)", docling_docx, "pip install docling"),
    ],
    "text PDF": [
        ("jixiao", jixiao, ""),
        ("pdfplumber", pdfplumber_tables, "pip install -e '.[peers]'"),
        ("camelot (lattice)", camelot_lattice, "pip install -e '.[peers]'"),
    ],
}


def exactness(reference: Cells, got: Cells) -> tuple[float, int]:
    want, have = Counter(reference), Counter(got)
    return sum((want & have).values()) / sum(want.values()), sum((have - want).values())


def measure(tool: Callable[[Path], tuple[Cells, int]], path: Path, runs: int) -> tuple[float, float, Cells, int]:
    tool(path)  # imports, caches and model loads stay out of the figure
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(runs):
        cells, tables = tool(path)
    return (time.process_time() - cpu) / runs, (time.perf_counter() - wall) / runs, cells, tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed reads of each file per tool")
    args = parser.parse_args()
    reference, n_tables = jixiao(DOCX)
    n_pages = file_to_grids(PDF).pages
    print(f"corpus: {n_tables} tables, {len(reference)} non-blank reference cells; text PDF {n_pages} pages")
    for kind, tools in TOOLS.items():
        path, unit, units = (DOCX, "tables", n_tables) if kind == ".docx" else (PDF, "pages", n_pages)
        print(f"\n{kind} ({path.name})")
        print(f"  {'tool':<24} {unit + '/CPU-s':>14} {unit + '/wall-s':>14} {'exact':>8} {'extra':>7} {'tables':>7}")
        for name, tool, install in tools:
            try:
                cpu, wall, cells, tables = measure(tool, path, args.runs)
            except ImportError as exc:
                print(f"  {name:<24} skipped: {exc.name or exc} is not installed ({install})")
                continue
            except Exception as exc:  # noqa: BLE001 - a peer's failure is a line of the table, not the end of it
                print(f"  {name:<24} failed: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            exact, extra = exactness(reference, cells)
            print(f"  {name:<24} {units / cpu:14.1f} {units / wall:14.1f} {exact:8.1%} {extra:7d} {tables:7d}")


if __name__ == "__main__":
    main()
