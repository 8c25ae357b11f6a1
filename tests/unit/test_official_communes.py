"""The official list of French communes shipped in resources/: a commune typed by name finds
its INSEE code, homonyms are told apart, and the list is read only when needed, quickly."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from tiers_lieu.app import Comptoir
from tiers_lieu.resources import resource
from tiers_lieu.services import official_communes
from tiers_lieu.services.official_communes import named, search, search_key
from tiers_lieu.services.readmodels import SiteInfo

ROOT = Path(__file__).resolve().parents[2]


def test_a_name_finds_its_insee_code_postal_code_and_department() -> None:
    [felletin] = named("FELLETIN")
    assert (felletin.code, felletin.postal_codes, felletin.department) == (
        "23079",
        ("23500",),
        "23",
    )
    assert felletin.label() == "Felletin — 23500, Creuse (23)"
    assert (felletin.population or 0) > 1000


def test_accents_case_dashes_and_saint_abbreviated_are_ignored() -> None:
    assert search_key("St-Léonard-de-Noblat") == search_key("saint leonard de noblat")
    for typed in ("st leonard de noblat", "SAINT-LÉONARD-DE-NOBLAT", "Saint Leonard de Noblat"):
        assert [c.code for c in named(typed)] == ["87161"], typed
    assert search("st leonard de nob")[0].name == "Saint-Léonard-de-Noblat"


def test_homonyms_come_with_their_department_the_place_s_first() -> None:
    aubusson = named("Aubusson")
    assert {c.code for c in aubusson} == {"23008", "61011"}
    assert {c.department_name for c in aubusson} == {"Creuse", "Orne"}
    assert named("Aubusson", near="61")[0].code == "61011"
    assert named("Aubusson", near="23")[0].code == "23008"
    labels = [c.label() for c in search("aubus")]
    assert "Aubusson — 23200, Creuse (23)" in labels and "Aubusson — 61100, Orne (61)" in labels


def test_suggestions_begin_with_what_is_typed_and_stay_few() -> None:
    found = search("saint")
    assert len(found) == official_communes.SUGGESTIONS
    assert all(search_key(c.name).startswith("saint") for c in found)
    assert search("z") == []  # one letter is not enough to suggest anything
    assert search("Zzzville") == [] and named("Zzzville") == []


def test_a_postal_code_or_an_insee_code_finds_its_communes() -> None:
    assert "Felletin" in {c.name for c in search("23500")}
    assert search("23079")[0].name == "Felletin"
    assert official_communes.by_code("2a004") is not None  # Corsica: Ajaccio
    assert official_communes.by_code("99999") is None


def test_a_former_commune_leads_to_the_commune_it_belongs_to_now() -> None:
    [arbignieu] = named("Arbignieu")
    assert (arbignieu.name, arbignieu.former_name) == ("Arboys en Bugey", "Arbignieu")
    assert arbignieu.label().startswith("Arbignieu → Arboys en Bugey — 01300")


def test_the_file_says_where_it_comes_from_and_is_shipped_by_the_installer() -> None:
    path = resource("communes", "communes.tsv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        header = stream.readline()
    assert "@etalab/decoupage-administratif" in header and "Licence Ouverte" in header
    assert "installer/extract_communes.py" in header
    readme = (path.parent / "LISEZMOI.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in readme and "extract_communes.py" in readme
    # The bundle takes resources/ whole, from the list the spec reads.
    loader = importlib.util.spec_from_file_location(
        "installer_bundle_contents", ROOT / "installer" / "bundle_contents.py"
    )
    assert loader is not None and loader.loader is not None
    contents = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(contents)
    shipped = {Path(source).resolve(): dest for source, dest in contents.package_datas()}
    assert shipped[path.parent.parent.resolve()] == "resources"


MEASURE = """
import json, time
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1])
import tiers_lieu.app, tiers_lieu.services.communes
from tiers_lieu.services import official_communes
loaded_at_import = official_communes.is_loaded()
before = rss(); start = time.perf_counter()
n = official_communes.load()
seconds = time.perf_counter() - start
start = time.perf_counter()
official_communes.search("saint")
search_seconds = time.perf_counter() - start
print(json.dumps({"loaded_at_import": loaded_at_import, "n": n, "seconds": seconds,
                  "kib": rss() - before, "search_seconds": search_seconds}))
"""


def test_the_list_is_read_on_the_first_look_up_only_quickly_and_in_bounded_memory() -> None:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    figures = json.loads(out)
    assert figures["loaded_at_import"] is False
    assert figures["n"] > 34_000
    assert figures["seconds"] < 1.5  # about 0.15 s on the development machine
    assert figures["kib"] < 40 * 1024  # about 12 MiB
    assert figures["search_seconds"] < 0.2  # about 0.01 s


# -- the service: a commune typed at the desk ---------------------------------------------
def test_a_commune_typed_by_name_is_added_with_its_insee_code(
    app: Comptoir, site: SiteInfo
) -> None:
    added = app.communes.find_or_add(site.id, "st leonard de noblat")
    assert (added.name, added.insee_code, added.in_territory) == (
        "Saint-Léonard-de-Noblat",
        "87161",
        False,
    )
    assert (added.population or 0) > 1000
    # Typed again another way, or by its code: the same row.
    assert app.communes.find_or_add(site.id, "Saint-Léonard-de-Noblat") == added
    assert app.communes.find_or_add(site.id, "87161") == added


def test_an_insee_code_typed_adds_the_official_commune(app: Comptoir, site: SiteInfo) -> None:
    added = app.communes.find_or_add(site.id, "61011")
    assert (added.name, added.insee_code) == ("Aubusson", "61011")


def test_a_homonym_is_taken_in_the_place_s_department(app: Comptoir, site: SiteInfo) -> None:
    added = app.communes.find_or_add(site.id, "aubusson")  # the place is in Creuse (23079)
    assert (added.name, added.insee_code) == ("Aubusson", "23008")


def test_a_name_outside_the_list_is_still_added_without_a_code(
    app: Comptoir, site: SiteInfo
) -> None:
    added = app.communes.find_or_add(site.id, "Zzzville")
    assert (added.name, added.insee_code, added.in_territory) == ("Zzzville", None, False)
