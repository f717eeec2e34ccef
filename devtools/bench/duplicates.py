"""`jobingest bench duplicates`: a labelled cross-posting set, pairwise precision and recall of
the clusters the write path builds, and ingest throughput with clustering on and off.

The set: originals on a company's own site plus one to three copies on other boards, each
copy varied the way boards vary them (title suffixes and abbreviations, location formats, HTML
vs text, added board boilerplate, reordered sections, salary notation, truncation), and the
hard negatives: the same company and title in another city, a repost of a removed job, and
two teams' postings of one title sharing the company's boilerplate. Copies keep the posting's
opening paragraph (boards prepend a heading at most).
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import Any

import asyncpg

from devtools.bench.crossposts import generate
from devtools.bench.crossposts_score import score
from devtools.bench.load import as_record
from devtools.bench.measure import write_report
from devtools.bench.run import fresh_database, new_topic, produce_lines, run_workers
from devtools.bench.search_eval import FAMILIES
from devtools.devstack import DevStack
from worker.clusters.partition import partition
from worker.clusters.signature import signals
from worker.collector import tune_gc
from worker.decode import Decoded, Rejected
from worker.digest import digest_ahead
from worker.embedders import Embedder, HashEmbedder
from worker.metrics import Metrics
from worker.pipeline import BatchProcessor
from worker.settings import Settings
from worker.store import create_pool

BOARDS = ["linkedin", "indeed", "glassdoor", "greenhouse", "lever"]
COMPANIES = [("Acme Robotics GmbH", "ACME Robotics"), ("Northwind Health Inc.", "Northwind Health"),
             ("Globex Logistics Ltd", "Globex Logistics Limited"), ("Initech S.A.", "Initech SA"),
             ("Umbrella Pharma AG", "Umbrella Pharma"), ("Hooli, Inc.", "Hooli"),
             ("Blue Harbor Bank plc", "Blue Harbor Bank"), ("Pied Piper LLC", "Pied Piper"),
             ("Bright Grid Energy B.V.", "Bright Grid Energy"), ("Wayne Foods Corp.", "Wayne Foods")]  # fmt: skip
CITIES = [("Berlin", "Germany", "DE"), ("Munich", "Germany", "DE"), ("Madrid", "Spain", "ES"),
          ("Paris", "France", "FR"), ("London", "UK", "GB"), ("Toronto", "Canada", "CA"),
          ("Austin", "TX", "US"), ("Dublin", "Ireland", "IE")]  # fmt: skip
WORDS = ["payments", "search", "checkout", "onboarding", "billing", "identity", "logistics", "routing", "pricing", "ledger", "catalog", "inventory", "messaging", "analytics", "warehouse", "mobile", "platform", "growth", "risk", "fraud", "care", "scheduling", "claims", "imaging", "pharmacy", "dispatch", "fleet", "telemetry", "reporting", "compliance", "audit", "ingestion", "streaming", "recommendations", "notifications", "storage", "networking", "security"]  # fmt: skip
VERBS = ["build", "own", "improve", "design", "operate", "migrate", "scale", "simplify", "measure", "automate", "review", "support", "launch", "maintain", "debug", "document", "mentor", "plan"]  # fmt: skip
BOARD_FOOTER = {"linkedin": "Apply with your LinkedIn profile in one click. Easy Apply enabled.",
                "indeed": "Indeed: apply now. Responsive employer, typically replies within 3 days.",
                "glassdoor": "See company reviews and salaries on Glassdoor before you apply.",
                "greenhouse": "Powered by Greenhouse. Submit your application below.",
                "lever": "Powered by Lever. Apply for this job."}  # fmt: skip


@dataclass
class Posting:
    event: dict[str, Any]
    group: str  # postings of one group are the same job
    active: bool = True


def _team_text(rnd: random.Random, family: str) -> list[str]:
    spec = FAMILIES[family]
    team = " ".join(rnd.sample(WORDS, 2))
    paragraphs = [f"You will join the {team} team and {rnd.choice(VERBS)} our {rnd.choice(WORDS)} "
                  f"{rnd.choice(WORDS)} systems used by {rnd.randint(2, 900)} thousand people."]  # fmt: skip
    for _ in range(rnd.randint(4, 6)):
        paragraphs.append(" ".join(
            f"{rnd.choice(VERBS).capitalize()} the {rnd.choice(WORDS)} {rnd.choice(WORDS)} "
            f"with {rnd.choice(spec['skills'])} and {rnd.choice(WORDS)} {rnd.choice(WORDS)}."
            for _ in range(2)
        ))  # fmt: skip
    paragraphs.append(" ".join(spec["lines"]))
    return paragraphs


def _boilerplate(company: str) -> list[str]:
    return [f"About {company}: we are an equal opportunity employer and value diversity in every "
            "team. We offer competitive pay, a pension plan, thirty days of paid leave, a learning "
            "budget, flexible hours and a hybrid office with great coffee.",
            "Please send your CV in English. We process applications within two weeks and keep "
            "your data for six months as required by law."]  # fmt: skip


def _location(rnd: random.Random, city: tuple[str, str, str]) -> str:
    return rnd.choice([city[0], f"{city[0]}, {city[1]}", f"{city[0]}, {city[2]}"])


def _title(rnd: random.Random, base: str, senior: bool) -> str:
    prefix = rnd.choice(["Senior ", "Sr. ", "Senior "]) if senior else ""
    suffix = rnd.choice(["", "", " (m/w/d)", " (f/m/x)", " - Full Time"])
    title = prefix + base + suffix
    return title.upper() if rnd.random() < 0.05 else title


def _describe(rnd: random.Random, paragraphs: list[str], board: str | None, copy: bool) -> str:
    parts = list(paragraphs)
    if copy:
        if rnd.random() < 0.4:  # reordered sections
            head, tail = parts[:1], parts[1:]
            rnd.shuffle(tail)
            parts = head + tail
        if rnd.random() < 0.35:  # truncated by the board
            parts = parts[: max(3, int(len(parts) * 0.7))]
        salary = rnd.choice(["Salary: €70,000 - €90,000 per year.", "70k-90k EUR / year",
                             "EUR 70.000 to 90.000 annually"])  # fmt: skip
        parts.append(salary)
        if board:
            parts.append(BOARD_FOOTER[board])
        if rnd.random() < 0.3:  # a board's own heading first
            parts.insert(0, rnd.choice(["About the job", "Job description", "Overview"]))
    if rnd.random() < 0.5:
        return "<div>" + "".join(f"<p>{p}</p>" for p in parts) + "</div>"
    return "\n\n".join(parts)


def posting_set(groups: int, seed: int = 21) -> list[Posting]:
    rnd = random.Random(seed)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    postings: list[Posting] = []
    counter = 0

    def event(group: str, board: str, title: str, company: str, location: str,
              description: str, at: datetime, kind: str = "job.posted",
              external_id: str | None = None) -> dict[str, Any]:  # fmt: skip
        nonlocal counter
        counter += 1
        job: dict[str, Any] = {"external_id": external_id or f"{board[:2]}-{counter}"}
        if kind != "job.removed":
            job |= {"title": title, "company": company, "location": location,
                    "description": description, "url": f"https://{board}.example/jobs/{counter}"}  # fmt: skip
        return {"event_id": f"00000000-0000-4000-9000-{counter:012d}", "type": kind,
                "schema_version": 1, "occurred_at": at.isoformat(),
                "source": board if board != "site" else "company_site", "job": job}  # fmt: skip

    families = sorted(FAMILIES)
    for g in range(groups):
        family = families[g % len(families)]
        official, alias = COMPANIES[rnd.randrange(len(COMPANIES))]
        base = rnd.choice(FAMILIES[family]["titles"])
        senior = rnd.random() < 0.4
        city = rnd.choice(CITIES)
        paragraphs = _team_text(rnd, family) + _boilerplate(official)
        at = t0 + timedelta(minutes=g)
        group = f"g{g}"
        postings.append(Posting(event(group, "site", _title(rnd, base, senior), official,
                                      _location(rnd, city), _describe(rnd, paragraphs, None, False),
                                      at), group))  # fmt: skip
        for board in rnd.sample(BOARDS, rnd.randint(1, 3)):
            postings.append(Posting(event(group, board, _title(rnd, base, senior),
                                          rnd.choice([official, alias]), _location(rnd, city),
                                          _describe(rnd, paragraphs, board, True),
                                          at + timedelta(hours=rnd.randint(1, 72))), group))  # fmt: skip
        roll = rnd.random()
        if roll < 0.15:  # the same company and title in another city: another job
            other = rnd.choice([c for c in CITIES if c != city])
            postings.append(Posting(event(f"{group}-city", "site", _title(rnd, base, senior),
                                          official, _location(rnd, other),
                                          _describe(rnd, paragraphs, None, False), at),
                                    f"{group}-city"))  # fmt: skip
        elif roll < 0.30:  # another team, same title, same city, shared boilerplate
            team = _team_text(rnd, family) + _boilerplate(official)
            postings.append(Posting(event(f"{group}-team", "site", _title(rnd, base, senior),
                                          official, _location(rnd, city),
                                          _describe(rnd, team, None, False), at),
                                    f"{group}-team"))  # fmt: skip
        elif roll < 0.40:  # removed, then reposted months later: the removed one is gone
            old_id = f"old-{g}"
            old = event(f"{group}-old", "site", _title(rnd, base, senior), official,
                        _location(rnd, city), _describe(rnd, paragraphs, None, False),
                        at - timedelta(days=200), external_id=old_id)  # fmt: skip
            postings.append(Posting(old, f"{group}-old", active=False))
            postings.append(Posting(event(f"{group}-old", "site", "", "", "", "",
                                          at - timedelta(days=120), "job.removed", old_id),
                                    f"{group}-old", active=False))  # fmt: skip
    return postings


def pairwise(
    labels: dict[tuple[str, str], str], clusters: dict[tuple[str, str], str]
) -> dict[str, float]:
    """Pairwise precision and recall of predicted clusters against the labelled groups."""
    ids = sorted(labels)
    tp = fp = fn = 0
    by_group: dict[str, list[tuple[str, str]]] = {}
    by_cluster: dict[str, list[tuple[str, str]]] = {}
    for i in ids:
        by_group.setdefault(labels[i], []).append(i)
        by_cluster.setdefault(clusters.get(i) or f"alone:{i}", []).append(i)
    true_pairs = {
        pair for members in by_group.values() for pair in combinations(sorted(members), 2)
    }
    predicted = {
        pair for members in by_cluster.values() for pair in combinations(sorted(members), 2)
    }
    tp = len(true_pairs & predicted)
    fp = len(predicted - true_pairs)
    fn = len(true_pairs - predicted)
    return {"true_positives": tp, "false_positives": fp, "false_negatives": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0}  # fmt: skip


async def _local_model(stack: DevStack, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Kafka → one worker with the default local model → PostgreSQL, clustering off and on,
    alternated twice (the model's speed on this machine drifts within minutes)."""
    runs: dict[str, Any] = {}
    for clustering in (False, True, False, True):
        key = "on" if clustering else "off"
        seconds, _ = await through_kafka(stack, events, clustering, embedder="local")
        runs.setdefault(f"events_per_s_{key}", []).append(round(len(events) / seconds, 1))
        _say(f"local model, clustering {key}: {len(events) / seconds:.1f} events/s")
    runs["throughput_ratio"] = round(
        max(runs["events_per_s_on"]) / max(runs["events_per_s_off"]), 3
    )
    runs["events"] = len(events)
    return runs


