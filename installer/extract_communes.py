"""Write ``resources/communes/communes.tsv.gz``, the official list of French communes that
Comptoir suggests when a commune is typed, from Etalab's npm package
``@etalab/decoupage-administratif`` (data under the Licence Ouverte / Etalab).

Run it again when a new version of the package comes out (the INSEE code of a commune
changes when communes merge)::

    cd /tmp && npm pack @etalab/decoupage-administratif && tar xzf etalab-*.tgz
    python installer/extract_communes.py /tmp/package

It keeps the current communes (``commune-actuelle``, overseas ones included), the former
communes still known by name (``commune-deleguee``, ``commune-associee``) pointing at the
commune they belong to now, and the department names. Municipal districts (Paris, Lyon,
Marseille) are left out: Comptoir counts people by commune. The output is a gzip'd,
tab-separated text file written byte for byte the same for the same input (no time stamp),
so a new version shows as a real change in git.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "communes" / "communes.tsv.gz"


def _clean(text: str) -> str:
    if any(c in text for c in "\t\r\n"):
        raise ValueError(f"unexpected separator in {text!r}")
    return text


def rows(package: Path) -> list[str]:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    communes = json.loads((package / "data" / "communes.json").read_text(encoding="utf-8"))
    departments = json.loads((package / "data" / "departements.json").read_text(encoding="utf-8"))
    lines = [
        f"# Communes de France : {meta['name']} {meta['version']} (Etalab, "
        "https://github.com/datagouv/decoupage-administratif), données sous Licence Ouverte "
        "/ Etalab ; extrait par installer/extract_communes.py",
        "# type\tcode\tnom\tcodes_postaux\tdepartement\tpopulation\tcommune_actuelle",
    ]
    for d in sorted(departments, key=lambda d: d["code"]):
        lines.append(f"D\t{_clean(d['code'])}\t{_clean(d['nom'])}\t\t\t\t")
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    for c in sorted(current.values(), key=lambda c: c["code"]):
        postal = " ".join(sorted(set(c.get("codesPostaux", []))))
        population = str(c["population"]) if isinstance(c.get("population"), int) else ""
        lines.append(
            f"C\t{_clean(c['code'])}\t{_clean(c['nom'])}\t{postal}\t"
            f"{_clean(c.get('departement', ''))}\t{population}\t"
        )
    seen: set[tuple[str, str]] = set()
    for c in sorted(communes, key=lambda c: (c["code"], c["nom"])):
        if c["type"] not in ("commune-deleguee", "commune-associee"):
            continue
        parent = current.get(c.get("chefLieu", ""))
        if parent is None or parent["nom"] == c["nom"] or (c["nom"], parent["code"]) in seen:
            continue
        seen.add((c["nom"], parent["code"]))
        lines.append(f"A\t{_clean(c['code'])}\t{_clean(c['nom'])}\t\t\t\t{parent['code']}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage : python installer/extract_communes.py DOSSIER_DU_PAQUET_NPM", file=sys.stderr)
        return 2
    lines = rows(Path(argv[1]))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(buffer.getvalue())
    print(f"{TARGET} : {len(lines)} lignes, {len(buffer.getvalue())} octets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
