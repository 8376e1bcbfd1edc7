"""Tokens and money: prices per model, usage that adds up over calls, and a budget a run cannot pass."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from importlib import resources

PER = 1_000_000


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens. `known` is False for a model missing from the table: cost 0, tokens still counted."""

    input: float = 0.0
    output: float = 0.0
    known: bool = True

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input + output_tokens * self.output) / PER


def _parse_pair(text: str) -> Price:
    try:
        a, b = (float(x) for x in text.split(","))
    except ValueError:
        raise ValueError(f"a price is IN,OUT in USD per 1M tokens (e.g. 0.15,0.60), not {text!r}") from None
    return Price(a, b)


def price_for(model: str, override: str | None = None) -> Price:
    """The override (--price / $JIXIAO_LLM_PRICE: "IN,OUT"), else prices.json by exact name or longest prefix."""
    if override:
        return _parse_pair(override)
    table = json.loads(resources.files("extractor.llm").joinpath("prices.json").read_text("utf-8"))
    name = model.rsplit("/", 1)[-1]
    matches = [k for k in table if not k.startswith("_") and name.startswith(k)]
    if not matches:
        return Price(known=False)
    return Price(*table[max(matches, key=len)])


@dataclass
class Usage:
    calls: int = 0  # answers asked for (a cache hit is not a call)
    requests: int = 0  # HTTP requests: re-asks and retries included
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    cached: int = 0
    failed: int = 0

    def add(self, other: Usage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def line(self) -> str:
        retries = self.requests - self.calls
        return (
            f"{self.calls} calls ({self.requests} requests, {max(retries, 0)} re-asks/retries), "
            f"{self.input_tokens:,} input + {self.output_tokens:,} output tokens, ${self.cost:.4f}; "
            f"{self.cached} answers from the cache, {self.failed} failed"
        )


def estimate_tokens(text: str) -> int:
    """No tokenizer needed: ~1.5 characters a token for Chinese, and fewer for JSON and English, so this errs high."""
    return math.ceil(len(text) / 1.5)


class Budget:
    """Money spent plus money promised to calls in flight never passes the limit."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.spent = 0.0
        self.reserved = 0.0

    def reserve(self, amount: float) -> bool:
        if self.limit is not None and self.spent + self.reserved + amount > self.limit:
            return False
        self.reserved += amount
        return True

    def settle(self, reserved: float, actual: float) -> None:
        self.reserved -= reserved
        self.spent += actual
