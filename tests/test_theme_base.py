"""Themes of a growing set: a canonical base clustered once (remembered by content), the rest assigned."""

from __future__ import annotations

import datetime as dt
import json
import random

import numpy as np

from summarizer import stage_cache
from summarizer.themes import base as theme_base
from summarizer.models import MergedStatement, Source, Statement

DRUGS = [
    "Drug trafficking from Afghanistan remains the main threat to the border region.",
    "The leaders agreed to fight drug trafficking along the Afghan border together.",
    "Drug trafficking networks finance terrorism across the Afghan border, officials warned.",
    "A new centre will coordinate the fight against drug trafficking on the border.",
    "Border guards seized record heroin shipments, a sign of growing drug trafficking.",
    "Drug trafficking and terrorism topped the agenda of the border security talks.",
    "Heroin from Afghanistan crosses the border as drug trafficking grows.",
    "Customs officers on the Afghan border report more drug trafficking every month.",
]
ARMS = [
    "European rearmament is gaining momentum as NATO allies raise military spending.",
    "Germany plans to double military spending, feeding European rearmament.",
    "Poland will raise military spending again, a pillar of European rearmament.",
    "European rearmament worries the alliance, which sees NATO military spending grow.",
    "Arms production in Europe has tripled, driving European rearmament and military spending.",
    "Military spending across NATO exceeded half a trillion dollars, fuelling European rearmament.",
    "European rearmament needs military spending that budgets can sustain.",
    "NATO ministers said military spending and European rearmament must go on.",
]
FISH = [
    "Baltic fishing quotas for cod were cut again, angering the fishermen.",
    "Fishermen protested the new Baltic fishing quotas in the harbour.",
    "The commission set Baltic fishing quotas for herring and cod.",
    "Baltic fishing quotas leave fishermen with half of last year's catch.",
    "Cod stocks in the Baltic collapsed, so fishing quotas fell and fishermen lost work.",
    "Fishermen say the Baltic fishing quotas ignore how much cod they see.",
    "Scientists backed lower Baltic fishing quotas to save the cod.",
    "Herring fishermen want Baltic fishing quotas raised next season.",
]
FILLER = [
    "The weather in the capital was cold and grey.",
    "Photographers waited outside the hall for hours.",
    "Lunch was served at noon in the palace garden.",
    "The press office published a short video of the arrival.",
]
KNOBS = {"k": 3, "min_size": 3, "general_share": 0.0}


def article(name: str, day: int, texts: list[str]) -> list[MergedStatement]:
    """Merged statements of one article published on 1 March plus `day` days."""
    src = Source(article_id=name, path=f"{name}.txt", published=dt.date(2025, 3, 1) + dt.timedelta(days=day))
    out = []
    for pos, text in enumerate(texts):
        st = Statement(id=f"{name}:{pos}", article_id=name, text=text, start=0, end=len(text), position=pos)
        out.append(MergedStatement(id=st.id, text=text, statements=(st,), sources=(src,)))
    return out


def coverage() -> list[list[MergedStatement]]:
    """Six articles, each topic in a third of them (more would make its words the event's), in publication order."""
    return [
        article("a1", 0, DRUGS[:4] + FILLER[:1]),
        article("a2", 1, ARMS[:4] + FILLER[1:2]),
        article("a3", 2, FILLER[2:]),
        article("a4", 3, DRUGS[4:]),
        article("a5", 4, ARMS[4:]),
    ]


class Themes:
    """`grow_themes` through a stage cache in a folder, counting the clusterings it actually runs."""

    def __init__(self, folder, embedder, **ladder) -> None:
        self.folder, self.embedder, self.clusterings = folder, embedder, 0
        self.ladder = ladder or {"min_base": 8}

    def cluster(self, merged, vectors, terms):
        def compute():
            self.clusterings += 1
            return theme_base.fit_base(merged, vectors, terms, embedder=self.embedder, **KNOBS)

        return stage_cache.remembered(self.folder, "theme-base", (list(merged), vectors, list(terms)), compute,
                                      dump=theme_base.dump_base, load=theme_base.load_base)

    def __call__(self, merged: list[MergedStatement]) -> theme_base.GrownThemes:
        vectors = self.embedder.encode([m.text for m in merged])
        return theme_base.grow_themes(merged, vectors, summit_of={}, cluster=self.cluster, min_size=KNOBS["min_size"],
                                      **self.ladder)


def named(grown: theme_base.GrownThemes, merged: list[MergedStatement]) -> list[tuple]:
    """Themes as what a digest shows: id, label, keywords, size and member ids."""
    return [(c.theme.id, c.theme.label, c.theme.keywords, c.theme.size, sorted(merged[i].id for i in c.members))
            for c in grown.clusters]


def test_the_ladder_of_base_sizes():
    assert theme_base.base_target(300) == 300
    assert [theme_base.base_target(n) for n in (512, 639, 640, 5288)] == [512, 512, 640, 4765]


