"""The embedder's circuit breaker as a piece: when it opens and closes, what it says, and that a
probe given up (a caller's budget ran out) never leaves it stuck half-open."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from tests.embedding_server import embedding_server
from worker.embedders import budget
from worker.embedders.http import OpenAIEmbedder
from worker.embedders.resilience import CircuitBreaker


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "jobingest.embedder"]


def test_an_outage_is_announced_once_when_it_opens_and_once_when_it_closes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="jobingest.embedder")
    breaker = CircuitBreaker(threshold=3, cooldown_s=0.0, name="embedder openai")
    for _ in range(10):  # failures before and after the opening, failed probes
        breaker.allow()
        breaker.record_failure("openai answered 503")
    breaker.deferred += 7
    assert breaker.open and breaker.describe().startswith(
        "circuit open for 0s (openai answered 503)"
    )
    assert breaker.allow()  # the probe
    breaker.record_success()
    assert not breaker.open and breaker.describe() == "ok"
    said = _warnings(caplog)
    assert len(said) == 2, said
    assert said[0] == (
        "embedder openai circuit open (openai answered 503): probing every 0s off the ingest path"
    )
    assert said[1].startswith("embedder openai circuit closed after 0.")
    assert "7 rows stored with the embedding pending meanwhile" in said[1]


def test_a_trip_opens_at_once_and_a_late_answer_keeps_it_open_under_a_budget() -> None:
    breaker = CircuitBreaker(threshold=5, cooldown_s=0.0, prompt_s=1.0)
    breaker.trip("no answer within 1s")
    assert breaker.open
    assert breaker.allow()
    breaker.record_success(elapsed_s=3.0)  # it answers, slower than a batch may wait
    assert breaker.open and "slower than 1s" in breaker.reason
    assert breaker.allow()
    breaker.record_success(elapsed_s=0.1)
    assert not breaker.open


async def test_a_probe_given_up_by_its_caller_lets_the_next_probe_through() -> None:
    with embedding_server(hang_s=600.0) as server:
        breaker = CircuitBreaker(threshold=1, cooldown_s=0.2)
        embedder = OpenAIEmbedder(server.url, "m", 16, attempts=1, breaker=breaker)
        try:
            assert await budget.within(embedder, ["a"], wait_s=0.2) is None  # trips
            assert breaker.open
            await asyncio.sleep(0.25)
            started = time.monotonic()
            with pytest.raises(TimeoutError):  # the probe, given up by its caller
                async with asyncio.timeout(0.2):
                    await embedder.embed_documents(["b"])
            assert not breaker.probing and breaker.open
            server.hang_s = 0.0
            await asyncio.sleep(0.25)
            assert len(await embedder.embed_documents(["c"])) == 1  # the next probe closes it
            assert not breaker.open
            assert time.monotonic() - started < 5
        finally:
            server.hang_s = 0.0
            await embedder.close()
