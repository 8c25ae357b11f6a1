#!/usr/bin/env bash
# What a host's first starts ask of a built or installed Comptoir, with no display:
#   1. `--smoke-test` on a fresh data folder (no base yet: it is made and migrated);
#   2. `init --site …`, then `--smoke-test --every-tab`: with a place, every tab of every
#      section is shown and read, so a module the bundle left out fails here (1. only shows the
#      « no place » screens);
#   3. the same in English (Babel's and Qt's English data are in the bundle too);
#   4. the activity report, in PDF and XLSX;
#   5. the base encrypted (SQLCipher), then opened again with its passphrase.
# It prints the time of each run. HOME is a folder of its own, so the data, the settings and
# the journal are those of a first start.
#
#   installer/smoke_check.sh PROGRAM [HOME]
#
# PROGRAM is dist/comptoir/tiers-lieu, or `comptoir` once the package is installed; HOME, when
# given, must be empty (a new user's); otherwise a temporary one is made and removed. It can be
# fed to `bash -s -- PROGRAM HOME` on standard input, as the package check does for a user
# that cannot read the checkout.
set -euo pipefail
program=$1
if [ -n "${2:-}" ]; then
    home=$2
else
    home=$(mktemp -d)
    trap 'rm -rf "$home"' EXIT
fi
# Where a first start puts the base (platformdirs). Windows reads its folders from the system,
# not from HOME: there the base is named through TIERS_LIEU_DB, in the same folder.
case "$(uname -s)" in
    Linux*) database=$home/.local/share/comptoir/comptoir.sqlite; named= ;;
    Darwin*) database="$home/Library/Application Support/comptoir/comptoir.sqlite"; named= ;;
    *) database=$home/comptoir.sqlite; named=$(cygpath -w "$database" 2>/dev/null || echo "$database") ;;
esac
if [ -e "$database" ]; then
    echo "$database existe déjà : il faut un dossier personnel neuf." >&2
    exit 2
fi
passphrase=

run() {
    env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_CACHE_HOME \
        -u TIERS_LIEU_DB -u TIERS_LIEU_DB_PASSPHRASE ${named:+"TIERS_LIEU_DB=$named"} \
        ${passphrase:+"TIERS_LIEU_DB_PASSPHRASE=$passphrase"} \
        HOME="$home" QT_QPA_PLATFORM=offscreen "$program" "$@" < /dev/null
}

# Microseconds since the epoch: bash 5's clock, else whole seconds (macOS's bash 3.2).
now() {
    if [ -n "${EPOCHREALTIME:-}" ]; then
        echo "${EPOCHREALTIME/[.,]/}"
    else
        echo "$(date +%s)000000"
    fi
}

timed() {
    local label=$1 start end
    shift
    start=$(now)
    if ! run "$@"; then
        echo "ÉCHEC : $label ($program $*)" >&2
        return 1
    fi
    end=$(now)
    printf 'ok %-44s %6.2f s\n' "$label" "$(((end - start) / 10000))e-2"
}

run --version
timed "test de fumée, dossier de données neuf" --smoke-test
if [ ! -s "$database" ]; then
    echo "ÉCHEC : le test de fumée n'a pas créé $database" >&2
    exit 1
fi
timed "init --site Vérification" init --site "Vérification" --commune "Montjoie-en-Couserans"
timed "test de fumée, chaque onglet (français)" --smoke-test --every-tab
timed "test de fumée, chaque onglet (anglais)" --lang en --smoke-test --every-tab
# The report's PDF (ReportLab, Pillow) and spreadsheet (openpyxl), as the command line makes them.
year=$(date +%Y)
for format in pdf xlsx; do
    timed "rapport $format" report --from "$year-01-01" --to "$year-12-31" --format "$format" \
        --out "$home/rapport.$format"
done
if [ "$(head -c 5 "$home/rapport.pdf")" != "%PDF-" ]; then
    echo "ÉCHEC : $home/rapport.pdf n'est pas un PDF" >&2
    exit 1
fi
# Encryption at rest: SQLCipher is in the bundle (sqlcipher3-binary on Linux, sqlcipher3 on
# Windows and macOS), and the encrypted base opens with its passphrase.
passphrase="essai du paquet, $(date +%s) chevaux"
timed "chiffrement (SQLCipher)" encrypt
timed "test de fumée, base chiffrée" --smoke-test