async def _run(stack: DevStack, groups: int, local_events: int) -> dict[str, Any]:
    postings = posting_set(groups)
    events = [p.event for p in postings]
    report: dict[str, Any] = {"postings": len([p for p in postings if p.event["type"] != "job.removed"]),
                              "groups": groups}  # fmt: skip
    clusters: dict[tuple[str, str], str] = {}
    for clustering in (False, True, False, True):  # alternate to even out machine noise
        key = "on" if clustering else "off"
        url = await fresh_database(stack.database_url, f"bench_dup_{key}", False)
        seconds = await through_the_worker(url, events, clustering)
        report.setdefault(f"events_per_s_{key}", []).append(round(len(events) / seconds, 1))
        _say(f"batch processor, clustering {key}: {len(events) / seconds:.0f} events/s")
        seconds, url = await through_kafka(stack, events, clustering)
        report.setdefault(f"kafka_events_per_s_{key}", []).append(round(len(events) / seconds, 1))
        _say(f"Kafka and a worker process, clustering {key}: {len(events) / seconds:.0f} events/s")
        if clustering:  # precision and recall of what the real path (Kafka, a worker) stored
            clusters = await stored_clusters(url)
    labels = {(p.event["source"], p.event["job"]["external_id"]): p.group
              for p in postings if p.active}  # fmt: skip
    report["pairwise"] = pairwise(labels, clusters)
    report["same_as_the_partition_of_the_set"] = clusters == partition_of(
        [p.event for p in postings if p.active]
    )
    for prefix in ("", "kafka_"):
        on, off = max(report[f"{prefix}events_per_s_on"]), max(report[f"{prefix}events_per_s_off"])
        report[f"{prefix}throughput_ratio"] = round(on / off, 3)
    if local_events:
        report["local_model"] = await _local_model(stack, events[:local_events])
    return report


