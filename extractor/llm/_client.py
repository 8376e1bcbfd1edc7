"""One structured call to any OpenAI-compatible server: instructor (TOOLS mode) on the official openai client.

Two kinds of retry, kept apart:
- faults of the transport (429, 5xx, timeouts, dropped connections): tenacity, exponential
  backoff with jitter, a cap on attempts; the openai client's own retries are off so each
  request is counted here;
- answers that fail validation: instructor re-asks with the error, up to `reasks` times.
Whatever happens, call() returns an outcome with the usage of every request made; it never raises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .._settings import Settings, current
from ._cost import Price, Usage, price_for

log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """The backend cannot start: a message for the person running it."""


class ModelUnavailable(ConfigError):
    """The model server cannot be reached or refuses us: no table of the run can be read, so the run stops."""


@dataclass
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    price: Price = field(default_factory=Price)
    timeout: float = 120.0  # seconds per request
    max_tokens: int = 4096
    reasks: int = 2  # validation re-asks after the first answer
    attempts: int = 3  # tries per request on transport faults
    backoff: float = 1.0  # first wait in seconds, doubling, with jitter
    backoff_max: float = 30.0
    concurrency: int = 4
    max_cost: float | None = None  # USD for the run

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kw: Any) -> LLMConfig:
        """The model, server, key and price of the settings (options, else the environment), and their
        max_tokens / reasks / timeout for servers that need other limits."""
        s = settings or current()
        for name in ("max_tokens", "reasks", "timeout"):
            value = getattr(s, f"llm_{name}")
            if value is not None:
                kw.setdefault(name, value)
        if not s.llm_model:
            raise ConfigError("no model name: pass --model or set JIXIAO_LLM_MODEL")
        if s.openai_api_key is None and s.openai_base_url is None:
            raise ConfigError("set OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI)")
        try:
            return cls(
                model=s.llm_model,
                base_url=s.openai_base_url,
                api_key=s.openai_api_key,
                price=price_for(s.llm_model, s.llm_price),
                **kw,
            )
        except ValueError as exc:
            raise ConfigError(str(exc)) from None


@dataclass
class CallOutcome:
    """What one model call gave: the answer or the error, and the usage of every request it made."""

    answer: BaseModel | None
    usage: Usage
    error: str = ""
    # A transport fault (the server was down or busy): asking again later may work, so it is not cached.
    transient: bool = False
    # The server cannot be reached (connection refused, unknown host) or refuses the key (401, 403).
    unavailable: bool = False


def _cause_chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _unavailable(exc: BaseException):
    """The fault when the endpoint is unreachable or refuses the credentials: retrying cannot help."""
    import httpx
    import openai

    for e in _cause_chain(exc):
        if isinstance(e, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return e
        if isinstance(e, httpx.ConnectError):  # refused, unknown host, no route: not a timeout
            return e
    return None


def _transport_fault(exc: BaseException):
    import openai

    if _unavailable(exc) is not None:
        return None
    for e in _cause_chain(exc):
        if isinstance(e, (openai.APITimeoutError, openai.APIConnectionError)):
            return e
        if isinstance(e, openai.APIStatusError) and (e.status_code == 429 or e.status_code >= 500):
            return e
    return None


def _describe(exc: BaseException, config: LLMConfig) -> str:
    from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

    refusal = _unavailable(exc)
    if refusal is not None:
        where = f"the model server at {config.base_url or 'api.openai.com'}"
        status = getattr(refusal, "status_code", None)
        if status:
            return f"{where} refuses the request (HTTP {status}): check OPENAI_API_KEY and the model name"
        return f"{where} cannot be reached: {refusal}"
    fault = _transport_fault(exc)
    if fault is not None:
        status = getattr(fault, "status_code", None)
        what = f"HTTP {status}" if status else type(fault).__name__
        return f"{what} from the model server after {config.attempts} attempts: {fault}"
    if any(isinstance(e, IncompleteOutputException) for e in _cause_chain(exc)):
        return f"the answer was cut off at max_tokens={config.max_tokens}"
    if isinstance(exc, InstructorRetryException):
        last = exc.failed_attempts[-1].exception if exc.failed_attempts else exc
        return f"no valid answer after {exc.n_attempts} attempts: {_short(last)}"
    return f"{type(exc).__name__}: {_short(exc)}"


def _short(exc: BaseException) -> str:
    """The validation messages alone, not pydantic's report around them: a reviewer reads this."""
    if isinstance(exc, ValidationError):
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
    return str(exc)[:500]


_quiet_lock = threading.Lock()
_quiet_calls = 0
_saved_level = logging.NOTSET


@contextmanager
def _instructor_quiet() -> Iterator[None]:
    """instructor logs every failed attempt at ERROR; during our calls each failure is an outcome with its
    reason instead. Only while a call runs (counted across the --concurrency threads): the process's own
    use of instructor, before and after, logs as configured."""
    global _quiet_calls, _saved_level
    instructor_log = logging.getLogger("instructor")
    with _quiet_lock:
        if _quiet_calls == 0:
            _saved_level = instructor_log.level
            instructor_log.setLevel(logging.CRITICAL)
        _quiet_calls += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_calls -= 1
            if _quiet_calls == 0:
                instructor_log.setLevel(_saved_level)


class LLMClient:
    def __init__(self, config: LLMConfig) -> None:
        try:
            import instructor
            import openai
        except ImportError:
            raise ConfigError("the LLM backend needs its extra: pip install 'jixiao[llm]'") from None
        self.config = config
        self._openai = openai.OpenAI(
            api_key=config.api_key or "none", base_url=config.base_url, timeout=config.timeout, max_retries=0
        )
        self._client = instructor.from_openai(self._openai, mode=instructor.Mode.TOOLS)

    def close(self) -> None:
        self._openai.close()

    def call(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        context: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> CallOutcome:
        from instructor.core.hooks import Hooks
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

        cfg = self.config
        usage = Usage(calls=1)

        def on_request(*_: Any, **__: Any) -> None:
            usage.requests += 1

        def on_response(response: Any) -> None:
            u = getattr(response, "usage", None)
            usage.input_tokens += getattr(u, "prompt_tokens", 0) or 0
            usage.output_tokens += getattr(u, "completion_tokens", 0) or 0

        hooks = Hooks()
        hooks.on("completion:kwargs", on_request)
        hooks.on("completion:response", on_response)
        wait = wait_exponential_jitter(multiplier=cfg.backoff, max=cfg.backoff_max, jitter=cfg.backoff)
        retrying = Retrying(
            stop=stop_after_attempt(cfg.attempts),
            wait=wait,
            reraise=True,
            retry=retry_if_exception(lambda e: _transport_fault(e) is not None),
        )
        answer, error, transient, unavailable = None, "", False, False
        try:
            with _instructor_quiet():
                for attempt in retrying:
                    with attempt:
                        answer = self._client.create(
                            model=cfg.model,
                            response_model=response_model,
                            messages=[dict(m) for m in messages],  # type: ignore[misc]
                            context=context,
                            max_retries=cfg.reasks,
                            hooks=hooks,
                            max_tokens=max_tokens or cfg.max_tokens,
                            temperature=0,
                        )
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reason on the chunk, never a crash
            error, transient = _describe(exc, cfg), _transport_fault(exc) is not None
            unavailable = _unavailable(exc) is not None
            log.debug("model call failed: %s", error, exc_info=True)
        usage.cost = cfg.price.cost(usage.input_tokens, usage.output_tokens)
        usage.failed = int(answer is None)
        return CallOutcome(answer, usage, error, transient or unavailable, unavailable)
