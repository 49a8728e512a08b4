"""Duplicates: identical articles, near-duplicate groups (threshold edges, no chaining), merged statements."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.statements.dedup import merge_statements, near_duplicate_groups
from summarizer.models import Article, Statement


def art(aid: str, path: str, text: str, **kw) -> Article:
    return Article(id=aid, path=path, format="txt", text=text, **kw)


def st(aid: str, text: str, position: int) -> Statement:
    return Statement(id=f"{aid}:{position}", article_id=aid, text=text, start=position, end=position + len(text),
                     position=position)


def unit(*rows: list[float]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_groups_include_pairs_at_threshold_and_exclude_just_below() -> None:
    cos = 0.87
    v = np.array([[1, 0, 0], [cos, np.sqrt(1 - cos**2), 0], [0.86, np.sqrt(1 - 0.86**2), 0]], dtype=np.float32)
    groups = near_duplicate_groups(v[[0, 1]], threshold=0.87)
    assert groups == [[0, 1]]
    assert near_duplicate_groups(v[[0, 2]], threshold=0.87) == [[0], [1]]


def test_groups_do_not_chain_through_a_middle_vector() -> None:
    # a~b and b~c above 0.9, but a and c only ~0.62 apart: c must not join a's group.
    a, b, c = unit([1, 0, 0], [1, 0.75, 0], [1, 1.5, 0]).tolist()
    v = unit(a, b, c)
    assert float(v[0] @ v[1]) > 0.75 and float(v[1] @ v[2]) > 0.75 and float(v[0] @ v[2]) < 0.75
    assert near_duplicate_groups(v, threshold=0.75) == [[0, 1], [2]]


def test_groups_span_row_blocks() -> None:
    rng = np.random.default_rng(0)
    base = unit(*rng.normal(size=(700, 16)).tolist())
    v = np.vstack([base, base[:3]])  # rows 700..702 repeat rows 0..2, in a later block
    groups = near_duplicate_groups(v, threshold=0.99)
    assert [0, 700] in groups and [2, 702] in groups and len(groups) == 700


def test_empty_input_gives_no_groups() -> None:
    assert near_duplicate_groups(np.zeros((0, 3), dtype=np.float32)) == []


def test_merged_statement_keeps_every_source_including_collapsed_copies() -> None:
    a1 = art("a1", "a1.txt", "x").model_copy(update={"copies": (art("a3", "a3.txt", "x").source,)})
    a2 = art("a2", "a2.txt", "y")
    sts = [st("a2", "Leaders met in Minsk today.", 0), st("a1", "Leaders met in Minsk.", 0), st("a1", "Rain.", 1)]
    vecs = unit([1, 0.1, 0], [1, 0.12, 0], [0, 0, 1])
    merged, mv = merge_statements(sts, vecs, [a1, a2], threshold=0.9)
    assert [m.text for m in merged] == ["Leaders met in Minsk.", "Rain."]
    assert [s.article_id for s in merged[0].sources] == ["a1", "a3", "a2"]
    assert merged[0].outlets == 3
    assert np.allclose(mv, vecs[[1, 2]])


def test_merge_statements_rejects_mismatched_vectors() -> None:
    with pytest.raises(ValueError):
        merge_statements([st("a", "One two three four.", 0)], np.zeros((2, 3)), [art("a", "a", "t")])


def test_merge_statements_is_deterministic(fake_embedder) -> None:
    arts = [art("a", "a.txt", "t"), art("b", "b.txt", "t2")]
    sts = [st("b", "The summit was held in Minsk.", 0), st("a", "The summit was held in Minsk.", 3),
           st("a", "Drug trafficking was discussed.", 4)]
    vecs = fake_embedder.encode([s.text for s in sts])
    one = merge_statements(sts, vecs, arts)
    two = merge_statements(list(sts), vecs.copy(), arts)
    assert one[0] == two[0] and np.array_equal(one[1], two[1])
    assert one[0][0].representative.article_id == "a"


# -- past EXACT_LIMIT rows: an approximate index proposes pairs, each checked exactly -----------------------------

from summarizer.statements import dedup  # noqa: E402
from summarizer.evaluation.bench import synthetic_vectors  # noqa: E402
from summarizer.statements.neighbours import approximate_pairs  # noqa: E402


def merges(groups: list[list[int]]) -> set[tuple[int, int]]:
    """(member, leader) for every member that is not its group's leader."""
    return {(m, g[0]) for g in groups for m in g[1:]}


@pytest.fixture(scope="module")
def near_duplicates() -> np.ndarray:
    return synthetic_vectors(6000, seed=3)


def test_approximate_groups_find_the_exact_merges(near_duplicates, monkeypatch) -> None:
    exact = near_duplicate_groups(near_duplicates, threshold=0.87)
    monkeypatch.setattr(dedup, "EXACT_LIMIT", 0)
    approximate = near_duplicate_groups(near_duplicates, threshold=0.87)
    want, got = merges(exact), merges(approximate)
    assert len(want) > 500  # the set has many merges, many of them near the threshold
    assert len(got & want) >= 0.99 * len(want)


def test_approximate_pairs_are_all_at_or_above_the_threshold(near_duplicates) -> None:
    rows, cols = approximate_pairs(near_duplicates, 0.87)
    sims = np.sum(near_duplicates[rows] * near_duplicates[cols], axis=1)
    assert rows.size and sims.min() >= 0.87 - 1e-6 and np.all(rows < cols)


def test_approximate_pairs_are_the_same_run_after_run(near_duplicates) -> None:
    one, two = approximate_pairs(near_duplicates, 0.87), approximate_pairs(near_duplicates.copy(), 0.87)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])


def test_approximate_pairs_do_not_depend_on_the_thread_count(near_duplicates) -> None:
    import faiss

    threads = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(1)
        one = approximate_pairs(near_duplicates, 0.87)
    finally:
        faiss.omp_set_num_threads(threads)
    two = approximate_pairs(near_duplicates, 0.87)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])


def test_repeats_merge_only_within_one_event_when_events_are_given() -> None:
    arts = [art("a", "a.txt", "x"), art("b", "b.txt", "y"), art("c", "c.txt", "z")]
    same = "Iran joined the bloc at the summit in Dushanbe."
    sts = [st("a", same, 0), st("b", same, 0), st("c", same, 0)]
    vecs = unit([1, 0, 0], [1, 0, 0], [1, 0, 0])
    across, _ = merge_statements(sts, vecs, arts, threshold=0.9)
    within, wv = merge_statements(sts, vecs, arts, threshold=0.9, event_of={"a": "2021", "b": "2023", "c": "2023"})
    assert [[s.article_id for s in m.sources] for m in across] == [["a", "b", "c"]]
    assert [[s.article_id for s in m.sources] for m in within] == [["a"], ["b", "c"]]
    assert [m.representative.article_id for m in within] == ["a", "b"] and wv.shape == (2, 3)