def partition_of(events: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """The clusters of a set of postings computed at once, in memory: what the write path must
    have stored, whatever the order the postings came in."""
    found = {
        (e["source"], e["job"]["external_id"]): signals(
            e["job"]["title"], e["job"]["company"], e["job"].get("location"),
            e["job"].get("remote"), e["job"]["description"],
        )
        for e in events
    }  # fmt: skip
    return {identity: a.cluster_id for identity, a in partition(found).items()}


async def stored_clusters(url: str) -> dict[tuple[str, str], str]:
    """The cluster of every active row of a database."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT source, external_id, cluster_id::text AS c FROM jobs WHERE deleted_at IS NULL"
        )
    finally:
        await conn.close()
    return {(r["source"], r["external_id"]): r["c"] for r in rows}


def _say(message: str) -> None:
    print(f"bench duplicates: {message}", file=sys.stderr, flush=True)


async def through_kafka(
    stack: DevStack, events: list[dict[str, Any]], clustering: bool, embedder: str = "hash"
) -> tuple[float, str]:
    """Seconds for one worker process to ingest ``events`` from a topic (6 partitions) into a
    fresh table (no vector index), from its first readiness to its last commit; and the
    database it wrote."""
    key = "on" if clustering else "off"
    url = await fresh_database(stack.database_url, f"bench_dup_kafka_{key}", None)
    servers = stack.kafka_bootstrap_servers
    topic = await new_topic(servers, "bench.dup", 6)
    lines = [json.dumps(event, separators=(",", ":")) for event in events]
    measured = await run_workers(
        1, servers, topic, url, f"bench-dup-{uuid.uuid4().hex[:6]}", len(events),
        partial(produce_lines, servers, topic, lines), embedder=embedder, hnsw=False,
        env={"JOBINGEST_CLUSTERING": str(clustering).lower()},
    )  # fmt: skip
    return float(measured["seconds"]), url


async def through_the_worker(
    url: str, events: list[dict[str, Any]], clustering: bool, embedder: Embedder | None = None
) -> float:
    """Seconds for the worker's batch processor (plan, embed, write) to apply
    ``events`` in batches of 1,000, as a worker does after fetching them: each batch is
    digested (decoded, rows and signals staged) while the one before it is applied (hash
    embedder unless another is given)."""
    settings = Settings(database_url=url, clustering=clustering)
    pool = await create_pool(url, settings.db_pool_size)
    processor = BatchProcessor(settings, pool, embedder or HashEmbedder(), Metrics())
    records = [as_record(event, offset) for offset, event in enumerate(events)]
    batches = [records[start : start + 1000] for start in range(0, len(records), 1000)]

    def digest(batch: list[Any]) -> asyncio.Task[list[Decoded | Rejected]]:
        return asyncio.create_task(
            digest_ahead(batch, settings.embedder_max_chars, settings.clustering)
        )

    try:
        started = time.perf_counter()
        ahead = digest(batches[0]) if batches else None
        for i in range(len(batches)):
            assert ahead is not None
            digested = await ahead
            ahead = digest(batches[i + 1]) if i + 1 < len(batches) else None
            await processor.process([d for d in digested if isinstance(d, Decoded)])
        return time.perf_counter() - started
    finally:
        await pool.close()


async def _crossposts(stack: DevStack, seed: int, jobs: int) -> dict[str, Any]:
    """The independent cross-posting set (``devtools.bench.crossposts``): its whole stream
    (postings, removals, reposts) through Kafka and one worker into a fresh table, scored
    against its labels (``devtools.bench.crossposts_score``)."""
    labelled = generate(seed, jobs)
    events = list(labelled.events)
    seconds, url = await through_kafka(stack, events, True)
    _say(f"cross-posting set (seed {seed}): {len(events)} events in {seconds:.1f} s")
    stored = await stored_clusters(url)
    result = score({f"{s}:{e}": c for (s, e), c in stored.items()}, labelled)
    result["seed"], result["events"] = seed, len(events)
    result["same_as_the_partition_of_the_set"] = stored == partition_of(labelled.posted_events())
    return result


def _crossposts_tables(result: dict[str, Any]) -> str:
    lines = [
        f"\n## The independent cross-posting set (seed {result['seed']}): {result['postings']} "
        f"active postings, {result['true_pairs']} true pairs, through Kafka and one worker\n",
        "| precision | recall | F1 | pairs predicted | correct |",
        "|---:|---:|---:|---:|---:|",
        f"| {result['precision']:.4f} | {result['recall']:.4f} | {result['f1']:.4f} | "
        f"{result['predicted_pairs']} | {result['correct_pairs']} |",
        "",
        "The stored clusters equal the partition of the active set computed at once in memory: "
        f"{result['same_as_the_partition_of_the_set']}",
        "",
        "| variation | true pairs | found | recall |",
        "|---|---:|---:|---:|",
    ]
    for name, row in result["recall_by_variation"].items():
        recall = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        lines.append(f"| {name} | {row['pairs']} | {row['found']} | {recall} |")
    lines += [
        "",
        "| hard negative | pairs | merged | rate | unscored |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in result["false_merge_by_negative"].items():
        rate = "-" if row["rate"] is None else f"{row['rate']:.3f}"
        lines.append(f"| {name} | {row['pairs']} | {row['merged']} | {rate} | {row['unscored']} |")
    return "\n".join(lines) + "\n"


def run_duplicates_bench(
    groups: int, output: Path, local_events: int = 0, *, crossposts_jobs: int = 0, seed: int = 1
) -> int:
    output.mkdir(parents=True, exist_ok=True)
    tune_gc()  # the batch processor runs here: with the worker's collector settings
    with DevStack() as stack:
        report = asyncio.run(_run(stack, groups, local_events))
        if crossposts_jobs:
            report["crossposts"] = asyncio.run(_crossposts(stack, seed, crossposts_jobs))
    p = report["pairwise"]
    text = (
        f"## Cross-board duplicates: {report['postings']} postings ({report['groups']} jobs)\n\n"
        "| precision | recall | true pairs found | false pairs | missed pairs |\n"
        "|---:|---:|---:|---:|---:|\n"
        f"| {p['precision']:.4f} | {p['recall']:.4f} | {p['true_positives']} | "
        f"{p['false_positives']} | {p['false_negatives']} |\n\n"
        "The clusters stored through Kafka and a worker equal the partition of the set computed "
        f"at once in memory (ids included): {report['same_as_the_partition_of_the_set']}\n\n"
        "Ingest throughput, hash embedder, no vector index, best of two runs each:\n\n"
        "| path | clustering off (events/s) | on (events/s) | on / off |\n"
        "|---|---:|---:|---:|\n"
        f"| Kafka → one worker process → PostgreSQL | {max(report['kafka_events_per_s_off'])} | "
        f"{max(report['kafka_events_per_s_on'])} | {report['kafka_throughput_ratio']} |\n"
        f"| the worker's batch processor alone (decode, plan, embed, write; no Kafka) | "
        f"{max(report['events_per_s_off'])} | {max(report['events_per_s_on'])} | "
        f"{report['throughput_ratio']} |\n"
    )
    if "local_model" in report:
        local = report["local_model"]
        text += (
            f"\nIngest throughput, the default local model, {local['events']} events, no vector "
            "index, Kafka → one worker process → PostgreSQL, best of two runs each:\n\n"
            "| clustering off (events/s) | on (events/s) | on / off |\n|---:|---:|---:|\n"
            f"| {local['events_per_s_off']} | {local['events_per_s_on']} | "
            f"{local['throughput_ratio']} |\n"
        )
    if "crossposts" in report:
        text += _crossposts_tables(report["crossposts"])
    return write_report(output, "duplicates", report, text)
