"""OpenTelemetry spans: a request span with route, status and tenant, a child span per
pipeline stage, none carrying what the customer wrote (the SDK's in-memory exporter);
a real OTLP/HTTP receiver on loopback gets them when FRONTDESK_OTLP_ENDPOINT is set; and
without it the tracing SDK and exporter are not even imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from frontdesk.api.app import create_app
from frontdesk.monitoring.tracing import Tracing, traces_url
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

PII = ("jane.doe@example.com", "+49 30 1234567", "Jane Doe")
ROUTE = "/v1/conversations/{conversation_id}/messages"


@pytest.fixture
def spans(frontdesk: Frontdesk) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    frontdesk.tracing = Tracing(provider)
    yield exporter
    frontdesk.tracing = None
    provider.shutdown()


def _values(span: ReadableSpan) -> list[str]:
    return [span.name, *(json.dumps(v) for v in (span.attributes or {}).values())]


def test_a_request_span_has_a_child_span_per_stage_and_no_message_text(
    frontdesk: Frontdesk, acme, spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer\nHow long do refunds take?,Refunds take 5 business days.\n")
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    with TestClient(create_app(instance=frontdesk)) as client:
        widget = acme.auth("widget")
        cid = client.post("/v1/conversations", headers=widget).json()["id"]
        text = f"I am {PII[2]}, mail {PII[0]} or call {PII[1]}: how long do refunds take?"
        posted = client.post(
            f"/v1/conversations/{cid}/messages",
            json={"text": text},
            headers={**widget, "X-Request-ID": "trace-me-7"},
        )
        assert posted.status_code == 201
        client.get("/healthz")

    finished = spans.get_finished_spans()
    request = next(s for s in finished if (s.attributes or {}).get("http.route") == ROUTE)
    assert request.name == f"POST {ROUTE}"
    assert dict(request.attributes or {}) == {
        "http.request.method": "POST",
        "http.route": ROUTE,
        "http.response.status_code": 201,
        "frontdesk.request_id": "trace-me-7",
        "frontdesk.tenant": acme.id,
    }
    stages = [s for s in finished if s.name.startswith("stage ")]
    names = [(s.attributes or {})["frontdesk.stage"] for s in stages]
    stored = frontdesk.conversations.get(acme.id, cid).turns[-1]
    assert names == [stage["name"] for stage in stored.trace]  # one per stage run, in order
    assert "retrieve" in names
    assert request.context is not None
    for stage in stages:
        assert stage.parent is not None
        assert stage.parent.span_id == request.context.span_id
        assert stage.context is not None
        assert stage.context.trace_id == request.context.trace_id
        assert (stage.attributes or {})["frontdesk.release"] == posted.json()["release_id"]
    guard = next(s for s in stages if (s.attributes or {})["frontdesk.stage"] == "input_guard")
    assert "pii_redacted" in list((guard.attributes or {}).get("frontdesk.flags", ()))

    health = next(s for s in finished if (s.attributes or {}).get("http.route") == "/healthz")
    assert health.parent is None
    assert "frontdesk.tenant" not in (health.attributes or {})
    everything = " ".join(v for span in finished for v in _values(span)).lower()
    for secret in (*PII, "jane", "refunds take", "how long", acme.widget):
        assert secret.lower() not in everything


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, str, bytes]]

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_an_otlp_endpoint_receives_the_spans_over_http(
    frontdesk: Frontdesk, settings: Settings
) -> None:
    received: list[tuple[str, str, bytes]] = []
    handler = type("Collector", (_Collector,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        traced = Frontdesk(settings.model_copy(update={"otlp_endpoint": endpoint}))
        try:
            assert traced.tracing is not None
            with TestClient(create_app(instance=traced)) as client:
                assert client.get("/healthz").status_code == 200
        finally:
            traced.close()  # flushes the batch
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert received
    path, content_type, body = received[0]
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    exported = ExportTraceServiceRequest.FromString(body)
    names = [
        span.name
        for resource in exported.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    assert "GET /healthz" in names
    service = exported.resource_spans[0].resource.attributes
    assert any(a.key == "service.name" and a.value.string_value == "frontdesk" for a in service)


def test_the_traces_url_is_the_endpoint_with_the_otlp_path() -> None:
    assert traces_url("http://collector:4318") == "http://collector:4318/v1/traces"
    assert traces_url("http://collector:4318/") == "http://collector:4318/v1/traces"
    assert traces_url("https://otel.example/v1/traces") == "https://otel.example/v1/traces"


def test_without_an_endpoint_no_tracing_code_is_imported(
    settings: Settings, frontdesk: Frontdesk
) -> None:
    script = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from frontdesk.api.app import create_app\n"
        "from frontdesk.runtime import Frontdesk\n"
        "from frontdesk.settings import Settings\n"
        f"settings = Settings(_env_file=None, database_url={settings.database_url!r}, "
        f"data_dir={str(settings.data_dir)!r}, secret_key='test-secret-0123456789abcdef')\n"
        "instance = Frontdesk(settings)\n"
        "with TestClient(create_app(instance=instance)) as client:\n"
        "    assert client.get('/healthz').status_code == 200\n"
        "instance.close()\n"
        # redis imports OpenTelemetry's metrics SDK for its own optional metrics; the
        # tracing SDK and the exporter are what Frontdesk would load.
        "loaded = sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk.trace') "
        "or m.startswith('opentelemetry.exporter'))\n"
        "print('loaded:', loaded)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FRONTDESK_OTLP_ENDPOINT"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "loaded: []" in done.stdout
