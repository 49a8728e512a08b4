"""Copies across outlets: republished stories collapse into one article crediting every outlet; reports don't."""

from __future__ import annotations

import numpy as np

from summarizer.clean.copies import copy_groups, merge_copies
from summarizer.statements.dedup import merge_statements
from summarizer.models import Article
from summarizer.text.sentences import split_statements

P1 = ("MINSK, November 28. The leaders of the six member states met in Minsk on Thursday for the annual summit of "
      "the alliance, chaired this year by the President of Belarus.")
P2 = ("The heads of state adopted a declaration on collective security and approved a plan to strengthen the "
      "joint rapid reaction force over the next three years, the host said after the talks.")
P3 = ("Armenia's prime minister stayed away from the meeting, saying that his country had frozen its participation "
      "in the organisation's work after last year's events on its border.")
P4 = ("The leaders also signed an agreement on a common air defence system and a statement on the fight against "
      "drug trafficking and illegal migration in the region.")
P5 = ("The next summit will be held in Moscow in the autumn of next year, when Russia takes over the rotating "
      "chairmanship of the organisation for twelve months.")
P6 = ("Founded in 2002, the organisation brings together Russia, Belarus, Kazakhstan, Kyrgyzstan, Tajikistan and "
      "Armenia and holds joint military exercises every year.")
WIRE = "\n\n".join([P1, P2, P3, P4, P5, P6])
LEDE = ("Leaders of the alliance gathered in the Belarusian capital on Thursday without the Armenian prime "
        "minister, our correspondent reports from the venue.")
OWN = ("Security was tight around the palace, where roads were closed from early morning and the city centre "
       "was almost empty of traffic for the whole day.")
PARTIAL = "\n\n".join([LEDE, P2, OWN, P4])
"""A new lede, two paragraphs of the wire verbatim, one of its own: half of it is the wire's (like realnews p29)."""


def art(aid: str, text: str, outlet: str, **kw: object) -> Article:
    return Article(id=aid, path="pages.jsonl", format="jsonl", text=text, outlet=outlet, url=f"https://{aid}.example/x", **kw)  # type: ignore[arg-type]


def outlets(article: Article) -> list[str | None]:
    return [s.outlet for s in article.sources]


def test_identical_text_with_other_line_breaks_is_one_article_crediting_both() -> None:
    rewrapped = " ".join([P1, P2]) + "\n" + P3 + "\n" + "\n".join([P4, P5, P6])
    merged = merge_copies([art("a", WIRE, "Agency"), art("b", rewrapped, "Daily")])
    assert len(merged) == 1
    assert sorted(outlets(merged[0])) == ["Agency", "Daily"]


def test_new_lede_with_verbatim_paragraphs_is_a_copy_and_keeps_its_own_sentences() -> None:
    (merged,) = merge_copies([art("a", WIRE, "Agency"), art("b", PARTIAL, "Portal")])
    assert sorted(outlets(merged)) == ["Agency", "Portal"]
    for own in (LEDE, OWN):
        start = merged.text.index(own)
        assert [s.outlet for s in merged.sources_of(start, start + len(own))] == ["Portal"]


def test_merged_paragraphs_with_a_cut_ending_are_a_copy() -> None:
    cut = " ".join([P1, P2, P3]) + "\n\n" + P4 + " " + P5[: P5.index(" when")] + "."
    (merged,) = merge_copies([art("a", WIRE, "Agency"), art("b", cut, "Herald")])
    assert merged.id == "a" and outlets(merged) == ["Agency", "Herald"]


def test_sentences_a_copy_cut_are_credited_to_the_original_only() -> None:
    cut = "\n\n".join([P1, P2, P3, P4])
    (merged,) = merge_copies([art("a", WIRE, "Agency"), art("b", cut, "Herald")])
    start = merged.text.index(P6)
    assert [s.outlet for s in merged.sources_of(start, start + len(P6))] == ["Agency"]
    start = merged.text.index(P2)
    assert [s.outlet for s in merged.sources_of(start, start + len(P2))] == ["Agency", "Herald"]


def test_republished_with_a_standfirst_is_a_copy() -> None:
    standfirst = "The alliance approved a three-year plan for its rapid reaction force"
    (merged,) = merge_copies([art("a", WIRE, "Agency"), art("b", f"{standfirst}\n\n{WIRE}", "Mirror")])
    assert sorted(outlets(merged)) == ["Agency", "Mirror"]


