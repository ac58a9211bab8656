# German discourse analysis notebooks — every target sets itself up (virtual environment + install).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= data/texts
OUT    ?= output

.PHONY: help install run test lint format lab notebooks bench fuzz clean

help:
	@echo "make run     - run every analysis on $(CORPUS) and write the report to $(OUT)/index.html"
	@echo "make test    - lint, unit tests, notebook validation (nbval)"
	@echo "make lab     - open JupyterLab on notebooks/ with the project's kernel"
	@echo "make notebooks - re-execute the committed notebooks in place (after changing the package)"
	@echo "make bench   - benchmarks (installs the spaCy baseline)"
	@echo "make fuzz    - property tests with 10,000 examples each"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m analysis run --corpus $(CORPUS) --out $(OUT)

test: install
	$(BIN)/python -m ruff check analysis tests benchmarks
	$(BIN)/python -m ruff format --check analysis tests benchmarks
	$(BIN)/python -m pytest --nbval-lax --nbval-sanitize-with notebooks/sanitize.cfg tests notebooks

lint: install
	$(BIN)/python -m ruff check analysis tests benchmarks
	$(BIN)/python -m ruff format --check analysis tests benchmarks

format: install
	$(BIN)/python -m ruff format analysis tests benchmarks
	$(BIN)/python -m ruff check --fix analysis tests benchmarks

lab: install
	$(BIN)/python -m ipykernel install --user --name german-discourse --display-name "German discourse (project)"
	cd notebooks && ../$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,)

notebooks: install
	cd notebooks && for nb in 0*.ipynb; do \
	  ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False $$nb || exit 1; \
	done

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_annotation.py

fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_properties.py

clean:
	rm -rf $(OUT) .pytest_cache
