"""Retention: forget what is older than the retention period, in the state store and in the caches.

`nttr prune --older-than 90d` (default: the `retention_days` setting) removes the digests dated more than
that many days ago from the state store, with the articles, feed item versions, reported statements and
email ledger recorded under them (subscribers stay); then the cached vectors, remembered summaries and stage
results (cleaning, statements, summits, themes) not used for that long (the vectors of the reported
statements kept stay whatever their age). Output folders are left alone.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from summarizer import stage_cache
from summarizer.statements import embed
from summarizer.summaries import cache as summary_cache
from summarizer.errors import ConfigError
from summarizer.service.state import PruneReport, StateStore
from summarizer.text.counts import plural


class Pruned(BaseModel):
    """What `prune` removed."""

    model_config = ConfigDict(frozen=True)

    state: PruneReport
    vectors: int = 0
    summaries: int = 0
    stages: int = 0

    def line(self) -> str:
        s = self.state
        return (
            f"forgot {plural(s.digests, 'digest')} dated before {s.before.isoformat()}: {plural(s.articles, 'article')}, "
            f"{s.items} feed item versions, {s.statements} statements, {s.deliveries} deliveries; "
            f"{self.vectors} cached vectors, {self.summaries} remembered summaries, {self.stages} stage results"
        )


def parse_age(text: str) -> int:
    """Days in '90d', '12w' or '90' (days); ConfigError for anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text or "", re.IGNORECASE)
    if not match or int(match.group(1)) < 1:
        raise ConfigError(f"--older-than {text!r}: expected a number of days such as 90d (or weeks: 12w)")
    return int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)


def prune(
    state_path: Path, cache_dir: Path, model: str, *, days: int, today: dt.date, now: float | None = None
) -> Pruned:
    """Forget digests dated before `today` - `days`, then the cache entries nothing kept needs."""
    before = today - dt.timedelta(days=days)
    with StateStore(state_path) as store:
        report = store.prune(before)
        keep = [text for _, text in store.reported_statements()]
    vectors = embed.prune_cache(cache_dir, model, keep, unused_days=days, now=now)
    cutoff = (now if now is not None else time.time()) - days * 86400
    summaries = _forget_unused(Path(cache_dir) / summary_cache.FOLDER, "*.json", cutoff)
    stages = _forget_unused(Path(cache_dir) / stage_cache.FOLDER, "*/*.json", cutoff)
    return Pruned(state=report, vectors=vectors, summaries=summaries, stages=stages)


def _forget_unused(folder: Path, pattern: str, cutoff: float) -> int:
    """Remove the entries under `folder` last used (written or read) before `cutoff`; how many."""
    forgotten = 0
    for entry in folder.glob(pattern):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
                forgotten += 1
        except OSError:
            continue  # removed meanwhile, or unreadable: nothing to forget
    return forgotten
