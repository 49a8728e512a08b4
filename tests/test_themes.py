"""Themes: clustering merged statements, readable labels, determinism, summits of each theme, the seeds."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.models import MergedStatement, Source, Statement
from summarizer.themes import cluster_statements, cluster_themes, default_k, label_from_keywords
from tests.conftest import SEEDS

TEXTS = {
    "a": ["Drug trafficking across the border rose sharply.", "Police seized drug shipments at the border.",
          "Drug trafficking gangs crossed the border at night."],
    "b": ["Armenia and Azerbaijan signed a peace accord.", "Azerbaijan and Armenia resumed peace talks.",
          "The Armenia Azerbaijan peace accord holds."],
}


def merged_of(texts_by_article: dict[str, list[str]]) -> list[MergedStatement]:
    out = []
    for aid, texts in texts_by_article.items():
        for pos, text in enumerate(texts):
            st = Statement(id=f"{aid}:{pos}", article_id=aid, text=text, start=pos, end=pos + 1, position=pos)
            out.append(MergedStatement(id=st.id, text=text, statements=(st,),
                                       sources=(Source(article_id=aid, path=f"{aid}.txt"),)))
    return out


def test_two_topics_give_two_themes_with_their_summits(fake_embedder) -> None:
    merged = merged_of(TEXTS)
    vecs = fake_embedder.encode([m.text for m in merged])
    clusters = cluster_statements(merged, vecs, summit_of={"a": "s1", "b": "s2"}, k=2, min_size=2)
    assert sorted(c.members for c in clusters) == [(0, 1, 2), (3, 4, 5)]
    assert sorted(c.theme.summits for c in clusters) == [("s1",), ("s2",)]


def test_labels_are_words_from_the_statements_not_numbers(fake_embedder) -> None:
    merged = merged_of(TEXTS)
    themes = cluster_themes(merged, fake_embedder.encode([m.text for m in merged]), summit_of={}, k=2, min_size=2)
    labels = " ".join(t.label for t in themes).lower()
    assert "border" in labels or "drug" in labels
    assert "armenia" in labels or "azerbaijan" in labels or "peace" in labels
    assert all(not t.label.replace(" ", "").isdigit() for t in themes)


def test_same_input_gives_same_themes(fake_embedder) -> None:
    merged = merged_of(TEXTS)
    vecs = fake_embedder.encode([m.text for m in merged])
    assert cluster_statements(merged, vecs, summit_of={}, k=2) == cluster_statements(merged, vecs, summit_of={}, k=2)


def test_theme_ids_are_unique_slugs(fake_embedder) -> None:
    merged = merged_of({"a": ["Same words here again."] * 4 + ["Other words entirely now."] * 4})
    themes = cluster_themes(merged, fake_embedder.encode([m.text for m in merged]), summit_of={}, k=2, min_size=1)
    assert len({t.id for t in themes}) == len(themes)


def test_label_joins_keywords_readably() -> None:
    assert label_from_keywords(["Armenia", "Azerbaijan", "peace talks"]) == "Armenia, Azerbaijan & peace talks"
    assert label_from_keywords([]) == "Other statements"


def test_default_k_grows_slowly_and_is_capped() -> None:
    assert default_k(200) == 12 and default_k(100_000) == 20 and default_k(4) == 1


def test_no_statements_give_no_themes() -> None:
    assert cluster_themes([], np.zeros((0, 8), dtype=np.float32), summit_of={}) == []


@pytest.mark.model
def test_seeds_give_at_least_four_themes_with_word_labels(real_embedder) -> None:
    from summarizer.clean import clean_articles
    from summarizer.dedup import merge_statements
    from summarizer.ingest import read_inputs
    from summarizer.sentences import split_statements

    arts, _ = clean_articles(read_inputs([SEEDS]).articles)
    sts = [s for a in arts for s in split_statements(a)]
    merged, vecs = merge_statements(sts, real_embedder.encode([s.text for s in sts]), arts)
    themes = cluster_themes(merged, vecs, summit_of={a.id: a.id for a in arts})
    assert len(themes) >= 4
    assert all(any(ch.isalpha() for ch in t.label) for t in themes)
    assert any("drug" in t.label.lower() or "nuclear" in t.label.lower() for t in themes)
