# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := LINDUNGI_DEBUG=1

.PHONY: run test install lint typecheck migrate messages clean browser-deps fuzz faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/lindungi compilemessages --ignore=.venv >/dev/null

run: install
	$(DEV_ENV) $(BIN)/lindungi migrate --noinput
	$(DEV_ENV) $(BIN)/lindungi collectstatic --noinput >/dev/null
	$(DEV_ENV) $(BIN)/lindungi demo
	@echo "Serving on http://$${LINDUNGI_BIND:-127.0.0.1:8000} (Ctrl+C to stop)"
	$(DEV_ENV) $(BIN)/lindungi serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The access modules, the actions and the API routes are typed: mypy with django-stubs
# (files and settings in pyproject.toml).
typecheck: install
	$(BIN)/mypy

# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
browser-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# The suite runs in parallel, one worker per core (`-n auto` in pyproject.toml's addopts).
test: lint typecheck browser-deps
	$(DEV_ENV) $(BIN)/lindungi makemigrations --check --dry-run
	$(BIN)/pytest -q

# The API fuzzed longer than CI does (over 10,000 requests a database, SQLite and
# PostgreSQL at 127.0.0.1:5432); the figures go to bench/RESULTS.md.
fuzz: install
	$(BIN)/python bench/fuzz_api.py --examples 250 --write

# Intake under load while the app server and a private PostgreSQL cluster (made under /tmp,
# never the shared server) are killed with kill -9: every acknowledged report stored exactly
# once, no key stuck, audit-verify and PRAGMA integrity_check pass. Run before a release
# (about 10 minutes on a loaded 2-core machine: too long for CI); --write puts the figures
# in bench/RESULTS.md.
faults: install
	$(BIN)/python bench/faults.py --write

# Regenerate the message catalogues after adding or changing user-facing strings.
messages: install
	$(DEV_ENV) $(BIN)/lindungi makemessages -l id -l en --ignore=.venv --ignore=data --ignore=tests --ignore=bench --no-obsolete
	$(DEV_ENV) $(BIN)/lindungi compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) data
