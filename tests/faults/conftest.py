from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import FaultRun
from worker.settings import Settings


@pytest.fixture
def run(settings: Settings, worker_env: dict[str, str], tmp_path: Path) -> FaultRun:
    fault_run = FaultRun(settings, {**worker_env, "JOBINGEST_BATCH_MAX_RECORDS": "200"}, tmp_path)
    yield fault_run
    for process in fault_run.workers:
        process.stop()
