"""clean_articles: general chrome removal, unwrapping, headings, metadata token, language, safety net."""

from __future__ import annotations

import datetime as dt

from summarizer.clean.pages import clean_articles, is_hard_wrapped, split_units
from summarizer.text.sentences import is_heading
from summarizer.read.language import detect_language
from summarizer.models import Article

S1 = "The leaders of the alliance met in Minsk on Thursday to discuss security."
S2 = "They adopted a declaration on the fight against terrorism and drug trafficking."
S3 = "The next meeting will take place in Moscow in the autumn of next year."
STORY_A = "\n".join([
    "The leaders of the six member states met in Minsk on Thursday for the annual summit of the alliance.",
    "They adopted a declaration on collective security and approved a plan for the joint rapid reaction force.",
    "Armenia's prime minister stayed away from the meeting, saying his country had frozen its participation.",
    "The next summit will be held in Moscow in the autumn of next year under the Russian chairmanship.",
])
STORY_B = "\n".join([
    "Defence ministers of the alliance met in Almaty on Friday to prepare joint exercises planned for the spring.",
    "The ministers discussed the supply of weapons to the rapid reaction force and the training of its officers.",
    "Kazakhstan's defence minister said the drills would involve four thousand troops and two hundred vehicles.",
    "Observers from three neighbouring countries have been invited to watch the exercises near the border.",
])


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
    text = f"{S1}\n{S2}\n{S3}\nPrevious Article\nFans Cheer at Stadium\nNext Article\nBorder Crossings May Open Soon"
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
        [art(f"{STORY_A}\n{footer}", path="a.txt", outlet="Daily"), art(f"{STORY_B}\n{footer}", path="b.txt", outlet="Daily")]
    )
    assert [footer in a.text for a in articles] == [False, False]


def test_a_line_on_one_page_of_an_outlet_is_not_repeated() -> None:
    footer = "The Daily Times is an independent newspaper covering the region since 1990."
    articles, _ = clean_articles([art(f"{STORY_A}\n{footer}", path="a.txt", outlet="Daily"), art(STORY_B, path="b.txt", outlet="Daily")])
    assert footer in articles[0].text


def test_a_line_on_pages_of_two_outlets_is_not_removed() -> None:
    footer = "The Daily Times is an independent newspaper covering the region since 1990."
    articles, _ = clean_articles(
        [art(f"{STORY_A}\n{footer}", path="a.txt", outlet="Daily"), art(f"{STORY_B}\n{footer}", path="b.txt", outlet="Herald")]
    )
    assert all(footer in a.text for a in articles)


def test_pages_with_the_same_url_host_are_one_site() -> None:
    note = "Reproduction of this material is allowed only with a hyperlink to the original source."
    a = art(f"{STORY_A}\n{note}", path="a.txt", outlet="Daily Times").model_copy(update={"url": "https://www.daily.example/a"})
    b = art(f"{STORY_B}\n{note}", path="b.txt", outlet="The Daily").model_copy(update={"url": "https://daily.example/b"})
    assert not any(note in x.text for x in clean_articles([a, b])[0])


def test_sentence_repeated_at_the_foot_of_pages_of_unknown_site_is_removed() -> None:
    note = "Reproduction of this material is allowed only with a hyperlink to the original source."
    articles, _ = clean_articles([art(f"{STORY_A}\n{note}", path="a.txt"), art(f"{STORY_B}\n{note}", path="b.txt")])
    assert not any(note in a.text for a in articles)


def test_sentence_repeated_in_the_body_of_pages_of_unknown_site_is_kept() -> None:
    quote = "“We will not allow anyone to drag our region into a new confrontation,” the host said at the talks."
    a, b = STORY_A.split("\n"), STORY_B.split("\n")
    articles, _ = clean_articles(
        [art("\n".join([a[0], quote, *a[1:]]), path="a.txt"), art("\n".join([b[0], quote, *b[1:]]), path="b.txt")]
    )
    assert all(quote in x.text for x in articles)


def test_copies_of_one_story_from_one_outlet_keep_their_shared_text() -> None:
    update = f"{STORY_A}\nThe talks ran late into the evening and ended with a joint press conference of the leaders."
    articles, _ = clean_articles([art(STORY_A, path="a.txt", outlet="Daily"), art(update, path="b.txt", outlet="Daily")])
    assert [a.text.count("declaration on collective security") for a in articles] == [1, 1]


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
    assert any("500 words has no sentence punctuation" in p.reason for p in problems)


def test_markdown_heading_marks_are_removed() -> None:
    assert clean_one(f"{S1}\n\n## Summit Day\n\n---\n\n{S2}", fmt="md") == f"{S1}\n\nSummit Day\n\n{S2}"


def test_markdown_headline_becomes_the_title() -> None:
    articles, _ = clean_articles([art(f"# Summit Day\n\n{S1}\n\n{S2}", fmt="md")])
    assert articles[0].title == "Summit Day" and articles[0].text == f"{S1}\n\n{S2}"


# --- chrome of real pages, by kind ----------------------------------------------------------------

BODY = f"{STORY_A}"


def test_menu_and_view_settings_at_the_top_are_removed() -> None:
    assert clean_one(f"All news\nView settings\nFont size\n+ A − 16 px\n{BODY}") == BODY.replace("\n", "\n\n")


def test_ticker_lines_at_the_top_are_removed() -> None:
    ticker = "1.0832 EUR +0.12\n91.45 RUB -0.68\n12.10 CNY +0.02"
    assert clean_one(f"{ticker}\n{BODY}") == BODY.replace("\n", "\n\n")


