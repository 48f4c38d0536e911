# Two entry points for a fresh machine (Python 3.11+ and make):
#   make demo   set up .venv and check the bundled example note against its claim lines
#   make test   set up .venv and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@# exit 1 means "gaps found" (the point of the demo); exit 2 is a real failure
	$(BIN)/opnote-check check fixtures/notes/demo-tlif.txt --claim fixtures/notes/demo-tlif.claim.json; test $$? -le 1

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py

clean:
	rm -rf $(VENV) .pytest_cache
