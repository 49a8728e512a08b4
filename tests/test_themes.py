"""Themes: clusters with an outside, named by noun phrases from their statements, deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.models import Digest, MergedStatement, RunInfo, Source, Statement, Theme
from summarizer.digest.render import render_html, render_markdown
from summarizer.themes.names import name_themes, phrases
from summarizer.themes.clustering import assign, cluster_statements, left_out

DRUGS = [
    "Drug trafficking from Afghanistan remains the main threat to the region, the ministers said.",
    "The leaders agreed to fight drug trafficking along the Afghan border together.",
    "Drug trafficking networks finance terrorism across the Afghan border, officials warned.",
    "A new centre will coordinate the fight against drug trafficking and terrorism.",
    "Border guards seized record heroin shipments, a sign of growing drug trafficking.",
    "Drug trafficking and terrorism topped the agenda of the border security talks.",
]
ARMS = [
    "European rearmament is gaining momentum as NATO allies raise military spending.",
    "Germany plans to double military spending, feeding European rearmament.",
    "Poland will spend five percent of its economy on military spending next year.",
    "European rearmament worries the alliance, which sees NATO military spending grow.",
    "Arms production in Europe has tripled, driving European rearmament further.",
    "Military spending across NATO exceeded half a trillion dollars this year.",
]
FILLER = [
    "The weather in the capital was cold and grey.",
    "Photographers waited outside the hall for hours.",
    "Lunch was served at noon in the palace garden.",
    "The press office published a short video of the arrival.",
]


def corpus(texts_by_article: list[list[str]]) -> list[MergedStatement]:
    """Merged statements, one per text, in the given articles (a1, a2, ...)."""
    out = []
    for a, texts in enumerate(texts_by_article, start=1):
        for pos, text in enumerate(texts):
            st = Statement(id=f"a{a}:{pos}", article_id=f"a{a}", text=text, start=0, end=len(text), position=pos)
            out.append(MergedStatement(id=st.id, text=text, statements=(st,), sources=(Source(article_id=f"a{a}", path=f"a{a}.txt"),)))
    return out


def three_articles() -> list[MergedStatement]:
    return corpus([DRUGS[:3] + ARMS[:3] + FILLER[:2], DRUGS[3:] + ARMS[3:] + FILLER[2:], [
        "The summit ended with a joint declaration."]])


def clusters_of(merged: list[MergedStatement], embedder, **knobs):
    vectors = embedder.encode([m.text for m in merged])
    knobs.setdefault("k", 3)
    knobs.setdefault("min_size", 3)
    knobs.setdefault("general_share", 0.0)
    return cluster_statements(merged, vectors, summit_of={"a1": "s1", "a2": "s2"}, embedder=embedder, **knobs)


def test_filler_statements_stay_outside_the_themes(fake_embedder):
    merged = three_articles()
    clusters = clusters_of(merged, fake_embedder, fit=0.3)
    inside = {merged[i].text for c in clusters for i in c.members}
    assert clusters and not inside & set(FILLER)


def test_topics_become_separate_themes_that_cross_summits(fake_embedder):
    merged = three_articles()
    clusters = clusters_of(merged, fake_embedder, fit=0.3)
    groups = [{merged[i].text for i in c.members} for c in clusters]
    assert any(g <= set(DRUGS) and len(g) >= 4 for g in groups)
    assert any(g <= set(ARMS) and len(g) >= 4 for g in groups)
    assert all(c.theme.summits == ("s1", "s2") for c in clusters)


def test_themes_list_their_member_ids_and_the_rest_is_left_out(fake_embedder):
    merged = three_articles()
    clusters = clusters_of(merged, fake_embedder, fit=0.3)
    members = [s for c in clusters for s in c.theme.statements]
    assert members == [merged[i].id for c in clusters for i in c.members]
    assert sorted(members + list(left_out(merged, clusters))) == sorted(m.id for m in merged)


def test_theme_names_are_noun_phrases_from_the_statements(fake_embedder):
    merged = three_articles()
    labels = {c.theme.label for c in clusters_of(merged, fake_embedder, fit=0.3)}
    assert "Drug trafficking" in labels or "Drug trafficking and terrorism" in labels
    assert "European rearmament" in labels or "Military spending" in labels
    for label in labels:
        assert 2 <= len(label.split()) <= 5
        assert label.lower() in " ".join(m.text.lower() for m in merged) or " and " in label


def test_same_statements_give_the_same_themes_and_names(fake_embedder):
    merged = three_articles()
    first = clusters_of(merged, fake_embedder, fit=0.3)
    second = clusters_of(merged, fake_embedder, fit=0.3)
    assert [c.model_dump() for c in first] == [c.model_dump() for c in second]


def test_a_statement_below_the_fit_threshold_is_assigned_to_no_theme():
    centroids = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    x = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.6]], dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    assert assign(x, centroids, fit=0.8).tolist() == [0, 1, -1]


def test_candidates_never_end_on_a_verb_or_an_adverb():
    found = {" ".join(p.words) for p in phrases("Lukashenko cautioned that Europe is essentially rearming its armed forces.")}
    assert "armed forces" in found
    assert not any(p.split()[-1] in {"cautioned", "essentially", "rearming"} for p in found)


def test_possessive_phrases_keep_their_owner():
    found = {" ".join(p.words) for p in phrases("Armenia's boycott of the summit surprised no one.")}
    assert "Armenia's boycott" in found


def test_phrases_found_in_most_articles_cannot_name_a_theme(fake_embedder):
    texts = [[f"The CSTO summit discussed {topic}.", f"At the CSTO summit, {topic} came up again."]
             for topic in ("drug trafficking", "border guards", "arms production", "peace talks")]
    merged = corpus(texts)
    vectors = fake_embedder.encode([m.text for m in merged])
    names = name_themes(merged, vectors, [list(range(len(merged)))], embedder=fake_embedder)
    assert names[0] is None or "summit" not in names[0].label.lower()


def test_no_statements_give_no_themes(fake_embedder):
    assert cluster_statements([], np.zeros((0, 64), np.float32), summit_of={}) == []


def test_digest_counts_statements_outside_the_themes():
    digest = Digest(
        run=RunInfo(algorithm="nttr", budget_words=100, model="m", dedup_threshold=0.87, version="0"),
        themes=(Theme(id="drug-trafficking", label="Drug trafficking", size=3, statements=("a:1", "a:2", "a:3")),),
        unthemed=("a:4", "a:5"),
    )
    assert "2 other statements fit no theme" in render_html(digest)
    assert "2 other statements fit no theme" in render_markdown(digest)


def test_diversity_is_the_unique_share_of_top_words():
    from summarizer.evaluation.themes import diversity

    assert diversity([["a", "b"], ["b", "c"]]) == pytest.approx(0.75)


def test_coherence_is_higher_for_words_that_occur_together():
    pytest.importorskip("gensim")
    from summarizer.evaluation.themes import coherence, tokenized

    texts = tokenized(DRUGS + ARMS)
    together = coherence([["drug", "trafficking"], ["military", "spending"]], texts)
    apart = coherence([["drug", "spending"], ["military", "trafficking"]], texts)
    assert together > apart


def test_theme_ids_are_unique_slugs(fake_embedder):
    merged = three_articles()
    clusters = clusters_of(merged, fake_embedder, fit=0.3)
    assert len({c.theme.id for c in clusters}) == len(clusters)


def test_default_k_grows_slowly_is_capped_and_leaves_ten_statements_a_cluster():
    from summarizer.themes.clustering import default_k

    assert default_k(60) == 6 and default_k(208) == 20 and default_k(5000) == 25 and default_k(1_000_000) == 40


@pytest.mark.model
def test_seeds_give_named_themes_and_an_outside(real_embedder):
    from tests.conftest import SEEDS
    from summarizer.clean.pages import clean_articles
    from summarizer.statements.dedup import merge_statements
    from summarizer.read.ingest import read_inputs
    from summarizer.text.sentences import split_statements

    arts, _ = clean_articles(read_inputs([SEEDS]).articles)
    sts = [s for a in arts for s in split_statements(a)]
    merged, vecs = merge_statements(sts, real_embedder.encode([s.text for s in sts]), arts)
    clusters = cluster_statements(merged, vecs, summit_of={a.id: a.id for a in arts}, embedder=real_embedder)
    labels = [c.theme.label for c in clusters]
    assert len(clusters) >= 4
    assert all(1 <= len(label.split()) <= 5 and "," not in label and "&" not in label for label in labels)
    assert any(word in label.lower() for label in labels for word in ("drug", "nuclear", "cyber", "terror"))
    assert 0 < len(left_out(merged, clusters)) < len(merged)


def test_generality_is_highest_for_what_every_statement_shares():
    from summarizer.themes.clustering import ThemeSpace

    v = np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.8, 0.0, 0.6], [0.8, -0.6, 0.0]], dtype=np.float32)
    space = ThemeSpace.fit(["a", "b", "c", "d"], v, lexical_weight=0.0)
    assert int(np.argmax(space.generality(v))) == 0


def test_a_theme_made_of_general_statements_goes_outside(fake_embedder):
    merged = three_articles()
    vectors = fake_embedder.encode([m.text for m in merged])
    kept = cluster_statements(merged, vectors, summit_of={}, embedder=fake_embedder, k=3, min_size=3,
                              general_share=1.0)
    assert kept == []


@pytest.mark.slow  # fits BERTopic
def test_eval_themes_prints_ours_and_bertopics_rows_on_the_seeds(fake_embedder, tmp_path):
    pytest.importorskip("bertopic")
    from tests.conftest import SEEDS
    from summarizer.evaluation.themes import evaluate_themes, format_report, load_corpus

    corpus = load_corpus(SEEDS, fake_embedder, tmp_path)
    report = evaluate_themes(corpus, embedder=fake_embedder)
    assert [r.system for r in report.rows] == ["nttr", "BERTopic"]
    for row in report.rows:
        assert 0 <= row.left_out <= 1 and -1 <= row.coherence <= 1 and 0 <= row.diversity <= 1
    assert "BERTopic" in format_report(report) and report.statements == len(corpus.merged) > 100


def test_eval_themes_refuses_a_corpus_too_small_for_bertopic(fake_embedder, tmp_path):
    from summarizer.errors import InputError
    from summarizer.evaluation.themes import evaluate_themes, load_corpus

    (tmp_path / "a.txt").write_text("Drug trafficking is a threat. Borders must be guarded.\n", encoding="utf-8")
    with pytest.raises(InputError, match="at least"):
        evaluate_themes(load_corpus(tmp_path / "a.txt", fake_embedder, tmp_path), embedder=fake_embedder)


def test_the_organisations_name_and_event_places_are_no_topic_words(fake_embedder):
    from summarizer.themes.clustering import ThemeSpace, _event_words

    merged = corpus([[f"The CSTO discussed {t}." for t in ("drug trafficking", "rearmament", "Kazan")]
                     for _ in range(4)])
    words = _event_words(merged, event_terms={"kazan"})
    texts = [m.text for m in merged]
    space = ThemeSpace.fit(texts, fake_embedder.encode(texts), event_words=words)
    assert {"csto", "kazan"} <= words
    assert {"csto", "kazan"}.isdisjoint(space.vectorizer.vocabulary_)
    assert "rearmament" in space.vectorizer.vocabulary_


def test_a_description_of_a_name_is_a_role_not_a_topic():
    found = {p.key: p for p in phrases("Leaders gathered in the Russian city of Kazan to discuss grain exports.")}
    assert found[("russian", "city")].titled
    assert not found[("grain", "export")].titled


def test_groups_given_one_name_become_one_theme():
    from summarizer.themes.names import ThemeName
    from summarizer.themes.clustering import _same_names_merged

    names = [ThemeName("Bilateral talks", ()), None, ThemeName("Bilateral talk", ()), ThemeName("Drug trafficking", ())]
    assert _same_names_merged([[0, 5], [1], [2], [3]], names) == [[0, 2, 5], [3]]


def test_a_word_most_members_share_beats_a_phrase_few_share(fake_embedder):
    talks = [
        "Negotiations on a ceasefire resumed in Geneva.",
        "The negotiations stalled over prisoner exchanges.",
        "Both sides called the negotiations serious.",
        "Observers doubt the negotiations will end the war soon.",
        "The next round of negotiations is planned for spring.",
        "The negotiations touched on the targeted program for border posts.",
        "The targeted program funds new border posts.",
    ]
    merged = corpus([talks, FILLER])
    names = name_themes(merged, fake_embedder.encode([m.text for m in merged]), [list(range(len(talks)))],
                        embedder=fake_embedder)
    assert names[0] is not None and names[0].label == "Negotiations"



def test_statements_outside_join_the_theme_whose_name_they_contain_whatever_the_case_or_apostrophe():
    from summarizer.themes.names import ThemeName
    from summarizer.themes.clustering import anchored

    merged = corpus([[
        "Drug trafficking is the theme.", "Negotiations are the other.", "Brazil's neighbour is the third.",
        "THE NEGOTIATIONES WENT ON.",  # upper case, "-es" plural
        "Brazil’s neighbours joined.",  # curly apostrophe, plural
        "Nothing here names a theme.",
        "drug  trafficking grew.",  # lower case, two spaces
        "Negotiating went on: a word that begins like a name is not the name.",
    ]])
    x = np.eye(len(merged), dtype=np.float32)
    names = [ThemeName("Drug trafficking", ()), ThemeName("Negotiations", ()), ThemeName("Brazil's neighbour", ())]
    grown = anchored(merged, x, [[0], [1], [2]], names)
    assert grown == [[0, 6], [1, 3], [2, 4]]


def test_plain_records_with_an_id_a_text_and_articles_can_be_clustered(fake_embedder):
    from typing import NamedTuple

    class Reported(NamedTuple):
        article_id: str

    class Row(NamedTuple):
        id: str
        text: str
        statements: tuple

    merged = three_articles()
    rows = [Row(m.id, m.text, tuple(Reported(s.article_id) for s in m.statements)) for m in merged]
    assert clusters_of(rows, fake_embedder) == clusters_of(merged, fake_embedder)
