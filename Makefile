# Two commands from a fresh clone: `make run` and `make test`. Each creates and uses .venv and
# node_modules/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Dependencies come from hash-pinned lock files, made from pyproject.toml by `make lock`:
# requirements.lock (runtime + dev extra) for .venv, requirements-prod.lock (runtime only) for the
# Dockerfile. Both are resolved for CPython 3.11 on Linux. The project itself is installed with
# --no-deps, so nothing outside the lock gets in.
LOCKS := requirements.lock requirements-prod.lock
# The lock tool lives in its own venv (inside .venv, so `make clean` removes it too), at a fixed version.
UV_VERSION := 0.13.10
LOCK_TOOL := $(VENV)/lock-tool
UV_STAMP := $(LOCK_TOOL)/.uv-$(UV_VERSION)
COMPILE := $(LOCK_TOOL)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
	--quiet --custom-compile-command 'make lock'

.PHONY: run test install lint clean lock

# The browser libraries the pages serve (bpmn-js) come from the npm registry, pinned with their
# integrity hashes in package-lock.json; `npm ci` installs exactly that into node_modules/ and fails
# when package.json and the lock disagree. The stamp is rewritten after each install (npm ci empties
# node_modules/ first), so the install runs again only when package.json or the lock changes.
NODE_STAMP := node_modules/.installed

$(STAMP): pyproject.toml $(LOCKS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(UV_STAMP):
	test -x $(LOCK_TOOL)/bin/python || $(PYTHON) -m venv $(LOCK_TOOL)
	$(LOCK_TOOL)/bin/pip install --quiet uv==$(UV_VERSION)
	touch $(UV_STAMP)

# Keeps the versions already in the locks where pyproject.toml still allows them;
# `make lock LOCK_FLAGS=--upgrade` moves everything to the newest allowed versions.
lock: $(UV_STAMP)
	$(COMPILE) $(LOCK_FLAGS) --extra dev -o requirements.lock
	@# The production lock is held to the dev lock's versions: the image runs what the tests ran.
	$(COMPILE) $(LOCK_FLAGS) -c requirements.lock -o requirements-prod.lock

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# The pages' session key: random, made once on this machine and kept in var/ (never committed).
SECRET_FILE := var/secret_key

$(SECRET_FILE):
	mkdir -p var
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $(SECRET_FILE)

run: $(STAMP) $(NODE_STAMP) $(SECRET_FILE)
	$(BIN)/cadreflow init-db
	$(BIN)/cadreflow seed-demo --tokens-json var/demo-tokens.json
	CADREFLOW_SECRET_KEY_FILE=$(SECRET_FILE) $(BIN)/cadreflow serve --host 127.0.0.1 --port 5000

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	@# the one-way layering of service/ ([tool.importlinter] in pyproject.toml)
	$(BIN)/lint-imports
	@test -n "$$CADREFLOW_TEST_DATABASE_URL" || echo "NOTE: CADREFLOW_TEST_DATABASE_URL is not set: the PostgreSQL half of the suite is SKIPPED (.ci/run sets it)"
	@test -x /usr/bin/chromium || echo "NOTE: chromium not found at /usr/bin/chromium: the browser tests (tests/e2e) will be skipped"
	@# types: [tool.mypy] in pyproject.toml
	$(BIN)/mypy
	@# pytest exits 5 when it collects nothing: that is a failure too, never a success.
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 .pytest_cache .mypy_cache
