"""The widget may be embedded on any site: the API answers CORS preflights for it."""

from __future__ import annotations


def test_a_preflight_from_another_site_is_allowed_with_the_auth_header(client) -> None:
    response = client.options(
        "/v1/conversations",
        headers={
            "Origin": "https://shop.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in {"*", "https://shop.example.com"}
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


def test_a_cross_site_call_still_needs_a_key(client) -> None:
    response = client.post("/v1/conversations", headers={"Origin": "https://shop.example.com"})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == "*"
