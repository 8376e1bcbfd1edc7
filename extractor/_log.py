"""Where tracebacks go. A catch-all shows the person `type: message` and logs the traceback here: to
jixiao.log under $JIXIAO_HOME always, and to stderr as well with `jixiao --verbose`.

Only the command sets this up; a program using the package as a library configures logging itself
(the loggers are named after the modules, under `extractor`).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LOG_FILE = "jixiao.log"
FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"


class _CommandHandler:
    """Marks the handlers installed here, so a second command in one process (tests) replaces them."""


def log_to(folder: Path, verbose: bool = False) -> Path:
    logger = logging.getLogger("extractor")
    for old in [h for h in logger.handlers if isinstance(h, _CommandHandler)]:
        logger.removeHandler(old)
        old.close()
    path = folder / LOG_FILE
    handlers: list[logging.Handler] = [_FileHandler(path, encoding="utf-8", delay=True)]
    if verbose:
        handlers.append(_StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path


class _FileHandler(logging.FileHandler, _CommandHandler):
    pass


class _StreamHandler(logging.StreamHandler, _CommandHandler):
    pass
