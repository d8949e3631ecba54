# jixiao — the two set-up commands are `make run` and `make test`; both install what they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run serve test lint bench bench-review bench-score bench-review-precision bench-store bench-web score golden review-golden rules-doc clean fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install; parse, review and import the bundled sample tables into ./jixiao.db (SQLite); serve the web UI
run: $(STAMP)
	$(BIN)/jixiao samples
	$(BIN)/jixiao serve

## serve: the web UI and JSON API over ./jixiao.db (or $$JIXIAO_DB) at http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/jixiao serve

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

## bench-score: score_document and review on the evaluation tables (10 real + 200 synthetic), ms per table, median of 5
bench-score: $(STAMP)
	$(BIN)/python benchmarks/score_bench.py

## bench-review-precision: precision of the review per rule and severity against the hand-judged findings on the samples
bench-review-precision: $(STAMP)
	$(BIN)/python benchmarks/review_precision.py

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

## bench-web: load test of jixiao serve on loopback (wrk): search and project pages, req/s and p50/p99
bench-web: $(STAMP)
	command -v wrk >/dev/null || (apt-get install -y -qq wrk || sudo apt-get install -y -qq wrk)
	$(BIN)/python benchmarks/web_bench.py --connections 8

## fuzz: every reader fed damaged files of its format, 50 times the seeds `make test` runs (several minutes)
fuzz: $(STAMP)
	JIXIAO_FUZZ_SCALE=50 $(BIN)/python -m pytest tests/test_read_damaged.py -q
