"""The nttr command's user errors: one line on stderr, a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from flows.cli import main
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "seeds", "--algorithm", "magic"], "unknown algorithm 'magic': choose one of kl, lexrank, lsa"),
        (["run", "seeds", "--since", "2025-13-01"], "'2025-13-01' does not match the formats '%Y-%m-%d'"),
        (["run", "seeds", "--budget", "many"], "Invalid value for '--budget'"),
        (["eval", "duc2004", "/no/such/folder"], "/no/such/folder: no docs/ folder here"),
        (["eval", "themes", "seeds", "--names", "tests/data/theme_names.tsv"],
         "seeds: leaving one set out needs two sets or more: give more paths"),
        (["eval", "themes", "seeds", "tests", "--names", "no-labels.tsv"], "no-labels.tsv: no such file"),
        (["eval", "events", "--shared", "/no/such/folder"], "/no/such/folder: no labelled set here"),
        (["train", "events", "--shared", "/no/such/folder"], "/no/such/folder: no labelled set here"),
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


def test_missing_input_is_named_before_any_server_starts(tmp_path, isolated_dirs, capsys):
    assert main(["run", str(tmp_path / "doesnotexist")]) == 1
    assert f"nttr: error: no such file or folder: {tmp_path / 'doesnotexist'}\n" in capsys.readouterr().err
    assert not (isolated_dirs / "server").exists()


def test_default_seeds_missing_outside_the_repository_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 1
    assert "no such file or folder: seeds; run nttr from its own folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("afile", "afile is a file, not a folder"),
        ("afile/sub", "afile/sub lies under {tmp}/afile, which is a file, not a folder"),
    ],
)
def test_unwritable_out_is_one_line_before_any_work(out, expected, tmp_path, isolated_dirs, capsys):
    (tmp_path / "afile").write_text("x")
    assert main(["run", "seeds", "--out", str(tmp_path / out)]) == 1
    err = capsys.readouterr().err
    assert expected.format(tmp=tmp_path) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (isolated_dirs / "server").exists()


def test_prefect_api_url_that_does_not_answer_is_one_line(tmp_path, capsys):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # Through Prefect's settings, not monkeypatch.setenv: Prefect reads PREFECT_API_URL from the environment once,
    # when first imported, so an env var set here was seen only when this test ran first (alone) and ignored in a
    # full run, where earlier tests had imported Prefect: the run then went to a temporary server and exited 0.
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert main(["run", "seeds", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "the Prefect API at http://127.0.0.1:9/api (PREFECT_API_URL) does not answer" in err
    assert "Traceback" not in err


def test_second_new_run_refuses_at_once_while_another_holds_the_data_folder(isolated_dirs, capsys):
    from summarizer.service.state import run_lock

    with run_lock(isolated_dirs):
        assert main(["run", "seeds", "--new"]) == 1
    assert f"another nttr run is using {isolated_dirs}" in capsys.readouterr().err
    assert not (isolated_dirs / "server").exists()  # refused before a server started or a model loaded


def test_closing_lines_count_skips_apart_from_warnings_in_singular_and_plural(tmp_path, capsys):
    import json

    from flows.cli import report_written

    digest = {
        "stats": {"articles": 1, "statements": 2, "merged_statements": 2},
        "summits": [{}], "themes": [{}, {}],
        "problems": [{"path": "a.txt", "reason": "not UTF-8; decoded as cp1252", "kind": "warning"},
                     {"path": "b.bin", "reason": "binary file", "kind": "skipped"},
                     {"path": "c.bin", "reason": "binary file", "kind": "skipped"}],
    }
    (tmp_path / "digest.json").write_text(json.dumps(digest))
    report_written(tmp_path, 0)
    out = capsys.readouterr().out
    assert "nttr: 1 article, 2 statements (2 after merging repeats; 0 newly encoded) -> 1 summit, 2 themes" in out
    assert "skipped 2 inputs, listed under" in out and "used 1 input with a warning, listed under" in out


def test_main_called_in_process_returns_after_a_run_whose_server_went_away():
    """Only the `nttr` program exits at once after a lost server; `main` in-process (tests, the soak) returns,
    and forgets the earlier run's lost server. (A hard exit here ended pytest with status 0 mid-suite.)"""
    code = ("from flows import api_lost; api_lost.WATCH.lost = True; api_lost.WATCH.quiet = True\n"
            "from flows.cli import main\n"
            "rc = main(['server', '--help'])\n"
            "print('returned', rc, api_lost.WATCH.lost, flush=True)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "returned 0 False" in done.stdout, done.stdout + done.stderr
