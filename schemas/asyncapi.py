"""The topics as an AsyncAPI 3.0 document: the events topic, its dead-letter topic, their keys,
headers and message schemas (from the Pydantic contract)."""

from __future__ import annotations

from typing import Any

from schemas.events import SCHEMA_VERSION, job_event_adapter

ASYNCAPI_FILE = "jobingest.asyncapi.json"
EVENT_HEADERS = {
    "idempotency-key": "The event's idempotency key (the envelope's wins when both are set).",
    "content-type": "application/json",
    "schema-version": "The contract version of the value.",
    "event-type": "job.posted | job.updated | job.removed",
    "traceparent": "W3C trace context of the producer span (when tracing is on); dead letters "
    "and redrives keep it.",
    "jobingest-redrive-count": "On a redriven copy: its generation (1 for the first redrive).",
    "jobingest-redrive-of": "On a redriven copy: topic:partition:offset of the first original.",
}
# The dead-letter contract: every letter carries these; a truncated one carries TRUNCATED too.
DLQ_HEADERS = {
    "dlq.error.class": "The failure class, e.g. ContractViolation, InvalidJson, EmptyValue.",
    "dlq.error.message": "Why, in words (at most 1,000 characters).",
    "dlq.original.topic": "The topic the record was read from.",
    "dlq.original.partition": "Its partition.",
    "dlq.original.offset": "Its offset.",
    "dlq.original.timestamp": "Its Kafka timestamp (ms).",
    "dlq.failed.at": "When the worker dead-lettered it (ISO 8601).",
    "dlq.worker.version": "The jobingest version that did.",
}
DLQ_TRUNCATED_HEADERS = {
    "dlq.truncated": "true when the value is only a prefix of the original (too large).",
    "dlq.original.size": "The original value's size in bytes.",
    "dlq.original.sha256": "The original value's SHA-256 (hex).",
    "dlq.original.headers": "How many original headers were dropped.",
}


def _headers(described: dict[str, str], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            name: {"type": "string", "description": text} for name, text in described.items()
        },
        "required": required,
    }


def render_asyncapi(topic: str = "jobs.events") -> dict[str, Any]:
    event = job_event_adapter.json_schema(ref_template="#/components/schemas/{model}")
    components: dict[str, Any] = dict(event.pop("$defs", {}))
    components["JobEvent"] = event
    key = {
        "type": "string",
        "description": "{source}:{external_id}: every event of one job goes to one partition",
        "pattern": "^[a-z_]+:.+$",
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "jobingest topics",
            "version": str(SCHEMA_VERSION),
            "description": "Job events that scrapers publish and jobingest workers consume, and "
            "the dead letters workers publish for records they cannot store.",
        },
        "defaultContentType": "application/json",
        "channels": {
            "events": {
                "address": topic,
                "description": "Job events; workers in one consumer group split its partitions.",
                "messages": {"jobEvent": {"$ref": "#/components/messages/jobEvent"}},
            },
            "deadLetters": {
                "address": f"{topic}.dlq",
                "description": "Records a worker could not store: the original key, value and "
                "headers plus the dlq.* headers. Created with max.message.bytes 64 KiB above the "
                "events topic's.",
                "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
            },
        },
        "operations": {
            "publishJobEvent": {
                "action": "send",
                "channel": {"$ref": "#/channels/events"},
                "summary": "Scrapers (JobEventPublisher, jobingest publish, the HTTP gateway).",
                "messages": [{"$ref": "#/channels/events/messages/jobEvent"}],
            },
            "consumeJobEvent": {
                "action": "receive",
                "channel": {"$ref": "#/channels/events"},
                "summary": "jobingest workers.",
                "messages": [{"$ref": "#/channels/events/messages/jobEvent"}],
            },
            "publishDeadLetter": {
                "action": "send",
                "channel": {"$ref": "#/channels/deadLetters"},
                "summary": "jobingest workers, for records that cannot be stored.",
                "messages": [{"$ref": "#/channels/deadLetters/messages/deadLetter"}],
            },
        },
        "components": {
            "schemas": components,
            "messages": {
                "jobEvent": {
                    "name": "JobEvent",
                    "contentType": "application/json",
                    "payload": {"$ref": "#/components/schemas/JobEvent"},
                    "headers": _headers(EVENT_HEADERS, []),
                    "bindings": {"kafka": {"key": key, "bindingVersion": "0.5.0"}},
                },
                "deadLetter": {
                    "name": "DeadLetter",
                    "summary": "The original record (a null value stays null), or a prefix of "
                    "it when dlq.truncated is true.",
                    "payload": {"description": "The original value's bytes, unchanged."},
                    "headers": _headers(
                        {**DLQ_HEADERS, **DLQ_TRUNCATED_HEADERS}, sorted(DLQ_HEADERS)
                    ),
                    "bindings": {
                        "kafka": {
                            "key": {**key, "description": "The original key."},
                            "bindingVersion": "0.5.0",
                        }
                    },
                },
            },
        },
    }
