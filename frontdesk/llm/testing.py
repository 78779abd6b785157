"""Test helpers shipped with the library: an OpenAI-compatible server on loopback that
misbehaves on purpose and a loopback-only provider factory (a sample turn and an LLM
release for tests are in :mod:`frontdesk.testing.turns`).

``MisbehavingServer`` serves ``POST /<mode>/v1/chat/completions``; the mode in the path
picks the failure (``http500``, ``http429``, ``http400``, ``notjson``, ``hang``,
``badanswer``, ``outofrange``, ``badsse``, ``truncate``; anything else answers well) and
``hits`` counts requests per mode, so tests can assert how often a client retried.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from frontdesk.llm.config import ProviderConfig, is_loopback

ANSWER = {"sufficient": True, "answer": "Refunds take 5 business days [1].", "citations": [1]}


def loopback_provider(
    name: str, base_url: str, *, timeout_s: float = 120.0, **options: Any
) -> ProviderConfig:
    """A provider config that refuses any base URL off the loopback interface."""
    if not is_loopback(urlsplit(base_url).hostname or ""):
        raise ValueError(f"tests may only call loopback servers, not {base_url!r}")
    options.setdefault("read_timeout_s", timeout_s)
    options.setdefault("deadline_s", timeout_s)
    return ProviderConfig(name=name, base_url=base_url, **options)


class _GarbageHandler(BaseHTTPRequestHandler):
    """``POST /<mode>/v1/chat/completions``; the mode picks how to misbehave."""

    hits: Counter[str]

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_POST(self) -> None:
        # The client may give up first (the timeout tests): expected.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._respond()

    def _respond(self) -> None:
        mode = self.path.strip("/").split("/")[0]
        self.hits[mode] += 1
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        streaming = bool(request.get("stream"))
        if mode == "http500":
            self._send(500, b'{"error": "boom"}')
        elif mode == "http429":
            self._send(429, b'{"error": "slow down"}', {"Retry-After": "0"})
        elif mode == "http400":
            self._send(400, b'{"error": "bad request"}')
        elif mode == "notjson":
            self._send(200, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
        elif mode == "hang":
            time.sleep(1.5)
            self._send(200, _completion(json.dumps(ANSWER)))
        elif mode == "badanswer":
            self._send(200, _completion("Sure! Refunds take five days."))
        elif mode == "outofrange":
            content = {
                "answer": "Ships in 24 hours [2]; see also [9].",
                "citations": [2, 9],
                "sufficient": True,
            }
            self._send(200, _completion(json.dumps(content)))
        elif mode == "badsse" and streaming:
            self._stream([b"this is not an event\n\n"], done=False)
        elif mode == "truncate" and streaming:
            self._stream([_chunk('{"answer": "Refu'), _chunk("nds take")], done=False)
        elif streaming:
            text = json.dumps(ANSWER)
            self._stream([_chunk(text[:10]), _chunk(text[10:]), _final()], done=True)
        else:
            self._send(200, _completion(json.dumps(ANSWER)))

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, events: list[bytes], *, done: bool) -> None:
        # HTTP/1.0 without Content-Length: the body ends when the connection closes.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in events:
            self.wfile.write(event)
            self.wfile.flush()
        if done:
            self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True


def _completion(content: str) -> bytes:
    return json.dumps(
        {
            "model": "garbage",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20},
        }
    ).encode()


def _chunk(text: str) -> bytes:
    body = {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def _final() -> bytes:
    body = {
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20},
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


class MisbehavingServer:
    def __init__(self) -> None:
        hits: Counter[str] = Counter()
        handler = type("Handler", (_GarbageHandler,), {"hits": hits})
        self.hits = hits
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def base_url(self, mode: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/{mode}/v1"

    def provider(self, mode: str, **options: Any) -> ProviderConfig:
        options.setdefault("backoff_s", 0.01)
        return loopback_provider(f"garbage-{mode}", self.base_url(mode), **options)

    def start(self) -> MisbehavingServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released): a dead provider."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
