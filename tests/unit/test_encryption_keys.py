"""The key file and the recovery code, without a database: the key is never written in
clear, each secret opens its own seal only, and a code read off paper is accepted as typed."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest

from tiers_lieu import encryption_keys as encryption
from tiers_lieu.encryption_keys import (
    PASSPHRASE,
    RECOVERY,
    RECOVERY_ALPHABET,
    KeyFile,
    WrongPassphraseError,
)
from tiers_lieu.errors import ComptoirError


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encryption, "ARGON2_TIME_COST", 1)
    monkeypatch.setattr(encryption, "ARGON2_MEMORY_KIB", 1024)


def test_recovery_codes_are_six_groups_of_five_unambiguous_characters() -> None:
    codes = {encryption.new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [5] * 6
        assert set("".join(groups)) <= set(RECOVERY_ALPHABET)
    assert not set("01OIL") & set(RECOVERY_ALPHABET)


def test_a_code_is_accepted_as_people_type_it() -> None:
    code = "ABCDE-FGHJK-MNPQR-STUVW-XYZ23-45678"
    assert encryption.normalise_recovery_code(
        "abcde fghjk mnpqr stuvw xyz23 45678"
    ) == code.replace("-", "")
    with pytest.raises(WrongPassphraseError, match="30 caractères"):
        encryption.normalise_recovery_code("ABCDE-FGHJK")
    with pytest.raises(WrongPassphraseError):
        encryption.normalise_recovery_code(code.replace("A", "O"))


def test_the_key_file_never_holds_the_key_and_each_secret_opens_it(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    code = encryption.new_recovery_code()
    path = tmp_path / "base.sqlite.cle.json"
    KeyFile.create(key, "ma phrase de passe", code).save(path)

    text = path.read_text(encoding="utf-8")
    assert key.hex() not in text and "ma phrase de passe" not in text and code not in text
    assert json.loads(text)["note"].startswith("Clé de la base Comptoir")
    loaded = KeyFile.load(path)
    assert loaded.open(PASSPHRASE, "ma phrase de passe", name="base") == key
    assert loaded.open(RECOVERY, code.lower(), name="base") == key
    with pytest.raises(WrongPassphraseError, match="Phrase de passe incorrecte"):
        loaded.open(PASSPHRASE, "ma phrase de passe ", name="base")
    # The recovery code is not a passphrase, nor the other way round.
    with pytest.raises(WrongPassphraseError):
        loaded.open(PASSPHRASE, code, name="base")


def test_a_new_passphrase_keeps_the_key_and_the_recovery_seal(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    code = encryption.new_recovery_code()
    first = KeyFile.create(key, "première phrase", code)
    second = first.with_passphrase(key, "deuxième phrase")
    assert second.key_id == first.key_id and second.recovery == first.recovery
    assert second.open(PASSPHRASE, "deuxième phrase", name="base") == key
    with pytest.raises(WrongPassphraseError):
        second.open(PASSPHRASE, "première phrase", name="base")


def test_a_damaged_key_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "base.sqlite.cle.json"
    path.write_text('{"format": "autre chose"}', encoding="utf-8")
    with pytest.raises(ComptoirError, match=re.escape("base.sqlite.cle.json")):
        KeyFile.load(path)


def test_passphrases_are_compared_after_unicode_normalisation() -> None:
    key = secrets.token_bytes(32)
    composed, decomposed = "phrase d\u00e9j\u00e0 vue", "phrase de\u0301ja\u0300 vue"
    seal = KeyFile.create(key, composed, encryption.new_recovery_code())
    assert seal.open(PASSPHRASE, decomposed, name="base") == key


def test_a_short_passphrase_is_refused() -> None:
    with pytest.raises(ComptoirError, match="au moins 8 caractères"):
        encryption.check_new_passphrase("   court   ")


def _saved_key_file(path: Path) -> dict[str, object]:
    code = encryption.new_recovery_code()
    KeyFile.create(secrets.token_bytes(32), "ma phrase de passe", code).save(path)
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("memory_cost", 2**40, "memory_cost"),
        ("time_cost", 10**9, "time_cost"),
        ("parallelism", 2**20, "parallelism"),
        ("time_cost", 0, "time_cost"),
        ("memory_cost", "beaucoup", "memory_cost"),
        ("time_cost", True, "time_cost"),
        ("memory_cost", 1.5e308, "memory_cost"),
    ],
)
def test_an_absurd_derivation_cost_is_refused_before_any_derivation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, value: object, shown: str
) -> None:
    path = tmp_path / "base.sqlite.cle.json"
    data = _saved_key_file(path)
    seals = data["seals"]
    assert isinstance(seals, dict)
    seals[PASSPHRASE][field] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    derivations: list[int] = []
    import argon2.low_level

    monkeypatch.setattr(
        argon2.low_level, "hash_secret_raw", lambda *a, **k: derivations.append(1) or b"0" * 32
    )

    with pytest.raises(ComptoirError) as caught:
        KeyFile.load(path).open(PASSPHRASE, "ma phrase de passe", name="base")

    message = caught.value.message
    assert "base.sqlite.cle.json" in message and shown in message
    assert "Traceback" not in message
    assert derivations == []


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (b"ceci n'est pas du JSON", "JSON"),
        (b"\xff\xfe\x00garbage", "JSON"),
        (b"[1, 2, 3]", "format"),
        (b"[" * 50_000 + b"]" * 50_000, "volumineux"),
        (b"[" * 5_000 + b"]" * 5_000, "JSON"),
        (b'{"format": "comptoir-cle-base", "version": 1}', "key_id"),
        (
            b'{"format": "comptoir-cle-base", "version": 1, "key_id": "ab", "seals": {}}',
            "passphrase",
        ),
        (b'{"format": "comptoir-cle-base", "version": 1, "key_id": "ab", "seals": []}', "seals"),
        (b"{" + b" " * (2 << 20) + b"}", "volumineux"),
    ],
)
def test_a_malformed_key_file_is_named_in_french(
    tmp_path: Path, content: bytes, shown: str
) -> None:
    path = tmp_path / "base.sqlite.cle.json"
    path.write_bytes(content)
    with pytest.raises(ComptoirError) as caught:
        KeyFile.load(path)
    message = caught.value.message
    assert "base.sqlite.cle.json" in message and shown in message, message


def test_a_seal_with_a_wrong_salt_or_nonce_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "base.sqlite.cle.json"
    data = _saved_key_file(path)
    seals = data["seals"]
    assert isinstance(seals, dict)
    seals[RECOVERY]["nonce"] = "AAAA"
    seals[PASSPHRASE]["salt"] = "%%%"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ComptoirError, match="salt"):
        KeyFile.load(path)
