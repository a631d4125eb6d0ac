# Every target creates .venv when it is missing and installs the pinned dependencies into it.
# requirements.lock pins what accede needs to run; requirements-dev.lock adds tests, lint and bench.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench wheel clean browser

$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/accede run fixtures/scenarios/armenia-sco.yaml
	@echo "The analyst's page: $(BIN)/accede serve, then open http://127.0.0.1:8000/"

# The page's tests drive Debian's chromium (Playwright cannot download its own browser here). Where it
# is missing it is installed when that is possible (root and apt); otherwise the browser tests skip,
# and pytest's -rs prints why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium for the browser tests (apt-get)"; \
	    apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; } || \
	    echo "chromium could not be installed: the browser tests will skip"; \
	  else echo "chromium is missing and cannot be installed here: the browser tests will skip"; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -rs

lint: $(STAMP)
	$(BIN)/ruff check engine api tests
	$(BIN)/ruff format --check engine api tests
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m tests.bench

# A wheel built from this checkout, in dist/ (see the README: it carries the bundled world).
wheel: $(STAMP)
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w dist .

clean:
	rm -rf $(VENV) dist build
