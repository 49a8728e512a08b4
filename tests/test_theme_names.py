"""Theme names an editor would keep: the name model, its labelled list, and the leave-one-set-out evaluation."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.evaluation.theme_names import REASONS, evaluate_names, read_name_labels, set_name
from summarizer.themes.name_model import FEATURES, Candidate, fit_name_model, shipped_model
from summarizer.themes.names import choose_label, phrases

LABELS = Path(__file__).parent / "data" / "theme_names.tsv"


def cand(text: str, *, relevance: float = 0.4, coverage: float = 0.3, lift: float = 10.0, spec: float = 0.7,
         members: int = 4, size: int = 12, acting: float = 0.0, person: float = 0.0) -> Candidate:
    words = tuple(text.lower().split())
    return Candidate(key=words, text=text, relevance=relevance, coverage=coverage, lift=lift, specificity=spec,
                     members=members, theme_size=size, common_head=True, acting=acting,
                     person=person)


def test_an_agent_noun_that_scores_a_little_higher_loses_to_the_topic():
    # Who acts ("-er", "-or", "-ist"): the regression's own cue. An office without one ("foreign ministry
    # official") is left to the zero-shot person filter (the test after this one).
    office = cand("foreign ministry negotiator", relevance=0.41, acting=1.0)
    topic = cand("border agreement", relevance=0.40)
    ranked = sorted([office, topic], key=lambda c: -c.score)
    assert ranked[0] is office  # the score alone would name the theme after the office
    assert choose_label(ranked, shipped_model()) is topic


def test_a_candidate_embedded_near_a_person_loses_to_the_topic_the_model_ranks_lower():
    coach = cand("head coach", relevance=0.6, coverage=0.5, members=8, person=0.41)
    topic = cand("head coaching", relevance=0.3, coverage=0.2, members=3, person=0.10)
    model = shipped_model()
    assert model.goodness([coach])[0] > model.goodness([topic])[0]  # the regression alone prefers the role
    assert choose_label([coach, topic], model) is topic


def test_a_theme_whose_candidates_are_all_people_is_still_named():
    coach = cand("head coach", person=0.41)
    assert choose_label([coach], shipped_model()) is coach


def test_a_neighbour_of_the_topic_loses_to_the_topic():
    fragment = cand("Brazil's neighbour", relevance=0.41)
    topic = cand("bloc's expansion", relevance=0.40)
    assert fragment.score > topic.score
    assert choose_label([fragment, topic], shipped_model()) is topic


def test_a_model_with_a_threshold_leaves_a_theme_whose_candidates_are_all_weak_unnamed():
    weak = [cand("people's lives", relevance=0.05, coverage=0.1, members=1, spec=0.4),
            cand("formal interaction", relevance=0.04, coverage=0.1, members=1, spec=0.5)]
    abstaining = shipped_model().model_copy(update={"threshold": 0.0})
    assert choose_label(weak) is not None  # the score alone names it anyway
    assert choose_label(weak, abstaining) is None


def test_a_phrase_followed_by_a_verb_is_marked_as_acting():
    found = {p.key: p for p in phrases("The ministry official said both sides signed the border agreement.")}
    assert found[("ministry", "official")].acts
    assert not found[("border", "agreement")].acts


def test_the_shipped_model_uses_the_features_computed_today():
    assert shipped_model().features == list(FEATURES)


def test_fitting_needs_good_and_bad_names():
    with pytest.raises(ValueError, match="good and bad"):
        fit_name_model([cand("border agreement")], [True])


def test_every_labelled_name_has_a_known_reason():
    with LABELS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert {r["reason"] for r in rows} <= set(REASONS)
    assert len({(r["set"], r["name"].lower()) for r in rows}) == len(rows)  # no name labelled twice in a set


def test_every_theme_name_of_the_seeds_sample_digest_is_labelled():
    # The held-out evaluation counts an unlabelled name as not good: the seeds' digest of today must be covered.
    digest = json.loads((Path(__file__).parents[1] / "outputs" / "sample" / "digest.json").read_text(encoding="utf-8"))
    seeds = read_name_labels(LABELS)["seeds"]
    assert [t["label"] for t in digest["themes"] if t["label"].lower() not in seeds] == []


def test_a_bad_label_row_names_its_line(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("set\tname\treason\nseeds\tborder agreement\tgood\nseeds\tgroup photo\tugly\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels.tsv:3"):
        read_name_labels(path)


@pytest.mark.parametrize(("path", "name"), [
    ("../shared/realnews-dev/pages.jsonl", "realnews-dev"),
    ("../shared/duc2004-dev/docs", "duc2004-dev"),
    ("../shared/seeds", "seeds"),
])
def test_a_set_goes_by_its_folder(path, name):
    assert set_name(Path(path)) == name


def test_leave_one_set_out_scores_each_set_with_a_model_fitted_on_the_others():
    def themes():
        return [[cand("ministry official", relevance=0.6, acting=1.0, coverage=0.1, members=1),
                 cand("trade tariffs", relevance=0.5)],
                [cand("press office", relevance=0.6, acting=1.0, coverage=0.1, members=1),
                 cand("grain exports", relevance=0.5)]]

    labels = {s: {"ministry official": "role/office", "trade tariffs": "good", "press office": "role/office",
                  "grain exports": "good"} for s in ("a", "b")}
    report = evaluate_names({"a": themes(), "b": themes()}, labels)
    assert [(s.set, s.named, s.good) for s in report.sets] == [("a", 2, 2), ("b", 2, 2)]
    assert [s.baseline_good for s in report.sets] == [0, 0]  # the score alone picks the offices


ENLARGEMENT = [
    ["Six countries were admitted as new member states in January.",
     "The new member states joined the bloc after long talks, officials said.",
     "Officials said the new member states will attend the next gathering."],
    ["Egypt and Iran became new member states this year.",
     "Foreign officials welcomed the new member states warmly."],
    ["The state budget grew, one member of parliament said.", "Grain exports rose sharply this spring."],
    ["The state visit was cut short, a member of the delegation said.", "Grain prices fell in the autumn."],
    ["Photographers waited outside the hall for hours.", "Lunch was served at noon in the palace garden."],
]


def test_a_theme_about_the_corpus_wide_words_is_named_by_their_phrase_not_by_the_officials(fake_embedder):
    from test_themes import corpus

    from summarizer.themes.names import name_themes

    merged = corpus(ENLARGEMENT)
    vectors = fake_embedder.encode([m.text for m in merged])
    theme = [[i for i, m in enumerate(merged) if m.statements[0].article_id in ("a1", "a2")]]
    # "member" and "state" are in four of the five articles: as words, the whole coverage's vocabulary...
    score_only = name_themes(merged, vectors, theme, embedder=fake_embedder, learned=False)
    assert score_only[0] is None or "member" not in score_only[0].label.lower()
    # ...but the phrase "member states" is in two of them, and it is what this theme is about.
    names = name_themes(merged, vectors, theme, embedder=fake_embedder)
    assert names[0] is not None and "member states" in names[0].label.lower()


def test_a_second_naming_of_the_same_texts_reads_their_phrases_from_the_memo_without_tagging(
        fake_embedder, tmp_path, monkeypatch):
    from test_themes import corpus

    from summarizer.stage_cache import Memo
    from summarizer.themes import names

    merged = corpus(ENLARGEMENT)
    vectors = fake_embedder.encode([m.text for m in merged])
    theme = [[i for i, m in enumerate(merged) if m.statements[0].article_id in ("a1", "a2")]]
    first = Memo(tmp_path, "names-memo")
    tagged = names.theme_candidates(merged, vectors, theme, memo=first)
    assert first.computed[names.ANALYSIS] == len(merged)  # each text tagged once, though read twice
    first.save()
    names._analysed.cache_clear()  # a new process: only the memo's file remembers

    def no_tagger(text: str) -> list[tuple[str, str]]:
        raise AssertionError(f"tagged again: {text}")

    monkeypatch.setattr(names, "tag", no_tagger)
    again = Memo(tmp_path, "names-memo")
    assert names.theme_candidates(merged, vectors, theme, memo=again) == tagged
    assert tagged[0] and not again.computed