def test_same_event_reported_in_other_words_is_not_a_copy() -> None:
    other = "\n\n".join([
        "Belarus hosted the alliance's yearly meeting of presidents on Thursday, with one member conspicuously absent.",
        "Armenia's leader boycotted the gathering in Minsk, and his government said its membership remained frozen.",
        "The remaining leaders backed a declaration on security, a three-year programme for their rapid reaction "
        "troops and a deal on a shared air defence network.",
        "Russia will chair the bloc next year and host the following summit in Moscow.",
    ])
    merged = merge_copies([art("a", WIRE, "Agency"), art("b", other, "Gazette")])
    assert [m.id for m in merged] == ["a", "b"] and not merged[0].copies


def test_other_story_sharing_a_background_paragraph_is_not_a_copy() -> None:
    story = "\n\n".join([
        "Defence ministers of the alliance met in Almaty on Friday to prepare joint exercises planned for the spring.",
        "The ministers discussed the supply of weapons to the rapid reaction force and the training of its officers.",
        "Kazakhstan's defence minister said the drills would involve four thousand troops and two hundred vehicles.",
        "Observers from three neighbouring countries have been invited to watch the exercises near the border.",
        P6,
    ])
    assert copy_groups([WIRE, story]) == [[0], [1]]


def test_the_longest_copy_leads_and_the_others_follow_by_length() -> None:
    a, b, c = WIRE, "\n\n".join([P1, P2, P3, P4]), "\n\n".join([P1, P2, P3])
    merged = merge_copies([art("c", c, "C"), art("b", b, "B"), art("a", a, "A")])
    assert len(merged) == 1 and merged[0].id == "a" and outlets(merged[0]) == ["A", "B", "C"]


def test_copies_group_transitively() -> None:
    first, middle, last = "\n\n".join([P1, P2, P3]), "\n\n".join([P2, P3, P4, P5]), "\n\n".join([P4, P5, P6])
    assert copy_groups([first, last]) == [[0], [1]]
    assert copy_groups([first, middle, last]) == [[0, 1, 2]]


def test_statement_from_a_copys_own_lede_is_credited_to_that_copy_only() -> None:
    (merged,) = merge_copies([art("a", WIRE, "Agency"), art("b", PARTIAL, "Portal")])
    statements = split_statements(merged)
    vectors = np.eye(len(statements), dtype=np.float32)
    items, _ = merge_statements(statements, vectors, [merged])
    by_text = {m.text: [s.outlet for s in m.sources] for m in items}
    assert by_text[LEDE] == ["Portal"]
    assert by_text[P4] == ["Agency", "Portal"]
    assert by_text[P6] == ["Agency"]


def test_a_copy_from_another_outlet_lends_its_date_but_not_its_headline() -> None:
    import datetime as dt

    original = Article(id="a", path="pages.jsonl", format="jsonl", text=WIRE, outlet="Agency")
    copy = art("b", PARTIAL, "Portal", title="Leaders meet in Minsk", published=dt.date(2024, 11, 28))
    (merged,) = merge_copies([original, copy])
    assert merged.published == dt.date(2024, 11, 28)
    assert merged.title is None and merged.url is None and merged.outlet == "Agency"


def file_art(aid: str, path: str, text: str, **kw: object) -> Article:
    return Article(id=aid, path=path, format="txt", text=text, **kw)  # type: ignore[arg-type]


def test_identical_bodies_collapse_into_lexicographically_first_path() -> None:
    out = merge_copies([file_art("b", "z.txt", "Same  body.\n"), file_art("a", "a.txt", "Same body."),
                                    file_art("c", "c.txt", "Other body.")])
    assert [a.id for a in out] == ["a", "c"]
    assert [s.article_id for s in out[0].copies] == ["b"]


def test_collapsed_article_takes_missing_metadata_from_its_copy() -> None:
    out = merge_copies([file_art("a", "a.txt", "Body."), file_art("b", "b.txt", "Body.", outlet="TASS")])
    assert out[0].outlet == "TASS"


def test_different_bodies_stay_separate_and_in_order() -> None:
    arts = [file_art("x", "x.txt", "One."), file_art("y", "y.txt", "Two.")]
    assert merge_copies(arts) == arts
