# syntax=docker/dockerfile:1
# Two stages: build a virtualenv with CPU-only torch, then copy it into a slim runtime.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The CPU wheel index keeps the image small; PyPI's default Linux torch bundles CUDA.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TRIAGE_MODELS_DIR=/srv/models \
    TRIAGE_DATA_DIR=/srv/data \
    TRIAGE_AUTH=true \
    PORT=8000
RUN useradd --system --uid 10001 --home-dir /srv triage \
    && mkdir -p /srv/data && chown triage:triage /srv/data
COPY --from=build /opt/venv /opt/venv
COPY --chown=triage:triage models /srv/models
USER triage
WORKDIR /srv
# The embedded SQLite conversation store (and the API keys) lives here; mount a volume to
# keep it. Every /v1 route needs a key: `docker exec <container> triage keys create
# --tenant <name> --role admin` prints the first one.
VOLUME /srv/data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz', timeout=2)"
# One worker per container: scale with replicas, not processes sharing two cores.
CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port ${PORT} --workers 1 --no-access-log --timeout-graceful-shutdown 20"]
