PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,s3]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/drivehr-sync demo

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python scripts/benchmark.py

serve: $(STAMP)
	$(BIN)/drivehr-sync serve

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
