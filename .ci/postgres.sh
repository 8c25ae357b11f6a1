#!/bin/sh
# A PostgreSQL server for the tests, on localhost: `make test` calls this before pytest.
#
#   .ci/postgres.sh URL_FILE WHY_FILE
#
# On success URL_FILE holds `postgresql+psycopg://comptoir_tests:…@localhost:PORT/comptoir_tests`
# (a role allowed to create the per-test databases); the Makefile exports it as
# TIERS_LIEU_TEST_PG. Otherwise WHY_FILE holds one line saying why, printed here and repeated by
# the skipped tests. This script never fails `make test`: it always exits 0.
#
# - TIERS_LIEU_TEST_PG already set: nothing to do (a server of your own, or CI's).
# - Root (or password-less sudo) with Debian's postgresql-common: a cluster of its own,
#   `comptoir_tests` (pg_createcluster, manual start, localhost only, fsync off: a throwaway),
#   next to any other cluster, which is left alone. PostgreSQL missing: `apt-get install -y
#   postgresql` first.
# - Otherwise, PostgreSQL's binaries found (PATH, /usr/lib/postgresql/*/bin…): a private
#   cluster under ~/.cache/comptoir/postgres-tests, run by the current user on port
#   COMPTOIR_TEST_PG_PORT (54329).
# A second run finds the server answering and returns at once.
set -u

URL_FILE=${1:-.venv/postgres-tests.url}
WHY_FILE=${2:-.venv/postgres-tests.why}
CLUSTER=comptoir_tests
ROLE=comptoir_tests
PASSWORD=comptoir_tests
DATABASE=comptoir_tests
FAST="-o fsync=off -o synchronous_commit=off -o full_page_writes=off"

if [ -n "${TIERS_LIEU_TEST_PG:-}" ]; then
    exit 0
fi
mkdir -p "$(dirname "$URL_FILE")" "$(dirname "$WHY_FILE")"
rm -f "$URL_FILE" "$WHY_FILE"

give_up() {
    echo "$1" >"$WHY_FILE"
    echo "PostgreSQL : les tests PostgreSQL seront sautés — $1"
    exit 0
}

succeed() {  # $1 = port
    echo "postgresql+psycopg://$ROLE:$PASSWORD@localhost:$1/$DATABASE" >"$URL_FILE"
    exit 0
}

answers() {  # $1 = port: the test role logs in over TCP with its password
    PGPASSWORD=$PASSWORD PGCONNECT_TIMEOUT=3 "${PSQL:-psql}" -X -q -w -h localhost -p "$1" \
        -U "$ROLE" -d "$DATABASE" -tAc "SELECT 1" >/dev/null 2>&1
}

# The role and its database, through the superuser's Unix socket ($@ runs psql as it).
make_role() {
    "$@" -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL || return 1
SELECT 'CREATE ROLE $ROLE LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') \gexec
ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DATABASE') \gexec
SQL
}

# -- root, or password-less sudo: Debian's cluster tools ---------------------------------------
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    SUDO="sudo -n"
else
    SUDO=none
fi

debian_cluster() {
    port=$(pg_lsclusters -h 2>/dev/null | awk -v c="$CLUSTER" '$2 == c { print $3; exit }')
    if [ -n "$port" ] && answers "$port"; then
        succeed "$port"
    fi
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
    [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/postgres" ] ||
        give_up "paquet postgresql installé sans serveur (/usr/lib/postgresql/*/bin/postgres)."
    existing=$(pg_lsclusters -h 2>/dev/null | awk -v c="$CLUSTER" '$2 == c { print $1; exit }')
    if [ -n "$existing" ]; then
        # Down (a restarted machine): start it; a throwaway that will not start is remade.
        if ! $SUDO pg_ctlcluster "$existing" "$CLUSTER" start >/dev/null 2>&1 &&
            ! pg_lsclusters -h | awk -v c="$CLUSTER" '$2 == c' | grep -q online; then
            $SUDO pg_dropcluster --stop "$existing" "$CLUSTER" >/dev/null 2>&1
            existing=""
        fi
    fi
    if [ -z "$existing" ]; then
        # shellcheck disable=SC2086
        $SUDO pg_createcluster "$version" "$CLUSTER" --start --start-conf=manual \
            -o listen_addresses=localhost $FAST >/dev/null 2>&1 ||
            give_up "pg_createcluster $version $CLUSTER a échoué."
    fi
    port=$(pg_lsclusters -h | awk -v c="$CLUSTER" '$2 == c { print $3; exit }')
    make_role $SUDO runuser -u postgres -- psql -p "$port" 2>/dev/null ||
        give_up "création du rôle $ROLE sur le port $port impossible."
    answers "$port" || give_up "le serveur du port $port refuse la connexion de $ROLE."
    succeed "$port"
}

if [ "$SUDO" != none ]; then
    if ! command -v pg_createcluster >/dev/null 2>&1; then
        command -v apt-get >/dev/null 2>&1 ||
            give_up "PostgreSQL absent et pas d'apt-get pour l'installer."
        echo "PostgreSQL : installation du paquet postgresql (apt-get)…"
        apt() {
            $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q -o Acquire::Retries=0 \
                -o Acquire::http::Timeout=20 "$@" >/dev/null 2>&1
        }
        apt install -y --no-install-recommends postgresql ||
            { apt update && apt install -y --no-install-recommends postgresql; } ||
            give_up "apt-get install postgresql a échoué (réseau ?)."
    fi
    debian_cluster
fi

# -- an ordinary user: a private cluster, if the server's binaries are here ----------------------
bindir=""
for candidate in "$(pg_config --bindir 2>/dev/null)" $(ls -d /usr/lib/postgresql/*/bin \
    /usr/pgsql-*/bin /opt/homebrew/bin /usr/local/bin 2>/dev/null | sort -rV); do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
        bindir=$candidate
        break
    fi
done
[ -n "$bindir" ] || give_up "PostgreSQL absent, et l'installer demande root (ou sudo sans mot de passe)."
PSQL="$bindir/psql"
port=${COMPTOIR_TEST_PG_PORT:-54329}
if answers "$port"; then
    succeed "$port"
fi
data="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/comptoir/postgres-tests"
init_cluster() {  # $1 = locale (C.UTF-8 is missing from some systems)
    rm -rf "$data" && mkdir -p "$data" &&
        "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            -E UTF8 --locale="$1" >"$data.log" 2>&1
}
if [ ! -f "$data/PG_VERSION" ]; then
    init_cluster C.UTF-8 || init_cluster C || give_up "initdb a échoué (voir $data.log)."
fi
if ! "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 start \
        -o "-p $port -k $data -c listen_addresses=localhost $(echo $FAST | sed 's/-o /-c /g')" \
        >/dev/null 2>&1 || give_up "le serveur de $data ne démarre pas (voir $data/server.log)."
fi
make_role "$PSQL" -h "$data" -p "$port" -U postgres ||
    give_up "création du rôle $ROLE sur le port $port impossible."
answers "$port" || give_up "le serveur du port $port refuse la connexion de $ROLE."
succeed "$port"
