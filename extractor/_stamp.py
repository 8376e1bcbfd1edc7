"""The stamp on every record: reader, extractor, jixiao version, the vocabulary, and for a model its name, prompt
hash and answer-schema hash. `config` hashes them all, so records read with another configuration are told apart
(an importer can re-read only those, or keep the readings apart)."""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from importlib import metadata, resources

from ._chunk import Chunk
from ._record import Stamp

# The LLM backend tags a record `llm:MODEL:prompt=HASH:schema=NAME`, or `…+template+labels:MODEL:prompt=HASH`.
_MODEL_TAG = re.compile(r"(?:llm|labels):(?P<model>.+?):prompt=(?P<prompt>[0-9a-f]+)(?::schema=(?P<schema>[^+]+))?")
HASH_CHARS = 12


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_CHARS]


@lru_cache(maxsize=1)
def jixiao_version() -> str:
    try:
        return metadata.version("jixiao")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def vocabulary_hash() -> str:
    return _digest(resources.files("extractor").joinpath("data/vocabulary.toml").read_bytes())


@lru_cache(maxsize=4)
def schema_hash(name: str) -> str:
    """The answer schema the model was held to: its JSON schema's hash, so a change in the model is seen."""
    from .llm._answer import TableAnswer

    return _digest(json.dumps([name, TableAnswer.model_json_schema()], sort_keys=True).encode())


def reader_name(reader: str, chunk: Chunk | None) -> str:
    """The reader, and `+ocr` when the table's cells were read by OCR inside a PDF (a page with no text layer)."""
    if chunk is not None and reader == "pdf" and any(c.confidence is not None for c in chunk.grid.cells):
        return "pdf+ocr"
    return reader


def stamp(reader: str, extractor_tag: str) -> Stamp:
    m = _MODEL_TAG.search(extractor_tag or "")
    kind = extractor_tag.split(":", 1)[0] if extractor_tag else "template"
    fields = {
        "reader": reader,
        "extractor": kind,
        "jixiao": jixiao_version(),
        "vocabulary": vocabulary_hash(),
        "model": m["model"] if m else None,
        "prompt_hash": m["prompt"] if m else None,
        "schema_hash": schema_hash(m["schema"]) if m and m["schema"] else None,
    }
    return Stamp(**fields, config=_digest(json.dumps([fields, extractor_tag], sort_keys=True).encode()))
