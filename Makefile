# Comptoir — the two commands of the README:
#   make run    set everything up, then open the application
#   make test   set everything up, then run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MO     := tiers_lieu/locale/en/LC_MESSAGES/comptoir.mo
PO     := tiers_lieu/locale/en/LC_MESSAGES/comptoir.po
PG_URL := $(VENV)/postgres-tests.url
PG_WHY := $(VENV)/postgres-tests.why

# Debian packages Qt's X11 (xcb) window plugin loads; the tests run offscreen without them.
QT_DEBS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
	libegl1 libgl1 libfontconfig1 libdbus-1-3

.PHONY: run test lint typecheck pytest demo bench screenshots catalog clean qt-libs package

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -D comptoir -d tiers_lieu/locale -l en

run: $(STAMP) $(MO) qt-libs
	$(BIN)/tiers-lieu

# Installs the missing Qt window libraries on Debian (as root, or through sudo); elsewhere
# says which to install.
qt-libs:
	@command -v dpkg >/dev/null 2>&1 || exit 0; \
	missing=$$(for p in $(QT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "Bibliothèques Qt manquantes : $$missing"; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q $$missing; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -q && sudo apt-get install -y -q $$missing; \
	else echo "Installez-les : apt-get install $$missing"; exit 1; fi

# The Debian package (installer/build.sh, then installer/build_deb.sh): dist/comptoir_*.deb.
# Its dependencies are read off the bundle's libraries, so those must be on this machine: the
# Qt ones above and DEB_EXTRA (Qt's Wayland plugin's, and libpq, which psycopg loads by name).
# installer/check_deb.sh (as root) installs it and tries it as a new user.
DEB_EXTRA := libwayland-cursor0 libwayland-egl1 libpq5

package: $(STAMP) $(MO)
	@$(MAKE) --no-print-directory qt-libs QT_DEBS="$(QT_DEBS) $(DEB_EXTRA)"
	bash installer/build.sh
	DEB_EXTRA="$(DEB_EXTRA)" bash installer/build_deb.sh

lint: $(STAMP)
	$(BIN)/ruff check tiers_lieu tests bench

typecheck: $(STAMP)
	$(BIN)/mypy tiers_lieu

# .ci/postgres.sh starts a PostgreSQL server for the tests (installing it if it can) and writes
# its URL, or why there is none (then the PostgreSQL tests are skipped, with that reason).
pytest: $(STAMP) $(MO)
	@sh .ci/postgres.sh $(PG_URL) $(PG_WHY)
	@# Bytecode written once, read by every worker and every `tiers-lieu` the tests start:
	@# with PYTHONDONTWRITEBYTECODE set (CI), each of them compiled the package from source.
	@$(BIN)/python -m compileall -q tiers_lieu
	QT_QPA_PLATFORM=offscreen \
	TIERS_LIEU_TEST_PG="$${TIERS_LIEU_TEST_PG:-$$(cat $(PG_URL) 2>/dev/null)}" \
	TIERS_LIEU_TEST_PG_WHY="$$(cat $(PG_WHY) 2>/dev/null)" \
	$(BIN)/python -m pytest -n 2 -q

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
