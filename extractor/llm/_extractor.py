"""LLMExtractor: the `llm` and `auto` backends, and the --semantic check, behind the Extractor protocol.

A file's chunks are read together (prepare), so calls run concurrently up to a limit,
each answer is cached, and a run stops cleanly when the next call could pass --max-cost:
the file is then left unread (failed, not stored as done) and what was paid for stays
in the cache, so a re-run with a larger budget pays only for the rest.

`auto` reads with the template first, and asks the model where the template is unsure, labels
first: each label the vocabulary does not know is one small question (which field is 全年实际值?),
cached by label text across the archive, and the table is read again by the template with the
answers (_labels.py), so no value comes from the model. Only a table that still has cells the
template cannot place (`unmapped_cell` errors) is read whole by the model, and the two readings are
compared field by field (_compare.py): a difference is a review item with both values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from pydantic import BaseModel

from .._chunk import Chunk
from .._codes import IssueCode
from .._record import Issue, Record
from .._template import ExtractResult, chunk_to_record
from .._vocab import vocabulary
from ..store import Store
from ..store._suggestions import LabelSuggestions
from ._answer import ANSWER_SCHEMA, Judgement, TableAnswer
from ._cache import Ledger, cache_key
from ._client import CallOutcome, LLMClient, LLMConfig, ModelUnavailable
from ._compare import compare
from ._cost import Budget, Usage, estimate_tokens
from ._grid_prompt import Prompt, chunk_to_grid_text, citable, load_prompt
from ._labels import SETTINGS as LABELS
from ._labels import LabelSettings, cache_content, questions, reread
from ._verify import answer_to_record, failed_record

MODES = ("llm", "auto", "template")


@dataclass
class _Ask:
    """One answer to get: for which table, what to send, how to check it."""

    chunk: Chunk
    purpose: str  # extract | semantic
    prompt: Prompt
    messages: list[dict[str, str]]
    model: type[BaseModel]
    context: dict | None
    key: str
    max_tokens: int | None = None  # None: the configured limit


class LLMExtractor:
    def __init__(
        self,
        config: LLMConfig,
        mode: str = "llm",
        semantic: bool = False,
        store: Store | None = None,
        client: LLMClient | None = None,
        labels: LabelSettings = LABELS,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode is one of {MODES}, not {mode!r}")
        self.config = config
        self.mode = mode
        self.semantic = semantic
        self.prompt = load_prompt("extract")
        self.judge = load_prompt("semantic")
        self.asker = load_prompt("label")
        self.labels = labels
        self.client = client or LLMClient(config)
        self.store = store or Store()
        parts = [mode] if mode == "template" else [f"{mode}:{config.model}:{self.prompt.hash}"]
        if mode == "auto":
            parts.append(f"labels:{config.model}:{self.asker.hash}")
        if semantic:
            parts.append(f"semantic:{config.model}:{self.judge.hash}")
        self.name = "+".join(parts)
        self.tag = f"llm:{config.model}:prompt={self.prompt.hash}:schema={ANSWER_SCHEMA}"
        self.ledger = Ledger(self.store.conn, self.name, config.model, self.prompt.hash, config.max_cost)
        self.usage = Usage()
        self.budget = Budget(config.max_cost)
        self.stopped = ""
        self._ready: dict[int, ExtractResult] = {}  # by chunk index, for the file prepared last

    # -- the Extractor protocol ------------------------------------------------------------------------

    def extract(self, chunk: Chunk) -> ExtractResult:
        if chunk.index not in self._ready:
            refused = self.prepare([chunk])
            if refused:
                return ExtractResult(None, "failed", refused)
        return self._ready.pop(chunk.index)

    def prepare(self, chunks: list[Chunk]) -> str:
        """Read a file's chunks; '' when every chunk has a result, else why the file was left unread."""
        self._ready = {}
        records = {c.index: chunk_to_record(c) for c in chunks} if self.mode != "llm" else {}
        if self.mode == "auto":
            refused = self._learn_labels(chunks, records)
            if refused:
                return refused
        asks = [
            self._extract_ask(c)
            for c in chunks
            if self.mode == "llm" or (self.mode == "auto" and self._unsure(records[c.index]))
        ]
        outcomes, refused = self._answer(asks)
        if refused:
            return refused
        for k, ask in enumerate(asks):
            records[ask.chunk.index] = self._read(ask, outcomes[k], records.get(ask.chunk.index))
        if self.semantic:
            judged = [
                (r.record, self._judge_ask(c, r.record))
                for c in chunks
                if (r := records[c.index]).record is not None and not self._failed(r.record)
            ]
            outcomes, refused = self._answer([a for _, a in judged])
            if refused:
                return refused
            for k, (record, _) in enumerate(judged):
                record.issues.extend(self._judgement(outcomes[k]))
        self._ready = records
        return ""

    def summary(self) -> str:
        stopped = f"; stopped: {self.stopped}" if self.stopped else ""
        unpriced = "" if self.config.price.known else " (no price for this model: counted as $0, see --price)"
        return f"llm ({self.config.model}): {self.usage.line()}{unpriced}{stopped}"

    def close(self) -> None:
        self.client.close()

    # -- deciding and reading --------------------------------------------------------------------------

    @staticmethod
    def _unsure(result: ExtractResult) -> bool:
        """A table the template cannot map, or with cells it could not place where a value could be."""
        return result.record is None or any(
            i.code == IssueCode.UNMAPPED_CELL and i.severity == "error" for i in result.record.issues
        )

    def _learn_labels(self, chunks: list[Chunk], records: dict[int, ExtractResult]) -> str:
        """Ask about the labels the vocabulary does not know, then re-read the tables with the answers."""
        vocab = vocabulary()
        asked = questions([(c, records[c.index]) for c in chunks], vocab, self.asker, self.labels)
        asks = [
            _Ask(
                q.chunk,
                "label",
                self.asker,
                q.messages,
                q.model,
                None,
                cache_key("label", cache_content(q), self.asker.hash, self.config.model),
                self.labels.max_tokens,
            )
            for q in asked
        ]
        outcomes, refused = self._answer(asks)
        if refused:
            return refused
        answers = {
            (q.section, q.key): o.answer.field for k, q in enumerate(asked) if (o := outcomes[k]).answer is not None
        }
        suggestions = LabelSuggestions(self.store.conn)
        for chunk in chunks:
            result, used = reread(chunk, records[chunk.index], answers, vocab, self.config.model)
            if used:
                result.record.extractor = f"template+labels:{self.config.model}:prompt={self.asker.hash}"
                records[chunk.index] = result
            for x in used:
                suggestions.used(x.section, x.key, x.field, self.config.model, chunk.file, chunk.index, x.printed)
        return ""

    @staticmethod
    def _failed(record: Record) -> bool:
        return any(i.code == IssueCode.EXTRACTION_FAILED and i.severity == "error" for i in record.issues)

    def _extract_ask(self, chunk: Chunk) -> _Ask:
        grid = chunk_to_grid_text(chunk)
        messages = self.prompt.messages(grid=grid, index=str(chunk.index), file=chunk.file)
        return _Ask(
            chunk,
            "extract",
            self.prompt,
            messages,
            TableAnswer,
            {"ids": set(citable(chunk))},
            cache_key("extract", grid, self.prompt.hash, self.config.model),
        )

    def _read(self, ask: _Ask, outcome: CallOutcome, template: ExtractResult | None) -> ExtractResult:
        if outcome.answer is None:
            if template is not None and template.record is not None:
                template.record.issues.append(
                    Issue(
                        code=IssueCode.EXTRACTION_FAILED,
                        field="record",
                        severity="warning",
                        message=f"a second read by the LLM backend failed: {outcome.error}",
                    )
                )
                return template
            return ExtractResult(self._tagged(failed_record(ask.chunk, outcome.error)))
        record = self._tagged(answer_to_record(outcome.answer, ask.chunk))
        if template is None or template.record is None:
            return ExtractResult(record)
        # The template's record stands; the model's reading only adds review items where the two differ.
        template.record.issues += compare(template.record, record, self.config.model)
        template.record.extractor = (
            f"{template.record.extractor}+{self.tag}"
            if "extractor" in template.record.model_fields_set
            else f"template+{self.tag}"
        )
        return template

    def _tagged(self, record: Record) -> Record:
        record.extractor = self.tag
        return record

    def _judge_ask(self, chunk: Chunk, record: Record) -> _Ask:
        fields = {
            "project_name": record.project_name or "",
            "goal_expected": record.goal_expected or "",
            "goal_actual": record.goal_actual or "",
            "indicators": "；".join(i.name for i in record.indicators if i.name),
        }
        content = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        return _Ask(
            chunk,
            "semantic",
            self.judge,
            self.judge.messages(**fields),
            Judgement,
            None,
            cache_key("semantic", content, self.judge.hash, self.config.model),
        )

    def _judgement(self, outcome: CallOutcome) -> list[Issue]:
        if outcome.answer is None:
            return [
                Issue(
                    code=IssueCode.EXTRACTION_FAILED,
                    field="goal_expected",
                    severity="warning",
                    message=f"the semantic check got no answer: {outcome.error}",
                )
            ]
        if outcome.answer.same_project:
            return []
        return [
            Issue(
                code=IssueCode.GOAL_INDICATOR_MISMATCH,
                field="goal_expected",
                message=f"{self.config.model} judges that the goal text and the indicators describe "
                f"different projects: {outcome.answer.reason}",
            )
        ]

    # -- asking: cache, concurrency, budget ------------------------------------------------------------

    def _worst_cost(self, ask: _Ask) -> float:
        """What a call could cost at most: every re-ask resends the conversation with the longest answer."""
        cfg = self.config
        sent = estimate_tokens(json.dumps(ask.messages, ensure_ascii=False)) + 600  # the tool schema
        tries = cfg.reasks + 1
        most = ask.max_tokens or cfg.max_tokens
        inputs = sum(sent + k * most for k in range(tries))
        return cfg.price.cost(inputs, tries * most)

    def _from_cache(self, ask: _Ask) -> CallOutcome | None:
        hit = self.ledger.get(ask.key)
        if hit is None:
            return None
        usage = Usage(cached=1, failed=int(hit.status != "ok"))
        self.ledger.log(ask.chunk.file, ask.chunk.index, ask.purpose, ask.prompt.hash, ask.key, "cached", usage)
        self.usage.add(usage)
        if hit.status != "ok":
            return CallOutcome(None, usage, hit.answer)
        return CallOutcome(ask.model.model_validate_json(hit.answer, context=ask.context), usage)

    def _settle(self, ask: _Ask, outcome: CallOutcome) -> None:
        self.usage.add(outcome.usage)
        status = "ok" if outcome.answer is not None else "failed"
        if not outcome.transient:
            answer = outcome.answer.model_dump_json() if outcome.answer is not None else outcome.error
            self.ledger.put(ask.key, ask.purpose, ask.prompt.hash, status, answer, outcome.usage)
        self.ledger.log(
            ask.chunk.file, ask.chunk.index, ask.purpose, ask.prompt.hash, ask.key, status, outcome.usage, outcome.error
        )

    def _answer(self, asks: list[_Ask]) -> tuple[dict[int, CallOutcome], str]:
        """Outcomes by the ask's position in `asks`; a reason instead when the budget stopped the asking."""
        out: dict[int, CallOutcome] = {}
        pending = []
        for k, ask in enumerate(asks):
            cached = self._from_cache(ask)
            if cached is not None:
                out[k] = cached
            else:
                pending.append((k, ask))
        refused = ""
        if pending:
            refused = self._ask_all(pending, out.__setitem__)
        # A table the server failed to answer (down, busy, timing out) is not a result: the file stays unread
        # and the next run asks again (answers already paid for are cached).
        fault = next((o.error for o in out.values() if o.transient), "")
        if fault and not refused:
            refused = f"not read: the model server failed ({fault}); the next run asks again"
        self.ledger.total(self.usage, refused)
        return out, refused

    def _ask_all(self, pending: list[tuple[int, _Ask]], done: Callable[[int, CallOutcome], None]) -> str:
        flying: dict[Future, tuple[int, _Ask, float]] = {}
        queue = list(reversed(pending))
        unavailable = ""
        with ThreadPoolExecutor(max_workers=max(1, self.config.concurrency)) as pool:
            while queue or flying:
                while queue and len(flying) < max(1, self.config.concurrency):
                    worst = self._worst_cost(queue[-1][1])
                    if not self.budget.reserve(worst):
                        break
                    k, ask = queue.pop()
                    flying[pool.submit(self.client.call, ask.messages, ask.model, ask.context, ask.max_tokens)] = (
                        k,
                        ask,
                        worst,
                    )
                if not flying:
                    # Nothing in flight and the next call does not fit: stop before passing the budget.
                    self.stopped = (
                        f"the next LLM call could pass --max-cost ${self.config.max_cost:g} "
                        f"(${self.budget.spent:.4f} spent); answers so far are cached"
                    )
                    return f"not read: {self.stopped}"
                finished, _ = wait(flying, return_when=FIRST_COMPLETED)
                for future in finished:
                    k, ask, worst = flying.pop(future)
                    outcome = future.result()
                    self.budget.settle(worst, outcome.usage.cost)
                    self._settle(ask, outcome)
                    done(k, outcome)
                    if outcome.unavailable:
                        queue.clear()  # nothing more is sent; what is in flight finishes, then the run stops
                        unavailable = outcome.error
        if unavailable:
            self.ledger.total(self.usage, unavailable)
            raise ModelUnavailable(unavailable)
        return ""
