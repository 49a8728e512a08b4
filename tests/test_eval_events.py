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
@pytest.mark.slow  # groups all 250 DUC dev documents
def test_duc_event_grouping_scores_are_in_range(real_embedder, tmp_path: Path) -> None:
    if not DUC.is_dir():
        pytest.skip("../shared/duc2004-dev is absent")
    scores = evaluate_events(DUC, real_embedder, cache_dir=tmp_path)
    assert scores.n_docs == 250 and scores.n_events_gold == 25
    assert scores.bcubed_f1 > 0.9


def _realnews_folder(tmp_path: Path) -> Path:
    import json

    pages = {
        "p1": "The CSTO summit was held in Minsk on 23 November 2023. The CSTO adopted a declaration on security.",
        "p2": "Leaders met at the CSTO summit in Minsk on 23 November 2023. The CSTO adopted a declaration.",
        "p3": "The CSTO summit was held in Astana on 28 November 2024. The CSTO adopted a border programme.",
    }
    (tmp_path / "text").mkdir()
    lines = []
    for pid, text in pages.items():
        (tmp_path / "text" / f"{pid}.txt").write_text(text + "\n")
        lines.append(json.dumps({"id": pid, "title": "", "outlet": pid, "url": f"https://x/{pid}", "text": text}))
    (tmp_path / "pages.jsonl").write_text("\n".join(lines) + "\n")
    gold = ["p1\tcsto-2023\t\thttps://x/p1", "p2\tcsto-2023\t\thttps://x/p2", "p3\tcsto-2023\t\thttps://x/p3",
            "p4\tcsto-2024\tp3\thttps://x/p4"]
    (tmp_path / "gold.tsv").write_text("\n".join(gold) + "\n")
    return tmp_path


def test_realnews_scores_name_the_misgrouped_and_unread_pages(fake_embedder, tmp_path: Path) -> None:
    from summarizer.evaluation.events import evaluate_realnews, format_scores

    scores = evaluate_realnews(_realnews_folder(tmp_path), fake_embedder, cache_dir=tmp_path / "cache")
    assert scores.n_docs == 4 and scores.not_read == ("p4",)
    assert [(m.label, m.kept, m.merged_in) for m in scores.misgrouped] == [("csto-2023", ("p1", "p2"), ())]
    assert scores.copy_pairs_gold == 1 and scores.copy_pairs_found == 0
    assert "split off: p3 (alone)" in format_scores(scores, "x")


def test_realnews_reads_bare_text_files_the_same_way(fake_embedder, tmp_path: Path) -> None:
    from summarizer.evaluation.events import evaluate_realnews

    scores = evaluate_realnews(_realnews_folder(tmp_path), fake_embedder, text=True, cache_dir=tmp_path / "cache")
    assert scores.n_events_found == 3 and scores.bcubed_precision == 1.0


def test_draw_runs_are_repeatable_and_within_the_sizes() -> None:
    from summarizer.evaluation.event_model import draw_runs

    labels = [f"e{i // 3}" for i in range(30)]
    runs = draw_runs(labels, 20, smallest=2, largest=5)
    assert runs == draw_runs(labels, 20, smallest=2, largest=5)
    assert all(2 <= len(r) <= 5 and r == sorted(set(r)) for r in runs)


def test_mixed_runs_hold_two_articles_of_one_event() -> None:
    from summarizer.evaluation.event_model import draw_runs

    labels = [f"e{i}" for i in range(40)] + ["pair", "pair"]
    runs = draw_runs(labels, 10, mixed=True)
    assert all({40, 41} <= set(r) for r in runs)


def test_small_runs_count_unrelated_pages_grouped_together(fake_embedder, tmp_path: Path) -> None:
    from dataclasses import replace

    from summarizer.evaluation.event_model import load_set, small_runs

    s = load_set(_realnews_folder(tmp_path), "jsonl", fake_embedder, tmp_path / "cache")
    apart = replace(s, gold={"p1": "a", "p2": "b", "p3": "c"})  # the rules group p1 and p2 (same summit)
    result = small_runs(apart, [[0, 1, 2]])
    assert (result.false_merges, result.unrelated_pairs) == (1, 3)
    assert result.f1[0] < 1.0
