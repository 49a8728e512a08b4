"""Remember which statements each summary chose, so a rerun over unchanged input summarizes nothing again.

A summary's choice depends only on the statements (their texts, and the positions, sources and dates that
the selector reads for priors, coherence and order: the key hashes each whole record; vectors follow from
the texts and the model), on the algorithm, budget and similarity cap, and on the selection code itself (a
hash of its source, so an upgraded algorithm never serves a stale choice), so that is the key. Entries are tiny JSON files
written atomically under the cache folder; a damaged entry is ignored and recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from summarizer.models import MergedStatement
from summarizer.files import mark_used, write_atomic

FOLDER = "summaries"


SELECTION_CODE = ("algorithms/*.py", "algorithms/data/*.json", "select.py", "summarize.py")
"""The library's files that decide which sentences a summary keeps (the learned model too)."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the selection code's source, so a changed algorithm invalidates remembered choices."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for pattern in SELECTION_CODE:
        for file in sorted(root.glob(pattern)):
            h.update(file.name.encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


def summary_key(texts: Sequence[str], *, model: str, algorithm: str, budget_words: int, max_similarity: float) -> str:
    """The cache key of one summary: a hash of everything its choice depends on (`texts`: each statement
    serialized whole, not only its wording)."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{model}\0{algorithm}\0{budget_words}\0{max_similarity!r}".encode())
    for text in texts:
        h.update(b"\0" + text.encode("utf-8"))
    return h.hexdigest()


def group_key(items: Sequence[MergedStatement], *, model: str, algorithm: str, budget_words: int,
              max_similarity: float) -> str:
    """The cache key of a summary of `items`: each whole statement counts, not only its wording."""
    return summary_key([i.model_dump_json() for i in items], model=model, algorithm=algorithm,
                       budget_words=budget_words, max_similarity=max_similarity)


def load_choice(cache_dir: Path, key: str, size: int) -> list[int] | None:
    """The remembered choice for `key`, or None when unknown or unusable for `size` statements."""
    path = Path(cache_dir) / FOLDER / f"{key}.json"
    try:
        chosen = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(chosen, list) or not all(isinstance(i, int) and 0 <= i < size for i in chosen):
        return None
    mark_used(path)
    return chosen


def save_choice(cache_dir: Path, key: str, chosen: Sequence[int]) -> None:
    """Remember a summary's choice (indices into its statements, in reading order)."""
    folder = Path(cache_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / f"{key}.json", json.dumps(list(chosen)))
