# jixiao — the two set-up commands are `make run` and `make test`; both install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-review bench-store score golden review-golden rules-doc clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, parse the bundled sample tables, review them and import them into ./jixiao.db (SQLite)
run: $(STAMP)
	$(BIN)/jixiao samples

## test: install, then lint and run the whole test suite
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## bench: parse throughput and peak memory (median of 5 runs), printed as a table
bench: $(STAMP)
	$(BIN)/python benchmarks/parse_bench.py

## bench-review: indicators reviewed per second (1,000,000 indicators, median of 5 runs), printed as a table
bench-review: $(STAMP)
	$(BIN)/python benchmarks/review_bench.py

## score: field-by-field F1 against ../shared/gold
score: $(STAMP)
	$(PYTHON) ../shared/tools/score.py --gold ../shared/gold --src ../shared/seeds --run '$(BIN)/jixiao parse {src} --format json'

## golden: regenerate tests/data/golden/*.json from the samples (review the diff before committing)
golden: $(STAMP)
	$(BIN)/python tests/make_golden.py

## review-golden: regenerate tests/data/review/golden/*.findings.json (check every changed finding by hand)
review-golden: $(STAMP)
	$(BIN)/python tests/make_review_golden.py

## rules-doc: regenerate docs/rules.md from the rule registry
rules-doc: $(STAMP)
	$(BIN)/python -m jixiao.review.docs > docs/rules.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## bench-store: import rate, search p50/p95 over ≥1,000,000 indicators, size — SQLite and PostgreSQL
bench-store: $(STAMP)
	$(BIN)/python benchmarks/store_bench.py
