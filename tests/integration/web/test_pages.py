"""The widget script, the agent console and the demo page are served without a key, with
the right content types, and every asset they reference is served too."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from frontdesk.web.pages import STATIC_DIR


@pytest.mark.parametrize(
    ("path", "content_type", "marker"),
    [
        ("/widget.js", "application/javascript", "attachShadow"),
        ("/console", "text/html", 'src="/static/console.js"'),
        ("/demo", "text/html", 'src="/static/demo.js"'),
        ("/static/console.js", "application/javascript", "/v1/events"),
        ("/static/common.js", "application/javascript", "function readEvents"),
        ("/static/console.css", "text/css", ".turns"),
        ("/static/demo.js", "application/javascript", "/widget.js"),
        ("/static/demo.css", "text/css", "body"),
    ],
)
def test_page_is_served_without_a_key(
    client: TestClient, path: str, content_type: str, marker: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert marker in response.text


def test_widget_script_is_cacheable_and_embeddable_from_any_site(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert "max-age=" in response.headers["cache-control"]
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["etag"]


def test_widget_script_carries_the_shared_module_inside_its_own_closure(
    client: TestClient,
) -> None:
    script = client.get("/widget.js").text
    common = client.get("/static/common.js").text
    assert script.count(common) == 1
    assert script.index(common) < script.index("attachShadow")
    assert script.startswith("(function () {\n")
    assert script.rstrip().endswith("})();")


def test_console_loads_the_shared_module_before_its_own_script(client: TestClient) -> None:
    html = client.get("/console").text
    assert html.index('src="/static/common.js"') < html.index('src="/static/console.js"')


def test_console_loads_every_part_after_the_core_that_they_extend(client: TestClient) -> None:
    html = client.get("/console").text
    parts = re.findall(r'src="/static/(console-[\w-]+\.js)"', html)
    assert sorted(parts) == sorted(path.name for path in STATIC_DIR.glob("console-*.js"))
    core = html.index('src="/static/console.js"')
    assert all(core < html.index(f'src="/static/{part}"') for part in parts)


def test_console_forbids_scripts_and_connections_to_other_origins(client: TestClient) -> None:
    policy = client.get("/console").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("page", ["/console", "/demo"])
def test_every_asset_a_page_references_is_served(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="(/[^"]*)"', html)
    assert assets
    for asset in assets:
        if asset == page:
            continue
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize(
    "path", ["/static/nope.js", "/static/%2e%2e/pages.py", "/static/..%2fpages.py", "/static/"]
)
def test_unknown_or_escaping_static_paths_are_404_in_the_error_shape(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_pages_stay_out_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/widget.js", "/console", "/demo"} & set(paths)
    assert not any(p.startswith("/static") for p in paths)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_may_load_images_only_from_here(client: TestClient, path: str) -> None:
    """Reading the docs contacts no third party: ReDoc's logo and Swagger's validator
    badge live on other sites."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "img-src 'self' data:"
    if path == "/docs":
        assert '"validatorUrl": null' in response.text
