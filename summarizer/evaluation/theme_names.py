"""Theme names against a labelled list: the share of themes whose name an editor would keep, one set left out.

The list (`tests/data/theme_names.tsv`: set, candidate name, reason) labels candidate names of the themes of
our dev sets as good or bad, with the reason a bad one is bad (time/weather, generic, role/office, picture,
neighbour-not-topic, narrow, fragment). For each set, the name model (`themes/name_model.py`) is fitted on
the labelled candidates of the other sets and names that set's themes; a name is counted good, bad, or
unlabelled (counted as not good). The themes are clustered with the score-only namer, so the clusters do not
depend on the labels either. The baseline is that namer's choice on the same clusters.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.errors import InputError
from summarizer.evaluation.themes import Corpus
from summarizer.themes.name_model import Candidate, NameModel, fit_name_model
from summarizer.themes.clustering import cluster_statements
from summarizer.themes.names import BROAD, choose_label, eligible, theme_candidates

REASONS = ("good", "time/weather", "generic", "role/office", "picture", "neighbour-not-topic", "narrow", "fragment")
SKIPPED = {"docs", "text"}
C = 0.1
"""Inverse L2 strength of the name model (0.1 and 1 tried, leave one set out)."""
THRESHOLDS = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5)
"""Log-odds below which a theme keeps no name, tried on the training sets (nested leave one set out)."""


def set_name(path: Path) -> str:
    """The name a labelled set goes by: its folder (`../shared/realnews-dev/pages.jsonl` -> realnews-dev)."""
    for part in [path, *path.parents]:
        if part.name and part.suffix == "" and part.name not in SKIPPED:
            return part.name
    return path.name


def read_name_labels(path: Path) -> dict[str, dict[str, str]]:
    """Labels by set, then by lower-case name: the reason ("good" or why not)."""
    if not path.is_file():
        raise InputError(str(path), "no such file; give the labelled names (tests/data/theme_names.tsv)")
    labels: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
            reason = (row.get("reason") or "").strip()
            if reason not in REASONS or not row.get("set") or not row.get("name"):
                raise InputError(f"{path}:{line}", f"need set, name and a reason among {', '.join(REASONS)}")
            labels.setdefault(row["set"], {})[row["name"].strip().lower()] = reason
    return labels


class SetNames(BaseModel):
    """The names of one held-out set's themes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    set: str
    themes: int
    named: int
    good: int
    baseline_good: int
    baseline_named: int
    threshold: float | None
    """The model's log-odds threshold (chosen without this set; None: every theme named)."""
    names: list[tuple[str, str]]
    """(name, reason or "unlabelled") of each named theme."""

    @property
    def share(self) -> float:
        """Share of named themes whose name is good."""
        return self.good / self.named if self.named else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline_good / self.baseline_named if self.baseline_named else 0.0


