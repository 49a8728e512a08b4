"""The nttr command's user errors: one line on stderr, a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest

from flows.cli import main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "seeds", "--algorithm", "magic"], "unknown algorithm 'magic': choose one of kl, lexrank, lsa"),
        (["run", "seeds", "--since", "2025-13-01"], "'2025-13-01' does not match the formats '%Y-%m-%d'"),
        (["run", "seeds", "--budget", "many"], "Invalid value for '--budget'"),
        (["eval", "duc2004", "/no/such/folder"], "/no/such/folder: no docs/ folder here"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_user_error_is_reported_without_a_traceback(argv, expected, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert expected in err and "Traceback" not in err


def test_wrong_setting_names_the_setting(monkeypatch, capsys):
    monkeypatch.setenv("NTTR_BUDGET_WORDS", "abc")
    assert main(["run", "seeds"]) == 1
    assert capsys.readouterr().err.startswith("nttr: error: setting budget_words (NTTR_BUDGET_WORDS): ")


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("run", "eval", "bench", "subscribers", "send"):
        assert command in out
