# Two commands from a fresh clone: `make run` and `make test`. Each creates and uses .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/cadreflow init-db
	$(BIN)/cadreflow seed-demo --tokens-json var/demo-tokens.json
	$(BIN)/cadreflow serve --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/ruff check .
	@test -x /usr/bin/chromium || echo "NOTE: chromium not found at /usr/bin/chromium: the browser tests (tests/e2e) will be skipped"
	@# pytest exits 5 when it collects nothing: that is a failure too, never a success.
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache
