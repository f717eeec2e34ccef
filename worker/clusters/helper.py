"""Duplicate signals computed in a helper process, beside the worker's event loop.

The signals of a posting (:func:`worker.clusters.signature.signals`: place, company and
title normalised, the description's content, shingles, MinHash, band keys) are the largest share of the CPU one event costs, and they depend on the posting
alone. With ``JOBINGEST_SIGNAL_PROCESSES=1`` (the default) the worker hands the next batch's
postings to a helper process while its own process decodes and writes: one worker then uses
a second core. Best effort: a posting the helper did not compute (the helper is gone, or the
posting made it fail) is computed in the worker's process as before, where a failure is
classified like any other. The helper never writes anything.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from worker.clusters.signature import Signals, signals

log = logging.getLogger("jobingest.signals")

# (title, company, location, remote, description) of one posting
Posting = tuple[str, str, str | None, str | None, str]

PARENT_CHECK_S = 1.0
MAX_RESTARTS = 3  # helpers that died in a row before the worker computes everything itself


def _watch_parent(parent: int) -> None:
    """In the helper: leave when the worker is gone (killed without a chance to stop us)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _helper_started(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides when its helper stops
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def compute(postings: Sequence[Posting]) -> list[Signals | None]:
    """The signals of each posting; None where computing them raised."""
    out: list[Signals | None] = []
    for posting in postings:
        try:
            out.append(signals(*posting))
        except Exception:
            out.append(None)
    return out


class SignalHelper:
    """One helper process (restarted when it dies); :meth:`compute` never raises."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._deaths = 0  # in a row

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_helper_started,
                initargs=(os.getpid(),),
            )
        return self._executor

    def pids(self) -> list[int]:
        """The helper processes running now."""
        executor = self._executor
        return [] if executor is None else list(getattr(executor, "_processes", None) or {})

    async def start(self) -> None:
        """Start the helper and wait until it computed once (imports done)."""
        await self.compute([("", "", "Berlin", None, "")])  # a place: the gazetteer is loaded

    async def compute(self, postings: Sequence[Posting]) -> list[Signals | None]:
        """The helper's answer, or all None when it could not give one (computed in the
        worker's process then)."""
        if not postings or self._deaths >= MAX_RESTARTS:
            return [None] * len(postings)
        pool = self._pool()
        try:
            found = await asyncio.get_running_loop().run_in_executor(pool, compute, postings)
            self._deaths = 0
            return found
        except asyncio.CancelledError:
            raise
        except BrokenProcessPool:
            self._deaths += 1
            self._executor = None
            pool.shutdown(wait=False, cancel_futures=True)
            if self._deaths >= MAX_RESTARTS:
                log.error(
                    "the signal helper process ended %d times in a row; the worker "
                    "computes the signals itself from now on",
                    self._deaths,
                )
            else:
                log.warning("the signal helper process ended; starting another")
        except Exception as error:  # e.g. a posting that cannot be pickled
            log.warning("the signal helper failed (%s); computing in the worker", error)
        return [None] * len(postings)

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: executor.shutdown(wait=True, cancel_futures=True)
            )
