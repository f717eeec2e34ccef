"""The Kubernetes manifests: valid against Kubernetes' own schemas (offline), and in agreement
with the code (ports, probe paths, env names, grace period, KEDA bounds)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from producers.gateway.settings import GatewaySettings
from worker.endpoints import routes
from worker.metrics import Metrics
from worker.settings import Settings

BASE = Path(__file__).resolve().parent.parent / "deploy" / "kubernetes" / "base"
K8S_VERSION = "1.33.0"


def documents() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(BASE.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            found[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return found


def env_names() -> set[str]:
    names = set()
    for name, field in GatewaySettings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        names.add(str(choices[0]) if choices else f"JOBINGEST_{name.upper()}")
    return names


DOCS = documents()
CONFIG = DOCS["ConfigMap/jobingest-config"]["data"]
SECRET = DOCS["Secret/jobingest-secrets"]["stringData"]


@pytest.mark.parametrize(
    "name", [n for n in DOCS if not DOCS[n]["apiVersion"].startswith("keda.sh")]
)
def test_each_manifest_is_valid_kubernetes(name: str) -> None:
    kubernetes_validate.validate(DOCS[name], K8S_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((BASE / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in BASE.glob("*.yaml")} - {"kustomization.yaml"}


def test_configuration_names_are_the_ones_the_code_reads() -> None:
    known = env_names()
    assert set(CONFIG) | set(SECRET) <= known, (set(CONFIG) | set(SECRET)) - known
    Settings(**{k.lower().removeprefix("jobingest_"): v for k, v in CONFIG.items()
                if k.startswith("JOBINGEST_")})  # the values parse  # fmt: skip


def route_paths(routes: list[Any]) -> set[str]:
    """Every path an app serves, through included routers."""
    paths: set[str] = set()
    for route in routes:
        if hasattr(route, "path"):
            paths.add(route.path)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            paths |= route_paths(inner.routes)
    return paths


def container(deployment: str) -> dict[str, Any]:
    return DOCS[f"Deployment/{deployment}"]["spec"]["template"]["spec"]["containers"][0]


def test_worker_ports_probes_and_grace_period_agree_with_the_code() -> None:
    pod = DOCS["Deployment/jobingest-worker"]["spec"]["template"]
    worker = container("jobingest-worker")
    port = int(CONFIG["JOBINGEST_HTTP_PORT"])
    assert worker["ports"][0]["containerPort"] == port
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
    served = {path for path, _ in routes(Metrics(), lambda: None)}  # type: ignore[arg-type, return-value]
    assert worker["livenessProbe"]["httpGet"]["path"] == "/healthz" in served
    assert worker["readinessProbe"]["httpGet"]["path"] == "/readyz" in served
    assert pod["metadata"]["annotations"]["prometheus.io/path"] in served
    shutdown = float(CONFIG.get("JOBINGEST_SHUTDOWN_TIMEOUT_S", Settings().shutdown_timeout_s))
    assert pod["spec"]["terminationGracePeriodSeconds"] > shutdown + 5
    assert pod["spec"]["initContainers"][0]["args"] == ["check"]
    limit = worker["resources"]["limits"]["memory"]
    assert limit.endswith("Mi") and int(limit[:-2]) >= 600  # the measured local-model peak fits


def test_gateway_port_and_probes_agree_with_the_code() -> None:
    from producers.gateway.app import create_app

    gateway = container("jobingest-gateway")
    assert gateway["ports"][0]["containerPort"] == int(CONFIG["JOBINGEST_GATEWAY_PORT"])
    paths = route_paths(create_app(GatewaySettings()).routes)
    assert {
        gateway["livenessProbe"]["httpGet"]["path"],
        gateway["readinessProbe"]["httpGet"]["path"],
    } <= paths
    service = DOCS["Service/jobingest-gateway"]["spec"]
    assert service["ports"][0]["targetPort"] == gateway["ports"][0]["name"]


def test_keda_scales_the_worker_group_on_lag_within_the_partition_count() -> None:
    scaled = DOCS["ScaledObject/jobingest-worker"]
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    spec = scaled["spec"]
    assert spec["scaleTargetRef"]["name"] == "jobingest-worker"
    assert (
        1
        <= spec["minReplicaCount"]
        <= spec["maxReplicaCount"]
        == int(CONFIG["JOBINGEST_PARTITIONS"])
    )
    (trigger,) = spec["triggers"]
    meta = trigger["metadata"]
    assert trigger["type"] == "kafka"
    assert meta["consumerGroup"] == CONFIG["JOBINGEST_GROUP_ID"]
    assert meta["topic"] == CONFIG["JOBINGEST_TOPIC"]
    assert meta["bootstrapServers"] == CONFIG["KAFKA_BOOTSTRAP_SERVERS"]
    assert all(isinstance(v, str) for v in meta.values())  # KEDA metadata values are strings
    assert int(meta["lagThreshold"]) > 0 and meta["allowIdleConsumers"] == "false"
