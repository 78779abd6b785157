"""The client cannot drift from the API: every public route of the live OpenAPI has a
client method (or is left out on purpose, with a reason), every method names a route and
method that exist, the query parameters a method sends are those its route takes (and
every one the route takes is sent by some method), and the generated clients are those
the declarations give."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from frontdesk.api.app import create_app
from frontdesk.client import AsyncClient, Client, generate, streams
from frontdesk.client.spec import (
    MODULES,
    NOT_IN_CLIENT,
    QUERY_NOT_IN_CLIENT,
    declared_route,
    operations_of,
)
from frontdesk.settings import Settings


@pytest.fixture(scope="module")
def openapi_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("openapi")
    settings = Settings(_env_file=None, data_dir=tmp, database_url=f"sqlite:///{tmp}/fd.db")
    paths: dict[str, Any] = create_app(settings).openapi()["paths"]
    return paths


@pytest.fixture(scope="module")
def openapi_routes(openapi_paths: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in openapi_paths.items() for method in item}


def declared() -> dict[str, tuple[str, str]]:
    found = {}
    for module in MODULES:
        for name, function in operations_of(module):
            assert name not in found, f"{name} is declared twice"
            route = declared_route(function)
            assert route is not None
            found[name] = route
    return found


def test_every_public_route_has_a_client_method(openapi_routes: set[tuple[str, str]]) -> None:
    covered = set(declared().values()) | set(streams.ROUTES.values()) | set(NOT_IN_CLIENT)
    missing = sorted(openapi_routes - covered)
    assert not missing, f"routes without a client method (add one to frontdesk/client): {missing}"


def test_every_client_method_names_a_route_that_exists(
    openapi_routes: set[tuple[str, str]],
) -> None:
    named = {**declared(), **streams.ROUTES}
    unknown = {name: route for name, route in named.items() if route not in openapi_routes}
    assert not unknown, f"client methods naming no route of the API: {unknown}"
    stale = sorted(set(NOT_IN_CLIENT) - openapi_routes)
    assert not stale, f"NOT_IN_CLIENT names routes that no longer exist: {stale}"


def test_path_parameters_match_the_route() -> None:
    for module in MODULES:
        for name, function in operations_of(module):
            _method, path = declared_route(function) or ("", "")
            in_path = {p.strip("{}") for p in path.split("/") if p.startswith("{")}
            params = set(inspect.signature(function).parameters)
            assert in_path <= params, (name, path, params)


# A value for each required parameter's annotation, to build every declared Call.
SAMPLES: dict[str, Any] = {
    "str": "x",
    "int": 1,
    "float": 1.0,
    "datetime": datetime(2026, 1, 1, tzinfo=UTC),
    "FileItem": ("a.txt", b"a", "text/plain"),
    "list[FileItem]": [("a.txt", b"a", "text/plain")],
    "dict[str, Any]": {},
}


def _sample(function: Callable[..., Any], param: inspect.Parameter) -> Any:
    annotation = str(param.annotation)
    if annotation in SAMPLES:
        return SAMPLES[annotation]
    model = vars(inspect.getmodule(function))[annotation]
    assert issubclass(model, BaseModel), (function.__name__, param.name, annotation)
    return model.model_construct()


def sent_query(function: Callable[..., Any]) -> set[str]:
    """The query parameter names the declaration's Call carries (with every default)."""
    args, kwargs = [], {}
    for param in inspect.signature(function).parameters.values():
        if param.default is not param.empty:
            continue
        value = _sample(function, param)
        if param.kind is param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return set(function(*args, **kwargs).params)


def test_query_parameters_match_the_route(openapi_paths: dict[str, Any]) -> None:
    taken: dict[tuple[str, str], set[str]] = {}
    sent: dict[tuple[str, str], set[str]] = {}
    for module in MODULES:
        for name, function in operations_of(module):
            route = declared_route(function) or ("", "")
            parameters = openapi_paths[route[1]][route[0].lower()].get("parameters", [])
            taken[route] = {p["name"] for p in parameters if p["in"] == "query"}
            names = sent_query(function)
            unknown = names - taken[route]
            assert not unknown, f"{name} sends query parameters {route} does not take: {unknown}"
            sent.setdefault(route, set()).update(names)
    offered = {(method, path, q) for (method, path), names in taken.items() for q in names}
    unsent = sorted(
        (method, path, q)
        for method, path, q in offered - set(QUERY_NOT_IN_CLIENT)
        if q not in sent[(method, path)]
    )
    assert not unsent, f"query parameters no client method sends: {unsent}"
    stale = sorted(set(QUERY_NOT_IN_CLIENT) - offered)
    assert not stale, f"QUERY_NOT_IN_CLIENT names parameters that no longer exist: {stale}"


def test_both_clients_have_every_method_and_are_generated_from_the_declarations() -> None:
    for name in [*declared(), *streams.ROUTES]:
        assert callable(getattr(Client, name, None)), name
        method = getattr(AsyncClient, name, None)
        assert method is not None, name
        assert inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method), name
    expected = generate.files()
    for path, text in expected.items():
        assert (path.read_text() if path.is_file() else None) == text, (
            f"{path} is stale: run python -m frontdesk.client.generate"
        )
    leftover = generate.stale_files(expected)
    assert not leftover, f"generated modules no declaration gives: {leftover}"


def test_every_generated_module_is_small() -> None:
    long = {p.name: n for p in generate.files() if (n := len(p.read_text().splitlines())) >= 400}
    assert not long, f"split the declaration module: {long}"
