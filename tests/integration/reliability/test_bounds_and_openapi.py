"""Every numeric query parameter is bounded (a huge one is a 422, never an overflow into
a 500), and the OpenAPI lists each route's error statuses in the one error shape."""

from __future__ import annotations

import pytest

HUGE = str(10**30)


@pytest.mark.parametrize(
    "url",
    [
        f"/v1/conversations?offset={HUGE}",
        f"/v1/conversations?offset={2**63}",
        f"/v1/tickets?older_than_s={HUGE}",
        f"/v1/tickets?older_than_s={2**40}",
        f"/v1/tickets?limit={HUGE}",
        f"/v1/feedback?limit={HUGE}",
        f"/v1/knowledge/suggestions?limit={HUGE}",
    ],
)
def test_a_huge_number_is_a_422_naming_the_parameter(http, acme, url) -> None:
    response = http.get(url, headers=acme.auth("admin"))
    assert response.status_code == 422, response.text
    name = url.split("?")[1].split("=")[0]
    assert response.json()["error"]["field"] == f"query.{name}"


def test_the_largest_allowed_values_work(http, acme) -> None:
    admin = acme.auth("admin")
    assert http.get("/v1/conversations?offset=1000000", headers=admin).json() == []
    assert http.get(f"/v1/tickets?older_than_s={10 * 365 * 24 * 3600}", headers=admin).json() == []


def test_the_openapi_lists_error_statuses_with_the_error_shape(http) -> None:
    schema = http.get("/openapi.json").json()
    assert "ErrorBody" in schema["components"]["schemas"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"422", "503"}
            if path.startswith("/v1/"):
                expected |= {"401", "403", "404", "429"}
            if "requestBody" in operation:
                expected |= {"400", "413"}
            if method in {"post", "patch", "delete"}:
                expected.add("409")
            assert expected <= set(responses), (method, path, sorted(responses))
            for status in expected:
                content = responses[status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorBody"}
