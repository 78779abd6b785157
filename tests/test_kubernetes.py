"""deploy/kubernetes stays valid Kubernetes (checked offline, strictly, against the
schemas ``kubernetes-validate`` bundles) and stays the deployment docs/scaling.md
describes: API pods probed on /healthz and /readyz behind a Service, a worker, a
migration Job, config in a ConfigMap and secrets in a Secret, only real settings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from frontdesk.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = ROOT / "deploy" / "kubernetes"
# The oldest Kubernetes still commonly run, and the newest the package knows.
VERSIONS = ("1.29", kubernetes_validate.latest_version())


def _documents() -> dict[str, dict[str, Any]]:
    """Every resource by kind/name (the kustomization is kustomize's, not the cluster's)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(MANIFESTS.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            found[f"{document['kind']}/{document['metadata']['name']}"] = document
    return found


@pytest.fixture(scope="module")
def resources() -> dict[str, dict[str, Any]]:
    return _documents()


def _container(resource: dict[str, Any]) -> dict[str, Any]:
    [container] = resource["spec"]["template"]["spec"]["containers"]
    return dict(container)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_matches_the_kubernetes_schemas(
    resources: dict[str, dict[str, Any]], version: str
) -> None:
    assert len(resources) == 7
    for name, resource in resources.items():
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{name} is not valid Kubernetes {version}: {exc.message}")


def test_the_schema_check_refuses_a_broken_manifest(resources: dict[str, dict[str, Any]]) -> None:
    broken = copy.deepcopy(resources["Deployment/frontdesk-api"])
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)
    misspelt = copy.deepcopy(resources["Deployment/frontdesk-api"])
    misspelt["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, VERSIONS[-1], strict=True)


def test_the_kustomization_applies_every_manifest() -> None:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    files = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_api_pods_are_probed_and_served_by_the_service(
    resources: dict[str, dict[str, Any]],
) -> None:
    api = resources["Deployment/frontdesk-api"]
    assert api["spec"]["replicas"] >= 2
    container = _container(api)
    assert container["command"][:2] == ["frontdesk", "serve"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    port = container["ports"][0]
    assert port["containerPort"] == int(
        container["command"][container["command"].index("--port") + 1]
    )
    service = resources["Service/frontdesk-api"]
    labels = api["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    budget = resources["PodDisruptionBudget/frontdesk-api"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_the_worker_and_the_migration_job_run_the_real_commands(
    resources: dict[str, dict[str, Any]],
) -> None:
    assert _container(resources["Deployment/frontdesk-worker"])["command"][:2] == [
        "frontdesk",
        "worker",
    ]
    job = resources["Job/frontdesk-migrate"]
    assert _container(job)["command"] == ["frontdesk", "init"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_config_and_secrets_are_real_settings_every_pod_reads(
    resources: dict[str, dict[str, Any]],
) -> None:
    fields = {f"FRONTDESK_{name.upper()}" for name in Settings.model_fields}
    config = resources["ConfigMap/frontdesk-config"]["data"]
    secret = resources["Secret/frontdesk-secrets"]["stringData"]
    assert set(config) | set(secret) <= fields
    assert {"FRONTDESK_DATABASE_URL", "FRONTDESK_SECRET_KEY"} <= set(secret)
    assert config["FRONTDESK_JOB_QUEUE"] == "postgres"
    assert secret["FRONTDESK_DATABASE_URL"].startswith("postgresql://")
    for name in (
        "Deployment/frontdesk-api",
        "Deployment/frontdesk-worker",
        "Job/frontdesk-migrate",
    ):
        container = _container(resources[name])
        sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert sources == {"frontdesk-config", "frontdesk-secrets"}, name
        assert {e["name"] for e in container.get("env", [])} <= fields, name
