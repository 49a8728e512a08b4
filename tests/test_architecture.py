"""The house's shape: stages are layers (pyproject's import-linter contract), and no module imports itself back.

Both read the code's imports statically (grimp), function-level imports included, so a lazy import that closes a
loop fails here too.
"""

from __future__ import annotations

import graphlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("summarizer", "flows", cache_dir=None)


def loops_in(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """One import loop among modules, as the modules around it; empty when the imports form a DAG."""
    sorter = graphlib.TopologicalSorter({m: graph.find_modules_directly_imported_by(m) for m in graph.modules})
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        return [tuple(exc.args[1])]
    return []


def test_no_module_imports_itself_back(graph: grimp.ImportGraph) -> None:
    assert loops_in(graph) == []


def test_a_loop_is_found_when_there_is_one(graph: grimp.ImportGraph) -> None:
    graph = graph.copy() if hasattr(graph, "copy") else grimp.build_graph("summarizer", "flows", cache_dir=None)
    graph.add_import(importer="summarizer.models", imported="summarizer.read.ingest")  # ingest imports models
    assert loops_in(graph), "an added back-import should close a loop"


def lint_imports(repo: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over `repo`'s contracts, in a process of its own (it reconfigures logging where it runs)."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)},
                          capture_output=True, text=True, timeout=120)


def test_stages_are_layers() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_layer_contract_fails_on_a_lower_stage_importing_a_higher_one(tmp_path: Path) -> None:
    """The contract is live: a copy of the library where `read` imports `digest` breaks it (checked apart, in a
    process of its own, so this session's modules stay the real ones)."""
    copy = tmp_path / "repo"
    for part in ("summarizer", "flows"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    decode = copy / "summarizer" / "read" / "decode.py"
    decode.write_text(decode.read_text() + "\nfrom summarizer.digest import render  # noqa: E402,F401\n")
    done = lint_imports(copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "summarizer.read.decode -> summarizer.digest.render" in done.stdout
