"""The client cannot drift from the API: every public route of the live OpenAPI has a
client method (or is left out on purpose, with a reason), every method names a route and
method that exist, and the generated clients are those the declarations give."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from frontdesk.api.app import create_app
from frontdesk.client import AsyncClient, Client, generate, streams
from frontdesk.client.spec import MODULES, NOT_IN_CLIENT, declared_route, operations_of
from frontdesk.settings import Settings


@pytest.fixture(scope="module")
def openapi_routes(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("openapi")
    settings = Settings(_env_file=None, data_dir=tmp, database_url=f"sqlite:///{tmp}/fd.db")
    paths = create_app(settings).openapi()["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item}


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


def test_both_clients_have_every_method_and_are_generated_from_the_declarations() -> None:
    for name in [*declared(), *streams.ROUTES]:
        assert callable(getattr(Client, name, None)), name
        method = getattr(AsyncClient, name, None)
        assert method is not None, name
        assert inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method), name
    for path, text in generate.files().items():
        assert Path(path).read_text() == text, (
            f"{path.name} is stale: run python -m frontdesk.client.generate"
        )
