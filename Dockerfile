FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY schemas ./schemas
COPY producers ./producers
COPY worker ./worker
RUN pip install --no-cache-dir -c constraints.txt ".[tracing]" && useradd --system jobingest
USER jobingest
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=2).status != 200)"
ENTRYPOINT ["jobingest"]
CMD ["worker"]
