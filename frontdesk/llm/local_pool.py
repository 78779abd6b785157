"""Local models a release names, served by llama.cpp servers this process starts.

A provider with ``local_model`` instead of ``base_url`` is resolved here: the first
component that needs it starts one loopback server for that model (a subprocess, so a
crash cannot take the API down) and every later one reuses it, so a release whose
generator, query expansion and summaries all name the same model loads it once. The
servers stop when the application closes.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from frontdesk.errors import ConfigurationError
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import LlmTransportError
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.models import MODELS, model_path

log = logging.getLogger(__name__)

_ServerKey = tuple[str, int, int, int]


class LocalModelPool:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._servers: dict[_ServerKey, LocalLlamaServer] = {}
        self._lock = threading.Lock()
        self._closed = False

    def resolve(self, config: ProviderConfig) -> ProviderConfig:
        """``config`` itself when it has a base URL; else a copy pointing at the running
        server for its local model (started on first use)."""
        if config.local_model is None:
            return config
        path = self._gguf(config.local_model)
        key = (str(path), config.local_threads, config.local_context, config.local_parallel)
        with self._lock:
            if self._closed:
                # A summary drafted while the application closes must not start a server
                # nobody will stop (one outlived a test's Frontdesk and hung the session).
                raise LlmTransportError(
                    "local model servers are stopped: the application is closing",
                    provider=config.name,
                )
            server = self._servers.get(key)
            if server is None:
                log.info("starting a llama.cpp server for %s", path.name)
                log_path = self._data_dir / "logs" / f"llm-{path.stem}.log"
                log_path.parent.mkdir(parents=True, exist_ok=True)
                server = LocalLlamaServer(
                    path,
                    n_ctx=config.local_context,
                    threads=config.local_threads,
                    parallel=config.local_parallel,
                    log_path=log_path,
                )
                server.start()
                self._servers[key] = server
        model = config.model if config.model != "default" else path.stem
        return config.model_copy(update={"base_url": server.base_url, "model": model})

    def running(self) -> list[LocalLlamaServer]:
        """The servers started so far."""
        with self._lock:
            return list(self._servers.values())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.stop()

    def _gguf(self, name: str) -> Path:
        if name in MODELS:
            return model_path(name, self._data_dir)
        path = Path(name).expanduser()
        if path.suffix.lower() != ".gguf" or not path.is_file():
            raise ConfigurationError(
                f"local_model {name!r} is neither a packaged model ({', '.join(sorted(MODELS))}) "
                "nor an existing .gguf file"
            )
        return path
