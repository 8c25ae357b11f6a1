"""Each sub-command of ``tiers-lieu`` names the function that runs it (``set_defaults(run=…)``,
read by ``main()``), and a ``with build(…)`` block lets go of the base however it ends."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tiers_lieu import held_files
from tiers_lieu.app import build
from tiers_lieu.cli.commands import build_parser
from tiers_lieu.cli.gui import run_gui


def leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...], run: object
) -> list[tuple[str, object]]:
    """(command line, the ``run`` it gets) for every sub-command that takes no further one."""
    run = parser._defaults.get("run", run)
    found: list[tuple[str, object]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += leaves(sub, (*path, name), run)
    return found or [(" ".join(path), run)]


def test_every_sub_command_has_its_own_run() -> None:
    commands = dict(leaves(build_parser(), (), None))
    assert {"init", "restore", "import visits", "audit verifier", "bundle trust"} <= set(commands)
    assert [name for name, run in commands.items() if run is run_gui or not callable(run)] == []


def test_the_window_runs_without_a_sub_command_only() -> None:
    assert build_parser().parse_args([]).run is run_gui
    args = build_parser().parse_args(["import", "bookings", "x.ics", "--resource", "Salle"])
    assert args.run.__name__ == "run_bookings_import" and args.tidy_first


def test_a_with_block_lets_go_of_the_base_even_on_an_error(tmp_path: Path) -> None:
    db_path = tmp_path / "comptoir.sqlite"
    with pytest.raises(RuntimeError), build(str(db_path)) as app:
        app.sites.list_sites()
        assert held_files.held_here(db_path)
        raise RuntimeError("coupure")
    assert not held_files.held_here(db_path)
