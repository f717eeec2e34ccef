"""Deployment files are valid: alert rules, scrape config, metrics output, dashboard, compose."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from tests.events import job_event, wire
from tests.support import ROOT, handled_at_least, produce, running_worker, wait_until
from worker.metrics import Metrics
from worker.settings import Settings

PROMETHEUS = ROOT / "deploy" / "prometheus"
needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool not installed (Debian package `prometheus`)"
)


@needs_promtool
def test_alert_rules_pass_promtool() -> None:
    result = subprocess.run(["promtool", "check", "rules", str(PROMETHEUS / "jobingest-rules.yml")],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_scrape_config_passes_promtool() -> None:
    result = subprocess.run(["promtool", "check", "config", str(PROMETHEUS / "prometheus.yml")],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
async def test_metrics_output_passes_promtool_check_metrics(settings: Settings) -> None:
    await produce(settings.require_kafka(), settings.topic,
                  [wire(job_event(f"j{i}", at=i)) for i in range(5)] + [(b"k", b"{bad", [])])  # fmt: skip
    async with running_worker(settings) as runtime:
        await wait_until(lambda: handled_at_least(runtime, 6), what="handled")
        text = generate_latest(runtime.metrics.registry)
    result = await asyncio.to_thread(
        subprocess.run, ["promtool", "check", "metrics"], input=text, capture_output=True
    )
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), (
        result.stdout.decode() + result.stderr.decode()
    )


def test_dashboard_and_rules_query_only_metrics_the_worker_exports() -> None:
    exported = {family.name for family in Metrics().registry.collect()}
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "jobingest-dashboard.json").read_text())
    queries = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    queries.append((PROMETHEUS / "jobingest-rules.yml").read_text())
    for query in queries:
        for name in re.findall(r"\bjobingest_[a-z_]+", query):
            base = re.sub(r"_(total|bucket|sum|count)$", "", name)
            assert base in exported or name in exported, f"{name} is not exported"


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0
    if shutil.which("docker")
    else True,
    reason="the docker compose client is not installed",
)
def test_compose_file_is_valid() -> None:
    result = subprocess.run(["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_compose_wires_services_with_health_conditions() -> None:
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    worker = services["worker"]
    assert worker["deploy"]["replicas"] == 2
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["gateway"]["depends_on"]["worker"]["condition"] == "service_healthy"
    mounts = " ".join(services["prometheus"]["volumes"])
    assert "jobingest-rules.yml" in mounts and "prometheus.yml" in mounts


def test_building_the_package_prints_no_deprecation_warning(tmp_path: Path) -> None:
    """`make install` stays quiet: the project's own metadata raises no setuptools warning."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    noisy = [line for line in (proc.stdout + proc.stderr).splitlines()
             if "deprecat" in line.lower() or "SetuptoolsWarning" in line]  # fmt: skip
    assert not noisy, noisy
