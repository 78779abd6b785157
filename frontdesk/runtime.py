"""``Frontdesk``: the whole system in one process, used by the API, the CLI and scripts.

from frontdesk import Frontdesk, Settings
fd = Frontdesk(Settings())
fd.init()                                   # create or migrate the database
tenant = fd.tenants.create_tenant("acme")
conversation = fd.conversations.create(tenant.id)
reply = fd.conversations.post_message(tenant.id, conversation.id, "How do I reset my password?")
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, Literal, NamedTuple

import redis

from frontdesk.domain.release import Actor
from frontdesk.domain.tenant import TenantSettings
from frontdesk.errors import ConfigurationError, InvalidInputError
from frontdesk.evaluation.gate import EvalGate
from frontdesk.evaluation.sources import database_sources
from frontdesk.finetune.adaptation import RetrievalAdaptation, adapt_retrieval_task
from frontdesk.guards import TextVault
from frontdesk.guards.pii.identifiers import IdentifierHasher
from frontdesk.handoff.service import HandoffService
from frontdesk.handoff.summaries import summarizer_for
from frontdesk.handoff.ticket_names import TicketNames
from frontdesk.integrations.chatwoot.bridge import ChatwootBridge
from frontdesk.integrations.chatwoot.config import ChatwootConfig
from frontdesk.integrations.chatwoot.delivery import ChatwootDelivery
from frontdesk.integrations.loop import IntegrationsLoop
from frontdesk.jobs.inprocess import InProcessQueue
from frontdesk.jobs.pgqueue import PostgresQueue
from frontdesk.jobs.queue import JobQueue
from frontdesk.jobs.runner import JobRunner
from frontdesk.knowledge.backend import KnowledgeSearch
from frontdesk.knowledge.multilingual_ahead import MultilingualAhead, serves_other_languages
from frontdesk.live.factory import build_event_bus
from frontdesk.monitoring.metrics import Metrics
from frontdesk.monitoring.tracing import Tracing
from frontdesk.operations.alerts import AlertDesk
from frontdesk.operations.budgets import Budgets
from frontdesk.operations.email import EmailSender
from frontdesk.operations.loop import OperationsLoop
from frontdesk.operations.summary import StatsReader
from frontdesk.operations.webhooks import WebhookDesk
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.stages.retrieve import KnowledgeRetriever
from frontdesk.privacy import PrivacyService
from frontdesk.process_memory import trim_free_memory
from frontdesk.providers.registry import ComponentRegistry, load_registry
from frontdesk.providers.resources import Resources, tuned_encoder
from frontdesk.releases.audit import AuditLog
from frontdesk.releases.config import ReleaseConfig, load_release
from frontdesk.releases.follower import ReleaseFollower
from frontdesk.releases.promotion import Promotion
from frontdesk.releases.registry import ReleaseRegistry
from frontdesk.releases.rollout import RolloutService
from frontdesk.releases.shadow_queued import QueuedShadows, ShadowTask
from frontdesk.releases.traffic import RolloutTraffic
from frontdesk.retrieval.types import Passage
from frontdesk.services.agents import AgentService
from frontdesk.services.answer_cache import AnswerCache
from frontdesk.services.canned import CannedReplies
from frontdesk.services.conversations import ConversationService
from frontdesk.services.knowledge import KnowledgeService
from frontdesk.services.tasks import build_tasks, submit_multilingual_backfill
from frontdesk.services.tenants import TenantService
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.storage.liveness import build_liveness

ReadyStatus = Literal["ok", "degraded", "unavailable"]


def _redis_state(url: str) -> str:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"unreachable: {type(exc).__name__}"
    finally:
        client.close()
    return "ok"


class TenantConfigured(NamedTuple):
    """A tenant's settings after a change, and what turning languages on started."""

    settings: TenantSettings
    backfill_job_id: str | None = None  # the job embedding the knowledge for them
    embedded: int | None = None  # texts embedded for them here (``backfill_now``)


