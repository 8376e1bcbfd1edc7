"""The LLM backend: reads a chunk with any OpenAI-compatible model and returns the same Record.

Needs the `llm` extra (instructor, openai, tenacity); importing this package does not.
"""

from ._answer import ANSWER_SCHEMA, Judgement, TableAnswer
from ._cache import cache_key, record_usage
from ._client import CallOutcome, ConfigError, LLMClient, LLMConfig, ModelUnavailable
from ._cost import Budget, Price, Usage, estimate_tokens, price_for
from ._extractor import MODES, LLMExtractor
from ._grid_prompt import Prompt, chunk_to_grid_text, load_prompt
from ._verify import answer_to_record, failed_record

__all__ = [
    "ANSWER_SCHEMA",
    "MODES",
    "Budget",
    "CallOutcome",
    "ConfigError",
    "Judgement",
    "LLMClient",
    "LLMConfig",
    "LLMExtractor",
    "ModelUnavailable",
    "Price",
    "Prompt",
    "TableAnswer",
    "Usage",
    "answer_to_record",
    "cache_key",
    "chunk_to_grid_text",
    "estimate_tokens",
    "failed_record",
    "load_prompt",
    "price_for",
    "record_usage",
]
