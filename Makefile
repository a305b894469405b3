# Two entry points: `make demo` and `make test`. Both build .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# nbgrader runs tools such as alembic as subprocesses: they must be found on PATH.
# Matplotlib is headless without help: Agg in the test process (tests/conftest.py), the
# inline backend in notebook kernels (an MPLBACKEND setting would hide the figures there).
RUN := PATH="$(CURDIR)/$(BIN):$$PATH"
# The suite starts hundreds of Python processes (graders, sandboxes, kernels, nbgrader): a machine
# that sets PYTHONDONTWRITEBYTECODE would have each of them compile this package from source again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test system-packages lint assignments known-answers clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# jsonschema's optional IRI checker (rfc3987-syntax, pulled in by Jupyter) builds 35 parsers
	# when imported: 2.7 s of every nbgrader command. No Jupyter or nbgrader schema uses the iri
	# formats, and jsonschema skips them without it (python-jsonschema/jsonschema#1428).
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	touch $@

demo: $(BIN)/.installed
	$(RUN) $(BIN)/python -m autograder.demo

# Before the virtual environment is made: a missing system package is named in the first seconds.
system-packages:
	scripts/system_packages.sh

test: system-packages $(BIN)/.installed
	$(RUN) $(BIN)/ruff check autograder tests scripts benchmarks
	$(RUN) $(BIN)/lint-imports --no-cache --no-logo
	$(RUN) $(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder --durations=15

lint: $(BIN)/.installed
	$(RUN) $(BIN)/ruff check autograder tests scripts benchmarks
	$(RUN) $(BIN)/lint-imports --no-cache --no-logo

# Regenerate the student release from the solution notebooks (commit the result).
assignments: $(BIN)/.installed
	$(RUN) $(BIN)/python scripts/generate_assignments.py

# Recompute the published known-answer data from the reference solutions.
known-answers: $(BIN)/.installed
	$(RUN) $(BIN)/python scripts/make_known_answers.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
