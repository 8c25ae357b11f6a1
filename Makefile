# Comptoir — the two commands of the README:
#   make run    set everything up, then open the application
#   make test   set everything up, then run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MO     := tiers_lieu/locale/en/LC_MESSAGES/comptoir.mo
PO     := tiers_lieu/locale/en/LC_MESSAGES/comptoir.po

.PHONY: run test lint typecheck pytest demo bench screenshots catalog clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -D comptoir -d tiers_lieu/locale -l en

run: $(STAMP) $(MO)
	$(BIN)/tiers-lieu

lint: $(STAMP)
	$(BIN)/ruff check tiers_lieu tests bench

typecheck: $(STAMP)
	$(BIN)/mypy tiers_lieu

pytest: $(STAMP) $(MO)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q

test: lint typecheck pytest

demo: $(STAMP)
	$(BIN)/tiers-lieu demo --scale small

bench: $(STAMP) $(MO)
	$(BIN)/python bench/bench_demo.py

screenshots: $(STAMP) $(MO)
	QT_QPA_PLATFORM=offscreen $(BIN)/tiers-lieu --smoke-test --screenshots docs/screenshots

# Re-extract the messages after changing strings; translate the new ones in $(PO).
catalog: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 -o tiers_lieu/locale/comptoir.pot \
		--project=Comptoir --copyright-holder=Comptoir tiers_lieu
	$(BIN)/pybabel update -D comptoir -i tiers_lieu/locale/comptoir.pot -d tiers_lieu/locale -l en

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
