"""Copy the Coop de la médiation numérique's labels into ``labels.json`` (values only).

Run with a clone (or bare mirror) of ``inclusion-numerique/coop-mediation-numerique``::

    python tests/data/coop-mediation-numerique/extract_labels.py PATH/TO/REPO \
        > tests/data/coop-mediation-numerique/labels.json

It reads the files at ``HEAD`` with ``git show`` and records the commit. The tests read the
JSON only (the repository is not needed to run them).
"""

import json
import re
import subprocess
import sys

R = sys.argv[1]
C = "apps/web/src/features/activites/use-cases"
B = "apps/web/src/features/beneficiaire/domain"


def show(path):
    return subprocess.run(
        ["git", "-C", R, "show", f"HEAD:{path}"], capture_output=True, text=True, check=True
    ).stdout


def obj(path, name):
    text = show(path)
    m = re.search(r"export const " + name + r"\b[^=]*=\s*\{(.*?)\n\}", text, re.S)
    body = m.group(1)
    out = {}
    # key: 'value' or key:\n 'value'
    for m2 in re.finditer(
        r"^\s*['\"]?(\w+)['\"]?:\s*(?:\n\s*)?(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")",
        body,
        re.M,
    ):
        out[m2.group(1)] = m2.group(2) if m2.group(2) is not None else m2.group(3)
    return {"file": path, "name": name, "labels": out}


def stars(path, name):
    text = show(path)
    body = re.search(r"export const " + name + r"\b[^=]*=\s*\{(.*?)\n\}", text, re.S).group(1)
    return {
        "file": path,
        "name": name,
        "stars": {k: int(v) for k, v in re.findall(r"(\w+):\s*(\d+)", body)},
    }


def api(path, name):
    text = show(path)
    body = re.search(r"export const " + name + r"\b[^=]*=\s*\{(.*?)\n\}", text, re.S).group(1)
    return dict(re.findall(r"(\w+):\s*'([^']*)'", body))


def headers():
    text = show(f"{C}/list/export/buildAccompagnementsWorksheet.ts")
    body = re.search(r"const activitesTableHeaders = \[(.*?)\n  \]", text, re.S).group(1)
    return body


data = {
    "repository": "inclusion-numerique/coop-mediation-numerique",
    "commit": subprocess.run(
        ["git", "-C", R, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip(),
    "note": (
        "Copied from the repository's files at this commit by extract_labels.py (values "
        "only); the tests compare Comptoir's vocabulary and headers with them."
    ),
    "lists": {
        "type_activite": obj(f"{C}/cra/fields/type-activite.ts", "typeActiviteLabels"),
        "type_lieu": obj(f"{C}/cra/fields/type-lieu.ts", "typeLieuLabels"),
        "materiel": obj(f"{C}/cra/fields/materiel.ts", "materielLabels"),
        "autonomie": obj(f"{C}/cra/individuel/fields/autonomie.ts", "autonomieLabels"),
        "niveau_atelier": obj(f"{C}/cra/collectif/fields/niveau-atelier.ts", "niveauAtelierLabels"),
        "thematiques_non_administratives": obj(
            f"{C}/cra/fields/thematique.ts", "thematiquesNonAdministrativesLabels"
        ),
        "thematiques_administratives": obj(
            f"{C}/cra/fields/thematique.ts", "thematiquesAdministrativesLabels"
        ),
        "structures_redirection": obj(
            f"{C}/cra/individuel/fields/structures-redirection.ts", "structuresRedirectionLabels"
        ),
        "genre": obj(f"{B}/genre.ts", "genreLabels"),
        "tranche_age": obj(f"{B}/tranche-age.ts", "trancheAgeLabels"),
        "statut_social": obj(f"{B}/statut-social.ts", "statutSocialLabels"),
    },
    "stars": {
        "autonomie": stars(f"{C}/cra/individuel/fields/autonomie.ts", "autonomieStars"),
        "niveau_atelier": stars(
            f"{C}/cra/collectif/fields/niveau-atelier.ts", "niveauAtelierStars"
        ),
    },
    "api_values": {
        "type_lieu": api(f"{C}/cra/fields/type-lieu.ts", "typeLieuApiValues"),
        "materiel": api(f"{C}/cra/fields/materiel.ts", "materielApiValues"),
        "autonomie": api(f"{C}/cra/individuel/fields/autonomie.ts", "autonomieApiValues"),
        "niveau_atelier": api(
            f"{C}/cra/collectif/fields/niveau-atelier.ts", "niveauAtelierApiValues"
        ),
        "thematiques_non_administratives": api(
            f"{C}/cra/fields/thematique.ts", "thematiquesNonAdministrativesApiValues"
        ),
        "thematiques_administratives": api(
            f"{C}/cra/fields/thematique.ts", "thematiquesAdministrativesApiValues"
        ),
        "structures_redirection": api(
            f"{C}/cra/individuel/fields/structures-redirection.ts",
            "structureDeRedirectionApiValues",
        ),
    },
}
hb = headers()
# A mediator's own export with two sources: isSelfExport and hasCraV1 true.
items = []
for line in hb.splitlines():
    line = line.strip()
    if not line:
        continue
    if line.startswith("...(!isSelfExport"):
        continue
    m = re.match(r"\.\.\.\((isSelfExport|hasCraV1) \? \[(.*)\] : \[\]\),?$", line)
    if m:
        items += re.findall(r"'([^']*)'", m.group(2))
        continue
    if line.startswith("? [") or line.startswith(": [])"):
        continue
    m = re.match(r"'([^']*)',?$", line)
    if m:
        items.append(m.group(1))
data["headers"] = {
    "file": f"{C}/list/export/buildAccompagnementsWorksheet.ts",
    "self_export_with_v1_source": items,
}
data["export_metadata"] = {
    "file": "apps/web/src/libs/worksheet/addExportMetadata.ts",
    "rows": [
        m[1]
        for m in re.findall(
            r"\[\s*(['\"])(.+?)\1,", show("apps/web/src/libs/worksheet/addExportMetadata.ts")
        )
    ],
}
spec = show(f"{C}/list/export/buildAccompagnementsWorksheet.spec.ts")
cells = dict(re.findall(r"const (\w+) = worksheet\.getCell\('(\w+)'\)", spec))
expected = dict(re.findall(r"expect\((\w+)\.value\)\.toBe\('([^']*)'\)", spec))
data["spec_cells"] = {
    "file": f"{C}/list/export/buildAccompagnementsWorksheet.spec.ts",
    "cells": {cells[k]: v for k, v in expected.items() if k in cells},
}
data["filters"] = {
    "file": "apps/web/src/worksheet/buildWorksheetHelpers.ts",
    "note": "the last three only when the export is narrowed to people or mediators",
    "rows": re.findall(
        r"\?\s*\[\s*\n\s*'([^']+)'", show("apps/web/src/worksheet/buildWorksheetHelpers.ts")
    ),
}
print(json.dumps(data, ensure_ascii=False, indent=2))
