"""OpenTelemetry spans when ``FRONTDESK_OTLP_ENDPOINT`` is set: one per HTTP request, and
a child per pipeline stage run while serving it.

Without an endpoint nothing of OpenTelemetry is imported, and a stage costs one context
variable read. The request span makes the tracer current (a context variable, copied into
the thread pool that runs sync handlers like the request context is), so the pipeline
runner needs no tracer passed in. Attributes are ids, routes, statuses, timings and
flags: never message text, customer details or keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer

_tracer: ContextVar[Tracer | None] = ContextVar("frontdesk_tracer", default=None)
TRACES_PATH = "/v1/traces"


def traces_url(endpoint: str) -> str:
    """The collector's OTLP/HTTP traces URL: ``endpoint`` as given when it names the
    traces path, else that path appended (``http://collector:4318`` is enough)."""
    stripped = endpoint.rstrip("/")
    return stripped if urlsplit(stripped).path.endswith(TRACES_PATH) else stripped + TRACES_PATH


class Tracing:
    """A tracer provider (its exporter decides where spans go); ``close`` flushes it."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer = provider.get_tracer("frontdesk")

    @classmethod
    def otlp(cls, endpoint: str, service_name: str = "frontdesk") -> Tracing:
        """Spans batched to an OpenTelemetry collector over OTLP/HTTP (protobuf)."""
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        exporter = OTLPSpanExporter(endpoint=traces_url(endpoint))
        provider.add_span_processor(BatchSpanProcessor(exporter))
        return cls(provider)

    @contextmanager
    def request(self, method: str) -> Iterator[Span]:
        """The span of one HTTP request, current while it is served; the caller names it
        and sets the route, status and tenant once they are known (:func:`end_request`)."""
        from opentelemetry.trace import SpanKind

        with self.tracer.start_as_current_span(
            f"HTTP {method}",
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method},
            record_exception=False,  # an exception's message may quote what a customer wrote
        ) as span:
            token = _tracer.set(self.tracer)
            try:
                yield span
            finally:
                _tracer.reset(token)

    def close(self) -> None:
        self.provider.shutdown()


def end_request(
    span: Span, method: str, route: str, status: int, request_id: str, tenant: str | None
) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    span.set_attribute("frontdesk.request_id", request_id)
    if tenant is not None:
        span.set_attribute("frontdesk.tenant", tenant)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


def stage_span(name: str, release_id: str) -> AbstractContextManager[Span | None]:
    """A child span for one pipeline stage inside a traced request; else nothing."""
    tracer = _tracer.get()
    if tracer is None:
        return nullcontext()
    return tracer.start_as_current_span(
        f"stage {name}",
        attributes={"frontdesk.stage": name, "frontdesk.release": release_id},
        record_exception=False,
    )


def end_stage(span: Span | None, flags: Sequence[str], error: str | None = None) -> None:
    """The stage's flags (short labels such as ``pii_redacted``) and, when it raised, the
    exception's type name (not its message)."""
    if span is None:
        return
    if flags:
        span.set_attribute("frontdesk.flags", list(flags))
    if error is not None:
        from opentelemetry.trace import Status, StatusCode

        span.set_attribute("error.type", error)
        span.set_status(Status(StatusCode.ERROR))
