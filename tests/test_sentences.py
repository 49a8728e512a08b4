"""split_sentences / split_statements: abbreviations, quotes, headings, bounded work, exact offsets."""

from __future__ import annotations

import time

from summarizer.models import Article
from summarizer.text.sentences import MAX_WORDS, split_sentences, split_statements


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def art(text: str) -> Article:
    return Article(id="a", path="a.txt", format="txt", text=text)


def test_plain_sentences_are_split() -> None:
    assert sentences("The summit opened. Leaders spoke! Was it useful? Yes.") == [
        "The summit opened.",
        "Leaders spoke!",
        "Was it useful?",
        "Yes.",
    ]


def test_us_abbreviation_does_not_split() -> None:
    text = "He said the U.S. Senate must act. The vote is Friday."
    assert sentences(text) == ["He said the U.S. Senate must act.", "The vote is Friday."]


def test_month_abbreviation_with_day_does_not_split() -> None:
    text = "The meeting gathered Dec. 2 via videoconference. It was short."
    assert sentences(text) == ["The meeting gathered Dec. 2 via videoconference.", "It was short."]


def test_titles_do_not_split() -> None:
    text = "Mr. Putin met Gen. Ray and Dr. Smith in Minsk. They talked."
    assert sentences(text) == ["Mr. Putin met Gen. Ray and Dr. Smith in Minsk.", "They talked."]


def test_curly_quote_with_attribution_stays_one_sentence() -> None:
    text = "“This is a historic agreement,” he said. Talks went on."
    assert sentences(text) == ["“This is a historic agreement,” he said.", "Talks went on."]


def test_closing_backquote_quotes_stay_with_their_sentence() -> None:
    text = "``At best the regime is a caretaker government.'' After a meeting, Hun Sen spoke."
    assert sentences(text) == ["``At best the regime is a caretaker government.''", "After a meeting, Hun Sen spoke."]


def test_spans_point_at_their_text_with_odd_whitespace() -> None:
    text = "  First one here.\u00a0 \n\n  Second one here.  "
    assert [text[a:b] for a, b in split_sentences(text)] == ["First one here.", "Second one here."]


def test_lines_are_never_joined_into_one_sentence() -> None:
    assert sentences("A heading without period\nThe body sentence is here.") == [
        "A heading without period",
        "The body sentence is here.",
    ]


def test_twenty_thousand_words_without_punctuation_is_fast_and_chunked() -> None:
    text = " ".join(f"word{i % 50}" for i in range(20_000))
    started = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - started < 5
    assert len(spans) == 200
    assert all(len(text[a:b].split()) <= MAX_WORDS for a, b in spans)


def test_very_long_punctuated_paragraph_is_split_in_bounded_blocks() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(3000))
    started = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - started < 5
    assert len(spans) == 3000


def test_statement_text_equals_article_slice() -> None:
    text = "Putin on common history\n\nMr. Putin spoke in Minsk on Dec. 2 about history. “We are one,” he said.\n\nHe left."
    for statement in split_statements(art(text)):
        assert statement.text == text[statement.start : statement.end]


def test_headings_and_short_fragments_are_not_statements() -> None:
    text = "Putin on common history\n\nPutin spoke about common history in Minsk. He left.\n\nThe End"
    assert [s.text for s in split_statements(art(text))] == ["Putin spoke about common history in Minsk."]


def test_long_unpunctuated_run_gives_no_statements() -> None:
    assert split_statements(art(" ".join(["word"] * 500))) == []


def test_bracket_cut_piece_is_a_statement() -> None:
    text = "They agreed on a common plan for the border\nto act together in the coming year."
    assert [s.text for s in split_statements(art(text))] == [
        "They agreed on a common plan for the border",
        "to act together in the coming year.",
    ]


def test_positions_paragraphs_and_ids() -> None:
    text = "First sentence is here now. Second sentence is here now.\n\nThird sentence is here now."
    statements = split_statements(art(text))
    assert [s.position for s in statements] == [0, 1, 2]
    assert [s.paragraph for s in statements] == [0, 0, 1]
    assert statements[2].id == f"a:{text.index('Third')}"
    assert all(s.article_id == "a" for s in statements)


def test_clock_time_before_a_weekday_does_not_split() -> None:
    assert sentences("The meeting ended at 5 p.m. Friday with a deal. It held.") == [
        "The meeting ended at 5 p.m. Friday with a deal.",
        "It held.",
    ]
