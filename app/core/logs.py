"""One JSON object per log line; message text never goes in unless a setting says so."""

from __future__ import annotations

import json
import logging
import time

# Attributes every LogRecord has; anything else was passed through `extra=` and is logged.
# uvicorn's color_message repeats the message with terminal colours.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """Formats records as JSON so that no field can forge another line (newlines are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            line["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(line, default=str, ensure_ascii=True)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("triage")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    # The server's own lines too, so that every line of the process's output is one JSON
    # object ("uvicorn.error" reaches the handler through "uvicorn"). A logger uvicorn left
    # without handlers stays so: that is how `--no-access-log` turns the access log off.
    for name in ("uvicorn", "uvicorn.access"):
        server = logging.getLogger(name)
        if server.handlers:
            server.handlers[:] = [handler]
            server.propagate = False
