"""Readability measures: dangling openings, unbalanced quotations, repeated points; and `nttr eval readability`."""

from __future__ import annotations

import numpy as np
import pytest

from flows.cli import main
from summarizer.evaluation.readability import (
    Located,
    combine,
    dangling_openings,
    measure_summary,
    repeated_points,
    unbalanced_quotations,
)
from summarizer.models import Digest, RunInfo, Source, Summit, SummaryItem, Theme


def at(text: str, article: str | None = None, position: int | None = None) -> Located:
    return Located(text=text, article_id=article, position=position)


def test_person_pronoun_is_dangling_without_a_name_before_it() -> None:
    assert dangling_openings([at("The talks ended late."), at("He said they would go on.")]) == [1]


def test_person_pronoun_after_a_sentence_naming_someone_is_not_dangling() -> None:
    assert dangling_openings([at("Putin spoke first at the talks."), at("He said they would go on.")]) == []


def test_context_opener_after_its_source_predecessor_is_not_dangling() -> None:
    summary = [at("The talks ended late.", "a", 3), at("But no deal was signed.", "a", 4)]
    assert dangling_openings(summary) == []


def test_context_opener_after_another_sentence_is_dangling() -> None:
    summary = [at("The talks ended late.", "b", 3), at("But no deal was signed.", "a", 4)]
    assert dangling_openings(summary) == [1]


def test_whole_multi_sentence_quotation_is_balanced() -> None:
    summary = [at("He said: “We will win.", "a", 1), at("We never give up,” he said.", "a", 2)]
    assert unbalanced_quotations(summary) == []


def test_quotation_left_open_at_the_end_is_unbalanced() -> None:
    assert unbalanced_quotations([at("The talks ended."), at("He said: “We will win.")]) == [1]


def test_quotation_closed_without_opening_is_unbalanced() -> None:
    assert unbalanced_quotations([at("This is indeed historic,” he said.")]) == [0]


def test_quotation_continued_by_another_article_is_unbalanced() -> None:
    summary = [at("He said: “We will win.", "a", 1), at("Rivals said it is over,” she said.", "b", 2)]
    assert unbalanced_quotations(summary) == [0, 1]


def test_repeated_points_are_pairs_at_or_above_the_threshold() -> None:
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    assert repeated_points(vectors, threshold=0.8) == [(0, 1)]


def test_combine_counts_sentences_and_summaries() -> None:
    one = measure_summary([at("He left."), at("It rained.")], np.eye(2, dtype=np.float32))
    two = measure_summary([at("Rain fell."), at("Rain fell again.")], np.ones((2, 2), dtype=np.float32) / np.sqrt(2))
    total = combine([one, two])
    assert (total.sentences, total.dangling, total.repeated_summaries) == (4, 2, 1)
    assert total.dangling_share == 0.5 and total.repeated_share == 0.5


def test_eval_readability_prints_the_measures_of_a_digest(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = (Source(article_id="a1", path="a1.txt"),)
    digest = Digest(
        run=RunInfo(algorithm="nttr", budget_words=100, model="fake", dedup_threshold=0.87, version="0"),
        summits=(Summit(id="s", title="Summit", articles=("a1",), summary=(SummaryItem(text="He left early.", sources=src),)),),
        themes=(Theme(id="t", label="Theme", summary=(SummaryItem(text="“We will win.", sources=src),)),),
    )
    (tmp_path / "digest.json").write_text(digest.model_dump_json(), encoding="utf-8")
    assert main(["eval", "readability", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 summaries, 2 sentences" in out
    assert "dangling openings         1   50.0%" in out and "unbalanced quotations     1   50.0%" in out


def test_eval_readability_names_a_folder_without_a_digest(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["eval", "readability", str(tmp_path)]) == 1
    assert "no digest.json here" in capsys.readouterr().err


@pytest.mark.model
def test_the_seeds_european_military_pair_is_one_point_said_twice(real_embedder) -> None:  # type: ignore[no-untyped-def]
    pair = [
        "European nations are channeling their economies into military expansion—boosting investments in "
        "military-industrial complex and increasing arms production.",
        "“Europe is essentially shifting its economy onto a military footing—escalating arms production and "
        "investing heavily in rearmament.",
    ]
    assert repeated_points(real_embedder.encode(pair)) == [(0, 1)]


def test_a_pronoun_after_another_articles_sentence_is_unresolved() -> None:
    from summarizer.evaluation.readability import unresolved_openings

    sentences = [Located(text="Putin spoke at the summit.", article_id="a", position=0),
                 Located(text="He warned the country could be lost.", article_id="b", position=4),
                 Located(text="Lula arrived on Monday.", article_id="c", position=0),
                 Located(text="He met the host.", article_id="c", position=1)]
    assert unresolved_openings(sentences) == [1]


def test_a_sentence_repeating_an_earlier_section_is_counted_once_per_later_sentence() -> None:
    from summarizer.evaluation.readability import repeated_across

    first = np.array([[1.0, 0.0]], dtype=np.float32)
    second = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    assert repeated_across([first, second]) == [(1, 1)]


def test_a_caption_counts_as_junk() -> None:
    from summarizer.evaluation.readability import junk_sentences

    sentences = [Located(text="The council approved a new budget of 12 million dollars on Monday after a long debate."),
                 Located(text="Farmers stand in a field near the river in Riverton, Kansas, Sunday, Oct. 20, 2024.")]
    assert junk_sentences(sentences) == [1]
