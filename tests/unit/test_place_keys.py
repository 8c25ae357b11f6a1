"""A place's Ed25519 key: made once, its fingerprint readable aloud, its public half written to
a small text file that is read back strictly; the coordinator adds a place's key once, replaces
it only when asked, removes it, each change audited; a base never signs for a place it only
trusts, and never gives up the key of its own place."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from otherkeys import other_place
from sqlalchemy import select

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ComptoirError
from tiers_lieu.models import AuditEntry
from tiers_lieu.services.bundles.placekeys import (
    KeyReplacementError,
    PlaceKeyInfo,
    PlaceKeyService,
    Signer,
    fingerprint,
    public_file_text,
    read_public_file,
    same_fingerprint,
    verify,
)
from tiers_lieu.services.readmodels import SiteInfo


def audit_lines(app: Comptoir) -> list[tuple[str, str]]:
    with app.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.details).where(  # type: ignore[call-overload]
                AuditEntry.entity == "place_key"
            )
        ).all()
    return [(action, details) for action, details in rows]


def test_the_place_key_is_made_once_and_signs(app: Comptoir, site: SiteInfo) -> None:
    keys = PlaceKeyService(app.uow)
    assert keys.key_of(site.id) is None
    first = keys.own_key(site.id)
    assert keys.own_key(site.id) == first
    assert first.own and first.label == site.name
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){5}", first.fingerprint)
    signer = keys.signer(site.id)
    assert verify(first.public_key, signer.sign(b"message"), b"message")
    assert not verify(first.public_key, signer.sign(b"message"), b"autre")
    assert [action for action, _d in audit_lines(app)] == ["create"]
    assert first.fingerprint in audit_lines(app)[0][1]


def test_fingerprints_are_compared_whatever_the_spacing() -> None:
    signer = Signer.generate(uuid.uuid4())
    spoken = fingerprint(signer.public_raw())
    assert same_fingerprint(spoken.replace(" ", "-").lower(), spoken)
    assert not same_fingerprint(spoken[:-1] + ("0" if spoken[-1] != "0" else "1"), spoken)
    assert fingerprint(Signer.generate(uuid.uuid4()).public_raw()) != spoken


def test_the_public_key_file_is_read_back_strictly(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    path = tmp_path / "felletin.cle-publique.txt"
    info = PlaceKeyService(app.uow).export_public_key(site.id, path)
    text = path.read_text(encoding="utf-8")
    assert info.fingerprint in text and "private" not in text
    read = read_public_file(path)
    assert (read.site_id, read.label, read.public_key, read.fingerprint) == (
        site.id,
        site.name,
        info.public_key,
        info.fingerprint,
    )
    damaged = tmp_path / "abimee.txt"
    damaged.write_text(text.replace(info.public_key[:4], "AAAA"), encoding="utf-8")
    with pytest.raises(ComptoirError, match="l'empreinte écrite ne correspond pas à la clé"):
        read_public_file(damaged)
    no_key = tmp_path / "sans-cle.txt"
    no_key.write_text(re.sub(r"cle: .*", "cle: pas-du-base64", text), encoding="utf-8")
    with pytest.raises(ComptoirError, match="ligne « cle » illisible"):
        read_public_file(no_key)
    other = tmp_path / "autre.txt"
    other.write_text("ab" * 32 + "\n", encoding="ascii")  # an old cle-reseau.key
    with pytest.raises(ComptoirError, match="n'est pas une clé publique de lieu Comptoir"):
        read_public_file(other)
    big = tmp_path / "gros.txt"
    big.write_bytes(text.encode() + b"#" * 5000)
    with pytest.raises(ComptoirError, match="le fichier est trop gros"):
        read_public_file(big)


def test_a_place_key_is_added_once_and_replaced_only_when_asked(app: Comptoir) -> None:
    keys = PlaceKeyService(app.uow)
    _signer, key = other_place()
    assert keys.trust(key) == "added"
    assert keys.trust(key) == "unchanged"
    _new_signer, new = other_place(key.label, key.site_id)
    with pytest.raises(KeyReplacementError) as asked:
        keys.trust(new)
    assert key.fingerprint in asked.value.message and new.fingerprint in asked.value.message
    assert keys.key_of(key.site_id) == PlaceKeyInfo(
        key.site_id, key.label, key.public_key, key.fingerprint, False
    )
    assert keys.trust(new, replace=True) == "replaced"
    assert keys.key_of(key.site_id).fingerprint == new.fingerprint  # type: ignore[union-attr]
    removed = keys.untrust(key.site_id)
    assert removed.fingerprint == new.fingerprint
    assert keys.key_of(key.site_id) is None
    lines = audit_lines(app)
    assert sorted(action for action, _d in lines) == ["create", "delete", "update"]
    update = next(details for action, details in lines if action == "update")
    assert key.fingerprint in update and new.fingerprint in update


def test_a_base_never_signs_for_a_place_it_only_trusts(
    app: Comptoir, site: SiteInfo, tmp_path: Path
) -> None:
    keys = PlaceKeyService(app.uow)
    keys.trust(other_place(site.name, site.id)[1])
    with pytest.raises(ComptoirError, match="n'a que la clé publique de « Le Comptoir"):
        app.bundles.export_bundle(site.id, tmp_path / "x", since=None, mode="full")
    assert not (tmp_path / "x").exists()


def test_the_key_of_a_place_of_this_base_is_neither_replaced_nor_removed(
    app: Comptoir, site: SiteInfo
) -> None:
    keys = PlaceKeyService(app.uow)
    own = keys.own_key(site.id)
    _signer, other = other_place(site.name, site.id)
    with pytest.raises(ComptoirError, match="signe elle-même les paquets"):
        keys.trust(other, replace=True)
    with pytest.raises(ComptoirError, match="ne peut pas être retirée"):
        keys.untrust(site.id)
    assert keys.key_of(site.id) == own


def test_the_public_file_names_the_place_and_its_fingerprint() -> None:
    signer = Signer.generate(uuid.uuid4())
    info = PlaceKeyInfo(
        signer.site_id, "La Grange", signer.public_key(), fingerprint(signer.public_raw()), True
    )
    text = public_file_text(info)
    assert f"lieu: {signer.site_id.hex}" in text
    assert "nom: La Grange" in text
    assert f"empreinte: {info.fingerprint}" in text
