"""The knowledge tests' fixture for running one test on each search backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.runtime import Frontdesk
from tests.conftest import PostgresDatabases, make_settings


@pytest.fixture(params=["in_process", pytest.param("postgres", marks=pytest.mark.postgres)])
def search_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Frontdesk]:
    """A migrated Frontdesk whose knowledge is searched by the backend under test."""
    if request.param == "in_process":
        url = f"sqlite:///{tmp_path / 'frontdesk.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("pgvector")
        url = databases.create()
    instance = Frontdesk(make_settings(url, tmp_path / "data"))
    instance.init()
    yield instance
    instance.close()


# Two English articles and a German question one of them answers: the cross-language tests.
ENGLISH_ARTICLES = {
    "account/reset-password.md": """# Reset your password
<!-- url: https://help.example.com/reset -->

Open the sign-in page and choose Forgot password. We e-mail you a reset link that is valid
for 24 hours.
""",
    "shipping/change-delivery-address.md": """# Change the delivery address
<!-- url: https://help.example.com/redirect -->

While a parcel is on its way you can send it to another address: open the tracking page
and choose Redirect. Redirecting costs 2.50 EUR.
""",
}
GERMAN_QUESTION = "Wie ändere ich die Lieferadresse für mein Paket?"


def write_helpcenter(root: Path, articles: dict[str, str]) -> Path:
    """``articles`` ({relative path: text}) written under ``root``; returns ``root``."""
    for relative, text in articles.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root
