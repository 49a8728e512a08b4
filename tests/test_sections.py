"""A digest's sections: theme summaries on their theme, and a point said once across sections."""

from __future__ import annotations

import numpy as np

from summarizer.digest.sections import indices_of, on_theme, said_before, said_once
from summarizer.models import MergedStatement, Source, Statement, SummaryItem


def said(text: str) -> SummaryItem:
    return SummaryItem(text=text, sources=(Source(article_id="a", path="a"),))


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


BACKGROUND = "The alliance is a military bloc that includes six states."


def test_background_said_in_several_sections_is_said_once() -> None:
    summaries = [
        [said("Leaders met in the capital on Monday."), said(BACKGROUND)],
        [said("Ministers met in the port city on Friday."), said(BACKGROUND)],
        [said(BACKGROUND), said("Defence chiefs met on Sunday.")],
    ]
    vectors = [np.vstack([unit(1, 0, 0), unit(0, 0, 1)]), np.vstack([unit(0, 1, 0), unit(0, 0, 1)]),
               np.vstack([unit(0, 0, 1), unit(1, 1, 0)])]
    once = said_once(summaries, vectors)
    assert [s.text for summary in once for s in summary].count(BACKGROUND) == 1
    assert once[0][1].text == BACKGROUND


def test_a_sentence_referring_back_goes_with_what_it_refers_to() -> None:
    summaries = [[said(BACKGROUND)], [said(BACKGROUND), said("It was founded in 1992."), said("Leaders met today.")]]
    vectors = [np.vstack([unit(1, 0, 0)]), np.vstack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])]
    assert [s.text for s in said_once(summaries, vectors)[1]] == ["Leaders met today."]


def test_a_theme_keeps_only_statements_closer_to_its_own_centre() -> None:
    vectors = np.vstack([unit(1, 0), unit(1, 0.1), unit(0.1, 1), unit(0, 1), unit(0.1, 1)])
    assert on_theme([[0, 1, 2], [3, 4]], vectors) == [[0, 1], [3, 4]]


def test_a_theme_whose_members_all_lie_elsewhere_keeps_them() -> None:
    vectors = np.vstack([unit(0, 1), unit(0, 1), unit(0, 1)])
    assert on_theme([[0], [1, 2]], vectors)[0] == [0]


def test_candidates_saying_what_was_said_are_left_out() -> None:
    vectors = np.vstack([unit(1, 0), unit(0.95, 0.05), unit(0, 1)])
    assert said_before([0, 1, 2], vectors, vectors[[0]]) == [2]


def test_indices_of_finds_summary_sentences_by_wording() -> None:
    st = Statement(id="s", article_id="a", text="x", start=0, end=1, position=0)
    items = [MergedStatement(id=f"m{i}", text=t, statements=(st,), sources=()) for i, t in enumerate(["A b.", "C d."])]
    assert indices_of(items, [said("C d."), said("A b.")]) == [1, 0]
