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

# `sam build` (template.yaml, BuildMethod: makefile) calls build-<LogicalId>
# with ARTIFACTS_DIR set. Lambda runs arm64 Python 3.12, so the compiled
# dependencies (lxml, pydantic-core, nh3) are taken as wheels for that
# platform, whatever machine builds.
LAMBDA_PLATFORM := --platform manylinux2014_aarch64 --implementation cp \
	--python-version 3.12 --only-binary=:all:

build-SyncJobsFunction build-HealthCheckFunction build-ManualTriggerFunction \
build-MetricsFunction:
	rm -rf build/wheel && $(PYTHON) -m pip wheel --quiet --no-deps -w build/wheel .
	$(PYTHON) -m pip install --quiet $(LAMBDA_PLATFORM) \
		--target "$(ARTIFACTS_DIR)" "$$(ls build/wheel/*.whl)[s3]"
	cp -r functions "$(ARTIFACTS_DIR)/functions"
