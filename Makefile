# Grassroots: two commands. `make run` serves the demo district; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test fuzz bench schema migrate demo worker clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/grassroots migrate
	$(BIN)/grassroots demo
	$(BIN)/grassroots serve

# Pure rules and the API on SQLite with the embedded Redis; when TEST_DATABASE_URL is set (CI sets
# it), everything that touches a database again on PostgreSQL with a real Redis — both passes at
# the same time (they share nothing: other database, other Redis), the PostgreSQL pass's report
# printed after the SQLite one's; the target fails when either fails.
DB_TESTS := tests/api tests/test_demo.py

test: $(STAMP)
	$(BIN)/lint-imports
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  mkdir -p var; \
	  echo "== SQLite, and at the same time PostgreSQL ($$TEST_DATABASE_URL) with Redis ($${TEST_REDIS_URL:-embedded}): var/test-postgres.log"; \
	  GRASSROOTS_TEST_BACKEND=postgres $(BIN)/python -m pytest -q -p no:cacheprovider $(DB_TESTS) > var/test-postgres.log 2>&1 & pg=$$!; \
	  $(BIN)/python -m pytest; sqlite=$$?; \
	  wait $$pg; postgres=$$?; \
	  echo "== PostgreSQL pass"; cat var/test-postgres.log; \
	  test $$sqlite -eq 0 && test $$postgres -eq 0; \
	else \
	  $(BIN)/python -m pytest; \
	fi

# Fuzzing (not part of `make test`): schemathesis sends generated queries and mutations for
# FUZZ_SECONDS on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set (that database is
# DROPPED and recreated). Fails on any 5xx, error without extensions.code, or raw database /
# Python text in a response. See bench/fuzz.py.
FUZZ_SECONDS ?= 180

fuzz: $(STAMP)
	$(BIN)/pip install --quiet -e ".[fuzz]"
	$(BIN)/python bench/fuzz.py --seconds $(FUZZ_SECONDS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(BIN)/python bench/fuzz.py --seconds $(FUZZ_SECONDS) --database-url "$$TEST_DATABASE_URL" \
	    $${TEST_REDIS_URL:+--redis-url "$$TEST_REDIS_URL"}; \
	fi

# The read-path benchmark (not part of `make test`; see bench/README.md): on PostgreSQL and Redis at
# 127.0.0.1, builds bench/scale.py's size-M district when the database is missing or empty, then
# prints every figure (the API against its floor, paging, node(id:) under load, peak memory).
bench: $(STAMP)
	$(BIN)/python bench/read_path.py --database-url postgres://postgres@127.0.0.1:5432/grassroots_bench_m --size M --build-missing

schema: $(STAMP)
	$(BIN)/grassroots schema --write

migrate: $(STAMP)
	$(BIN)/grassroots migrate

demo: $(STAMP)
	$(BIN)/grassroots demo

worker: $(STAMP)
	$(BIN)/grassroots worker

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
