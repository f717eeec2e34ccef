"""A real HTTP server speaking the Ollama and OpenAI embedding APIs, with faults on demand."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np


def vector_for(text: str, dims: int) -> list[float]:
    digest = b""
    counter = 0
    while len(digest) < dims:
        digest += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    return [(b - 127.5) / 127.5 for b in digest[:dims]]


@dataclass
class EmbeddingServer:
    dims: int = 16
    latency_s: float = 0.0
    answer_dims: int | None = None  # a misconfigured model answers with another dimension
    down: bool = False  # 503 to everything
    hang_s: float = 0.0  # accept, then answer only after this long (a hang: longer than timeouts)
    reject_containing: str | None = None  # 400 when an input contains this
    api_key: str | None = None  # 401 unless "Authorization: Bearer <api_key>"
    refuse_base64: bool = False  # 400 for encoding_format=base64 (an older server)
    base64_answers: int = 0
    scripted: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # next answers
    requests: int = 0
    texts: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    request_times: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _answer(
        self, path: str, body: dict[str, Any], authorization: str | None = None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        if self.api_key is not None and authorization != f"Bearer {self.api_key}":
            with self._lock:
                self.requests += 1
            return 401, {}, {"error": {"message": "Incorrect API key provided"}}
        with self._lock:
            self.requests += 1
            self.request_times.append(time.monotonic())
            scripted = self.scripted.pop(0) if self.scripted else None
        if scripted is not None:
            return scripted[0], scripted[1], {"error": "scripted"}
        if self.down:
            return 503, {}, {"error": "down"}
        hung = time.monotonic()
        while self.hang_s and time.monotonic() - hung < self.hang_s:
            time.sleep(0.02)  # accepted, no answer (until hang_s is set back to 0)
        inputs = body.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        if self.reject_containing and any(self.reject_containing in t for t in inputs):
            return 400, {}, {"error": "input rejected by policy"}
        with self._lock:
            self.texts += len(inputs)
        dims = self.answer_dims or self.dims
        vectors = [vector_for(t, dims) for t in inputs]
        if path == "/api/embed":
            return 200, {}, {"model": body.get("model"), "embeddings": vectors}
        if body.get("encoding_format") == "base64":
            if self.refuse_base64:
                return 400, {}, {"error": {"message": "encoding_format base64 not supported"}}
            self.base64_answers += 1
            encoded: list[Any] = [
                base64.b64encode(np.asarray(v, dtype="<f4").tobytes()).decode() for v in vectors
            ]
        else:
            encoded = vectors
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(encoded)]
        random.shuffle(data)  # clients must order by index
        return 200, {}, {"object": "list", "data": data, "model": body.get("model")}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if server.latency_s:
                        time.sleep(server.latency_s)
                    status, headers, payload = server._answer(
                        self.path, body, self.headers.get("authorization")
                    )
                finally:
                    with server._lock:
                        server.in_flight -= 1
                raw = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


@contextmanager
def embedding_server(**options: Any) -> Iterator[EmbeddingServer]:
    state = EmbeddingServer(**options)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
