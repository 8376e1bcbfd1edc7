"""One configuration: every setting jixiao reads from the environment, in one frozen object.

The CLI builds it once per command from the environment and its options (`use`), and the worker
processes get it with their limits, so nothing writes `os.environ` to pass a value down. A library
caller that never calls `use` gets the environment as it is when a setting is asked for.
`jixiao config` prints every setting, its value (secrets masked) and where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

Source = Literal["default", "env", "option"]


def _setting(default: Any, *env: str, about: str, parse: Callable[[str], Any] = str, secret: bool = False) -> Any:
    # A secret stays out of the repr, so a log line or a traceback showing the settings does not carry it.
    return field(
        default=default, repr=not secret, metadata={"env": env, "about": about, "parse": parse, "secret": secret}
    )


def _flag(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """Each setting names the variables it is read from (the first one set wins), what it is, how its text is
    read, and whether it is a secret; `rows()` is the table `jixiao config` prints and the README lists."""

    home: Path = _setting(
        Path.home() / ".local" / "share" / "jixiao",
        "JIXIAO_HOME",
        parse=Path,
        about="data folder: the SQLite store, the log, the LLM cache",
    )
    db: str | None = _setting(
        None, "JIXIAO_DB", about="the store: a postgresql:// URL or a SQLite file (default $JIXIAO_HOME/jixiao.db)"
    )
    pdf_password: str | None = _setting(
        None, "JIXIAO_PDF_PASSWORD", secret=True, about="password of encrypted PDFs (--password)"
    )
    convert: bool = _setting(
        False,
        "JIXIAO_CONVERT",
        parse=_flag,
        about="convert .doc/.wps/.xls/.et/.rtf with LibreOffice (--convert; 1 = on)",
    )
    llm_model: str | None = _setting(
        None, "JIXIAO_LLM_MODEL", "OPENAI_MODEL", about="model name for --extractor llm/auto (--model)"
    )
    openai_base_url: str | None = _setting(None, "OPENAI_BASE_URL", about="an OpenAI-compatible server")
    openai_api_key: str | None = _setting(None, "OPENAI_API_KEY", secret=True, about="the model server's key")
    llm_price: str | None = _setting(
        None, "JIXIAO_LLM_PRICE", about="USD per 1M input,output tokens (--price; default: prices.json)"
    )
    llm_max_tokens: int | None = _setting(None, "JIXIAO_LLM_MAX_TOKENS", parse=int, about="longest answer (4096)")
    llm_reasks: int | None = _setting(
        None, "JIXIAO_LLM_REASKS", parse=int, about="re-asks after an answer that fails validation (2)"
    )
    llm_timeout: float | None = _setting(
        None, "JIXIAO_LLM_TIMEOUT", parse=float, about="seconds per model request (120)"
    )
    prompts: Path | None = _setting(
        None, "JIXIAO_PROMPTS", parse=Path, about="a folder of prompts to try instead of the shipped ones"
    )
    lang: str = _setting("zh", "JIXIAO_LANG", about="language of the review desk and the CLI's review lines (zh, en)")
    # Where each value came from, by field name: default, env or option.
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False, hash=False, metadata={"internal": True})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        sources: dict[str, Source] = {}
        for f in _public():
            name = next((name for name in f.metadata["env"] if environ.get(name)), None)
            if name is not None:
                try:
                    values[f.name] = f.metadata["parse"](environ[name])
                except ValueError:
                    raise ValueError(f"{name}={environ[name]!r} is not a valid {f.name}") from None
                sources[f.name] = "env"
        return cls(**values, sources=sources)

    def with_options(self, **options: Any) -> Settings:
        """These values given on the command line; an option left out (None) keeps the setting."""
        given = {k: v for k, v in options.items() if v is not None and v is not False}
        return replace(self, **given, sources={**self.sources, **dict.fromkeys(given, "option")})

    def rows(self) -> list[tuple[str, str, str, Source, str]]:
        """(setting, environment variables, value as shown, source, what it is) of every setting; secrets masked."""
        out = []
        for f in _public():
            value = getattr(self, f.name)
            shown = "(not set)" if value is None else "****" if f.metadata["secret"] else str(value)
            out.append(
                (
                    f.name,
                    " or ".join(f.metadata["env"]),
                    shown,
                    self.sources.get(f.name, "default"),
                    f.metadata["about"],
                )
            )
        return out


def _public() -> list[Any]:
    return [f for f in fields(Settings) if not f.metadata.get("internal")]


_current: Settings | None = None


def current() -> Settings:
    """The settings in effect: those the CLI (or a worker) installed, else the environment as it is now."""
    return _current if _current is not None else Settings.from_env()


@contextmanager
def use(settings: Settings | None) -> Iterator[None]:
    """Install `settings` for the duration (None: keep what is in effect)."""
    global _current
    before = _current
    if settings is not None:
        _current = settings
    try:
        yield
    finally:
        _current = before
