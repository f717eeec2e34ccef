"""decode() never raises: every input gets a classified answer, and valid events round-trip."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events import job_event, record
from worker.decode import Decoded, Rejected, decode
from worker.digest import digest_one
from worker.rows import job_row

CLASSES = {
    "EmptyValue", "UndecodableBytes", "InvalidJson", "UnknownEventType",
    "UnsupportedSchemaVersion", "ContractViolation", "DecodeError",
}  # fmt: skip
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

awkward_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfffy", "\u2028", "<p>\x00</p>", " "]),
)
extreme_numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -0.0, 10**15, 99999999999999.99, "1e999", "NaN"]),
)
extreme_datetimes = st.sampled_from([
    "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00-14:00",
    "9999-12-31T23:59:59+14:00", "2026-02-30T00:00:00Z", "2026-03-01T12:00:00", "now", "",
    "2026-03-01T12:00:00+24:00", "10000-01-01T00:00:00Z",
])  # fmt: skip
FIELDS = [
    ("job", "title"), ("job", "company"), ("job", "description"), ("job", "location"),
    ("job", "external_id"), ("job", "url"), ("job", "salary_min"), ("job", "salary_max"),
    ("job", "posted_at"), ("occurred_at",), ("idempotency_key",), ("event_id",), ("type",),
    ("schema_version",), ("source",), ("job", "tags"),
]  # fmt: skip


def mutate(event: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    target = event
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return event


def check(value: bytes | None, headers: list[tuple[str, bytes]] | None = None) -> None:
    item = decode(record(value, headers=headers))
    ahead = digest_one(record(value, headers=headers), 2000, True)  # the consumer's path
    assert type(ahead) is type(item)
    if isinstance(ahead, Decoded):
        assert ahead.staged is not None
        assert ahead.staged == job_row(ahead.event, 2000)
    if isinstance(item, Rejected):
        assert item.error_class in CLASSES, item
        assert item.error_class != "DecodeError", item  # a defect: nothing should get here
        assert item.message
    else:
        assert isinstance(item, Decoded)
        job = item.event.job
        for text in (getattr(job, name, None) for name in ("title", "description", "company")):
            assert text is None or ("\x00" not in text and "\ud800" not in text)
        item.event.occurred_at.astimezone()  # representable
        item.idempotency_key.encode("utf-8")  # storable


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(value: bytes) -> None:
    check(value)


@FAST
@given(
    st.sampled_from(FIELDS),
    st.one_of(awkward_text, extreme_numbers, extreme_datetimes, st.none(), st.just([]),
              st.lists(awkward_text, max_size=3), st.dictionaries(st.text(max_size=3), st.none())),
    st.sampled_from(["job.posted", "job.updated", "job.removed"]),
)  # fmt: skip
def test_mutated_envelopes(path: tuple[str, ...], value: Any, kind: str) -> None:
    event = mutate(job_event("j-1", kind), path, value)
    check(json.dumps(event, default=str).encode("utf-8", errors="surrogatepass"))


@FAST
@given(st.integers(min_value=1, max_value=5000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    item = decode(record((opener * depth + "1" + closer * depth).encode()))
    assert isinstance(item, Rejected) and item.error_class in CLASSES - {"DecodeError"}


@FAST
@given(st.binary(max_size=40), st.binary(min_size=1, max_size=40))
def test_header_keys(value: bytes, header: bytes) -> None:
    check(json.dumps(job_event("j-1")).encode(), [("idempotency-key", header)])


def test_the_named_inputs_get_the_named_classes() -> None:
    valid = job_event("j-1")
    cases: dict[str, bytes | None] = {
        "EmptyValue": None,
        "UndecodableBytes": b"\xff\xfe{}",
        "InvalidJson": b'{"a": "\\ud800"',
        "UnknownEventType": json.dumps({**valid, "type": "job.exploded"}).encode(),
        "UnsupportedSchemaVersion": json.dumps({**valid, "schema_version": 9}).encode(),
        "ContractViolation": json.dumps(
            mutate(job_event("j-1"), ("occurred_at",), "9999-12-31T23:59:59-01:00")
        ).encode(),
    }
    for expected, value in cases.items():
        item = decode(record(value))
        assert isinstance(item, Rejected) and item.error_class == expected, (expected, item)
    deep = decode(record(b"[" * 100_000 + b"]" * 100_000))
    assert isinstance(deep, Rejected) and deep.error_class == "InvalidJson"
    surrogate = decode(record(b'"\\udc00"'))
    assert isinstance(surrogate, Rejected) and surrogate.error_class == "InvalidJson"
    nul_id = decode(record(json.dumps(job_event("a\x00b")).encode()))
    assert isinstance(nul_id, Rejected) and "NUL" in nul_id.message
    nul_header = decode(record(json.dumps(valid).encode(), headers=[("idempotency-key", b"k\x00")]))
    assert isinstance(nul_header, Rejected) and nul_header.error_class == "ContractViolation"


def test_valid_events_round_trip_with_free_text_cleaned() -> None:
    event = job_event("j-1", title="Back\x00end \ud800Engineer", tags=["py\x00thon"])
    item = decode(record(json.dumps(event).encode("utf-8", errors="surrogatepass")))
    assert isinstance(item, Rejected)  # a lone surrogate on the wire is invalid JSON
    item = decode(record(json.dumps(job_event("j-1", title="Back\x00end")).encode()))
    assert isinstance(item, Decoded)
    assert item.event.job.title == "Backend"
    assert item.event.job.tags == ["python", "kafka"]
    posted = decode(record(json.dumps(job_event("j-2", tags=["py\x00thon"])).encode()))
    assert isinstance(posted, Decoded) and posted.event.job.tags == ["python"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@FAST
@given(
    body=st.one_of(
        st.binary(max_size=60),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries(
            {"source": st.one_of(st.sampled_from(["lever", "indeed", "../x"]), json_values)}
        ).map(lambda v: json.dumps(v).encode()),
        st.just(b"[" * 100_000),
    )
)
def test_a_dead_letter_source_label_is_a_contract_source_or_other(body: bytes) -> None:
    from schemas.events import SOURCES
    from worker.decode import named_source

    source = named_source(body)
    assert source in SOURCES  # "other" is one of them
    try:
        named = json.loads(body).get("source")
    except (ValueError, AttributeError, RecursionError):
        named = None
    if isinstance(named, str) and named in SOURCES:
        assert source == named
