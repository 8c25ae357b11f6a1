"""``tiers-lieu audit verifier``: is the audit log whole?

Walks every hash chain of the audit log and checks the database's append-only triggers
(:mod:`tiers_lieu.services.audit_verify`). Prints « Journal intact (N lignes vérifiées) » and
exits 0, or says in French where each chain breaks (place, date and time on the place's
clock, action, what is wrong) and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tiers_lieu.i18n import _

EXIT_OK, EXIT_BROKEN = 0, 2


def add_audit_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "audit", help=_("vérifie que le journal d'audit n'a pas été altéré")
    )
    actions = parser.add_subparsers(dest="audit_action", metavar=_("ACTION"), required=True)
    actions.add_parser(
        "verifier",
        help=_("vérifie la chaîne d'empreintes du journal et ses protections"),
    )
    parser.set_defaults(run=run_audit)


def run_audit(args: argparse.Namespace) -> int:
    from tiers_lieu.app import build

    with build(getattr(args, "db", None)) as app:
        report = app.audit_log.verify()
    sys.stdout.write(report.summary() + "\n")
    return EXIT_OK if report.intact else EXIT_BROKEN
