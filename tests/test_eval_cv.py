"""The cross-validation folds and how published summaries are read for readability (no DUC data needed)."""

from __future__ import annotations

from summarizer.evaluation.duc2004 import fold_of, locate, peer_sentences
from summarizer.models import MergedStatement, Source, Statement


def test_folds_deal_sorted_topics_round_robin() -> None:
    assert fold_of(["d3", "d1", "d2", "d4", "d5"], 2) == {"d1": 0, "d2": 1, "d3": 0, "d4": 1, "d5": 0}


def test_folds_do_not_depend_on_the_order_topics_are_given() -> None:
    assert fold_of(["b", "a", "c"], 3) == fold_of(["c", "b", "a"], 3)


def test_peer_sentences_are_those_the_scorer_reads() -> None:
    text = "First sentence is here. " + "Word " * 120 + "end."
    sentences = peer_sentences(text)
    assert sentences[0] == "First sentence is here."
    assert sum(len(s.split()) for s in sentences) == 100


def _item(text: str, article: str, position: int) -> MergedStatement:
    st = Statement(id=f"{article}:{position}", article_id=article, text=text, start=0, end=len(text), position=position)
    return MergedStatement(id=st.id, text=text, statements=(st,), sources=(Source(article_id=article, path=article),))


def test_locate_finds_the_source_sentence_of_a_lightly_edited_copy() -> None:
    items = [_item("Hun Sen rejected talks outside the country on Friday.", "D1", 0),
             _item("The king praised the deal between the two parties.", "D2", 3)]
    located = locate(["The king praised the deal between the two parties", "Something else entirely."], items)
    assert (located[0].article_id, located[0].position) == ("D2", 3)
    assert located[1].article_id is None


def test_more_folds_than_topics_is_a_one_line_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from flows.cli import main

    (tmp_path / "docs" / "t1").mkdir(parents=True)
    (tmp_path / "docs" / "t1" / "D1.txt").write_text("The talks ended late on Friday.", encoding="utf-8")
    (tmp_path / "models" / "t1").mkdir(parents=True)
    (tmp_path / "models" / "t1" / "A").write_text("Talks ended.", encoding="utf-8")
    assert main(["eval", "duc2004", str(tmp_path), "--folds", "5"]) == 1
    assert "--folds must be between 1 and the number of topics (1)" in capsys.readouterr().err
