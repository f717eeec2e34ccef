"""Export the contract as JSON Schema and the topics as AsyncAPI, for other languages."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.asyncapi import ASYNCAPI_FILE, render_asyncapi
from schemas.events import job_event_adapter

SCHEMA_DIR = Path(__file__).parent / "json"
EVENT_SCHEMA_FILE = "job-event.v1.schema.json"


def render_schemas() -> dict[str, str]:
    schema = job_event_adapter.json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://jobingest.dev/schemas/job-event.v1.schema.json"
    schema["title"] = "JobEvent"
    return {
        EVENT_SCHEMA_FILE: json.dumps(schema, indent=2, sort_keys=True) + "\n",
        ASYNCAPI_FILE: json.dumps(render_asyncapi(), indent=2, sort_keys=True) + "\n",
    }


def export_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written
