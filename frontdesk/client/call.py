"""One API operation as data: the request to send and how to read the reply.

Every client method is declared once, as a function decorated with :func:`route` that
returns a :class:`Call`; the packages :mod:`frontdesk.client.sync` and
:mod:`frontdesk.client.aio` (one module per declaration module) are generated from them
(``python -m frontdesk.client.generate``), and a test checks the declarations against the
server's OpenAPI so the client cannot drift.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, ParamSpec, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter

T = TypeVar("T")
P = ParamSpec("P")
M = TypeVar("M", bound=BaseModel)

FileItem = tuple[str, bytes, str]  # (file name, content, media type)


class FrontdeskAPIError(Exception):
    """The API refused a request: its status and the body's ``{"error": {code, message,
    field}}``."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None, request_id: str | None
    ) -> None:
        super().__init__(f"{status} {code}: {message}" + (f" (field {field})" if field else ""))
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.request_id = request_id

    @classmethod
    def of(cls, response: httpx.Response) -> FrontdeskAPIError:
        try:
            error = response.json()["error"]
            code, message, field = str(error["code"]), str(error["message"]), error.get("field")
        except (ValueError, KeyError, TypeError):  # not the API's shape (a proxy's page)
            code, message, field = "http_error", response.text[:500], None
        return cls(response.status_code, code, message, field, response.headers.get("X-Request-ID"))


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """A request, and ``parse`` for its successful reply."""

    parse: Callable[[httpx.Response], T]
    path_params: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    content: str | None = None
    files: list[tuple[str, FileItem]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    method: str = ""
    path: str = ""  # the route's template, as in the OpenAPI

    def url(self) -> str:
        return self.path.format(**{k: _segment(v) for k, v in self.path_params.items()})

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        params = {k: v for k, v in self.params.items() if v is not None}
        return http.build_request(
            self.method,
            self.url(),
            params=params,
            json=self.json,
            content=self.content,
            files=self.files,
            headers=self.headers,
        )

    def result(self, response: httpx.Response) -> T:
        if response.status_code >= 400:
            raise FrontdeskAPIError.of(response)
        return self.parse(response)


def _segment(value: str) -> str:
    return httpx.URL("/" + str(value)).raw_path.decode()[1:].replace("/", "%2F")


def route(method: str, path: str) -> Callable[[Callable[P, Call[T]]], Callable[P, Call[T]]]:
    """Declare the operation a client method calls (``method`` and ``path`` exactly as in
    the OpenAPI); the function builds the rest of the :class:`Call`."""

    def declare(build: Callable[P, Call[T]]) -> Callable[P, Call[T]]:
        @functools.wraps(build)
        def call(*args: P.args, **kwargs: P.kwargs) -> Call[T]:
            return replace(build(*args, **kwargs), method=method, path=path)

        call.__frontdesk_route__ = (method, path)  # type: ignore[attr-defined]
        return call

    return declare


def one(model: type[M]) -> Callable[[httpx.Response], M]:
    return lambda response: model.model_validate(response.json())


def many(model: type[M]) -> Callable[[httpx.Response], list[M]]:
    adapter = TypeAdapter(list[model])  # type: ignore[valid-type]
    return lambda response: adapter.validate_python(response.json())


def as_json(response: httpx.Response) -> Any:
    return response.json()


def as_dict(response: httpx.Response) -> dict[str, Any]:
    return dict(response.json())


def as_text(response: httpx.Response) -> str:
    return response.text


def nothing(response: httpx.Response) -> None:
    return None


def body(**fields: Any) -> dict[str, Any]:
    """A JSON body of the fields given (None: left out, the server's default)."""
    return {k: v for k, v in fields.items() if v is not None}
