"""``frontdesk knowledge adapt``: the retrieval encoder fine-tuned on a tenant's own pairs,
used for that tenant's search only when held-out nDCG@10 improves, and reversible.

Tiny on purpose (the machine is shared): a slice of the demo help center (four article
folders, 12 FAQ rows, 8 resolved tickets) and one or two training steps; the real model,
the real ONNX export and a real SQLite database. ``bench/adapt.py`` and the demo run in
bench/RESULTS.md measure the real thing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.finetune.adaptation import adapt_payload
from frontdesk.finetune.retrieval_pairs import collect_pairs
from frontdesk.handoff.promotion import FaqSource
from frontdesk.knowledge.adapt.training import AdaptOptions
from frontdesk.retrieval.types import ENCODER_KEY
from frontdesk.runtime import Frontdesk
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.storage.tables import Base
from tests.conftest import PostgresDatabases

pytestmark = pytest.mark.slow
HELPCENTER = Path(__file__).resolve().parents[3] / "examples" / "demo-helpcenter"
FOLDERS = ("refunds", "tracking", "claims", "shipping")
CONTRACT = {"base_ndcg", "adapted_ndcg", "activated", "pairs", "seconds"}
QUERY = "my parcel has said in transit for a week, can you look for it"
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
TINY = AdaptOptions(max_steps=1, batch_size=8, max_tokens=64)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite, or (where a test asks) PostgreSQL with pgvector searching in the database."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "pgvector":
        databases: PostgresDatabases = request.getfixturevalue("pgvector")
        return databases.create()
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"


def _slice(folder: Path) -> list[Path]:
    """Four article folders, the first 12 FAQ rows and the first 8 tickets."""
    faq = (HELPCENTER / "faq.csv").read_text().splitlines(keepends=True)
    (folder / "faq.csv").write_text("".join(faq[:13]))
    tickets = (HELPCENTER / "tickets.jsonl").read_text().splitlines(keepends=True)
    (folder / "tickets.jsonl").write_text("".join(tickets[:8]))
    articles = [HELPCENTER / "articles" / name for name in FOLDERS]
    return [*articles, folder / "faq.csv", folder / "tickets.jsonl"]


@pytest.fixture
def tenant(frontdesk: Frontdesk, acme: Any, tmp_path: Path) -> str:
    report = frontdesk.knowledge.ingest_paths(acme.id, _slice(tmp_path))
    assert report.failed == {}
    return str(acme.id)


def _adapt(cli_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FRONTDESK, "knowledge", "adapt", *args],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _ranking(frontdesk: Frontdesk, tenant_id: str) -> list[tuple[str, float, Any]]:
    found = frontdesk.search(tenant_id, QUERY, 8)
    return [(p.chunk_id, round(p.score, 6), p.metadata.get(ENCODER_KEY)) for p in found]


def _row_counts(frontdesk: Frontdesk) -> dict[str, int]:
    with frontdesk.database.transaction() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def _knowledge_version(frontdesk: Frontdesk, tenant_id: str) -> int:
    with frontdesk.database.transaction() as session:
        return knowledge_repo.version(session, tenant_id)


def test_pairs_come_from_the_faq_thumbs_up_answers_and_resolved_tickets(
    frontdesk: Frontdesk, tenant: str, acme: Any
) -> None:
    conversation = frontdesk.conversations.create(tenant)
    asked = "how long does a refund for an unused label take?"
    answer = frontdesk.conversations.post_message(tenant, conversation.id, asked).turn
    assert answer.citations, answer.text
    frontdesk.handoff.add_thumbs(tenant, conversation.id, answer.id, "up", "")
    agent = frontdesk.tenants.authenticate(acme.agent)
    frontdesk.handoff.add_faq(
        agent,
        "What if my parcel shows no scan for a week?",
        "We open an investigation with the sorting centres.",
        FaqSource("ticket", "T-1001"),
    )
    handed = frontdesk.conversations.create(tenant)
    frontdesk.conversations.post_message(
        tenant, handed.id, "the mobile app crashes when I open the scanner"
    )
    ticket = frontdesk.handoff.request_person(tenant, handed.id)
    frontdesk.handoff.reply(
        agent, ticket.id, "Update the app to 4.2; the scanner crash is fixed there."
    )
    frontdesk.handoff.resolve(agent, ticket.id)
    frontdesk.handoff.promote(agent, ticket.id, "The app crashes on scanning", "Update the app.")

    found = collect_pairs(frontdesk.database, tenant, frontdesk.resources.embedder().model_id)
    by_source: dict[str, list[Any]] = {}
    for pair in found.pairs:
        by_source.setdefault(pair.source, []).append(pair)
    cited = {c["chunk_id"] for c in answer.citations}
    assert {(p.question, p.chunk_id) for p in by_source["thumbs"]} == {(asked, c) for c in cited}
    promoted = {c.id: c for c in found.corpus.chunks if "promoted_from" in c.metadata}
    # The ingested ticket an agent promoted points at that FAQ entry, not at a BM25 guess.
    [from_ticket] = by_source["ticket"]
    assert promoted[from_ticket.chunk_id].metadata["promoted_from"] == "ticket:T-1001"
    [from_handoff] = by_source["handoff"]
    assert from_handoff.question == "the mobile app crashes when I open the scanner"
    assert promoted[from_handoff.chunk_id].metadata["promoted_from"] == f"ticket:{ticket.id}"
    assert len(by_source["ticket_reply"]) == 7  # the other tickets: the reply's article
    assert len(by_source["faq"]) == 14  # 12 loaded, 2 promoted
    served = {c.id for c in found.corpus.chunks}
    assert all(p.chunk_id in served for p in found.pairs)  # never a ticket chunk


def test_the_command_reports_the_contract_and_activates_only_on_improvement(
    frontdesk: Frontdesk, tenant: str, cli_env: dict[str, str]
) -> None:
    result = _adapt(cli_env, "--tenant", "acme", "--json", "--max-steps", "1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= CONTRACT
    assert report["pairs"] >= 15
    assert report["sources"]["faq"] == 12
    assert report["sources"]["ticket_reply"] >= 5  # the article each agent reply names
    assert report["heldout"] >= 3
    assert 0.0 <= report["base_ndcg"] <= 1.0
    assert 0.0 <= report["adapted_ndcg"] <= 1.0
    assert report["seconds"] > 0
    assert report["activated"] == (report["adapted_ndcg"] > report["base_ndcg"])
    adapters = frontdesk.adaptation.adapters(tenant)
    if report["activated"]:
        assert [(a.version, a.active) for a in adapters] == [(report["version"], True)]
    else:
        assert adapters == []
        assert report["version"] is None


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("pgvector", marks=pytest.mark.postgres)], indirect=True
)
def test_an_activated_adapter_serves_the_tenant_and_revert_restores_the_base_search(
    frontdesk: Frontdesk, tenant: str, globex: Any, cli_env: dict[str, str]
) -> None:
    frontdesk.knowledge.ingest_paths(globex.id, [HELPCENTER / "articles" / "tracking"])
    base = _ranking(frontdesk, tenant)
    other_tenant = _ranking(frontdesk, globex.id)
    assert all(encoder is None for _, _, encoder in base)

    # As the API runs it: a job with progress; min_gain -1 activates whatever it scores.
    payload = adapt_payload(TINY, min_gain=-1.0)
    job = frontdesk.jobs.submit(tenant, "adapt_retrieval", payload, 20)
    done = frontdesk.jobs.wait(job.id, timeout=900)
    assert done.status == "succeeded", done.error
    assert done.result["activated"] is True
    version = done.result["version"]
    assert done.done == done.total > 0  # progress was reported to the end

    adapted = _ranking(frontdesk, tenant)
    assert {encoder for _, _, encoder in adapted} == {f"adapted:{version}"}
    assert [score for _, score, _ in adapted] != [score for _, score, _ in base]
    assert _ranking(frontdesk, globex.id) == other_tenant  # another tenant is untouched
    conversation = frontdesk.conversations.create(tenant)
    turn = frontdesk.conversations.post_message(tenant, conversation.id, QUERY).turn
    retrieve = next(s for s in turn.trace if s["name"] == "retrieve")
    assert retrieve["detail"]["encoder"] == f"adapted:{version}"

    # A restarted process (another replica) serves the same adapted search.
    replica = Frontdesk(frontdesk.settings)
    try:
        assert _ranking(replica, tenant) == adapted
    finally:
        replica.close()

    reverted = _adapt(cli_env, "--tenant", "acme", "--revert", "--json")
    assert reverted.returncode == 0, reverted.stderr
    assert json.loads(reverted.stdout) == {"active": None}
    assert _ranking(frontdesk, tenant) == base
    conversation = frontdesk.conversations.create(tenant)
    turn = frontdesk.conversations.post_message(tenant, conversation.id, QUERY).turn
    retrieve = next(s for s in turn.trace if s["name"] == "retrieve")
    assert "encoder" not in retrieve["detail"]

    again = _adapt(cli_env, "--tenant", "acme", "--activate", version[:10], "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {"active": version}
    assert _ranking(frontdesk, tenant) == adapted
    listed = CliRunner().invoke(
        app, ["knowledge", "adapters", "--tenant", "acme", "--json"], env=cli_env
    )
    assert listed.exit_code == 0, listed.output
    assert [row["version"] for row in json.loads(listed.stdout) if row["active"]] == [version]


def test_a_run_that_does_not_improve_keeps_the_base_encoder_and_stores_nothing(
    frontdesk: Frontdesk, tenant: str
) -> None:
    base = _ranking(frontdesk, tenant)
    version = _knowledge_version(frontdesk, tenant)
    # A gain of more than 1.0 in nDCG is impossible: the rule must say no.
    report = frontdesk.adaptation.adapt(tenant, TINY, min_gain=1.0)
    assert report.activated is False
    assert report.version is None
    assert frontdesk.adaptation.adapters(tenant) == []
    assert _knowledge_version(frontdesk, tenant) == version
    assert _ranking(frontdesk, tenant) == base


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    frontdesk: Frontdesk, globex: Any, cli_env: dict[str, str], tmp_path: Path
) -> None:
    faq = (HELPCENTER / "faq.csv").read_text().splitlines(keepends=True)
    (tmp_path / "faq.csv").write_text("".join(faq[:4]))
    frontdesk.knowledge.ingest_paths(globex.id, [tmp_path / "faq.csv"])
    before = _row_counts(frontdesk)

    unknown = _adapt(cli_env, "--tenant", "nobody")
    assert unknown.returncode == 2
    assert "nobody" in unknown.stderr + unknown.stdout

    few = _adapt(cli_env, "--tenant", "globex", "--json")
    assert few.returncode == 2
    message = " ".join((few.stderr + few.stdout).split())
    assert "at least 10" in message, message
    assert "has 3 (3 faq)" in message, message

    nothing = _adapt(cli_env, "--tenant", "globex", "--activate", "abc")
    assert nothing.returncode == 2
    assert "no retrieval adapter" in nothing.stderr + nothing.stdout
    assert _row_counts(frontdesk) == before


def test_the_api_refuses_too_few_pairs_before_queueing_and_lists_no_adapter(
    client: Any, frontdesk: Frontdesk, acme: Any
) -> None:
    refused = client.post("/v1/knowledge/adapt", json={}, headers=acme.auth("admin"))
    assert refused.status_code == 422, refused.text
    assert "at least 10" in refused.json()["error"]["message"]
    assert client.post("/v1/knowledge/adapt", headers=acme.auth("agent")).status_code == 403
    unknown = client.post(
        "/v1/knowledge/adapt", json={"epochs": 1, "x": 1}, headers=acme.auth("admin")
    )
    assert unknown.status_code == 422
    assert client.get("/v1/knowledge/adapters", headers=acme.auth("agent")).json() == []
    reverted = client.post("/v1/knowledge/adapters/revert", headers=acme.auth("admin"))
    assert reverted.json() == {"active": None, "previous": None}
    missing = client.post("/v1/knowledge/adapters/abc/activate", headers=acme.auth("admin"))
    assert missing.status_code == 404
