"""clean_articles: general chrome removal, unwrapping, headings, metadata token, language, safety net."""

from __future__ import annotations

import datetime as dt

from summarizer.clean import clean_articles, is_hard_wrapped, is_heading, split_units
from summarizer.language import detect_language
from summarizer.models import Article

S1 = "The leaders of the alliance met in Minsk on Thursday to discuss security."
S2 = "They adopted a declaration on the fight against terrorism and drug trafficking."
S3 = "The next meeting will take place in Moscow in the autumn of next year."


def art(text: str, *, path: str = "a.txt", outlet: str | None = None, title: str | None = None, fmt: str = "txt") -> Article:
    return Article(id=path.replace(".", "-"), path=path, format=fmt, text=text, outlet=outlet, title=title)  # type: ignore[arg-type]


def clean_one(text: str, **kw: object) -> str:
    articles, _ = clean_articles([art(text, **kw)])  # type: ignore[arg-type]
    return articles[0].text


def test_teaser_lines_are_removed() -> None:
    assert clean_one(f"{S1}\nNo time to read?\nGet a summary\n{S2}") == f"{S1}\n\n{S2}"


def test_newsletter_and_social_list_line_is_removed() -> None:
    promo = "Get The Daily Times stories sent to you! Sign up or follow us on Twitter, Facebook and Telegram!"
    assert "Sign up" not in clean_one(f"{S1}\n{S2}\n{promo}")


def test_sentence_mentioning_sign_up_is_kept() -> None:
    sentence = "Armenia refused to sign up to the joint declaration of the summit."
    assert sentence in clean_one(f"{S1}\n{sentence}\n{S2}")


def test_previous_and_next_article_with_their_headlines_are_removed() -> None:
    text = f"{S1}\n{S2}\nPrevious Article\nFans Cheer at Stadium\nNext Article\nBorder Crossings May Open Soon\n{S3}"
    assert clean_one(text) == f"{S1}\n\n{S2}\n\n{S3}"


def test_photo_credit_line_is_removed() -> None:
    assert clean_one(f"{S1}\nDuring the meeting. Photo credit: Press service\n{S2}") == f"{S1}\n\n{S2}"


def test_bracketed_note_ends_the_sentence_at_the_bracket() -> None:
    cleaned = clean_one(f"{S1} They agreed on a plan [citation: official communique] to act together. {S2}")
    assert "[citation" not in cleaned
    assert f"{S1} They agreed on a plan\nto act together. {S2}" == cleaned


def test_bracketed_note_at_line_end_is_removed() -> None:
    assert clean_one(f"{S1} [source: TASS]\n{S2}") == f"{S1}\n\n{S2}"


def test_trailing_block_of_short_lines_is_removed() -> None:
    assert clean_one(f"{S1}\n{S2}\nMore news\nTop Stories Today\nContact") == f"{S1}\n\n{S2}"


def test_heading_is_kept_as_its_own_paragraph() -> None:
    assert clean_one(f"{S1}\nThe Militarization of Europe\n{S2}") == f"{S1}\n\nThe Militarization of Europe\n\n{S2}"


def test_title_line_at_the_top_is_dropped() -> None:
    assert clean_one(f"Summit in Minsk\n{S1}\n{S2}", title="Summit in Minsk") == f"{S1}\n\n{S2}"


def test_lines_repeated_across_articles_of_one_outlet_are_removed() -> None:
    footer = "The Daily Times is an independent newspaper covering the region since 1990."
    articles, _ = clean_articles(
        [art(f"{S1}\n{footer}", path="a.txt", outlet="Daily"), art(f"{S2}\n{footer}\n{S3}", path="b.txt", outlet="Daily")]
    )
    assert [a.text for a in articles] == [S1, f"{S2}\n\n{S3}"]


def test_sentence_shared_by_two_outlets_is_kept() -> None:
    articles, _ = clean_articles([art(f"{S1}\n{S2}", path="a.txt", outlet="A"), art(f"{S3}\n{S2}", path="b.txt", outlet="B")])
    assert all(S2 in a.text for a in articles)


def test_identical_articles_do_not_erase_each_other() -> None:
    articles, _ = clean_articles([art(f"{S1}\n{S2}", path="a.txt"), art(f"{S1}\n{S2}", path="b.txt")])
    assert [a.text for a in articles] == [f"{S1}\n\n{S2}"] * 2


def test_leading_date_token_is_removed_and_becomes_published() -> None:
    articles, _ = clean_articles([art(f" date 2025-11-27 {S1}\n{S2}")])
    assert articles[0].text.startswith("The leaders")
    assert articles[0].published == dt.date(2025, 11, 27)


def test_leading_date_token_does_not_override_metadata() -> None:
    article = art(f"date 2025-11-27 {S1}").model_copy(update={"published": dt.date(2020, 1, 1)})
    assert clean_articles([article])[0][0].published == dt.date(2020, 1, 1)


