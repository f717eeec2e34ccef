# The jobingest image: worker, gateway and operator CLI, with the local embedding model
# (JOBINGEST_EMBEDDER=local, as the Kubernetes manifests and compose select) and Amazon MSK IAM
# support. Build: docker build -t registry.example.com/jobingest:0.1.0 .
FROM python:3.11.14-slim-bookworm
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY schemas ./schemas
COPY producers ./producers
COPY worker ./worker
COPY cli ./cli
# uid 10001: the runAsUser of the Kubernetes manifests
RUN pip install --no-cache-dir -c constraints.txt ".[models,msk,tracing]" \
    && useradd --system --uid 10001 --no-create-home jobingest
USER 10001
EXPOSE 8080 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=2).status != 200)"
ENTRYPOINT ["jobingest"]
CMD ["worker"]
