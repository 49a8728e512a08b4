"""What is new since the last digest: unseen articles, unreported statements, date ranges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from summarizer.clean import pages as clean
from summarizer.clean import copies
from summarizer.statements import dedup
from summarizer.read import ingest
from summarizer.service import novelty
from summarizer.text import sentences
from summarizer.errors import ConfigError
from summarizer.models import Article, MergedStatement, Source, Statement
from summarizer.service.novelty import article_hash, new_articles, new_statements, within
from summarizer.service.state import StateStore, statement_key

THRESHOLD = 0.87

DAY1 = {
    "a.md": ("BelTA", [
        "The leaders of the six member states met in Minsk on Thursday morning.",
        "They signed a declaration on collective security in the region.",
    ]),
    "b.md": ("TASS", [
        "Ministers discussed reinforcing the Tajik-Afghan border with new outposts.",
        "A joint exercise of rapid reaction forces is planned for next autumn.",
    ]),
    "c.md": ("Kabar", [
        "Drug trafficking through Central Asia remains a serious threat, the secretary general said.",
        "Cyber attacks on government networks doubled over the past year.",
    ]),
}
NEAR_DUP = "The leaders of the six member states met in Minsk on Thursday."  # a.md without "morning"
EXACT_REPEAT = "MINISTERS DISCUSSED reinforcing the Tajik-Afghan border, with new outposts!"  # b.md, other case/punct
DAY2 = {
    "d.md": ("Interfax", [NEAR_DUP, EXACT_REPEAT, "Armenia did not sign the final declaration this time."]),
    "e.md": ("Sputnik", [
        "Observers expect the next summit to be held in Bishkek in late November.",
        "A new air defence system will be delivered to the allied forces by spring.",
    ]),
    "f.md": ("Akipress", [
        "Cyber attacks on government networks doubled over the past year.",  # c.md, word for word
        "Kyrgyzstan proposed a joint centre against extremist propaganda online.",
    ]),
}
NEW_ON_DAY2 = [
    "Armenia did not sign the final declaration this time.",
    "Observers expect the next summit to be held in Bishkek in late November.",
    "A new air defence system will be delivered to the allied forces by spring.",
    "Kyrgyzstan proposed a joint centre against extremist propaganda online.",
]


def write_articles(folder: Path, files: dict[str, tuple[str, list[str]]]) -> None:
    for name, (outlet, sents) in files.items():
        body = "\n\n".join(sents)
        (folder / name).write_text(f"---\ntitle: {name}\noutlet: {outlet}\npublished: 2025-11-27\n---\n{body}\n")


def daily_digest(folder: Path, store: StateStore, embedder) -> tuple[list[Article], list[MergedStatement], list[str]]:
    """One --new digest at library level: read all, keep the unseen articles, keep the unreported statements,
    record what was covered. Returns (new articles, new statements, texts of repeated statements)."""
    got = ingest.read_inputs([folder])
    assert got.problems == []
    articles, problems = clean.clean_articles(got.articles)
    assert problems == []
    articles = copies.merge_copies(articles)
    unseen = store.unseen_contents({a.id: article_hash(a) for a in articles})
    fresh = new_articles(articles, {a.id for a in articles} - unseen)
    statements = [s for a in fresh for s in sentences.split_statements(a)]
    vectors = embedder.encode([s.text for s in statements])
    merged, merged_vectors = dedup.merge_statements(statements, vectors, fresh, threshold=THRESHOLD)
    reported = store.reported_statements()
    split = new_statements(
        merged,
        store.reported_statement_keys(),
        vectors=merged_vectors,
        reported=[k for k, _ in reported],
        reported_vectors=embedder.encode([t for _, t in reported]) if reported else None,
        threshold=THRESHOLD,
    )
    store.record_digest(
        f"digest-{len(store.digests()) + 1}",
        folder / "out",
        articles={a.id: (article_hash(a), a.path) for a in fresh},
        statements=[s.text for m in merged for s in m.statements],
    )
    return fresh, split.new, [m.text for m in split.repeated]


def test_second_daily_digest_covers_only_the_three_new_articles_and_their_new_statements(
    tmp_path: Path, fake_embedder
):
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_articles(folder, DAY1)
    with StateStore(tmp_path / "state.sqlite3") as store:
        first, first_new, first_repeated = daily_digest(folder, store, fake_embedder)
        assert sorted(Path(a.path).name for a in first) == ["a.md", "b.md", "c.md"]
        assert sorted(m.text for m in first_new) == sorted(t for _, ss in DAY1.values() for t in ss)
        assert first_repeated == []

        write_articles(folder, DAY2)
        second, second_new, second_repeated = daily_digest(folder, store, fake_embedder)

    assert sorted(Path(a.path).name for a in second) == ["d.md", "e.md", "f.md"]
    assert sorted(m.text for m in second_new) == sorted(NEW_ON_DAY2)
    assert sorted(second_repeated) == sorted(
        [NEAR_DUP, EXACT_REPEAT, "Cyber attacks on government networks doubled over the past year."]
    )


def test_the_near_duplicate_is_caught_by_its_vector_not_by_its_key(fake_embedder):
    """Guards the fixture above: the near-duplicate differs in its key, and is close only by embedding."""
    original = DAY1["a.md"][1][0]
    assert statement_key(NEAR_DUP) != statement_key(original)
    assert statement_key(EXACT_REPEAT) == statement_key(DAY1["b.md"][1][0])
    a, b = fake_embedder.encode([NEAR_DUP, original])
    assert float(a @ b) >= THRESHOLD


# -- unit tests with inline records -------------------------------------------------------------------


def article(aid: str, published: dt.date | None = None, copies: tuple[Source, ...] = ()) -> Article:
    return Article(id=aid, path=f"{aid}.txt", format="txt", text=f"Body of {aid}.", published=published,
                   copies=copies)


def merged(mid: str, *texts: str) -> MergedStatement:
    stmts = tuple(
        Statement(id=f"{mid}:{i}", article_id=mid, text=t, start=0, end=len(t), position=i)
        for i, t in enumerate(texts)
    )
    return MergedStatement(id=mid, text=texts[0], statements=stmts, sources=(Source(article_id=mid, path="x"),))


def test_new_articles_keeps_input_order_and_drops_seen_ids():
    arts = [article("c"), article("a"), article("b")]
    assert [a.id for a in new_articles(arts, {"a"})] == ["c", "b"]


def test_an_article_whose_identical_copy_was_seen_is_not_new():
    arts = [article("a", copies=(Source(article_id="old", path="old.txt"),)), article("b")]
    assert [a.id for a in new_articles(arts, {"old"})] == ["b"]


def test_article_hash_ignores_path_and_whitespace_but_not_words():
    one = Article(id="x", path="x.txt", format="txt", text="Leaders met.\n\nThey  signed.")
    moved = Article(id="y", path="moved/x.txt", format="txt", text="Leaders met. They signed.")
    other = Article(id="z", path="x.txt", format="txt", text="Leaders met. They refused.")
    assert article_hash(one) == article_hash(moved) != article_hash(other)


def test_a_statement_reported_under_another_wording_of_its_group_is_not_new():
    items = [merged("m1", "Leaders met in Minsk.", "The summit opened in Minsk."), merged("m2", "Drugs remain a threat.")]
    split = new_statements(items, {statement_key("the summit opened in minsk")})
    assert [m.id for m in split.new] == ["m2"] and [m.id for m in split.repeated] == ["m1"]
    assert split.new_rows == [1] and split.matched == {"m1": statement_key("The summit opened in Minsk.")}


def test_near_duplicate_threshold_is_inclusive_and_a_less_similar_statement_is_new():
    items = [merged("m1", "one"), merged("m2", "two"), merged("m3", "three")]
    angle = np.arccos(0.87)
    vecs = np.array(
        [[1.0, 0.0], [np.cos(angle) , np.sin(angle)], [0.86, np.sqrt(1 - 0.86**2)]], dtype=np.float64
    ).astype(np.float32)
    reported = np.array([[1.0, 0.0]], dtype=np.float32)
    split = new_statements(items, set(), vectors=vecs, reported=["k"], reported_vectors=reported, threshold=0.87 - 1e-6)
    assert [m.id for m in split.repeated] == ["m1", "m2"] and [m.id for m in split.new] == ["m3"]
    assert split.vectors.shape == (1, 2) and np.allclose(split.vectors[0], vecs[2])


def test_blockwise_similarity_matches_the_full_matrix(monkeypatch: pytest.MonkeyPatch):
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(37, 8)).astype(np.float32)
    rep = rng.normal(size=(23, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    rep /= np.linalg.norm(rep, axis=1, keepdims=True)
    full = vecs @ rep.T
    monkeypatch.setattr(novelty, "ROW_CHUNK", 5)
    monkeypatch.setattr(novelty, "COL_CHUNK", 4)
    best, arg = novelty._best_match(vecs, rep)
    assert np.allclose(best, full.max(axis=1)) and (arg == full.argmax(axis=1)).all()


def test_within_keeps_the_inclusive_range_and_undated_articles_with_a_note():
    arts = [
        article("early", dt.date(2025, 11, 26)),
        article("first", dt.date(2025, 11, 27)),
        article("undated"),
        article("last", dt.date(2025, 11, 28)),
        article("late", dt.date(2025, 11, 29)),
    ]
    kept, notes = within(arts, dt.date(2025, 11, 27), dt.date(2025, 11, 28))
    assert [a.id for a in kept] == ["first", "undated", "last"]
    assert len(notes) == 1 and "undated.txt" in notes[0] and "no publication date" in notes[0]


def test_within_with_an_open_end_and_without_a_range():
    arts = [article("old", dt.date(2020, 1, 1)), article("new", dt.date(2025, 1, 1)), article("undated")]
    assert [a.id for a in within(arts, since=dt.date(2024, 1, 1))[0]] == ["new", "undated"]
    assert [a.id for a in within(arts, until=dt.date(2024, 1, 1))[0]] == ["old", "undated"]
    assert within(arts) == (arts, [])


def test_within_refuses_a_reversed_range():
    with pytest.raises(ConfigError, match="after --until"):
        within([], dt.date(2025, 2, 1), dt.date(2025, 1, 1))


# -- versions of a feed item ------------------------------------------------------------------------------------

STORY = (
    "The ministers met in Nairobi on Monday to discuss the water programme. "
    "They agreed to share river gauge data every five days from next month."
)


def feed_article(text: str, item: str | None = "http://x/feed.xml guid-1") -> Article:
    return Article(id=ingest.make_article_id("http://x/a/1.html", text), path="http://x/a/1.html", format="feed",
                   text=text, feed_item=item)


def test_changed_words_ignores_case_spacing_and_punctuation():
    assert novelty.changed_words(STORY, STORY.upper().replace(".", "!").replace(" ", "  ")) == 0


def test_changed_words_counts_added_and_replaced_words_not_deleted_ones():
    assert novelty.changed_words(STORY, STORY.replace("five", "seven")) == 1
    assert novelty.changed_words(STORY, STORY + " Officials signed the final text late on Monday evening.") == 9
    assert novelty.changed_words(STORY, STORY.split(". ")[0]) == 0


def test_a_spelling_fix_is_not_a_material_update():
    assert not novelty.is_material_update(STORY.replace("gauge", "guage"), STORY)


def test_an_added_sentence_is_a_material_update():
    assert novelty.is_material_update(STORY, STORY + " Officials signed the final text late on Monday evening.")


def test_an_updated_feed_item_is_new_only_when_its_text_changed_materially():
    reported = {"http://x/feed.xml guid-1": STORY}
    fixed = feed_article(STORY.replace("five", "seven"))
    grown = feed_article(STORY + " Officials signed the final text late on Monday evening.")
    assert new_articles([fixed], seen_ids=set(), versions=reported) == []
    assert new_articles([grown], seen_ids=set(), versions=reported) == [grown]


def test_an_item_never_reported_and_an_article_not_from_a_feed_are_new():
    reported = {"http://x/feed.xml guid-1": STORY}
    other = feed_article(STORY.replace("five", "seven"), item="http://x/feed.xml guid-2")
    local = feed_article(STORY.replace("five", "seven"), item=None)
    assert new_articles([other, local], seen_ids=set(), versions=reported) == [other, local]
