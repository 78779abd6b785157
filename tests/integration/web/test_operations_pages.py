"""The dashboard, the landing page and the offline API docs are served without a key,
reference only this server's files, and the docs assets cannot be used to read others."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


def test_root_redirects_to_a_landing_page_with_links(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    landing = client.get(response.headers["location"])
    assert landing.status_code == 200
    for link in ("/console", "/dashboard", "/docs", "/redoc"):
        assert f'href="{link}"' in landing.text


def test_the_dashboard_loads_only_its_own_scripts(client: TestClient) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/charts.js" in sources
    assert "/static/dashboard.js" in sources
    for source in sources:
        assert source.startswith("/") or source.startswith("data:"), source
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_need_no_internet(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls
    assert all(url.startswith("/") for url in urls), urls
    assert "cdn.jsdelivr" not in page.text
    assert "fonts.googleapis" not in page.text
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/openapi.json").json()["paths"]["/v1/stats/summary"]


def test_docs_assets_stay_inside_their_folder(client: TestClient) -> None:
    assert client.get("/docs-assets/..%2F__init__.py").status_code == 404
    assert client.get("/docs-assets/core.py").status_code == 404
    assert client.get("/docs-assets/nothing.js").status_code == 404
