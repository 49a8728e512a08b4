"""DUC 2004 evaluation on two topics: the table's shape, scores in range, saved summaries verbatim."""

from __future__ import annotations

import re

import pytest

from summarizer.summaries.algorithms import ALGORITHMS
from summarizer.evaluation.duc2004 import format_table, run_duc2004
from tests.conftest import DUC

pytestmark = [
    pytest.mark.slow,  # runs every summarizer on real topics; fold_of, locate and peer_sentences: test_eval_cv.py
    pytest.mark.duc,
    pytest.mark.model,
    pytest.mark.skipif(not DUC.is_dir(), reason="../shared/duc2004-dev is absent"),
]

PEERS = {"Lead", "LexRank", "Centroid", "FreqSum", "TsSum", "GreedyKL", "CLASSY04", "CLASSY11", "Submodular",
         "DPP", "OCCAMS_V", "RegSum", "ICSISumm"}
TOPICS = ["d30001t", "d31001t"]


@pytest.fixture(scope="module")
def report(real_embedder, tmp_path_factory):
    saved = tmp_path_factory.mktemp("summaries")
    cache = tmp_path_factory.mktemp("cache")
    report = run_duc2004(DUC, embedder=real_embedder, cache_dir=cache, topics=TOPICS, save_summaries=saved, folds=2)
    return report, saved


def test_table_has_ours_sumys_and_the_thirteen_published_systems(report):
    rows = {r.system: r for r in report[0].rows}
    assert set(rows) == set(ALGORITHMS) | PEERS
    assert rows["nttr"].kind == "ours" and rows["LexRank"].kind == "peer" and rows["lexrank"].kind == "sumy"
    assert all(r.topics == len(TOPICS) for r in rows.values())


def test_scores_are_in_range_and_sorted_by_rouge2(report):
    rows = report[0].rows
    for r in rows:
        assert 0 < r.rouge1_recall <= 1 and 0 <= r.rouge2_recall <= r.rouge1_recall
        assert 0 < r.rouge1_f <= 1 and 0 <= r.rouge2_f <= 1
    assert [r.rouge2_recall for r in rows] == sorted((r.rouge2_recall for r in rows), reverse=True)


def test_printed_table_marks_our_algorithm(report):
    table = format_table(report[0])
    # Title, protocol line, column header, one line per system, footer.
    assert re.search(r"^nttr\*\s+ours", table, re.M) and len(table.splitlines()) == len(report[0].rows) + 4


def test_saved_summaries_are_verbatim_and_about_100_words(report):
    _, saved = report
    for topic in TOPICS:
        text = (saved / f"{topic}.txt").read_text(encoding="utf-8")
        docs = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in (DUC / "docs" / topic).iterdir())
        sentences = [s for s in text.splitlines() if s.strip()]
        assert sentences and len(text.split()) <= 110
        for sentence in sentences:
            assert " ".join(sentence.split()) in docs, sentence


def test_cross_validation_scores_every_system_on_each_fold(report):
    folds = report[0].fold_rows
    assert len(folds) == 2
    assert all({r.system for r in rows} == set(ALGORITHMS) | PEERS for rows in folds)
    assert all(r.topics == 1 for rows in folds for r in rows)


def test_every_row_has_readability_over_its_summaries(report):
    for r in report[0].rows:
        assert r.readability is not None and r.readability.summaries == len(TOPICS)
        assert 0 <= r.readability.dangling <= r.readability.sentences


def test_table_prints_fold_means_and_readability_columns(report):
    table = format_table(report[0])
    assert "2-fold cross-validation" in table and "dangl%" in table and "fold 2" in table


def test_named_systems_alone_are_run_beside_the_published_ones(real_embedder, tmp_path):
    report = run_duc2004(DUC, embedder=real_embedder, cache_dir=tmp_path, topics=TOPICS[:1], systems=["lexrank"])
    assert {r.system for r in report.rows} == {"lexrank", "nttr"} | PEERS  # nttr: the marked algorithm


def test_an_unknown_system_is_refused_before_any_work(tmp_path):
    from summarizer.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown algorithm 'rouge'.*lexrank"):
        run_duc2004(DUC, embedder=None, cache_dir=tmp_path, systems=["lexrank", "rouge"])  # type: ignore[arg-type]