class Frontdesk:
    def __init__(
        self,
        settings: Settings,
        *,
        release: ReleaseConfig | None = None,
        registry: ComponentRegistry | None = None,
        release_poll_s: float = 1.0,
    ) -> None:
        self.settings = settings
        self.database = Database(settings)
        self.resources = Resources(settings, self.database)
        self.release = release or load_release(settings)
        self.registry = registry or load_registry()
        self.pipeline = self.registry.build_pipeline(self.release, self.resources)
        self.tenants = TenantService(self.database, settings.secret_key_bytes())
        self.agents = AgentService(self.database, settings.secret_key_bytes())
        self.canned = CannedReplies(self.database)
        self.metrics = Metrics()
        # Spans only with a collector configured; OpenTelemetry is not imported otherwise.
        self.tracing = Tracing.otlp(settings.otlp_endpoint) if settings.otlp_endpoint else None
        self.events = build_event_bus(
            settings.redis_url,
            settings.resolved_database_url,
            on_change=lambda degraded: self.metrics.redis_state("live_events", degraded),
        )
        self.knowledge = KnowledgeService(
            self.database,
            self.resources.embedder,
            settings.max_upload_bytes,
            ticket_names=TicketNames(),
            # Prepared ahead, like the index built at start-up: the same switch.
            multilingual=MultilingualAhead(
                self.database,
                self.resources.multilingual,
                lambda: self.resources.embedder().model_id,
            )
            if settings.multilingual_prebuild
            else None,
        )
        self.handoff = HandoffService(
            self.database,
            self.knowledge,
            self.events,
            self.metrics,
            summarizer_for(
                self.release.summarizer, self.resources.breakers, self.resources.local_models
            ),
            embedder=self.resources.embedder,
            search=self.search,
            redact=self.pipeline.redacted,  # feedback comments, like messages
        )
        vault = TextVault(settings.secret_key_bytes())
        identifiers = IdentifierHasher(settings.secret_key_bytes())
        self.liveness = build_liveness(self.database, settings.data_dir)
        self._init_releases(release_poll_s)
        self.conversations = ConversationService(
            self.database,
            self.pipeline,
            settings.max_message_chars,
            vault,
            self.handoff,
            self.metrics,
            identifiers,
            self.liveness,
            releases=self.follower,
            rollouts=self.rollout_traffic,
            cache=AnswerCache(
                self.database,
                self.resources.embedder,
                self.metrics,
                mode=settings.cache,
                max_entries=settings.cache_max_entries,
                ttl_s=settings.cache_ttl_s,
            ),
        )
        self.privacy = PrivacyService(self.database, vault, identifiers)
        self.intents = self.resources.intents()
        self.adaptation = self._retrieval_adaptation()
        self.jobs = self._job_queue()
        if isinstance(self.jobs, PostgresQueue):
            # Workers exist: shadow samples run there, off the serving replicas.
            book = self.rollout_traffic.book
            ShadowTask(self.follower, book).register(self.jobs)
            self.rollout_traffic.use_shadow_runner(QueuedShadows(self.jobs, book))
        self.stats = StatsReader(self.database)
        self.budgets = Budgets(self.database)
        self.alerts = AlertDesk(self.database, timedelta(seconds=settings.alert_period_s))
        self.webhooks = WebhookDesk(
            self.database,
            TextVault(settings.secret_key_bytes()),
            email=EmailSender(settings.smtp_url, settings.smtp_from) if settings.smtp_url else None,
        )
        self.operations = OperationsLoop(self.alerts, self.webhooks, settings.operations_interval_s)
        self._init_integrations(vault)
        self._warm = False

    def _init_integrations(self, vault: TextVault) -> None:
        """Help desks Frontdesk answers in as their bot (``integrations/``)."""
        config = ChatwootConfig(self.database, vault, self.settings.secret_key_bytes())
        delivery = ChatwootDelivery(
            self.database, config, self.conversations, self.handoff, vault, self.metrics
        )
        self.chatwoot = ChatwootBridge(self.database, config, delivery, vault)
        self.integrations = IntegrationsLoop(delivery, self.settings.operations_interval_s)

    def _retrieval_adaptation(self) -> RetrievalAdaptation:
        """``knowledge adapt``, scored with this release's retrieval options."""
        knowledge = next(
            (
                stage.knowledge
                for stage in self.pipeline.stages
                if isinstance(stage, KnowledgeRetriever)
                and isinstance(stage.knowledge, KnowledgeSearch)
            ),
            None,
        )
        return RetrievalAdaptation(
            self.database,
            self.resources.embedder,
            self.resources.adapters(),
            tuned_encoder,
            options=None if knowledge is None else knowledge.options,
        )

    def _job_queue(self) -> JobQueue:
        """Named tasks through one queue interface: threads here, or PostgreSQL and
        ``frontdesk worker`` processes (``FRONTDESK_JOB_QUEUE``)."""
        tasks = build_tasks(self.knowledge, self.database, lambda: self.intents)
        tasks.register("adapt_retrieval", adapt_retrieval_task(lambda: self.adaptation))
        runner = JobRunner(self.database, tasks)
        if self.settings.job_queue == "inprocess":
            return InProcessQueue(self.database, runner, liveness=self.liveness)
        if self.settings.is_sqlite:
            raise ConfigurationError(
                "FRONTDESK_JOB_QUEUE=postgres needs FRONTDESK_DATABASE_URL=postgresql://...; "
                "the embedded SQLite database runs jobs in-process (inprocess)"
            )
        return PostgresQueue(self.database, runner, self.settings.resolved_database_url)

    def _init_releases(self, poll_s: float) -> None:
        """The tenants' release registry, followed by this replica (``releases/``); the
        configured release is what a tenant with an empty registry runs."""
        self.releases = ReleaseRegistry(self.database, check=self._check_release)
        self.follower = ReleaseFollower(
            self.database, self._build_pipeline, self.pipeline, poll_s=poll_s
        )
        self.rollouts = RolloutService(self.database, self.releases, self.pipeline.release_id)
        self.rollout_traffic = RolloutTraffic(
            self.rollouts, self.follower.refresh, metrics=self.metrics
        )
        gate = EvalGate(
            self.follower.pipeline_for,
            database_sources(self.database),
            self.settings.max_message_chars,
        )
        self.promotion = Promotion(self.database, self.releases, self.rollouts, gate, self.release)
        self.audit = AuditLog(self.database)

    def _build_pipeline(self, release: ReleaseConfig) -> Pipeline:
        return self.registry.build_pipeline(release, self.resources)

    def _check_release(self, release: ReleaseConfig) -> None:
        """Refuse, at creation, a release this install cannot build (an unknown component
        or parameter); building loads no model, and the trial pipeline is closed."""
        try:
            self._build_pipeline(release).close()
        except ConfigurationError as exc:
            raise InvalidInputError(exc.message, field="stages") from None

    def configure_tenant(
        self,
        tenant_id: str,
        changes: dict[str, Any],
        *,
        backfill_now: bool = False,
        actor: Actor | None = None,
    ) -> TenantConfigured:
        """Change a tenant's settings. One that now answers in languages other than
        English gets its knowledge embedded with the multilingual encoder: by a job, or
        here with ``backfill_now`` (a command whose process would end before the job)."""
        before = self.tenants.settings_of(tenant_id)
        after = self.tenants.configure(tenant_id, actor=actor, **changes)
        turned_on = not serves_other_languages(before.languages) and serves_other_languages(
            after.languages
        )
        if not (turned_on and self.knowledge.embeds_multilingual):
            return TenantConfigured(after)
        if backfill_now:
            done = self.knowledge.embed_multilingual(tenant_id)
            return TenantConfigured(after, embedded=done.embedded)
        return TenantConfigured(after, submit_multilingual_backfill(self.jobs, tenant_id).id)

    def init(self) -> None:
        """Create or upgrade the database schema."""
        self.database.migrate()

    def warm_up(self) -> None:
        """Load models once; call at start-up, before serving traffic."""
        self.pipeline.warm_up()
        self.handoff.warm_up()
        trim_free_memory()  # what loading freed: ~70 MB a replica kept otherwise
        self._warm = True

    def readiness(self) -> tuple[ReadyStatus, dict[str, str]]:
        """``ok``, ``degraded`` (serving, without something it can do without: Redis) or
        ``unavailable`` (database, migrations or models not ready), and each check."""
        checks: dict[str, str] = {}
        try:
            self.database.ping()
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable"
            checks["database"] = f"unreachable: {type(exc).__name__}"
        if checks["database"] == "ok":
            current, head = self.database.current_revision(), self.database.head_revision()
            checks["migrations"] = (
                "ok" if current == head else f"at {current}, need {head}: run frontdesk init"
            )
        checks["models"] = "ok" if self._warm else "loading"
        status: ReadyStatus = (
            "ok" if all(value == "ok" for value in checks.values()) else "unavailable"
        )
        if self.settings.redis_url:  # shared rate limits and cross-replica live updates
            checks["redis"] = _redis_state(self.settings.redis_url)
            if checks["redis"] != "ok":
                checks["redis"] += (
                    "; rate limits and turn shares are per replica and live updates "
                    "reach this replica's streams only until it is back"
                )
                if status == "ok":
                    status = "degraded"
        # A replica serving a tenant's last good release still serves: reported, not 503.
        checks["releases"] = self.follower.health()
        return status, checks

    def search(self, tenant_id: str, query: str, k: int = 5) -> list[Passage]:
        """What this release's retrieval stage finds for ``query`` in the tenant's knowledge."""
        for stage in self.pipeline.stages:
            if isinstance(stage, KnowledgeRetriever):
                return stage.knowledge.search(tenant_id, query, k)
        raise ConfigurationError(f"release {self.release.id} has no knowledge retrieval stage")

    def start_background(self) -> None:
        """Start the alert, webhook and help-desk retry loops (the server does; scripts need
        not), after failing the jobs that died with an earlier process, and load what FAQ
        drafting needs in the background."""
        self.jobs.fail_orphans()
        self.operations.start()
        self.integrations.start()
        # Not needed to answer customers, so not before readiness: loaded while serving.
        threading.Thread(
            target=self.handoff.warm_up_drafting, name="warm-drafting", daemon=True
        ).start()

    def close(self) -> None:
        self.rollout_traffic.close()
        self.follower.close()
        self.operations.stop()
        self.integrations.stop()
        self.chatwoot.delivery.close()
        self.webhooks.close()
        self.jobs.shutdown()
        self.handoff.close()
        self.events.close()
        self.pipeline.close()
        self.resources.close()
        self.liveness.close()
        if self.tracing is not None:
            self.tracing.close()  # flushes the spans still batched
        self.database.dispose()
