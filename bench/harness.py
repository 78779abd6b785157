"""Shared pieces of the HTTP benchmarks (bench/llm.py, bench/escalation.py): a fresh
Frontdesk served on 127.0.0.1, the widget's side of the API, the mtrag_un corpus as JSONL
documents, and Markdown tables. (Moved from the old bench/answers.py when it moved onto
frontdesk.evaluation.)"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from frontdesk import Frontdesk, Settings  # noqa: E402
from frontdesk.api.app import create_app  # noqa: E402
from frontdesk.storage.repos import knowledge as knowledge_repo  # noqa: E402


@dataclass(frozen=True)
class ChunkRef:
    """What a chunk id resolves to, for matching citations and retrieved passages."""

    document_key: str  # the external id where one was given, else the document id
    uri: str
    url: str | None
    faq_row: int | None
    ticket: str | None = None


def bench_settings(tmp: Path) -> Settings:
    """A benchmark's Frontdesk: SQLite in ``tmp``, no rate limit, long messages allowed."""
    return Settings(
        _env_file=None,
        data_dir=tmp,
        database_url=f"sqlite:///{tmp}/fd.db",
        secret_key="bench-secret-0123456789",
        rate_limit_per_minute=0,
        max_message_chars=20000,
        # Non-English rows are scored on the multilingual index, as `frontdesk eval` does,
        # not on the fallback a live server uses while that index is still being built.
        multilingual_wait_s=None,
        multilingual_prebuild=False,
    )


class Instance:
    """A fresh Frontdesk in a temp dir, served over HTTP on a free local port."""

    def __init__(self, tmp: Path) -> None:
        self.fd = Frontdesk(bench_settings(tmp))
        self.fd.init()

    def tenant(self, name: str) -> tuple[str, str]:
        """A new tenant's id and an agent key for it (staff see the whole trace and
        every flag; the widget's copy of a turn leaves the guards out)."""
        tenant = self.fd.tenants.create_tenant(name)
        key, _ = self.fd.tenants.issue_key(name, "agent")
        return tenant.id, key

    def chunk_map(self, tenant_id: str) -> dict[str, ChunkRef]:
        uris = {d.id: (d.uri, d.url) for d in self.fd.knowledge.list_documents(tenant_id)}
        model = self.fd.resources.embedder().model_id
        with self.fd.database.transaction() as session:
            chunks = knowledge_repo.all_chunks(session, tenant_id, model)
        out = {}
        for c in chunks:
            uri, doc_url = uris[c.document_id]
            row = c.metadata.get("row") if "question" in c.metadata else None
            ticket = c.metadata.get("ticket")
            out[c.id] = ChunkRef(c.document_key, uri, c.url or doc_url, row, ticket)
        return out

    @contextmanager
    def serve(self) -> Iterator[str]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this: without it every response waits ~40 ms on
        # Nagle and the client's delayed ACK, a cost `frontdesk serve` (host/port) lacks.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(instance=self.fd), log_level="warning", access_log=False, lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 120
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()


class Client:
    """The widget's side of the API."""

    def __init__(self, base_url: str, key: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        )
        self.errors: list[str] = []

    def conversation(self) -> str:
        response = self.http.post("/v1/conversations")
        response.raise_for_status()
        return str(response.json()["id"])

    def post(self, conversation_id: str, text: str) -> tuple[dict[str, Any] | None, float]:
        """The assistant's turn (None on an error status) and the wall time in ms."""
        start = time.perf_counter()
        response = self.http.post(
            f"/v1/conversations/{conversation_id}/messages", json={"text": text}
        )
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code not in (201, 202):  # 202: queued for a person
            self.errors.append(f"{response.status_code}: {response.text[:200]}")
            return None, elapsed
        return response.json(), elapsed


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _title_and_body(text: str) -> tuple[str, str]:
    """A short first line without a full stop reads as a title (Wikipedia, docs pages);
    otherwise the first words stand in for one (the same rule as bench/retrieval_data.py)."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 0 < len(first.split()) <= 12 and not first.endswith((".", "?", "!")):
        return first, rest.strip()
    words = text.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else ""), text


def mtrag_corpus(folder: Path, tmp: Path) -> Path:
    path = tmp / "mtrag_corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for row in _jsonl(folder / "corpus.jsonl"):
            title, body = _title_and_body(row["text"])
            out.write(json.dumps({"id": row["id"], "title": title, "text": body}) + "\n")
    return path


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return str(v)

    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
