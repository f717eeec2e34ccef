"""`jobingest dlq redrive` by error class, `dlq list` by original, `dlq export` and publish."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg

from tests.embedding_server import embedding_server
from tests.events import job_event, wire
from tests.support import produce
from tests.test_operator_tools import cli, ingest_all
from worker.settings import Settings


async def test_redrive_refuses_what_it_cannot_fix_and_lists_copies_with_their_original(
    settings: Settings, db: asyncpg.Connection, tmp_path: Path
) -> None:
    good = [job_event(f"j{i}", at=i, title=f"Engineer {i}") for i in range(3)]
    rejected = job_event("j-secret", at=5, title="Contains SECRET")
    broken = job_event("j-broken", at=6, remote="sometimes")  # breaks the contract
    poison: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]] = [
        (b"k1", b"{bad", []),
        (b"k2", b"\xff\xfe", []),
        (b"k3", None, []),
    ]
    with embedding_server(reject_containing="SECRET") as server:
        openai = {"embedder": "openai", "embedder_url": server.url, "embedder_model": "m"}
        s = settings.model_copy(update={**openai, "embedder_dims": 16})
        await produce(
            s.require_kafka(), s.topic, [wire(e) for e in [*good, rejected, broken]] + poison
        )
        await ingest_all(s, 8)
        assert await db.fetchval("SELECT count(*) FROM jobs") == 3

        server.reject_containing = None  # the embedder is fixed: only that letter can succeed
        first = await cli(s, "dlq", "redrive")
        assert first.returncode == 0, first.stderr
        assert "redriven: 1;" in first.stdout
        for name in ("InvalidJson", "ContractViolation", "UndecodableBytes", "EmptyValue"):
            assert f"not redriven: 1 {name} (use --force" in first.stdout, first.stdout
        assert "the same bytes fail again" in first.stdout
        await ingest_all(s, 1)
        assert await db.fetchval("SELECT count(*) FROM jobs") == 4

        forced = await cli(s, "dlq", "redrive", "--error-class", "InvalidJson", "--force")
        assert "redriven: 1;" in forced.stdout, forced.stdout
        await ingest_all(s, 1)  # dead-lettered again, as the refusal said

        listed = json.loads((await cli(s, "dlq", "list", "--json")).stdout)
        invalid = [g for g in listed if g["error_class"] == "InvalidJson"]
        assert len(invalid) == 1  # the copy's letter is listed with its original
        assert [letter["generation"] for letter in invalid[0]["letters"]] == [0, 1]
        assert invalid[0]["original"].startswith(f"{s.topic}:")
        table = await cli(s, "dlq", "list")
        assert "(redrive 1)" in table.stdout and "InvalidJson: 2 dead letters" in table.stdout

        exported = tmp_path / "broken.jsonl"
        export = await cli(
            s, "dlq", "export", "--error-class", "ContractViolation", "-o", str(exported)
        )
        assert export.returncode == 0 and "exported 1 dead letters" in export.stderr
        fixed = exported.read_text().replace('"sometimes"', '"remote"')
        exported.write_text(fixed)
        published = await cli(s, "publish", str(exported))
        assert published.returncode == 0 and "published 1" in published.stdout
        await ingest_all(s, 1)
    assert await db.fetchval("SELECT remote FROM jobs WHERE external_id = 'j-broken'") == "remote"
