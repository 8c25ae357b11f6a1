"""« Paramètres › Facturation » and the clients (issue 21): the seller's SIRET and RNA checked
(14 digits and the Luhn key), the VAT regime, the terms the law bounds, the settings kept as
one JSON setting and read back; clients with their SIRET checked when given, searched,
deactivated; who may do what."""

from __future__ import annotations

import pytest

from tiers_lieu.app import Comptoir
from tiers_lieu.errors import ValidationError
from tiers_lieu.models.enums import Role
from tiers_lieu.services.access import AccessDeniedError
from tiers_lieu.services.readmodels import SiteInfo
from tiers_lieu.services.till.billing import BillingSettings, check_siret
from tiers_lieu.services.till.clients import ClientInput

PASSWORD = "un mot de passe solide"


def test_a_siret_has_14_digits_and_its_luhn_key() -> None:
    assert check_siret("443 061 841 00047") == "44306184100047"
    assert check_siret("356 000 000 00048") == "35600000000048"  # La Poste: digit sum
    assert check_siret("") == ""
    with pytest.raises(ValidationError, match=r"SIRET : un SIRET a 14 chiffres \(13 reçus\)"):
        check_siret("4430618410004")
    with pytest.raises(ValidationError, match="chiffre de contrôle"):
        check_siret("44306184100048")
    with pytest.raises(ValidationError, match="que des chiffres"):
        check_siret("4430618410004A")


def test_the_settings_are_checked_field_by_field_and_kept(app: Comptoir, site: SiteInfo) -> None:
    assert app.billing.get(site.id) == BillingSettings()  # never saved: the defaults
    assert app.billing.get(site.id).franchise
    cases = [
        (BillingSettings(siret="12345678901234"), "SIRET : ce SIRET n'est pas valide"),
        (BillingSettings(rna="W12"), "RNA : un numéro RNA est un W suivi de 9 chiffres"),
        (BillingSettings(postal_code="235"), "Code postal : 5 chiffres"),
        (BillingSettings(vat_number="FR12"), "Numéro de TVA : un numéro français"),
        (BillingSettings(payment_days=90), "Délai de paiement : entre 0"),
        (BillingSettings(vat_regime="assujetti", vat_rate_bp=1900), "Taux de TVA habituel"),
        (BillingSettings(receipts_entitled=True), "Qualité de l'organisme"),
        (BillingSettings(email="pas une adresse"), "Courriel"),
    ]
    for settings, message in cases:
        with pytest.raises(ValidationError, match=message):
            app.billing.save(site.id, settings)
    saved = app.billing.save(
        site.id,
        BillingSettings(
            legal_name=" Association Le Comptoir ",
            siret="443 061 841 00047",
            rna="w231000123",
            vat_regime="assujetti",
            vat_number="fr 40 443061841",
            payment_days=45,
            receipts_entitled=True,
            receipts_quality="Œuvre ou organisme d'intérêt général",
        ),
    )
    assert (saved.legal_name, saved.siret, saved.rna, saved.vat_number) == (
        "Association Le Comptoir",
        "44306184100047",
        "W231000123",
        "FR40443061841",
    )
    again = app.billing.get(site.id)
    assert again == saved and not again.franchise and again.default_rate_bp == 2000
    assert again.updated_at is not None
    assert again.missing_for_invoices() == ["Adresse"]


def test_a_bad_stored_value_falls_back_to_its_default() -> None:
    settings = BillingSettings.from_json('{"payment_days": "trente", "legal_name": "X", "z": 1}')
    assert (settings.payment_days, settings.legal_name) == (30, "X")
    assert BillingSettings.from_json("pas du json") == BillingSettings()


def test_clients_siret_checked_searched_and_deactivated(app: Comptoir, site: SiteInfo) -> None:
    with pytest.raises(ValidationError, match="Nom : ce champ est obligatoire"):
        app.clients.create(site.id, ClientInput(name="  "))
    with pytest.raises(ValidationError, match="SIRET : ce SIRET n'est pas valide"):
        app.clients.create(site.id, ClientInput(name="Atelier", siret="73282932000075"))
    atelier = app.clients.create(
        site.id,
        ClientInput(name="Atelier Terre et Bois", siret="732 829 320 00074", city="Aubusson"),
    )
    assert atelier.siret == "73282932000074" and atelier.business
    mairie = app.clients.create(site.id, ClientInput(name="Mairie de Felletin"))
    assert [c.name for c in app.clients.list(site.id)] == [
        "Atelier Terre et Bois",
        "Mairie de Felletin",
    ]
    assert [c.name for c in app.clients.list(site.id, search="aubus")] == ["Atelier Terre et Bois"]
    assert [c.name for c in app.clients.list(site.id, search="7328")] == ["Atelier Terre et Bois"]
    app.clients.set_active(mairie.id, False)
    assert [c.name for c in app.clients.list(site.id)] == ["Atelier Terre et Bois"]
    assert len(app.clients.list(site.id, include_inactive=True)) == 2
    moved = app.clients.update(
        atelier.id, ClientInput(name="Atelier Terre et Bois", siret="73282932000074", city="Guéret")
    )
    assert moved.city == "Guéret"


def test_a_volunteer_does_not_invoice_and_a_host_does_not_set_billing(
    app: Comptoir, site: SiteInfo
) -> None:
    app.accounts.create_user(
        username="benevole", display_name="Bénévole", role=Role.VOLUNTEER, password=PASSWORD
    )
    app.accounts.create_user(
        username="accueil", display_name="Accueil", role=Role.HOST, password=PASSWORD
    )
    app.access.sign_in(app.accounts.authenticate("benevole", PASSWORD))
    with pytest.raises(AccessDeniedError):
        app.clients.list(site.id)
    with pytest.raises(AccessDeniedError):
        app.invoices.documents(site.id)
    app.access.sign_in(app.accounts.authenticate("accueil", PASSWORD))
    assert app.clients.list(site.id) == []
    with pytest.raises(AccessDeniedError):
        app.billing.save(site.id, BillingSettings())
