"""Shared fixtures: every test runs with its own data folder and Prefect home, offline."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DUC = ROOT.parent / "shared" / "duc2004-dev"

# Before anything imports prefect or huggingface: offline, quiet, no analytics.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
# `nttr run` leaves a Prefect server running per data folder; should a test session die before it stops
# them (see stop_background_servers), they stop by themselves after 15 minutes unused.
os.environ.setdefault("NTTR_PREFECT_SERVER_IDLE_HOURS", "0.25")
# Flows in tests write their summaries in their own process (worker processes cost seconds of imports per run);
# tests/test_workers.py and the end-to-end runs over the seeds (test_run_seeds.py) use the workers.
os.environ.setdefault("NTTR_SUMMARY_WORKERS", "0")


@pytest.fixture(scope="session", autouse=True)
def stop_background_servers(tmp_path_factory: pytest.TempPathFactory):
    """Stop every background Prefect server that a test's `nttr run` started under this session's temp folders."""
    yield
    from flows.server import FOLDER, RECORD, stop_server

    for record in tmp_path_factory.getbasetemp().glob(f"**/{FOLDER}/{RECORD}"):
        stop_server(record.parent.parent, timeout=10)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point all of nttr's state at a fresh temporary folder."""
    data = tmp_path_factory.mktemp("nttr-data")
    monkeypatch.setenv("NTTR_DATA_DIR", str(data))
    monkeypatch.delenv("NTTR_CONFIG", raising=False)
    return data


class FakeEmbedder:
    """Deterministic bag-of-words embedder: same words, same vector; shared words, similar vectors."""

    name = "fake"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    """The real default model, loaded once per session."""
    from summarizer.statements.embed import load_embedder

    return load_embedder("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory):
    """One Prefect test server for the whole session (it costs ~10 s to start)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
