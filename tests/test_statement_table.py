"""Statements as arrays (`statements.table`): the same merges and themes as the models, on small sets."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.models import Article, Statement
from summarizer.statements.dedup import merge_statements
from summarizer.statements.table import (
    MergedTable,
    StatementTable,
    Strings,
    merge_table,
)
from summarizer.themes.clustering import cluster_statements


def art(aid: str) -> Article:
    return Article(id=aid, path=f"{aid}.txt", format="txt", text="x")


def st(aid: str, text: str, position: int) -> Statement:
    return Statement(id=f"{aid}:{position}", article_id=aid, text=text, start=10 * position,
                     end=10 * position + len(text), position=position)


def unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def repeats(seed: int = 0, n: int = 60) -> tuple[list[Article], list[Statement], np.ndarray]:
    """Statements of four articles, given out of reading order, a third of them near-repeats of another."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 24))
    twins = rng.integers(0, n, n // 3)
    vectors = unit(np.vstack([base, base[twins] + rng.normal(scale=0.05, size=(len(twins), 24))]))
    articles = [art(f"a{i}") for i in range(4)]
    statements = [st(f"a{i % 4}", f"Statement number {i} of the set, é.", i // 4) for i in range(len(vectors))]
    shuffled = rng.permutation(len(statements))
    return articles, [statements[i] for i in shuffled], vectors[shuffled]


def test_strings_read_back_what_was_stored_including_empty_and_non_ascii() -> None:
    texts = ["Minsk", "", "Ankara’s ‘road map’", "日本"]
    got = Strings.of(texts)
    assert list(got) == texts and got[-1] == "日本" and got[1:3] == texts[1:3] and len(got) == 4


def test_strings_past_an_index_raise_index_error() -> None:
    with pytest.raises(IndexError):
        Strings.of(["a"])[1]


def test_a_table_gives_back_the_statements_it_was_made_of() -> None:
    articles, statements, _ = repeats()
    table = StatementTable.of(statements, articles)
    assert [table.statement(i) for i in range(len(table))] == statements


def test_merging_a_table_gives_the_models_merges_in_their_order() -> None:
    articles, statements, vectors = repeats()
    want, want_vectors = merge_statements(statements, vectors, articles, threshold=0.9)
    merged, got_vectors = merge_table(StatementTable.of(statements, articles), vectors, threshold=0.9)
    assert len(want) < len(statements)  # there are merges to get right
    assert merged.merged_statements(articles) == want
    assert np.array_equal(got_vectors, want_vectors)


def test_merging_within_events_gives_the_models_merges() -> None:
    articles, statements, vectors = repeats(seed=1)
    event_of = {"a0": "s1", "a1": "s1", "a2": "s2"}  # a3 is its own event
    want, _ = merge_statements(statements, vectors, articles, threshold=0.9, event_of=event_of)
    merged, _ = merge_table(StatementTable.of(statements, articles), vectors, threshold=0.9, event_of=event_of)
    assert merged.merged_statements(articles) == want


def test_statements_of_articles_not_given_sort_after_the_rest_as_the_models_do() -> None:
    articles, statements, vectors = repeats(seed=2)
    want, _ = merge_statements(statements, vectors, articles[:2], threshold=0.9)
    merged, _ = merge_table(StatementTable.of(statements, articles[:2]), vectors, threshold=0.9)
    assert merged.merged_statements(articles[:2]) == want


def test_the_table_path_above_the_exact_limit_gives_the_exact_merges(monkeypatch) -> None:
    from summarizer.statements import table as table_module

    articles, statements, vectors = repeats(seed=3, n=400)
    want, _ = merge_statements(statements, vectors, articles, threshold=0.9)
    monkeypatch.setattr(table_module, "EXACT_LIMIT", 10)  # the approximate search, over unordered rows
    merged, _ = merge_table(StatementTable.of(statements, articles), vectors, threshold=0.9)
    assert merged.merged_statements(articles) == want


def test_a_table_and_its_vectors_must_have_as_many_rows() -> None:
    articles, statements, vectors = repeats()
    with pytest.raises(ValueError, match="vectors"):
        merge_table(StatementTable.of(statements, articles), vectors[:-1])


def test_records_of_a_merged_table_cluster_into_the_models_themes(fake_embedder) -> None:
    from tests.test_themes import ARMS, DRUGS, FILLER

    texts = [DRUGS[:3] + ARMS[:3] + FILLER[:2], DRUGS[3:] + ARMS[3:] + FILLER[2:] + [DRUGS[0]]]
    articles = [art("a1"), art("a2")]
    statements = [st(a.id, t, p) for a, ts in zip(articles, texts) for p, t in enumerate(ts)]
    vectors = np.asarray(fake_embedder.encode([s.text for s in statements]), dtype=np.float32)
    models, model_vectors = merge_statements(statements, vectors, articles)
    merged, merged_vectors = merge_table(StatementTable.of(statements, articles), vectors)
    knobs = {"summit_of": {"a1": "s1", "a2": "s2"}, "embedder": fake_embedder, "k": 3, "min_size": 3,
             "general_share": 0.0}
    want = cluster_statements(models, model_vectors, **knobs)
    assert want  # themes to compare
    assert cluster_statements(merged.records(), merged_vectors, **knobs) == want


def test_an_empty_table_merges_into_nothing() -> None:
    merged, vectors = merge_table(StatementTable.of([]), np.zeros((0, 8), dtype=np.float32))
    assert isinstance(merged, MergedTable) and len(merged) == 0 and vectors.shape == (0, 8)
