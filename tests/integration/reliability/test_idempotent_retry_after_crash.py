"""A message acknowledged by a process that then dies (kill -9) is answered by the
client's retry with the same Idempotency-Key at once, exactly once; a retry while the
original is still being answered by a live process still gets 409."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import httpx

from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

# Another process posts the message and is killed with SIGKILL the moment the customer
# turn is committed (acknowledged), before any reply is stored.
CRASHING_POSTER = textwrap.dedent(
    """
    import os, signal, sys
    from frontdesk.runtime import Frontdesk
    from frontdesk.settings import Settings

    settings = Settings.model_validate_json(sys.argv[1])
    frontdesk = Frontdesk(settings)

    class DieOnAccept:
        def accepted(self, customer):
            if sys.argv[4] == "stall":  # alive, still answering, until the test ends it
                print("accepted", flush=True)
                signal.pause()
            os.kill(os.getpid(), signal.SIGKILL)
        def delta(self, text): pass
        def reset(self): pass

    frontdesk.conversations.post_message(
        sys.argv[2], sys.argv[3], "Where is my parcel?", "retry-key", observer=DieOnAccept()
    )
    """
)


def _poster(settings: Settings, tenant_id: str, conversation_id: str, mode: str) -> list[str]:
    config = settings.model_dump_json(exclude={"secret_key"})
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    config = json.dumps({**json.loads(config), "secret_key": secret})
    return [sys.executable, "-c", CRASHING_POSTER, config, tenant_id, conversation_id, mode]


def _crash_while_answering(settings: Settings, tenant_id: str, conversation_id: str) -> None:
    died = subprocess.run(
        _poster(settings, tenant_id, conversation_id, "die"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert died.returncode == -9, died.stderr[-3000:]


def test_a_retry_takes_over_at_once_after_the_accepting_process_died(
    http: httpx.Client, frontdesk: Frontdesk, settings: Settings, acme
) -> None:
    conversation = frontdesk.conversations.create(acme.id)
    _crash_while_answering(settings, acme.id, conversation.id)
    orphan = frontdesk.conversations.get(acme.id, conversation.id).turns
    assert [t.speaker.value for t in orphan] == ["customer"]  # acknowledged, unanswered

    retry = http.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"text": "Where is my parcel?"},
        headers={**acme.auth("widget"), "Idempotency-Key": "retry-key"},
    )

    assert retry.status_code == 201, retry.text  # before: 409 for a minute
    turns = frontdesk.conversations.get(acme.id, conversation.id).turns
    assert [t.speaker.value for t in turns] == ["customer", "assistant"]
    assert turns[1].in_reply_to == turns[0].id == orphan[0].id
    again = http.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"text": "Where is my parcel?"},
        headers={**acme.auth("widget"), "Idempotency-Key": "retry-key"},
    )
    assert again.status_code == 200
    assert again.json()["id"] == retry.json()["id"]


def test_a_retry_while_a_live_process_answers_is_a_409(
    http: httpx.Client, frontdesk: Frontdesk, settings: Settings, acme
) -> None:
    conversation = frontdesk.conversations.create(acme.id)
    poster = subprocess.Popen(
        _poster(settings, acme.id, conversation.id, "stall"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert poster.stdout is not None
        assert poster.stdout.readline().strip() == "accepted"
        retry = http.post(
            f"/v1/conversations/{conversation.id}/messages",
            json={"text": "Where is my parcel?"},
            headers={**acme.auth("widget"), "Idempotency-Key": "retry-key"},
        )
        assert retry.status_code == 409, retry.text
        assert "still being answered" in retry.json()["error"]["message"]
    finally:
        poster.kill()
        poster.communicate(timeout=30)  # reaps it and closes its pipe
    after = http.post(  # its process is gone now: the retry takes over
        f"/v1/conversations/{conversation.id}/messages",
        json={"text": "Where is my parcel?"},
        headers={**acme.auth("widget"), "Idempotency-Key": "retry-key"},
    )
    assert after.status_code == 201, after.text
