# Two commands on a fresh machine:  `make chat` (ingest the sample corpus, open the chat)
# and `make test` (lint, import contracts, type check and the whole test suite, as CI runs
# it).  Both create .venv here first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-installed-stamp
SAMPLE ?= samples/vision-datasets-papers.txt
SAMPLE_HOME ?= .sample-library

.PHONY: install install-test chat test lint bench clean

# `install`: what running litassist needs; `install-test`: that plus the test extra (pytest,
# ruff, mypy, the llama.cpp server the LLM tests run), which `make chat` never needs.
install: $(STAMP)

install-test: $(TEST_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# llama-cpp-python compiles llama.cpp on install.  Its default native build uses every
# instruction the CPU reports (AMX, AVX-512 here), and on a VM that reports AMX without
# granting it the model crashes at its first decode (SIGSEGV); the portable build (AVX2) is what
# the tests need and runs anywhere.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

$(TEST_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# The main job: the sample corpus in a library of its own (.sample-library/), then the chat.
chat: $(STAMP)
	LITASSIST_HOME=$(SAMPLE_HOME) $(BIN)/litassist ingest $(SAMPLE)
	LITASSIST_HOME=$(SAMPLE_HOME) $(BIN)/litassist chat

test: $(TEST_STAMP)
	$(BIN)/ruff check assistant tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check assistant tests benchmarks
	$(BIN)/ruff format --check assistant tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/retrieval_scifact.py
	$(BIN)/python benchmarks/ingest_speed.py
	$(BIN)/python benchmarks/query_latency.py

clean:
	rm -rf $(VENV) $(SAMPLE_HOME) .pytest_cache .ruff_cache
