# Everything a fresh machine needs: python3 (3.11+), gcc (durable-rules compiles) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint fuzz bench clean postgresql chromium screenshots

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## demo: set up, check the bundled Panlong catalogue, and answer one case with it
# The bundled plan is Panlong's of 2019: its key tasks are judged as of mid-August 2019
# (against today's date, every unfinished 2019 task is an overdue warning).
demo: $(VENV)/.installed
	$(BIN)/dutylist check catalogs/panlong --today 2019-08-15
	$(BIN)/dutylist who 噪声扰民 --at 桃园社区 --set source=社会生活 --set night=true --catalog catalogs/panlong

## test: set up and run the whole test suite (the store's tests start a real PostgreSQL,
## the page tests a real Chromium)
test: $(VENV)/.installed postgresql chromium
	$(BIN)/python -m pytest

## postgresql: Debian's PostgreSQL server, for the store's tests (they start it themselves)
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) || \
	  echo "PostgreSQL could not be installed: its tests are skipped (and fail under CI=true)"

## chromium: Debian's Chromium and a Chinese font, for the page tests and screenshots
## (Playwright drives the browser; nothing is downloaded when the tests run)
chromium:
	@(command -v chromium && fc-list :lang=zh | grep -q .) >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei) || \
	  echo "Chromium could not be installed: the page tests are skipped (and fail under CI=true)"

## screenshots: the README's pictures of every page, desktop and phone, taken in Chromium
screenshots: $(VENV)/.installed chromium
	$(BIN)/python docs/screens.py

## fuzz: the fuzzers (the CLI's, and the HTTP API's from its OpenAPI schema) for longer (5,000 examples a property)
DUTYLIST_FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed
	DUTYLIST_FUZZ_EXAMPLES=$(DUTYLIST_FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz_no_traceback.py tests/test_http_fuzz.py --hypothesis-show-statistics

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## bench: every performance figure at 0.25x, 0.5x, 1x and 2x city scale (several minutes)
bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis
