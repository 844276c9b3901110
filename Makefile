# The two commands of the README: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup demo lint test bench evaluate

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

demo: setup
	mkdir -p out
	$(VENV)/bin/realpolitik code examples/wikinews.jsonl -o out/events.jsonl
	$(PY) -c "import json; [print(r['event_date'], r['source'], r['code'], r['event_name'][:34].ljust(34), r['target'] or '-', r['modality'], '|', r['trigger_text']) for r in map(json.loads, open('out/events.jsonl'))]"

# ruff (lint and format) and mypy first: a finding fails the run before the tests
lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest

bench: setup
	$(PY) benchmarks/run.py
	$(PY) benchmarks/long_documents.py
	$(PY) benchmarks/store.py

SHARED ?= ../shared/data
evaluate: setup
	mkdir -p out/eval
	$(VENV)/bin/realpolitik evaluate data/gold/test.jsonl --scheme realpolitik --json out/eval/gold_test.json
	$(VENV)/bin/realpolitik evaluate data/gold/dev.jsonl --scheme realpolitik --json out/eval/gold_dev.json
	$(VENV)/bin/realpolitik evaluate $(SHARED)/plover_gsr.jsonl --json out/eval/plover.json
	$(VENV)/bin/realpolitik evaluate $(SHARED)/plover_gsr.jsonl --asserted-only --json out/eval/plover_asserted.json
	$(VENV)/bin/realpolitik evaluate $(SHARED)/petrarch2_unittests.jsonl --filter real --json out/eval/petrarch_real.json
	$(VENV)/bin/realpolitik evaluate $(SHARED)/petrarch2_unittests.jsonl --json out/eval/petrarch_all.json
	$(VENV)/bin/realpolitik evaluate $(SHARED)/india_police_events_dev.jsonl --json out/eval/ipe.json
