"""``tiers-lieu encrypt``: encryption at rest of the SQLite base, and its passphrase.

``tiers-lieu encrypt`` encrypts the base in place and prints the recovery code, once;
``--change-passphrase`` asks the current passphrase and a new one; ``--recover [CODE]`` sets a
new passphrase from the recovery code (asked when not given, so that it stays out of the
shell's history). Passphrases are asked twice on the terminal, or read from
``TIERS_LIEU_DB_PASSPHRASE`` (the current one, or the one to set when there is none) and
``TIERS_LIEU_DB_NEW_PASSPHRASE`` (the new one), for scripts. Exit 0 on success, 2 with a
French message on stderr for anything the user can fix (a wrong passphrase among them).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from tiers_lieu import encryption
from tiers_lieu import encryption_keys as keys
from tiers_lieu.db_location import resolve_db_url
from tiers_lieu.errors import ComptoirError, os_reason
from tiers_lieu.i18n import _, ngettext

EXIT_OK, EXIT_USAGE = 0, 2
NEW_PASSPHRASE_ENV = "TIERS_LIEU_DB_NEW_PASSPHRASE"


def add_encrypt_parser(subparsers: Any) -> None:
    """Add the ``encrypt`` sub-command to ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "encrypt",
        help=_("chiffre la base SQLite (phrase de passe et code de secours)"),
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--change-passphrase",
        action="store_true",
        help=_("remplace la phrase de passe d'une base chiffrée"),
    )
    group.add_argument(
        "--recover",
        nargs="?",
        const="",
        default=None,
        metavar=_("CODE"),
        help=_("choisit une nouvelle phrase de passe grâce au code de secours imprimé"),
    )
    # It finishes or undoes an interrupted encryption itself, refusing while one runs.
    parser.set_defaults(run=run_encrypt, tidy_first=False)


def _terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(prompt: str, env: str) -> str:
    if not _terminal():
        raise ComptoirError(
            _(
                "Aucun terminal pour demander la phrase de passe : donnez-la dans la variable "
                "d'environnement {env}."
            ).format(env=env)
        )
    return getpass.getpass(prompt)


def _current_passphrase() -> str:
    return os.environ.get(encryption.PASSPHRASE_ENV) or _ask(
        _("Phrase de passe actuelle : "), encryption.PASSPHRASE_ENV
    )


def _new_passphrase(*, environment_fallback: bool) -> str:
    """The passphrase to set: from the environment, else typed twice."""
    value = os.environ.get(NEW_PASSPHRASE_ENV)
    if not value and environment_fallback:
        value = os.environ.get(encryption.PASSPHRASE_ENV)
    if value:
        keys.check_new_passphrase(value)
        return value
    print(
        _(
            "Choisissez une phrase de passe d'au moins {n} caractères, par exemple quelques "
            "mots sans lien entre eux. Elle sera demandée à chaque ouverture de Comptoir."
        ).format(n=keys.MIN_PASSPHRASE)
    )
    first = _ask(_("Nouvelle phrase de passe : "), NEW_PASSPHRASE_ENV)
    keys.check_new_passphrase(first)
    if _ask(_("La même, encore une fois : "), NEW_PASSPHRASE_ENV) != first:
        raise ComptoirError(_("Les deux phrases de passe saisies diffèrent ; rien n'a changé."))
    return first


def _print_recovery_code(code: str, db_name: str) -> None:
    print()
    print(_("CODE DE SECOURS — imprimez-le maintenant, il ne sera plus jamais affiché :"))
    print()
    print("    " + code)
    print()
    print(
        _(
            "Si la phrase de passe est oubliée, ce code permet d'en choisir une nouvelle "
            "(« tiers-lieu encrypt --recover »). Rangez la feuille loin de l'ordinateur, dans "
            "le classeur du bureau par exemple, jamais dans la sacoche du portable : qui a "
            "l'ordinateur et le code a la base."
        )
    )
    print(
        _(
            "Le fichier de clé « {key_file} », à côté de la base, est indispensable : sans "
            "lui, la base chiffrée ne peut pas être ouverte. Une copie accompagne chaque "
            "sauvegarde."
        ).format(key_file=db_name + encryption.KEY_FILE_SUFFIX)
    )


def _encrypt(service: Any) -> int:
    # An earlier run cut short is finished or undone first, and said so.
    for note in service.finish_interrupted():
        print(note)
    already = encryption.is_encrypted(service.db_path) and not encryption.has_plain_header(
        service.db_path
    )
    passphrase = "" if already else _new_passphrase(environment_fallback=True)

    def show_code(code: str) -> None:
        _print_recovery_code(code, service.db_path.name)
        sys.stdout.flush()  # on paper before the swap that makes it needed

    result = service.encrypt(passphrase, show_code=show_code)
    for note in result.notes:
        print(note)
    if result.recovery_code:
        print(_("La base « {path} » est maintenant chiffrée.").format(path=result.db_path))
    else:
        print(_("La base « {path} » est déjà chiffrée.").format(path=result.db_path))
    if result.reencrypted:
        print(
            ngettext(
                "{n} sauvegarde en clair a été refaite chiffrée.",
                "{n} sauvegardes en clair ont été refaites chiffrées.",
                len(result.reencrypted),
            ).format(n=len(result.reencrypted))
        )
    for path in result.left_plain:
        print(
            _(
                "Attention : la sauvegarde « {path} » est illisible et reste en clair ; "
                "supprimez-la si elle ne sert plus."
            ).format(path=path)
        )
    if result.external_missing is not None:
        print(
            _(
                "Attention : le dossier de sauvegarde externe « {path} » n'est pas branché ; "
                "ses copies sont encore en clair. Branchez-le puis relancez "
                "« tiers-lieu encrypt »."
            ).format(path=result.external_missing)
        )
    return EXIT_OK


def run_encrypt(args: argparse.Namespace) -> int:
    """``encrypt``, ``encrypt --change-passphrase`` or ``encrypt --recover``."""
    from tiers_lieu.services.backups import backups_for
    from tiers_lieu.services.encryption import EncryptionService

    try:
        service = EncryptionService(backups_for(resolve_db_url(getattr(args, "db", None))))
        if args.change_passphrase:
            current = _current_passphrase()
            encryption.unlock(service.db_path, current)  # refused before a new one is typed
            service.change_passphrase(current, _new_passphrase(environment_fallback=False))
            print(_("Phrase de passe changée."))
            return EXIT_OK
        if args.recover is not None:
            code = args.recover or _ask(_("Code de secours : "), NEW_PASSPHRASE_ENV)
            keys.normalise_recovery_code(code)
            service.recover(code, _new_passphrase(environment_fallback=False))
            print(_("Nouvelle phrase de passe enregistrée ; le code de secours reste valable."))
            return EXIT_OK
        return _encrypt(service)
    except ComptoirError as exc:
        sys.stderr.write(_("Erreur : {message}").format(message=exc.message) + "\n")
        return EXIT_USAGE
    except OSError as exc:  # a file beside the base that cannot be written or removed
        sys.stderr.write(
            _("Erreur : « {path} » : {detail}.").format(
                path=exc.filename or "?", detail=os_reason(exc)
            )
            + "\n"
        )
        return EXIT_USAGE
