"""The batch plan as pure functions: no Kafka, no PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.events import T0, job_event, raw
from worker import plan
from worker.clusters.companies import company_key
from worker.decode import Decoded, decode
from worker.store import StoredState


def decoded(event: dict, offset: int = 0, partition: int = 0) -> Decoded:
    item = decode(raw(event, offset, partition))
    assert isinstance(item, Decoded), item
    return item


def state(at: int, event_id: str, content_hash: str | None = None, **kw: object) -> StoredState:
    return StoredState(
        T0 + timedelta(seconds=at), uuid.UUID(event_id), content_hash,
        kw.get("row_hash"), bool(kw.get("deleted", False)), bool(kw.get("has_embedding", True)),
    )  # fmt: skip


def test_duplicates_in_batch_and_in_ledger_are_dropped_unless_reapplied() -> None:
    a = decoded(job_event("a", key="k-a"))
    a_again = decoded(job_event("a", key="k-a"), offset=1)
    b = decoded(job_event("b", key="k-b"), offset=2)
    c = decoded(job_event("c", key="k-c"), offset=3)
    split = plan.drop_duplicates([a, a_again, b, c], known={"k-b", "k-c"}, reapplied={"k-c"})
    assert split.kept == [a, c]
    assert split.dropped == [a_again, b]


def test_reapplied_keys_are_those_below_their_partitions_window() -> None:
    items = [decoded(job_event(f"j{i}", key=f"k{i}"), offset=i, partition=i % 2) for i in range(6)]
    assert plan.reapplied_keys(items, {0: 3, 1: 2}) == {"k0", "k2", "k1"}


def test_newest_per_job_wins_by_time_then_event_id() -> None:
    old = decoded(job_event("a", "job.updated", at=1, title="old"))
    new = decoded(job_event("a", "job.updated", at=5, title="new"), offset=1)
    other = decoded(job_event("b", at=0), offset=2)
    winners, stale = plan.newest_per_job([new, old, other])
    assert winners == {("greenhouse", "a"): new, ("greenhouse", "b"): other}
    assert stale == [old]
    tie_1 = job_event("t", at=9)
    tie_2 = job_event("t", at=9, title="other")
    low, high = sorted([tie_1, tie_2], key=lambda e: e["event_id"])
    winners, _ = plan.newest_per_job([decoded(high), decoded(low)])
    assert str(winners[("greenhouse", "t")].event.event_id) == high["event_id"]


def test_only_events_newer_than_the_stored_row_apply() -> None:
    newer = decoded(job_event("a", at=10, key="ka"))
    older = decoded(job_event("b", at=1, key="kb"))
    same = job_event("c", at=5, key="kc")
    stored = {
        ("greenhouse", "a"): state(5, str(uuid.uuid4())),
        ("greenhouse", "b"): state(5, str(uuid.uuid4())),
        ("greenhouse", "c"): state(5, same["event_id"]),
    }
    winners = {plan.identity_of(d): d for d in (newer, older, decoded(same))}
    applying, stale = plan.against_stored(winners, stored, reapplied=set())
    assert list(applying) == [("greenhouse", "a")]
    assert {plan.identity_of(d) for d in stale} == {("greenhouse", "b"), ("greenhouse", "c")}
    applying, _ = plan.against_stored(winners, stored, reapplied={"kc"})
    assert list(applying) == [("greenhouse", "a"), ("greenhouse", "c")]  # same event, reapplied


def test_only_changed_texts_or_rows_without_a_vector_are_embedded() -> None:
    events = {
        "new": decoded(job_event("new")),
        "same": decoded(job_event("same")),
        "pending": decoded(job_event("pending")),
        "gone": decoded(job_event("gone", "job.removed")),
    }
    applying = {plan.identity_of(d): d for d in events.values()}
    rows, texts = plan.rows_and_texts(applying, 2000)
    same_hash = rows[("greenhouse", "same")].content_hash
    pending_hash = rows[("greenhouse", "pending")].content_hash
    stored = {
        ("greenhouse", "same"): state(0, str(uuid.uuid4()), same_hash),
        ("greenhouse", "pending"): state(0, str(uuid.uuid4()), pending_hash, has_embedding=False),
    }
    need = plan.texts_to_embed(rows, stored)
    assert set(need) == {rows[("greenhouse", "new")].content_hash, pending_hash}
    assert rows[("greenhouse", "gone")].content_hash is None  # a removal embeds nothing
    assert set(texts) == {r.content_hash for r in rows.values() if r.content_hash}


def test_final_outcomes() -> None:
    posted = decoded(job_event("a"))
    removed = decoded(job_event("a", "job.removed", at=9))
    rows, _ = plan.rows_and_texts({("greenhouse", "a"): posted}, 2000)
    row = rows[("greenhouse", "a")]
    same = state(0, str(uuid.uuid4()), row.content_hash, row_hash=row.row_hash)
    assert plan.final_outcome(posted, None, row, written=True) == "upserted"
    assert plan.final_outcome(posted, same, row, written=True) == "unchanged"
    assert plan.final_outcome(posted, same, row, written=False) == "stale"
    assert plan.final_outcome(removed, same, row, written=True) == "removed"


@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),
            st.sampled_from(["Acme", "ACME GmbH", "Globex", "Initech", "Hooli", None]),
        ),
        max_size=120,
    ),
    st.integers(1, 5),
)
def test_lanes_hold_disjoint_jobs_and_companies_in_order(
    spec: list[tuple[int, str | None]], lanes: int
) -> None:
    """Every event once, in its arrival order; a job's events in one lane; a company's jobs in
    one lane (each job goes with its first event's company; None: a removal)."""
    events = [
        decoded(job_event(f"j{job}", "job.removed", at=i) if company is None
                else job_event(f"j{job}", at=i, company=company), offset=i)
        for i, (job, company) in enumerate(spec)
    ]  # fmt: skip
    split = plan.split_by_company(events, lanes)
    assert len(split) == lanes
    assert sorted((d for lane in split for d in lane), key=lambda d: d.record.offset) == events
    lane_of_job: dict[tuple[str, str], int] = {}
    lane_of_company: dict[str, int] = {}
    for n, lane in enumerate(split):
        assert [d.record.offset for d in lane] == sorted(d.record.offset for d in lane)
        for d in lane:
            assert lane_of_job.setdefault(plan.identity_of(d), n) == n
    first_company = {}
    for d in events:
        first_company.setdefault(
            plan.identity_of(d), company_key(getattr(d.event.job, "company", None) or "")
        )
    for identity, n in lane_of_job.items():
        assert lane_of_company.setdefault(first_company[identity], n) == n


def test_lanes_balance_many_companies() -> None:
    events = [decoded(job_event(f"j{i}", at=i, company=f"Company {i % 9}"), offset=i)
              for i in range(90)]  # fmt: skip
    assert sorted(len(lane) for lane in plan.split_by_company(events, 3)) == [30, 30, 30]


def test_a_row_staged_ahead_is_written_as_a_fresh_copy() -> None:
    """The write fills in vectors and clusters; a retried batch must start from the staged
    row, not from what the failed attempt filled in."""
    from worker.digest import digest_one

    staged = digest_one(raw(job_event("s1", "job.posted")), 2000, True)
    assert isinstance(staged, Decoded) and staged.staged is not None
    rows, texts = plan.rows_and_texts({plan.identity_of(staged): staged}, 2000)
    (row,) = rows.values()
    assert row == staged.staged[0] and row is not staged.staged[0]
    row.cluster_id, row.embedding_model = "c", "m"
    again, _ = plan.rows_and_texts({plan.identity_of(staged): staged}, 2000)
    assert again[plan.identity_of(staged)].cluster_id is None
    assert texts == {row.content_hash: staged.staged[1]}


def test_a_replay_preview_counts_what_the_workers_would_do_with_each_record() -> None:
    from tests.events import record
    from worker.ops.replay_preview import judge

    items = [decode(raw(job_event(f"j{i}", at=i), offset=i)) for i in range(3)]
    items += [decode(record(b"{bad", 3)), decode(record(None, 4)), decode(record(b"\xff", 5))]
    applied = {items[0].idempotency_key}  # type: ignore[union-attr]
    plain = judge(items, applied, reapply=False)
    assert (plain.read, plain.reapplied, plain.skipped) == (6, 2, 1)
    assert dict(plain.dead_lettered) == {"InvalidJson": 1, "EmptyValue": 1, "UndecodableBytes": 1}
    forced = judge(items, applied, reapply=True)
    assert (forced.reapplied, forced.skipped, forced.dead_lettered_total) == (3, 0, 3)
