"""Embedders behind HTTP: Ollama (`POST /api/embed`) and OpenAI-compatible (`POST /v1/embeddings`).

Texts are grouped into requests by count and by characters; one semaphore caps requests in
flight per worker; results come back in input order. Timeouts, 5xx and 429 are retried with
backoff (Retry-After honoured), then surface as EmbedderUnavailable (the batch is retried and
nothing is committed). 401, 403 and 404 mean the server refuses *us* (credentials, the model
name, the URL): EmbedderMisconfigured, which pauses ingestion. Other 4xx mean the server
refuses the text: EmbedderRejected.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from worker.embedders.base import Vector, check_vectors
from worker.embedders.resilience import (
    CircuitBreaker,
    RateLimiter,
    backoff_delay,
    parse_retry_after,
)
from worker.errors import EmbedderMisconfigured, EmbedderRejected, EmbedderUnavailable
from worker.metrics import Metrics
from worker.settings import Settings

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
MISCONFIGURED_STATUS = {
    401: "refused our credentials: check JOBINGEST_EMBEDDER_API_KEY",
    403: "refused our credentials: check JOBINGEST_EMBEDDER_API_KEY and its permissions",
    404: "does not know the model or path: check JOBINGEST_EMBEDDER_MODEL and _URL",
}


class HttpEmbedder:
    provider = "http"
    semantic = True
    path = ""

    def __init__(
        self,
        url: str,
        model: str,
        dims: int,
        *,
        concurrency: int = 4,
        batch_size: int = 32,
        batch_chars: int = 64_000,
        rps: float | None = None,
        timeout_s: float = 60.0,
        attempts: int = 3,
        retry_initial_s: float = 0.5,
        retry_max_s: float = 30.0,
        breaker: CircuitBreaker | None = None,
        api_key: str | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.dims = dims
        self.batch_size = batch_size
        self.batch_chars = batch_chars
        self.attempts = attempts
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self.breaker = breaker or CircuitBreaker()
        self.metrics = metrics or Metrics()
        self.breaker.on_change = lambda is_open: self.metrics.embedder_circuit_open.set(is_open)
        self._slots = asyncio.Semaphore(concurrency)
        self._rate = RateLimiter(rps)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(timeout=timeout_s, headers=headers)

    @property
    def circuit_open(self) -> bool:
        return self.breaker.open

    # -- provider specifics ------------------------------------------------------------------
    def _payload(self, texts: list[str]) -> dict[str, Any]:
        raise NotImplementedError

    def _vectors(self, body: Any) -> list[list[float]]:
        raise NotImplementedError

    def _document(self, text: str) -> str:
        return text

    def _query(self, text: str) -> str:
        return text

    # -- the shared machinery -----------------------------------------------------------------
    def _groups(self, texts: Sequence[str]) -> list[list[str]]:
        groups: list[list[str]] = [[]]
        chars = 0
        for text in texts:
            if groups[-1] and (
                len(groups[-1]) >= self.batch_size or chars + len(text) > self.batch_chars
            ):
                groups.append([])
                chars = 0
            groups[-1].append(text)
            chars += len(text)
        return [g for g in groups if g]

    async def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        prepared = [self._document(t) for t in texts]
        results = await asyncio.gather(*(self._request(group) for group in self._groups(prepared)))
        return [vector for group in results for vector in group]

    async def embed_query(self, text: str) -> Vector:
        return (await self._request([self._query(text)]))[0]

    async def _request(self, texts: list[str]) -> list[Vector]:
        last: Exception | None = None
        for attempt in range(self.attempts):
            if not self.breaker.allow():
                raise EmbedderUnavailable(
                    f"{self.provider} circuit open after repeated failures ({self.breaker.reason})"
                )
            retry_after: float | None = None
            probe = self.breaker.probing
            started = time.monotonic()
            try:
                vectors = await self._send(texts)
            except (EmbedderRejected, EmbedderMisconfigured):
                self.breaker.record_success()  # the server answered: it is up
                raise
            except EmbedderUnavailable as exc:
                last, retry_after = exc, exc.retry_after_s
                self.breaker.record_failure(str(exc))
            except asyncio.CancelledError:  # the caller gave up waiting
                if probe:  # a probe given up is a failed one: the next may go after the cooldown
                    self.breaker.record_failure("the probe was given up")
                raise
            else:
                self.breaker.record_success(time.monotonic() - started)
                return vectors
            if attempt + 1 < self.attempts:
                self.metrics.embedder_retries.labels(provider=self.provider).inc()
                await asyncio.sleep(
                    retry_after or backoff_delay(attempt, self.retry_initial_s, self.retry_max_s)
                )
        assert last is not None
        raise last

    async def _send(self, texts: list[str]) -> list[Vector]:
        await self._rate.wait()
        async with self._slots:
            self.metrics.embedder_in_flight.inc()
            try:
                response = await self._client.post(self.url + self.path, json=self._payload(texts))
            except httpx.TimeoutException as exc:
                self._count("timeout")
                raise EmbedderUnavailable(
                    f"{self.provider} timed out: {type(exc).__name__}"
                ) from exc
            except httpx.TransportError as exc:
                self._count("unreachable")
                raise EmbedderUnavailable(f"{self.provider} unreachable: {exc}") from exc
            finally:
                self.metrics.embedder_in_flight.dec()
        self._count(str(response.status_code))
        if response.status_code in RETRYABLE_STATUS:
            raise EmbedderUnavailable(
                f"{self.provider} answered {response.status_code}",
                retry_after_s=parse_retry_after(
                    response.headers.get("retry-after"), self.retry_max_s * 10
                ),
            )
        if response.status_code in MISCONFIGURED_STATUS:
            raise EmbedderMisconfigured(
                f"{self.provider} embedder at {self.url} answered {response.status_code}: it "
                f"{MISCONFIGURED_STATUS[response.status_code]} ({response.text[:200]})"
            )
        if response.status_code >= 400:
            raise EmbedderRejected(
                f"{self.provider} refused the text: {response.status_code} {response.text[:300]}"
            )
        try:
            raw = self._vectors(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbedderUnavailable(
                f"{self.provider} sent an unreadable response: {exc}"
            ) from exc
        return check_vectors(raw, len(texts), self.dims, self.provider)

    def _count(self, status: str) -> None:
        self.metrics.embedder_requests.labels(provider=self.provider, status=status).inc()

    async def close(self) -> None:
        await self._client.aclose()


class OllamaEmbedder(HttpEmbedder):
    provider = "ollama"
    path = "/api/embed"

    def _payload(self, texts: list[str]) -> dict[str, Any]:
        return {"model": self.model, "input": texts}

    def _vectors(self, body: Any) -> list[list[float]]:
        return list(body["embeddings"])


class OpenAIEmbedder(HttpEmbedder):
    """OpenAI-compatible ``/v1/embeddings``. Asks for ``encoding_format: base64`` (little-endian
    float32, decoded with numpy: a fraction of the JSON work of 384+ floats per text) and falls
    back to floats for a server that refuses base64 or answers with lists anyway."""

    provider = "openai"
    path = "/v1/embeddings"

    def __init__(self, *args: Any, send_dimensions: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.send_dimensions = send_dimensions
        self.encoding = "base64"
        if self.url.endswith("/v1"):
            self.url = self.url[: -len("/v1")]

    def _payload(self, texts: list[str]) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model,
            "input": texts,
            "encoding_format": self.encoding,
        }
        if self.send_dimensions:
            payload["dimensions"] = self.dims
        return payload

    def _vectors(self, body: Any) -> list[Any]:
        data = sorted(body["data"], key=lambda item: item["index"])
        return [_decoded(item["embedding"]) for item in data]

    async def _send(self, texts: list[str]) -> list[Vector]:
        try:
            return await super()._send(texts)
        except EmbedderRejected as exc:
            refused = str(exc).lower()
            if not ("base64" in refused or "encoding_format" in refused):
                raise
            self.encoding = "float"  # a server that refuses base64: ask for floats from now on
            return await super()._send(texts)


def _decoded(embedding: Any) -> Any:
    """A base64 string of little-endian float32, or a list of floats, as an array."""
    if isinstance(embedding, str):
        return np.frombuffer(base64.b64decode(embedding), dtype="<f4")
    return embedding


def build_http_embedder(settings: Settings, metrics: Metrics | None = None) -> HttpEmbedder:
    assert settings.embedder_url is not None  # enforced by Settings
    deferring = settings.embedder_outage_policy == "defer"
    common: dict[str, Any] = dict(
        concurrency=settings.embedder_concurrency,
        batch_size=settings.embedder_batch_size,
        batch_chars=settings.embedder_batch_chars,
        rps=settings.embedder_rps,
        timeout_s=settings.embedder_timeout_s,
        breaker=CircuitBreaker(
            settings.embedder_circuit_threshold,
            settings.embedder_circuit_cooldown_s,
            prompt_s=settings.embedder_wait_s if deferring else None,
            name=f"embedder {settings.embedder} at {settings.embedder_url}",
        ),
        metrics=metrics,
    )
    if settings.embedder == "ollama":
        return OllamaEmbedder(settings.embedder_url, settings.model_name, settings.dims, **common)
    api_key = settings.embedder_api_key.get_secret_value() if settings.embedder_api_key else None
    return OpenAIEmbedder(
        settings.embedder_url,
        settings.model_name,
        settings.dims,
        api_key=api_key,
        send_dimensions=settings.embedder_dims is not None,
        **common,
    )
