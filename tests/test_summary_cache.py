"""The summary-choice cache: same inputs, same key; anything else, another key; damage is ignored."""

from __future__ import annotations

from summarizer.summaries import cache as summary_cache
from summarizer.summaries.cache import load_choice, save_choice, summary_key

KNOBS = {"model": "m", "algorithm": "nttr", "budget_words": 100, "max_similarity": 0.85}


def test_same_inputs_give_the_same_key():
    assert summary_key(["a", "b"], **KNOBS) == summary_key(["a", "b"], **KNOBS)


def test_texts_order_budget_and_algorithm_change_the_key():
    base = summary_key(["a", "b"], **KNOBS)
    assert summary_key(["b", "a"], **KNOBS) != base
    assert summary_key(["ab"], **KNOBS) != base
    assert summary_key(["a", "b"], **{**KNOBS, "budget_words": 60}) != base
    assert summary_key(["a", "b"], **{**KNOBS, "algorithm": "lexrank"}) != base


def test_saved_choice_is_loaded_back(tmp_path):
    save_choice(tmp_path, "k", [2, 0])
    assert load_choice(tmp_path, "k", size=3) == [2, 0]


def test_unknown_key_is_a_miss(tmp_path):
    assert load_choice(tmp_path, "nope", size=3) is None


def test_choice_out_of_range_or_damaged_is_a_miss(tmp_path):
    save_choice(tmp_path, "k", [5])
    assert load_choice(tmp_path, "k", size=3) is None
    (tmp_path / "summaries" / "j.json").write_text("{not json")
    assert load_choice(tmp_path, "j", size=3) is None


def test_key_changes_with_the_selection_code(monkeypatch):
    base = summary_key(["a", "b"], **KNOBS)
    monkeypatch.setattr(summary_cache, "code_fingerprint", lambda: "another version of the algorithm")
    assert summary_key(["a", "b"], **KNOBS) != base


def test_fingerprint_covers_the_algorithms():
    from pathlib import Path

    root = Path(summary_cache.__file__).parent
    assert any(root.glob(p) for p in summary_cache.SELECTION_CODE)
    assert (root / "algorithms" / "nttr.py").exists() and len(summary_cache.code_fingerprint()) == 64


def test_group_key_changes_with_a_statement_s_position_not_only_its_wording() -> None:
    from summarizer.models import MergedStatement, Source, Statement
    from summarizer.summaries.cache import group_key

    def item(position: int) -> MergedStatement:
        st = Statement(id=f"a:{position}", article_id="a", text="Leaders met.", start=0, end=12, position=position)
        return MergedStatement(id=st.id, text=st.text, statements=(st,), sources=(Source(article_id="a", path="a.txt"),))

    assert group_key([item(0)], **KNOBS) == group_key([item(0)], **KNOBS)
    assert group_key([item(0)], **KNOBS) != group_key([item(3)], **KNOBS)
