"""The signal helper process: same signals as in the worker's process, and never a reason to
lose or stall anything (it dies, it is restarted; the worker dies, it leaves)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.events import job_event, raw
from tests.support import ROOT, wait_until
from worker.clusters.helper import MAX_RESTARTS, SignalHelper
from worker.clusters.signature import signals as features
from worker.decode import Decoded
from worker.digest import digest_ahead


@pytest.fixture
async def helper() -> AsyncIterator[SignalHelper]:
    started = SignalHelper(1)
    await started.start()
    try:
        yield started
    finally:
        await started.close()


async def gone(pid: int) -> bool:
    return not alive(pid)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@given(
    postings=st.lists(
        st.tuples(text, text, st.none() | text, st.sampled_from([None, "remote", "hybrid"]), text),
        max_size=8,
    )
)
@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_the_helper_computes_what_the_worker_would(
    helper: SignalHelper, postings: list[tuple[str, str, str | None, str | None, str]]
) -> None:
    assert await helper.compute(postings) == [features(*p) for p in postings]


async def test_a_posting_that_fails_is_left_to_the_worker(helper: SignalHelper) -> None:
    fine = ("Backend Engineer", "Acme", "Berlin", None, "<p>Build things.</p>")
    broken = (None, "Acme", "Berlin", None, "text")  # not a posting the contract lets through
    found = await helper.compute([fine, broken])  # type: ignore[list-item]
    assert found == [features(*fine), None]


async def test_a_batch_digested_with_the_helper_is_the_batch_digested_here(
    helper: SignalHelper,
) -> None:
    text = ("<p>Role {} builds the payment systems and the ledger our customers use every day, "
            "with the reconciliation engine that settles card transactions in twelve currencies "
            "and the reports finance reads each morning.</p>")  # fmt: skip
    records = [raw(job_event(f"j{n}", at=n, description=text.format(n)), n)
               for n in range(30)] + [raw(job_event("gone", "job.removed", at=40), 30)]  # fmt: skip
    here = await digest_ahead(records, 2000, True)
    there = await digest_ahead(records, 2000, True, helper)
    assert [d.staged for d in here if isinstance(d, Decoded)] == [
        d.staged for d in there if isinstance(d, Decoded)
    ]
    assert all(d.staged and d.staged[0].minhash for d in there[:30] if isinstance(d, Decoded))


async def test_a_killed_helper_costs_one_batch_computed_here_then_is_replaced(
    helper: SignalHelper,
) -> None:
    posting = ("Data Engineer", "Globex", "Paris", None, "<p>Pipelines and models.</p>")
    (first,) = helper.pids()
    os.kill(first, signal.SIGKILL)
    await wait_until(lambda: gone(first), what="helper gone")
    assert await helper.compute([posting]) == [None]  # the worker computes this batch itself
    assert await helper.compute([posting]) == [features(*posting)]
    assert helper.pids() and first not in helper.pids()


async def test_the_helper_leaves_when_its_worker_is_killed() -> None:
    script = (
        "import asyncio, sys\n"
        "from worker.clusters.helper import SignalHelper\n"
        "async def main():\n"
        "    helper = SignalHelper(1)\n"
        "    await helper.start()\n"
        "    print(*helper.pids(), flush=True)\n"
        "    await asyncio.sleep(600)\n"
        "asyncio.run(main())\n"
    )
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert worker.stdout is not None
        (child,) = (int(pid) for pid in (await worker.stdout.readline()).split())
        assert alive(child)
        worker.kill()  # SIGKILL: no chance to stop its helper
        await worker.wait()
        await wait_until(lambda: gone(child), what="the orphaned helper to leave")
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()


async def test_a_helper_that_cannot_start_is_given_up() -> None:
    """A helper that dies at every start (here: its worker's main module is a script read
    from stdin, which a new process cannot import) is not restarted forever: after
    MAX_RESTARTS deaths in a row the worker computes every posting itself, and says so."""
    script = (
        "import asyncio\n"
        "from worker.clusters.helper import SignalHelper\n"
        "async def main():\n"
        "    helper = SignalHelper(1)\n"
        "    posting = ('Nurse', 'Initech', 'Lyon', None, 'Night shifts.')\n"
        "    answers = [await helper.compute([posting]) for _ in range(6)]\n"
        "    print(answers, helper.pids(), flush=True)\n"
        "asyncio.run(main())\n"
    )
    run = await asyncio.create_subprocess_exec(
        sys.executable, "-", cwd=ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(run.communicate(script.encode()), 120)
    assert run.returncode == 0, err.decode()[-2000:]
    assert out.decode().strip() == f"{[[None]] * 6} []"
    log = err.decode()
    assert log.count("starting another") == MAX_RESTARTS - 1
    assert log.count("computes the signals itself from now on") == 1  # no helper started after
