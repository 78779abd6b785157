"""Registry changes reach webhook subscribers as events, from the same transaction as
the audit entry: a real local receiver, signed deliveries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdesk.domain.release import Actor, Label
from frontdesk.runtime import Frontdesk
from frontdesk.testing import http
from frontdesk.testing.releases import as_text, release_document
from frontdesk.testing.webhooks import WebhookReceiver

ADMIN = Actor(name="key:test", role="admin")


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    hook = WebhookReceiver()
    with http.serve(hook.app()) as base:
        yield hook, f"{base}/hook"


def test_promotion_and_rollback_are_announced_to_subscribers(
    frontdesk: Frontdesk, acme, globex, receiver
) -> None:
    hook, url = receiver
    events = ["release.created", "release.promoted", "release.labelled", "release.rolled_back"]
    _, hook.secret = frontdesk.webhooks.create(acme.id, url, events)
    frontdesk.webhooks.create(globex.id, url, ["*"])  # another tenant's: hears nothing

    first = frontdesk.releases.create(acme.id, as_text(release_document("strict")), ADMIN)
    frontdesk.promotion.promote(acme.id, first.release_id, ADMIN, force=True)
    second = frontdesk.releases.create(
        acme.id, as_text(release_document("wide")), ADMIN, Label.CANDIDATE
    )
    frontdesk.promotion.promote(acme.id, second.release_id, ADMIN, force=True)
    assert frontdesk.releases.rollback(acme.id, ADMIN) == "strict@1"

    frontdesk.webhooks.deliver_due()
    assert hook.rejected == 0
    by_type: dict[str, list[dict]] = {}
    for event in hook.events.values():
        by_type.setdefault(event["type"], []).append(event["data"])
    assert len(by_type["release.created"]) == 2
    promoted = [data["after"]["production"] for data in by_type["release.promoted"]]
    assert sorted(promoted) == ["strict@1", "wide@2"]
    (rolled_back,) = by_type["release.rolled_back"]
    assert rolled_back["before"] == {"production": "wide@2"}
    assert rolled_back["after"] == {"production": "strict@1"}
    assert rolled_back["actor"] == "key:test"
    assert {e["data"]["target"] for e in hook.events.values()} >= {"label:production"}
