"""Event-grouping evaluation: B-cubed arithmetic and a run on a two-topic DUC-shaped folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.evaluation.events import bcubed, evaluate_events
from tests.conftest import DUC


def test_bcubed_is_one_for_a_perfect_grouping() -> None:
    assert bcubed(["x", "x", "y"], ["a", "a", "b"]) == (1.0, 1.0, 1.0)


def test_bcubed_of_one_big_cluster_has_full_recall_and_low_precision() -> None:
    p, r, f = bcubed(["x", "x", "x", "x"], ["a", "a", "b", "b"])
    assert (p, r) == (0.5, 1.0) and f == pytest.approx(2 / 3)


def test_bcubed_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        bcubed(["x"], ["a", "b"])


def test_evaluate_events_on_two_small_topics(fake_embedder, tmp_path: Path) -> None:
    texts = {
        "t1": ["Hun Sen and Ranariddh agreed to form a coalition government in Cambodia today.",
               "Cambodia's Hun Sen and Prince Ranariddh signed the coalition government deal."],
        "t2": ["The shuttle Endeavour docked with the Zarya module of the space station.",
               "Astronauts aboard Endeavour joined Zarya and Unity modules of the station."],
    }
    for topic, docs in texts.items():
        folder = tmp_path / "docs" / topic
        folder.mkdir(parents=True)
        for i, text in enumerate(docs):
            (folder / f"D{i}.txt").write_text(text + " " + text.replace("today", "on Monday") + "\n")
    scores = evaluate_events(tmp_path, fake_embedder, cache_dir=tmp_path / "cache")
    assert (scores.n_docs, scores.n_events_gold) == (4, 2)
    assert scores.bcubed_f1 == 1.0 and scores.ari == 1.0


@pytest.mark.duc
@pytest.mark.model
def test_duc_event_grouping_scores_are_in_range(real_embedder, tmp_path: Path) -> None:
    if not DUC.is_dir():
        pytest.skip("../shared/duc2004-dev is absent")
    scores = evaluate_events(DUC, real_embedder, cache_dir=tmp_path)
    assert scores.n_docs == 250 and scores.n_events_gold == 25
    assert scores.bcubed_f1 > 0.9
