# jobingest: `make dev` runs the whole system locally, `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: dev test lint typecheck check install clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,local,tracing]"
	# devtools/ (dev stack, benchmarks) is not in the wheel: the checkout goes on the path
	$(BIN)/python -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'jobingest-devtools.pth').write_text('$(CURDIR)\\n')"
	touch $(STAMP)

install: $(STAMP)

## Kafka + PostgreSQL + a worker, a published sample, then search it. Ctrl-C stops all.
dev: $(STAMP)
	$(BIN)/jobingest dev

## The test suite against real Kafka and PostgreSQL, started by the project.
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) .jobingest .mypy_cache .ruff_cache .pytest_cache