def test_copyright_and_back_to_top_lines_at_the_bottom_are_removed() -> None:
    footer = "Back to top button\n© 2024 Example News Agency. All rights reserved."
    assert clean_one(f"{BODY}\n{footer}") == BODY.replace("\n", "\n\n")


def test_dated_time_stamp_line_is_kept() -> None:
    assert clean_one(f"28 November 2024 10:33 (UTC+03:00)\n{BODY}").startswith("28 November 2024 10:33")


def test_photo_caption_with_a_credit_is_removed() -> None:
    caption = "Leaders pose for a family photo in Minsk on November 28, 2024. /Example Agency"
    assert caption not in clean_one(f"{S1}\n{caption}\n{S2}\n{S3}")


def test_credit_in_brackets_after_a_paragraph_is_cut_and_the_paragraph_kept() -> None:
    assert clean_one(f"{S1}\n{S2} {S3} (ANI)") == f"{S1}\n\n{S2} {S3}"


def test_article_complaints_notice_is_removed() -> None:
    notice = "Article complaints: if you find a mistake in this article, kindly contact the editors at desk@example.org."
    assert clean_one(f"{S1}\n{S2}\n{notice}\n{S3}") == f"{S1}\n\n{S2}\n\n{S3}"


def test_editors_note_in_brackets_is_removed() -> None:
    note = "(This story has not been edited by our staff and is published from a syndicated feed.)"
    assert clean_one(f"{S1}\n{S2}\n{note}") == f"{S1}\n\n{S2}"


def test_closing_call_to_follow_is_cut_from_its_paragraph() -> None:
    assert clean_one(f"{S1} Follow the latest updates from the summit on our website!\n{S2}") == f"{S1}\n\n{S2}"


def test_short_real_paragraph_between_paragraphs_is_kept() -> None:
    assert clean_one(f"{S1}\nHe declined to comment.\n{S2}") == f"{S1}\n\nHe declined to comment.\n\n{S2}"


def test_short_real_last_sentence_is_kept() -> None:
    last = "The talks will continue in Minsk until Friday evening."
    assert clean_one(f"{S1}\n{S2}\n{last}").endswith(last)


def test_lede_dense_with_names_is_kept() -> None:
    lede = ("Kassym-Jomart Tokayev, Alexander Lukashenko, Vladimir Putin, Sadyr Japarov and Emomali Rahmon attended "
            "the Collective Security Council session in Minsk, Belarus, on 28 November 2024.")
    assert clean_one(f"{lede}\n{S2}").startswith(lede)


def test_brief_of_short_lines_is_kept_whole_without_its_list_marks() -> None:
    brief = "The summit meeting in a narrow format has begun in Minsk.\nKey statements by the host:\n• The alliance must stay united in the face of new threats."
    assert clean_one(brief) == brief.replace("\n", "\n\n").replace("• ", "")


def test_unfinished_last_sentence_of_a_cut_off_page_is_dropped() -> None:
    assert clean_one(f"{S1}\n{S2} The leaders also discussed the situation on the bor") == f"{S1}\n\n{S2}"


def test_last_sentence_ending_in_a_bracketed_note_is_not_taken_for_cut_off() -> None:
    assert clean_one(f"{S1}\n{S2[:-1]} [source: TASS].") == f"{S1}\n\n{S2[:-1]}"


def test_explain_cleaning_names_the_rule_for_each_removal() -> None:
    from summarizer.clean.pages import explain_cleaning

    caption = "Leaders pose for a family photo in Minsk on November 28, 2024. /Example Agency"
    (report,) = explain_cleaning([art(f"All news\n{S1}\n{caption}\n{S2}\n{S3}\nBack to top button", outlet="Daily")])
    assert [(r.rule, r.text) for r in report.removed] == [
        ("boilerplate", "All news"), ("caption", caption), ("boilerplate", "Back to top button")
    ]
    assert report.kept == 3 and report.outlet == "Daily"


def test_explain_cleaning_says_why_a_page_was_skipped() -> None:
    from summarizer.clean.pages import explain_cleaning

    (report,) = explain_cleaning([art("Саммит ОДКБ прошёл в Бишкеке. Лидеры государств обсудили вопросы безопасности.")])
    assert report.skipped == "not English (ru); skipped" and not report.removed


# --- the real seeds -------------------------------------------------------------------------------

import pytest  # noqa: E402

from tests.conftest import SEEDS  # noqa: E402

CHROME = ("No time to read", "Get a summary", "Previous Article", "Next Article", "Get The Astana Times", "Photo credit", "[citation")


@pytest.fixture(scope="module")
def seed_statements():  # type: ignore[no-untyped-def]
    from summarizer.read.ingest import read_inputs
    from summarizer.text.sentences import split_statements

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


def test_bytes_that_decode_to_noise_are_a_problem_not_an_article() -> None:
    kept, problems = clean_articles([art(")\u00c1\u00f9\u00adv\u00e0)02\u00bf\u00a9e\u00e4:", path="junk.txt")])
    assert kept == []
    assert [(p.path, p.kind) for p in problems] == [("junk.txt", "skipped")]
    assert problems[0].reason.startswith("no readable text")


def test_a_short_english_note_is_readable() -> None:
    kept, problems = clean_articles([art("The minister met the president in Astana on Monday.")])
    assert len(kept) == 1 and problems == []


def test_problem_with_a_json_lines_record_names_the_record() -> None:
    italian = ("Il presidente della repubblica ha detto che la riunione non è stata utile per il paese e che "
               "il governo con gli alleati sono per la pace nel mondo e per una nuova politica della regione.")
    record = art(italian, path="pages.jsonl", fmt="jsonl").model_copy(update={"url": "https://example.org/it/1"})
    _, problems = clean_articles([record])
    assert [p.path for p in problems] == ["pages.jsonl: https://example.org/it/1"]
