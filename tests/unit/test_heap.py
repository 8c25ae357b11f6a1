"""The cyclic collector around a start's imports (issue 17): paused, then as it was; what the
start made frozen out of it only in the command's own process."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tiers_lieu import heap
from tiers_lieu.__main__ import main


@pytest.fixture
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        (gc.enable if enabled else gc.disable)()


def test_the_collector_is_paused_during_the_imports_then_back_as_it_was(
    collector: None,
) -> None:
    gc.enable()
    with heap.imports_outside_collector():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with heap.imports_outside_collector():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_collector_comes_back_when_an_import_fails(collector: None) -> None:
    gc.enable()
    with pytest.raises(ImportError), heap.imports_outside_collector():
        raise ImportError("absent")
    assert gc.isenabled()


def test_only_the_command_itself_freezes_what_its_start_made(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(heap._state, "command", False)
    before = gc.get_freeze_count()
    with heap.imports_outside_collector():
        made = [[n] for n in range(1000)]
    assert gc.get_freeze_count() == before  # a test process keeps its collector
    heap.set_command_process()
    with heap.imports_outside_collector():
        made += [[n] for n in range(1000)]
    assert gc.get_freeze_count() >= before + 1000


def test_a_caller_of_main_is_not_taken_for_the_command(
    collector: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(heap._state, "command", False)
    assert main(["--every-tab"]) == 2
    assert heap._state["command"] is False
    assert capsys.readouterr().err == "Erreur : --every-tab va avec --smoke-test.\n"
