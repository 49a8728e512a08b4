"""The fit-for-digest decision: each kind of junk on a small written sentence, the labels and their training."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.summaries.algorithms.fitness import is_junk, plain_junk
from summarizer.summaries.algorithms.train import cross_validate_fitness, fit_fitness, read_labels

LABELS = Path(__file__).parent / "data" / "fitness_labels.tsv"
CATEGORIES = {"fine", "caption", "credit", "embed", "byline", "teaser", "question", "filler", "fragment"}


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("caption", "Mayor Jane Doe speaks during a press conference at the town hall in Springfield, Ohio, on March 3, 2024."),
        ("caption", "Farmers stand in a field near the river in Riverton, Kansas, Sunday, Oct. 20, 2024."),
        ("credit", "The mayor greets residents at the fair | Photo courtesy: City Hall"),
        ("embed", "Great day at the fair with our volunteers! pic.twitter.com/abc123 — City Hall (@cityhall) May 4, 2024"),
        ("teaser", "Council approves new budget amid protests"),
        ("question", "What will the council do next?"),
        ("filler", "Let us start working."),
        ("fragment", "And the rest."),
        ("byline", "By Jane Doe The council approved a new budget on Monday after a long debate."),
        ("credit", "(Photo by John Smith/AFP via Getty Images)"),
        pytest.param(
            "caption",
            "Mayor Jane Doe (L) talks with council member John Roe at the town hall in Springfield on March 3, 2024.",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a known miss since the 1,938 labels: junk probability 0.97 under a threshold of 0.985 "
                "(caught when the date follows a comma, as captions write it)",
            ),
        ),
        ("caption", "Police stand guard outside the town hall ahead of the council vote in Springfield, Ohio, Monday, March 4, 2024."),
        ("teaser", "Follow our live coverage of the council vote for updates."),
        ("filler", "Welcome back to your daily council briefing!"),
    ],
)
def test_junk_is_not_fit_for_a_digest(kind: str, text: str) -> None:
    assert is_junk(text), kind


@pytest.mark.parametrize(
    "text",
    [
        "The council approved a new budget of 12 million dollars on Monday after a four-hour debate.",
        "Farmers in the region said the drought had cut their harvest by half this year.",
        "Residents gather every Sunday in the square to protest against the budget, the mayor said.",
        "The new budget will be debated again when the council meets in April.",
    ],
)
def test_a_plain_news_sentence_is_fit(text: str) -> None:
    assert not is_junk(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Read more at https://example.org/story today, the council said.", "link"),
        ("Is this the end of the budget fight?", "question"),
        ("Council approves new budget amid protests", "unfinished"),
        ("He agreed.", "fragment"),
        ("The council approved the budget on Monday.", None),
    ],
)
def test_plain_junk_names_the_kind(text: str, kind: str | None) -> None:
    assert plain_junk(text) == kind


def test_labels_have_known_categories_and_three_sets() -> None:
    labels = read_labels(LABELS)
    assert {x.category for x in labels} <= CATEGORIES
    assert {x.set for x in labels} == {"realnews-dev", "realnews-dev2", "ecbplus-dev"}


def test_cross_validation_holds_out_each_set_once() -> None:
    rows = cross_validate_fitness(read_labels(LABELS))
    assert [r.set for r in rows] == ["ecbplus-dev", "realnews-dev", "realnews-dev2"]
    assert all(0.0 <= r.precision <= 1.0 and 0.0 <= r.recall <= 1.0 for r in rows)


def test_training_is_deterministic() -> None:
    labels = read_labels(LABELS)
    assert fit_fitness(labels) == fit_fitness(labels)


def test_train_fitness_prints_held_out_figures_and_writes_the_model(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from flows.cli import main

    out = tmp_path / "fitness.json"
    assert main(["train", "--fitness", str(LABELS), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "realnews-dev2" in printed and "precision" in printed
    assert out.read_text(encoding="utf-8") == (LABELS.parent.parent.parent / "summarizer" / "summaries" / "algorithms"
                                              / "data" / "fitness.json").read_text(encoding="utf-8")


def test_train_fitness_names_a_missing_labels_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from flows.cli import main

    assert main(["train", "--fitness", str(tmp_path / "none.tsv")]) == 1
    assert "none.tsv: no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("feature", "text"),
    [
        ("byline", "By Jane Doe The council approved a new budget on Monday."),
        ("byline", "Reporting by Jane Doe; editing by John Roe."),
        ("photo_credit", "The mayor greets residents at the fair (Photo by John Smith/AFP via Getty Images)."),
        ("side_mark", "Mayor Jane Doe (L) talks with John Roe (R) at the town hall."),
        ("caption_verb", "Mayor Jane Doe applauds among officials before a session of the council."),
        ("plural_present", "Police stand guard outside the town hall before the vote."),
        ("plural_present", "Afro-Colombian women perform during the opening ceremony of the fair."),
        ("ing_caption", "Mayor Jane Doe greeting residents at the fair in Springfield."),
        ("future_be", "Other council spokespeople and partners will also be present."),
        ("phone", "Anyone with information is asked to call the police on 555-123-4567."),
        ("call_to_action", "Subscribe to our newsletter for the latest council news."),
        ("comma_date_end", "Farmers stand in a field near the river in Riverton, Kansas, Sunday, Oct. 20, 2024."),
        ("caption_scene", "Volunteers carry sandbags near the river bank during the flood in Riverton."),
    ],
)
def test_caption_and_credit_features_fire(feature: str, text: str) -> None:
    from summarizer.summaries.algorithms.fitness import FEATURES, text_features

    assert text_features(text, 3, 20)[FEATURES.index(feature)] == 1.0


def test_a_past_tense_report_is_no_caption() -> None:
    from summarizer.summaries.algorithms.fitness import FEATURES, text_features

    text = "Mayor Jane Doe applauds the vote, which was held on Monday after a long debate."
    assert text_features(text, 3, 20)[FEATURES.index("caption_verb")] == 0.0


def test_a_plural_noun_after_a_lower_case_word_is_no_caption_verb() -> None:
    from summarizer.summaries.algorithms.fitness import FEATURES, text_features

    text = "The border security talks at the summit lasted for many hours."
    assert text_features(text, 0, 1)[FEATURES.index("caption_verb")] == 0.0


@pytest.mark.parametrize(
    ("feature", "text"),
    [
        ("plural_present", "The town hosts the fair every year in October."),
        ("plural_present", "Leaders gathered in the town hall on Monday."),
        ("ing_caption", "Mayor Jane Doe is greeting residents at the fair in Springfield."),
        ("future_be", "The council will also be asked to approve the new budget in April."),
        ("comma_date_end", "The council approved the budget on Oct. 20, 2024."),
        ("caption_scene", "Volunteers carried sandbags near the river bank during the flood, the mayor said."),
    ],
)
def test_caption_and_logistics_features_stay_quiet_on_news(feature: str, text: str) -> None:
    from summarizer.summaries.algorithms.fitness import FEATURES, text_features

    assert text_features(text, 3, 20)[FEATURES.index(feature)] == 0.0


def test_a_wording_seen_again_reuses_its_features_and_keeps_its_position() -> None:
    from summarizer.summaries.algorithms.fitness import FEATURES, _wording_features, text_features

    text = "Ministers agreed on Tuesday to share grain export data, officials said."
    _wording_features.cache_clear()
    first = text_features(text, 0, 5)
    again = text_features(" " + text, 4, 5)
    assert _wording_features.cache_info().hits == 1
    assert len(first) == len(again) == len(FEATURES)
    assert [f for f, a, b in zip(FEATURES, first, again) if a != b] == ["relative_position", "first", "last"]
