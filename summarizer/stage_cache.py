"""Results of whole stages (summit grouping, theme clustering), or of a stage's work on each article
(splitting into statements), remembered by the content of their inputs.

A warm rerun over the same articles should cost what reading them costs: no clustering, and not even the
imports clustering needs (scikit-learn alone is a second or more). A stage's result depends only on its
inputs and on the library's code, so the key is a hash of both: the inputs as given (models as JSON,
arrays as bytes), the source of every module of `summarizer/` (any change to the library invalidates
every entry, so an upgraded stage never serves a stale result) and the versions of the numeric libraries.
Same input, same key, same result: the digest does not depend on what earlier runs saw. Entries are small
JSON files written atomically; a damaged or unreadable entry is ignored and recomputed. Reading an entry
marks it used; `nttr prune` forgets entries unused for the retention period.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel

from summarizer.files import mark_used, write_atomic, write_atomic_bytes

FOLDER = "stages"
"""Under the cache folder, one folder per stage."""
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

KEEP_PER_STAGE = 16
"""Entries kept per stage, the most recently used: a stage's result serves only the same input set again
(a rerun, or the themes' base of a growing folder), and a folder that grows by an article a day would
otherwise leave a whole copy of its cleaned articles and statements behind every day."""


@lru_cache(maxsize=1)
def library_fingerprint() -> str:
    """A hash of the library's source and of the versions of the libraries its stages compute with."""
    import summarizer

    root = Path(summarizer.__file__).resolve().parent
    h = hashlib.sha256()
    for file in sorted(root.rglob("*.py")):
        h.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    for version in versions(("numpy", "scipy", "scikit-learn")):
        h.update(version.encode())
    return h.hexdigest()


def versions(dists: Iterable[str]) -> tuple[str, ...]:
    """"name=version" of each installed distribution, "name=?" for one that is not installed: part of a key for
    results computed from a package's data or code."""
    found = []
    for dist in dists:
        try:
            found.append(f"{dist}={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{dist}=?")
    return tuple(found)


def _feed(h: Any, value: object) -> None:
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        h.update(f"array{array.dtype.str}{array.shape}".encode())
        h.update(memoryview(array).cast("B"))
    elif isinstance(value, BaseModel):
        h.update(value.model_dump_json().encode())
    elif isinstance(value, dict):
        h.update(json.dumps(value, sort_keys=True, default=str).encode())
    elif isinstance(value, (list, tuple)):
        h.update(f"seq{len(value)}".encode())
        for item in value:
            _feed(h, item)
            h.update(b"\1")
    else:
        h.update(repr(value).encode())


def stage_key(stage: str, inputs: Iterable[object]) -> str:
    """The cache key of one stage over these inputs under this library."""
    h = hashlib.sha256(f"{stage}\0{library_fingerprint()}".encode())
    for value in inputs:
        _feed(h, value)
        h.update(b"\0")
    return h.hexdigest()


def remembered(
    cache_dir: Path,
    stage: str,
    inputs: Iterable[object],
    compute: Callable[[], T],
    dump: Callable[[T], object],
    load: Callable[[Any], T],
) -> T:
    """The stage's result for these inputs: from the cache when known, else computed and remembered."""
    key = stage_key(stage, inputs)
    path = Path(cache_dir) / FOLDER / stage / f"{key}.json"
    found = _read_entry(path, load)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    result = compute()
    if _write_entry(path, dump(result)):
        _keep_recent(path.parent)
    return result


_MISSING = object()


def _read_entry(path: Path, load: Callable[[Any], T]) -> T | object:
    """The entry at `path`, marked used (`nttr prune` forgets entries unused for the retention period); or
    _MISSING where there is none, or it cannot be read (a damaged entry is recomputed)."""
    try:
        found = load(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        return _MISSING
    mark_used(path)
    return found


def _write_entry(path: Path, data: object) -> bool:
    """Write an entry; False where the cache cannot be written (that only costs the next run the same work)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(data))
    except OSError:
        return False
    return True


def remembered_models(cache_dir: Path, stage: str, inputs: Iterable[object], compute: Callable[[], list[M]],
                      model: type[M]) -> list[M]:
    """`remembered` for a stage whose result is a list of one kind of model."""
    return remembered(cache_dir, stage, inputs, compute,
                      dump=lambda found: [m.model_dump(mode="json") for m in found],
                      load=lambda data: [model.model_validate(m) for m in data])


KEEP_PER_ITEM = 20_000
"""Entries kept per per-item stage (one entry per article): about the articles of three weeks of a large
aggregator's feeds; `nttr prune` forgets older ones sooner."""


def remembered_each(
    cache_dir: Path,
    stage: str,
    items: Sequence[object],
    compute: Callable[[Any], T],
    dump: Callable[[T], object],
    load: Callable[[Any], T],
) -> list[T]:
    """`compute(item)` for each item, each remembered by the item's content: for a stage that works on one
    article at a time, so a set with one more article computes one article's result."""
    folder = Path(cache_dir) / FOLDER / stage
    out: list[T] = []
    wrote = False
    for item in items:
        path = folder / f"{stage_key(stage, [item])}.json"
        found = _read_entry(path, load)
        if found is _MISSING:
            found = compute(item)
            wrote = _write_entry(path, dump(found)) or wrote
        out.append(found)  # type: ignore[arg-type]
    if wrote:
        _keep_recent(folder, KEEP_PER_ITEM)
    return out


def _keep_recent(folder: Path, keep: int = KEEP_PER_STAGE) -> None:
    """Forget all but the `keep` most recently used entries of one stage."""
    entries = []
    for entry in folder.glob("*.json"):
        try:
            entries.append((entry.stat().st_mtime, entry.name, entry))
        except OSError:
            continue
    for _, _, entry in sorted(entries, reverse=True)[keep:]:
        try:
            entry.unlink()
        except OSError:
            pass


MEMO_KEEP = 50_000
"""Entries a memo keeps: those the last run used, then the most recent others up to this many."""


class Memo:
    """Results of pure functions of one item (a page, an article, a group), kept between runs by content.

    A stage that is a function of a whole set (cleaning compares a site's pages, grouping compares articles)
    is split into per-item work remembered here and a cheap step over the set: a set with one more item
    recomputes only what that item changes, and since every entry is keyed by its inputs' content (and the
    file by the library's code), the result is the one a run with an empty memo gives. One pickle file per
    memo under the stage cache (one `nttr` run at a time writes it; the last writer wins, which only costs a
    recomputation). Without a folder (`Memo(None)`) it lives in memory only.
    """

    def __init__(self, cache_dir: Path | None, name: str) -> None:
        self.path = None if cache_dir is None else Path(cache_dir) / FOLDER / name / f"{library_fingerprint()[:16]}.pickle"
        self.entries: dict[str, object] = {}
        self.used: dict[str, object] = {}
        self.computed: Counter[str] = Counter()
        """Results computed (not remembered) in this run, by kind."""
        if self.path is not None:
            import pickle

            try:
                self.entries = pickle.loads(self.path.read_bytes())
            except Exception:  # noqa: BLE001 - missing, damaged or from other code: start empty
                self.entries = {}
            if not isinstance(self.entries, dict):
                self.entries = {}

    def get(self, kind: str, inputs: Iterable[object], compute: Callable[[], T]) -> T:
        """`compute()`, or its remembered result for these inputs."""
        key = stage_key(kind, inputs)
        if key in self.used:
            return self.used[key]  # type: ignore[return-value]
        if key in self.entries:
            found = self.entries[key]
        else:
            found = compute()
            self.computed[kind] += 1
        self.used[key] = found
        return found  # type: ignore[return-value]

    def report(self) -> str:
        """How much of this run's work the memo answered, for the run's log: "N of M steps remembered"."""
        return f"{len(self.used) - self.computed.total()} of {len(self.used)} steps remembered"

    def save(self) -> None:
        """Write what this run used first, then older entries up to `MEMO_KEEP`; drop memos of other code."""
        if self.path is None or (not self.computed and len(self.used) == len(self.entries)):
            return
        import pickle

        kept = dict(self.used)
        for key, value in self.entries.items():  # saved most recent first
            if len(kept) >= MEMO_KEEP:
                break
            kept.setdefault(key, value)
        try:
            write_atomic_bytes(self.path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
            for other in self.path.parent.glob("*.pickle"):
                if other != self.path:
                    other.unlink(missing_ok=True)
        except OSError:
            pass