class NamesReport(BaseModel):
    """Held-out share of good names, per set and pooled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sets: list[SetNames]

    @property
    def pooled(self) -> float:
        named = sum(s.named for s in self.sets)
        return sum(s.good for s in self.sets) / named if named else 0.0

    @property
    def baseline_pooled(self) -> float:
        named = sum(s.baseline_named for s in self.sets)
        return sum(s.baseline_good for s in self.sets) / named if named else 0.0


def corpus_candidates(corpus: Corpus, *, embedder: object | None = None) -> list[list[Candidate]]:
    """The ranked name candidates of each theme of a corpus (with the `BROAD` more the label may be), clustered
    with the score-only namer."""
    clusters = cluster_statements(corpus.merged, corpus.vectors, summit_of=corpus.summit_of, embedder=embedder,
                                  event_terms=corpus.event_terms, learned_names=False)
    return theme_candidates(corpus.merged, corpus.vectors, [list(c.members) for c in clusters], embedder=embedder,
                            event_terms=corpus.event_terms, summit_of=corpus.summit_of, broad=BROAD)


def _labelled(themes: Sequence[Sequence[Candidate]], labels: Mapping[str, str]) -> tuple[list[Candidate], list[bool]]:
    pairs = [(c, labels[c.text.lower()] == "good") for cands in themes for c in cands
             if eligible(c) and c.text.lower() in labels]
    return [c for c, _ in pairs], [g for _, g in pairs]


def fit_on(sets: Mapping[str, Sequence[Sequence[Candidate]]], labels: Mapping[str, Mapping[str, str]], *,
           c: float = C, abstain: bool = False) -> NameModel:
    """The name model fitted on the labelled candidates of these sets."""
    cands: list[Candidate] = []
    good: list[bool] = []
    for name, themes in sorted(sets.items()):
        x, y = _labelled(themes, labels.get(name, {}))
        cands += x
        good += y
    threshold = choose_threshold(sets, labels, c=c) if abstain else None
    return fit_name_model(cands, good, c=c, threshold=threshold, trained_on=[f"{n}" for n in sorted(sets)] + [f"{len(cands)} candidates"])


def choose_threshold(sets: Mapping[str, Sequence[Sequence[Candidate]]], labels: Mapping[str, Mapping[str, str]], *,
                     c: float = C) -> float:
    """The threshold of `THRESHOLDS` with the most good names less bad ones, each of these sets left out (an
    editor loses as much from a bad name as he gains from a good one; ties: the lower threshold, more names)."""
    if len(sets) < 2:
        return 0.0
    gains = []
    for t in THRESHOLDS:
        report = _evaluate(sets, labels, c=c, threshold=t)
        gains.append(sum(2 * s.good - s.named for s in report.sets))
    return THRESHOLDS[int(np.argmax(gains))]


def evaluate_names(sets: Mapping[str, Sequence[Sequence[Candidate]]], labels: Mapping[str, Mapping[str, str]], *,
                   c: float = C, abstain: bool = False) -> NamesReport:
    """Leave one set out: fit on the others, name the held-out set's themes, count good names.

    `abstain`: a theme whose best candidate is below a threshold chosen on the other sets alone
    (`choose_threshold`, nested) gets no name; else every theme with a candidate is named (as shipped).
    """
    return _evaluate(sets, labels, c=c, threshold="nested" if abstain else None)


def _evaluate(sets: Mapping[str, Sequence[Sequence[Candidate]]], labels: Mapping[str, Mapping[str, str]], *,
              c: float, threshold: float | str | None) -> NamesReport:
    rows: list[SetNames] = []
    for held in sorted(sets):
        rest = {k: v for k, v in sets.items() if k != held}
        model = fit_on(rest, labels, c=c, abstain=threshold == "nested")
        if not isinstance(threshold, str):
            model = model.model_copy(update={"threshold": threshold})
        known = labels.get(held, {})
        names: list[tuple[str, str]] = []
        base_reasons: list[str] = []
        for cands in sets[held]:
            pick = choose_label(cands, model)
            if pick is not None:
                names.append((pick.text, known.get(pick.text.lower(), "unlabelled")))
            base = choose_label(cands)
            if base is not None:
                base_reasons.append(known.get(base.text.lower(), "unlabelled"))
        rows.append(SetNames(set=held, themes=len(sets[held]), named=len(names), threshold=model.threshold,
                             good=sum(r == "good" for _, r in names), names=names,
                             baseline_good=base_reasons.count("good"), baseline_named=len(base_reasons)))
    return NamesReport(sets=rows)


def format_names(report: NamesReport) -> str:
    """Per-set shares of good names (held out), the baseline's, and the mean with its spread."""
    shares = np.array([s.share for s in report.sets])
    lines = [f"{'held-out set':<16} {'themes':>6} {'named':>6} {'good':>5} {'share':>6} {'threshold':>9}   "
             f"{'score-only namer':>16}"]
    for s in report.sets:
        lines.append(f"{s.set:<16} {s.themes:>6} {s.named:>6} {s.good:>5} {s.share:>6.0%} {'none' if s.threshold is None else f'{s.threshold:.1f}':>9}   "
                     f"{s.baseline_good:>5}/{s.baseline_named:<3} {s.baseline_share:>5.0%}")
    lines.append(f"{'pooled':<16} {sum(s.themes for s in report.sets):>6} {sum(s.named for s in report.sets):>6} "
                 f"{sum(s.good for s in report.sets):>5} {report.pooled:>6.0%} {'':>9}   {report.baseline_pooled:>15.0%}")
    lines.append(f"mean over sets {shares.mean():.0%} (sd {shares.std():.0%}, min {shares.min():.0%})")
    for s in report.sets:
        bad = [f"{n} ({r})" for n, r in s.names if r != "good"]
        if bad:
            lines.append(f"{s.set} names not good: " + "; ".join(bad))
    return "\n".join(lines)
