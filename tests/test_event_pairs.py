"""The learned events decision: pairwise features on small written pairs, the model file, the clustering."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from summarizer.errors import InputError
from summarizer.events.grouping import cluster_events, event_signatures, group_summits, stopping_probability
from summarizer.events.model import PairModel, dump_model, load_model
from summarizer.events.pairs import FEATURES, pair_features, relative
from summarizer.models import Article
from tests.test_summits import art, statements_of


def features(arts: list[Article]) -> np.ndarray:
    sts = statements_of(arts)
    return pair_features(arts, sts, np.ones((len(sts), 3)), event_signatures(arts))


def feature(values: np.ndarray, name: str, i: int = 0, j: int = 1) -> float:
    return float(values[i, j, FEATURES.index(name)])


QUAKE_2008 = art("a", "A magnitude 6.1 earthquake struck near Reno, Nevada, on 21 February 2008. Dozens of homes "
                      "were damaged in 2008.")
QUAKE_2008_B = art("b", "An earthquake of magnitude 6.1 struck near Reno, Nevada, on February 21, 2008. Homes were "
                        "damaged in the town in 2008.")
QUAKE_2013 = art("c", "A magnitude 5.2 earthquake struck near Reno, Nevada, on 3 May 2013. Dozens of homes were "
                      "damaged in 2013.")


def test_look_alike_events_a_few_years_apart_clash_on_their_year() -> None:
    values = features([QUAKE_2008, QUAKE_2013])
    assert feature(values, "year_clash") == 1.0 and feature(values, "days_far") == 1.0


def test_reports_of_one_event_share_its_day_and_numbers() -> None:
    values = features([QUAKE_2008, QUAKE_2008_B, QUAKE_2013])
    assert feature(values, "days_shared") == 1.0 and feature(values, "year_clash") == 0.0
    assert feature(values, "numbers") > feature(values, "numbers", 0, 2) == 0.0


def test_relative_similarity_is_a_share_of_each_articles_best_match() -> None:
    sim = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, 0.3], [0.3, 0.3, 1.0]])
    rel = relative(sim)
    assert rel[0, 1] == 1.0 and rel[0, 2] == pytest.approx((0.3 / 0.6) ** 0.5)


def test_mutual_best_matches_of_a_broad_story_score_high_though_their_cosine_is_low() -> None:
    sim = np.array([[1.0, 0.1, 0.02], [0.1, 1.0, 0.02], [0.02, 0.02, 1.0]])
    assert relative(sim)[0, 1] == 1.0 > 0.1


def test_a_look_alike_event_a_year_later_is_below_the_events_own_reports_relatively() -> None:
    hosts_2010 = [art("a", "Steve Martin and Alec Baldwin will host the Oscars, the Academy announced. Martin hosted "
                           "the ceremony twice."),
                  art("b", "The Academy picked Steve Martin and Alec Baldwin as Oscars hosts. Baldwin will host for "
                           "the first time.")]
    hosts_2014 = [art("c", "Ellen DeGeneres will host the Oscars, the Academy announced. DeGeneres hosted the "
                           "ceremony once before."),
                  art("d", "The Academy picked Ellen DeGeneres to host the Oscars. DeGeneres returns as host.")]
    values = features(hosts_2010 + hosts_2014)
    assert feature(values, "names_rel") == feature(values, "names_rel", 2, 3) == 1.0
    assert feature(values, "names_rel", 0, 2) == feature(values, "names_rel", 1, 3) == 0.0


def test_the_shipped_model_rates_the_same_event_above_its_look_alike() -> None:
    values = features([QUAKE_2008, QUAKE_2008_B, QUAKE_2013])
    p = load_model().probability(values)
    assert p[0, 1] > p[0, 2] and p[0, 1] > p[1, 2]


def test_a_ministerial_the_day_before_in_the_summit_city_conflicts_with_the_summit() -> None:
    summit = art("s", "The CSTO summit was held in Minsk on 23 November 2023. CSTO leaders adopted a declaration.")
    ministers = art("m", "CSTO foreign ministers met in Minsk on 22 November 2023. The CSTO ministers prepared "
                         "the declaration.")
    values = features([summit, ministers])
    assert feature(values, "signature_conflict") == 1.0 and feature(values, "same_place") == 1.0


def test_a_preview_days_ahead_does_not_conflict_with_the_report() -> None:
    preview = art("p", "The CSTO summit will be held in Minsk on 23 November 2023. CSTO leaders will adopt a "
                       "declaration.", published=dt.date(2023, 11, 20))
    report = art("r", "The CSTO summit was held in Minsk on 23 November 2023. CSTO leaders adopted a declaration.",
                 published=dt.date(2023, 11, 23))
    values = features([preview, report])
    assert feature(values, "signature_conflict") == 0.0 and feature(values, "signature_agree") == 1.0


def test_the_venue_is_where_the_summit_is_held_not_a_place_it_discusses() -> None:
    held = art("h", "The CSTO summit was held in Minsk on 23 November 2023. CSTO leaders discussed Ukraine "
                    "and Armenia.")
    other = art("o", "CSTO leaders met at the summit in Minsk on 23 November 2023. The CSTO talked about Ukraine.")
    values = features([held, other])
    assert [s.place.label for s in event_signatures([held, other])] == ["Minsk", "Minsk"]
    assert feature(values, "same_place") == 1.0


def test_features_are_the_same_run_to_run() -> None:
    arts = [QUAKE_2008, QUAKE_2008_B, QUAKE_2013]
    assert np.array_equal(features(arts), features(list(arts)))


def test_learned_grouping_is_the_same_run_to_run() -> None:
    arts = [QUAKE_2008, QUAKE_2008_B, QUAKE_2013]
    sts = statements_of(arts)
    first = group_summits(arts, sts, np.ones((len(sts), 3)), model=load_model())
    assert first == group_summits(arts, sts, np.ones((len(sts), 3)), model=load_model())


def test_learned_grouping_keeps_pages_of_conflicting_signatures_apart() -> None:
    summit = art("s", "The CSTO summit was held in Minsk on 23 November 2023. CSTO leaders adopted a declaration.")
    ministers = art("m", "CSTO foreign ministers met in Minsk on 22 November 2023. CSTO ministers prepared a "
                         "declaration.")
    sts = statements_of([summit, ministers])
    events = group_summits([summit, ministers], sts, np.ones((len(sts), 3)), model=load_model(), threshold=0.0)
    assert sorted(e.articles for e in events) == [("m",), ("s",)]


def test_a_general_news_event_is_titled_by_its_headline_with_place_and_date() -> None:
    arts = [art("a", QUAKE_2008.text, title="Earthquake damages homes in Nevada town"),
            art("b", QUAKE_2008_B.text, title="Quake shakes Nevada")]
    sts = statements_of(arts)
    (event,) = group_summits(arts, sts, np.ones((len(sts), 3)), model=load_model(), threshold=0.0)
    assert event.title == "Earthquake damages homes in Nevada town (Reno, 21 February 2008)"


EDITIONS = [
    art("a", "The CSTO summit was held in Minsk on 23 November 2023. CSTO leaders discussed security."),
    art("b", "The CSTO summit was held in Astana on 28 November 2024. CSTO leaders discussed security."),
    art("c", "The CSTO summit was held in Bishkek on 27 November 2025. CSTO leaders discussed security."),
    art("d", "The CSTO summit took place. CSTO leaders discussed security."),
]


def test_a_series_editions_raise_the_stopping_probability_to_what_they_score() -> None:
    values = features(EDITIONS)
    model = load_model()
    assert stopping_probability(model, values, 0.2) > 0.2


def test_a_corpus_of_no_series_keeps_the_models_stopping_probability() -> None:
    values = features([QUAKE_2008, QUAKE_2008_B, QUAKE_2013])
    assert stopping_probability(load_model(), values, 0.2) == 0.2


def test_an_undated_edition_of_a_series_is_not_merged_by_similarity_alone() -> None:
    sts = statements_of(EDITIONS)
    events = group_summits(EDITIONS, sts, np.ones((len(sts), 3)), model=load_model())
    assert len(events) == 4


def test_clustering_cuts_average_probabilities_at_the_threshold() -> None:
    p = np.array([[1.0, 0.9, 0.1, 0.2], [0.9, 1.0, 0.3, 0.1], [0.1, 0.3, 1.0, 0.6], [0.2, 0.1, 0.6, 1.0]])
    assert cluster_events(p, 0.5) == [[0, 1], [2, 3]]
    assert cluster_events(p, 0.7) == [[0, 1], [2], [3]]


def test_model_file_round_trips() -> None:
    model = PairModel(features=FEATURES, coef=tuple(float(k) for k in range(len(FEATURES))), intercept=-1.5,
                      threshold=0.4)
    path_text = dump_model(model)
    assert '"weights"' in path_text and '"tfidf": 0.0' in path_text


def test_a_model_file_of_other_features_is_refused(tmp_path) -> None:
    path = tmp_path / "events.json"
    path.write_text('{"weights": {"tfidf": 1.0}, "intercept": 0.0}', encoding="utf-8")
    with pytest.raises(InputError, match="run `nttr train events` to refit it"):
        load_model(path)
