"""Keys of other places, for the tests: a place's new key pair with its public half as the
coordination reads it, and the public key file of a place that changed keys (a new computer,
say): the same place, another key."""

from __future__ import annotations

import uuid
from pathlib import Path

from tiers_lieu.services.bundles.placekeys import (
    PlaceKeyInfo,
    PublicKeyFile,
    Signer,
    fingerprint,
    public_file_text,
)


def other_place(
    label: str = "Le Fournil", site_id: uuid.UUID | None = None
) -> tuple[Signer, PublicKeyFile]:
    """A new key pair of place ``site_id`` (a new place without it), and its public half."""
    signer = Signer.generate(site_id or uuid.uuid4())
    spoken = fingerprint(signer.public_raw())
    return signer, PublicKeyFile(signer.site_id, label, signer.public_key(), spoken)


def write_new_key(place: PublicKeyFile | PlaceKeyInfo, path: Path) -> str:
    """The public key file of ``place`` with a key of its own, written to ``path``; returns
    the new fingerprint."""
    _signer, new = other_place(place.label, place.site_id)
    info = PlaceKeyInfo(place.site_id, place.label, new.public_key, new.fingerprint, False)
    path.write_text(public_file_text(info), encoding="utf-8")
    return new.fingerprint
