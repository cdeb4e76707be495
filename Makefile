# Two commands do everything on a fresh machine with Python 3.11+:
#   make book   set up .venv, build the book (every chapter executed), print where it is
#   make test   set up .venv, run the whole test suite (what CI runs)
# Also: make lab (JupyterLab at the repository root, opened on your exercises in work/),
#       make fresh EX=06 (a fresh copy of one exercise notebook in work/; yours is kept),
#       make exercises (regenerate exercises/ from solutions/).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Your workspace: the exercise notebooks are copied here on first use and never overwritten
# (`make lab` only adds the ones missing). It is git-ignored, and neither `make test` nor
# `make exercises` touches it.
WORK := work

.PHONY: book test lab fresh exercises clean bench

# numpy's OpenBLAS spawns a thread per core for every small matrix product; on a 2-core
# machine that is slower than one thread for the book's sizes. torch has its own pool.
export OPENBLAS_NUM_THREADS ?= 1

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: this book needs Python 3.11 or newer as '$(PYTHON)';" \
	       "found: $$($(PYTHON) --version 2>&1 || echo 'no such command')." \
	       "Install Python 3.11+, or run e.g. 'make $(MAKECMDGOALS) PYTHON=python3.11'." >&2; \
	  exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	@PATH="$(CURDIR)/$(BIN):$$PATH" bash tools/run_tests.sh

lab: $(STAMP)
	@$(BIN)/python tools/make_exercises.py --workspace $(WORK)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/$(WORK)

fresh: $(STAMP)
	@test -n "$(EX)" || { echo "usage: make fresh EX=06   (the chapter's number)" >&2; exit 1; }
	@$(BIN)/python tools/make_exercises.py --workspace $(WORK) --fresh $(EX)

exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py

clean:
	rm -rf _build .pytest_cache .ruff_cache

# the benchmarks at full size, with their ratio tables (not part of `make test`)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_lstm.py --compile
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/bench_precision.py
	OMP_NUM_THREADS=1 $(BIN)/torchrun --standalone --nproc_per_node=2 benchmarks/ddp_charlm.py --check
	$(BIN)/python benchmarks/bench_charlm.py
