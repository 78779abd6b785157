"""llama.cpp's OpenAI-compatible server for a local GGUF model, through ``xllamacpp``.

Two ways to run it, both on loopback only:

* ``in_process``: the C++ server runs on threads inside this process (lowest overhead;
  it stops when the :class:`LocalLlamaServer` is stopped or collected);
* ``subprocess``: ``python -m frontdesk.llm.local`` in a child process, so it can be
  restarted, isolated from crashes, or killed (the tests kill it mid-stream).

Either way the generator talks to it over HTTP like any other provider, so local and
hosted models share one code path. Start-up loads the model (~1-4 s for 0.5B).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Literal

import httpx

from frontdesk.errors import ConfigurationError, ServiceUnavailableError
from frontdesk.llm.config import ProviderConfig, is_loopback

Mode = Literal["in_process", "subprocess"]


def _require_loopback(host: str) -> None:
    if not is_loopback(host):
        raise ConfigurationError(f"the local model server binds loopback only, not {host!r}")


def _start_native(
    model_path: str, *, host: str, port: int, n_ctx: int, threads: int, parallel: int
) -> tuple[Any, str]:
    """The xllamacpp server object and its listening URL."""
    try:
        # Imported by name: the wheel ships no type information.
        xllamacpp: Any = importlib.import_module("xllamacpp")
    except ImportError as exc:
        raise ConfigurationError(
            "the local model server needs xllamacpp: pip install xllamacpp==2026.10.11549"
        ) from exc
    params = xllamacpp.CommonParams()
    params.model.path = model_path
    params.n_ctx = n_ctx
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.hostnames = [host]
    params.port = port
    server = xllamacpp.Server(params)
    return server, str(server.listening_address).rstrip("/")


class LocalLlamaServer:
    def __init__(
        self,
        model_path: Path,
        *,
        mode: Mode = "subprocess",
        host: str = "127.0.0.1",
        port: int = 0,
        n_ctx: int = 4096,
        threads: int = 2,
        parallel: int = 1,
        startup_timeout_s: float = 120.0,
        log_path: Path | None = None,
    ) -> None:
        _require_loopback(host)
        if not model_path.is_file():
            raise ConfigurationError(f"no GGUF model at {model_path}")
        self.model_path = model_path
        self.mode = mode
        self.host = host
        self.port = port
        self.n_ctx = n_ctx
        self.threads = threads
        self.parallel = parallel
        self.startup_timeout_s = startup_timeout_s
        self.log_path = log_path
        self._native: Any = None
        self._process: subprocess.Popen[bytes] | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._url is None:
            raise ServiceUnavailableError("the local model server is not started")
        return self._url

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def provider_config(self, name: str = "local", **options: Any) -> ProviderConfig:
        return ProviderConfig(
            name=name, base_url=self.base_url, model=self.model_path.stem, **options
        )

    def start(self) -> str:
        if self._url is not None:
            return self._url
        if self.mode == "in_process":
            self._native, self._url = _start_native(
                str(self.model_path),
                host=self.host,
                port=self.port,
                n_ctx=self.n_ctx,
                threads=self.threads,
                parallel=self.parallel,
            )
        else:
            self._url = self._spawn()
        self._wait_healthy()
        return self._url

    def stop(self) -> None:
        self._native = None  # the server shuts down when the object is released
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self._url = None

    def kill(self) -> None:
        """SIGKILL the subprocess: what a crashed server looks like to clients."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)

    def __enter__(self) -> LocalLlamaServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _spawn(self) -> str:
        fd, ready_name = tempfile.mkstemp(prefix="frontdesk-llm-", suffix=".json")
        os.close(fd)
        ready = Path(ready_name)
        ready.unlink()
        command = [
            sys.executable, "-m", "frontdesk.llm.local",
            "--model", str(self.model_path), "--host", self.host, "--port", str(self.port),
            "--ctx", str(self.n_ctx), "--threads", str(self.threads),
            "--parallel", str(self.parallel), "--ready-file", str(ready),
        ]  # fmt: skip
        log = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        try:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True
            )
        finally:
            if self.log_path and not isinstance(log, int):
                log.close()
        limit = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < limit:
            if ready.is_file():
                text = ready.read_text()
                if text.endswith("\n"):
                    ready.unlink(missing_ok=True)
                    return str(json.loads(text)["url"])
            if self._process.poll() is not None:
                raise ServiceUnavailableError(
                    f"the local model server exited with code {self._process.returncode} "
                    "while starting; run with log_path set to see why"
                )
            time.sleep(0.05)
        self.stop()
        raise ServiceUnavailableError(
            f"the local model server did not start within {self.startup_timeout_s}s"
        )

    def _wait_healthy(self) -> None:
        limit = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < limit:
            try:
                if httpx.get(f"{self.url}/health", timeout=2.0, trust_env=False).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise ServiceUnavailableError("the local model server never reported healthy")


def main(argv: list[str] | None = None) -> None:
    """Subprocess entry point: serve until SIGTERM; the URL is written to --ready-file."""
    parser = argparse.ArgumentParser(prog="python -m frontdesk.llm.local")
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--ready-file", required=True)
    args = parser.parse_args(argv)
    _require_loopback(args.host)
    server, url = _start_native(
        args.model,
        host=args.host,
        port=args.port,
        n_ctx=args.ctx,
        threads=args.threads,
        parallel=args.parallel,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    ready = Path(args.ready_file)
    tmp = ready.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}) + "\n")
    tmp.replace(ready)
    stopped.wait()
    del server


if __name__ == "__main__":
    main()