def test_hard_wrapped_text_is_unwrapped_into_paragraphs() -> None:
    wrapped = (
        "Cambodian leader Hun Sen on Friday rejected opposition parties' demands \n"
        "for talks outside the country, accusing them of trying to ``internationalize'' \n"
        "the political crisis. Government and opposition parties have asked \n"
        "King Norodom Sihanouk to host a summit meeting.\n\n"
        "A second paragraph starts here and goes on for a while so that it \n"
        "wraps over two lines.\n"
    )
    assert is_hard_wrapped(wrapped)
    units = split_units(wrapped)
    assert len(units) == 2
    assert units[0].startswith("Cambodian leader Hun Sen on Friday rejected opposition parties' demands for talks")


def test_one_paragraph_per_line_text_is_not_unwrapped() -> None:
    assert not is_hard_wrapped(f"Title Here\n{S1} {S2} {S3}\n{S2} {S3} {S1}\n{S3}")


def test_heading_detection() -> None:
    assert is_heading("Putin on common history")
    assert is_heading("Lukashenko: “Military Risks Are Increasing”")
    assert not is_heading(S1)
    assert not is_heading("“It is done,” he said.")


def test_russian_article_is_skipped_as_not_english() -> None:
    russian = "Саммит ОДКБ прошёл в Бишкеке. Лидеры государств обсудили вопросы безопасности и борьбы с терроризмом."
    articles, problems = clean_articles([art(russian, path="ru.txt")])
    assert not articles
    assert problems[0].path == "ru.txt" and problems[0].reason.startswith("not English (ru)")


def test_english_article_is_marked_english() -> None:
    assert clean_articles([art(f"{S1} {S2} {S3}")])[0][0].language == "en"


def test_detect_language_is_unsure_on_short_text() -> None:
    assert detect_language("Hola") is None


def test_detect_language_finds_german() -> None:
    text = "Die Staats- und Regierungschefs der Organisation haben sich in der Stadt getroffen und über die Sicherheit " * 3
    assert detect_language(text) == "de"


def test_cleaning_never_removes_the_whole_body() -> None:
    articles, problems = clean_articles([art("Sign up for our newsletter!\nShare this")])
    assert articles[0].text
    assert "whole body" in problems[0].reason


def test_whitespace_article_is_a_problem() -> None:
    articles, problems = clean_articles([art("   \n  ")])
    assert not articles and problems[0].reason == "no text left in the article"


def test_long_unpunctuated_passage_is_reported() -> None:
    _, problems = clean_articles([art(" ".join(["word"] * 500))])
    assert "500 words has no sentence punctuation" in problems[0].reason


def test_markdown_heading_marks_are_removed() -> None:
    assert clean_one(f"# Summit Day\n\n{S1}\n\n---\n\n{S2}", fmt="md") == f"Summit Day\n\n{S1}\n\n{S2}"


# --- the real seeds -------------------------------------------------------------------------------

import pytest  # noqa: E402

from tests.conftest import SEEDS  # noqa: E402

CHROME = ("No time to read", "Get a summary", "Previous Article", "Next Article", "Get The Astana Times", "Photo credit", "[citation")


@pytest.fixture(scope="module")
def seed_statements():  # type: ignore[no-untyped-def]
    from summarizer.ingest import read_inputs
    from summarizer.sentences import split_statements

    ingested = read_inputs([SEEDS])
    articles, problems = clean_articles(ingested.articles)
    return ingested, articles, problems, {a.id: split_statements(a) for a in articles}


def test_seeds_all_come_through_without_problems(seed_statements) -> None:  # type: ignore[no-untyped-def]
    ingested, articles, problems, _ = seed_statements
    assert len(articles) == 5 and not ingested.problems and not problems


def test_seed_statements_contain_no_chrome(seed_statements) -> None:  # type: ignore[no-untyped-def]
    _, _, _, statements = seed_statements
    texts = [s.text for group in statements.values() for s in group]
    assert len(texts) > 100
    assert not [t for t in texts if any(c in t for c in CHROME)]


def test_seed_statements_are_verbatim_in_their_raw_file(seed_statements) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, statements = seed_statements
    for article in articles:
        raw = open(article.path, encoding="utf-8").read()
        assert all(s.text in raw for s in statements[article.id])


def test_seed_headings_are_not_statements(seed_statements) -> None:  # type: ignore[no-untyped-def]
    _, _, _, statements = seed_statements
    texts = {s.text for group in statements.values() for s in group}
    assert not texts & {"Putin on common history", "The Militarization of Europe", "Key Summit Outcomes"}


def test_seed_003_date_token_gives_published(seed_statements) -> None:  # type: ignore[no-untyped-def]
    _, articles, _, _ = seed_statements
    (article,) = [a for a in articles if a.path.endswith("003_65736b0f4ebd7b58.txt")]
    assert article.published == dt.date(2025, 11, 27)
    assert not article.text.lstrip().startswith("date")