def test_a_set_has_the_same_themes_whatever_runs_came_before(tmp_path, fake_embedder):
    articles = coverage()
    everything = [m for a in articles for m in a]
    want = named(Themes(tmp_path / "direct", fake_embedder)(everything), everything)
    assert want
    for seed in range(3):
        rng = random.Random(seed)
        themes = Themes(tmp_path / f"history{seed}", fake_embedder)
        for _ in range(4):  # earlier runs over subsets, in any order
            subset = [m for a in rng.sample(articles, rng.randint(1, 3)) for m in a]
            themes(subset)
        assert named(themes(everything), everything) == want


def test_one_more_article_at_the_end_reuses_the_base(tmp_path, fake_embedder):
    themes = Themes(tmp_path, fake_embedder)
    before = [m for a in coverage() for m in a]
    first = themes(before)
    assert theme_base.base_target(len(before) + 1, min_base=8) == theme_base.base_target(len(before), min_base=8)
    grown = themes(before + article("a6", 5, [DRUGS[0].replace("main", "worst")]))
    assert themes.clusterings == 1 and not grown.reclustered
    assert grown.base == first.base and grown.assigned == first.assigned + 1
    drugs = next(c for c in grown.clusters if "a6:0" in c.theme.statements)
    assert "a1:0" in drugs.theme.statements


def test_new_statements_that_fit_no_theme_make_the_whole_set_the_base(tmp_path, fake_embedder):
    # A ladder of 20, 40: the five articles on drugs and arms are the base, the two on fishing are not.
    themes = Themes(tmp_path, fake_embedder, min_base=20, growth=2.0)
    before = [m for a in coverage() for m in a]
    assert not themes(before).clusters[0].theme.label.lower().startswith("baltic")
    grown = themes(before + article("a6", 5, FISH) + article("a7", 6, [f"Again: {t}" for t in FISH]))
    assert grown.reclustered and themes.clusterings == 2
    assert any({s.split(":")[0] for s in c.theme.statements} <= {"a6", "a7"} for c in grown.clusters)


def test_the_rule_needs_misfits_beyond_the_base_rate_worth_a_theme():
    rule = {"assigned": 40, "base_outside": 0.25, "themes": 2, "members": 40}
    assert theme_base.should_recluster(30, **rule)  # 30 - 0.25 * 40 = 20 misfits beyond the rate: a mean theme
    assert not theme_base.should_recluster(29, **rule)
    assert not theme_base.should_recluster(40, **{**rule, "themes": 0})


def test_a_later_article_repeating_a_base_statement_leaves_the_base_as_it_was(fake_embedder):
    articles = coverage()
    everything = [m for a in articles for m in a]
    _, views, _ = theme_base.split_base(everything, min_base=8)
    repeated = everything[0]
    late = Source(article_id="a9", path="a9.txt", published=dt.date(2025, 4, 1))
    st = repeated.statements[0].model_copy(update={"id": "a9:0", "article_id": "a9"})
    echoed = [repeated.model_copy(update={"statements": (*repeated.statements, st), "sources": (*repeated.sources, late)}),
              *everything[1:]]
    _, echoed_views, _ = theme_base.split_base(echoed, min_base=8)
    assert echoed_views == views


def test_a_remembered_base_assigns_exactly_as_a_fresh_one(fake_embedder):
    merged = [m for a in coverage() for m in a]
    vectors = fake_embedder.encode([m.text for m in merged])
    fresh = theme_base.fit_base(merged, vectors, **KNOBS)
    loaded = theme_base.load_base(json.loads(json.dumps(theme_base.dump_base(fresh))))
    texts = [m.text for m in merged]
    assert np.array_equal(fresh.space.transform(texts, vectors), loaded.space.transform(texts, vectors))
    assert np.array_equal(fresh.centroids, loaded.centroids) and fresh.clusters == loaded.clusters


def test_event_terms_that_are_stop_words_no_word_reduces_to_leave_the_base_key():
    merged = [m for a in coverage() for m in a]
    assert theme_base.terms_in(merged, {"border", "from", "quota"}) == ("border",)


def test_a_stop_word_term_stays_where_a_word_of_the_text_reduces_to_it():
    merged = article("w1", 0, ["Nobody knew his whereabouts at the border."])
    assert theme_base.terms_in(merged, {"about", "border"}) == ("about", "border")


def test_an_inert_stop_word_term_changes_no_theme(fake_embedder):
    merged = [m for a in coverage() for m in a]
    vectors = fake_embedder.encode([m.text for m in merged])
    without = theme_base.fit_base(merged, vectors, ("border",), embedder=fake_embedder, **KNOBS)
    with_it = theme_base.fit_base(merged, vectors, ("border", "from"), embedder=fake_embedder, **KNOBS)
    assert [c.theme for c in with_it.clusters] == [c.theme for c in without.clusters]
    assert np.array_equal(with_it.centroids, without.centroids)


def test_an_event_heading_gaining_a_stop_word_reuses_the_remembered_base(tmp_path, fake_embedder):
    themes = Themes(tmp_path, fake_embedder)
    merged = [m for a in coverage() for m in a]
    vectors = fake_embedder.encode([m.text for m in merged])
    for terms in (["border"], ["border", "from"]):  # "Border talks" became "Border talks from Dushanbe's side"
        theme_base.grow_themes(merged, vectors, summit_of={}, event_terms=terms, cluster=themes.cluster,
                               min_size=KNOBS["min_size"], min_base=8)
    assert themes.clusterings == 1
