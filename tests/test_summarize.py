"""summarize(): verbatim sentences with sources, within the budget, no near-repeats, in reading order."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.errors import ConfigError
from summarizer.models import MergedStatement, Source, Statement
from summarizer.summaries.summarize import summarize

ALGORITHMS = ["kl", "lexrank", "lsa", "luhn", "nttr", "sumbasic", "textrank"]


def item(text: str, article: str = "a1", position: int = 0, *, also: tuple[str, ...] = ()) -> MergedStatement:
    """A merged statement said first by `article` at `position`, and by the articles in `also`."""
    statements = tuple(
        Statement(id=f"{a}:{position}", article_id=a, text=text, start=0, end=len(text), position=position)
        for a in (article, *also)
    )
    sources = tuple(Source(article_id=a, path=f"{a}.txt", outlet=f"outlet-{a}") for a in (article, *also))
    return MergedStatement(id=statements[0].id, text=text, statements=statements, sources=sources)


CORPUS = [
    item("The summit of leaders opened in Minsk on Thursday with a call for unity.", "a1", 0, also=("a2", "a3")),
    item("Leaders discussed border security and drug trafficking at the summit in Minsk.", "a1", 1, also=("a2",)),
    item("The weather in the city was cold and grey all week long, said the locals.", "a1", 2),
    item("Border security and drug trafficking topped the agenda of the leaders at the summit.", "a2", 0),
    item("A joint declaration on border security was signed by the leaders at the summit.", "a3", 0, also=("a2",)),
    item("The next summit of the leaders will be held in Astana next year, officials said.", "a3", 1),
]


def vectors_for(items: list[MergedStatement], embedder) -> np.ndarray:  # type: ignore[no-untyped-def]
    return embedder.encode([i.text for i in items])


@pytest.mark.parametrize("name", ALGORITHMS)
def test_empty_input(name: str) -> None:
    assert summarize([], np.zeros((0, 8), dtype=np.float32), algorithm=name) == []


@pytest.mark.parametrize("name", ALGORITHMS)
def test_single_sentence(name: str, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    one = [item("The leaders met in Minsk on Thursday to discuss security at length.")]
    out = summarize(one, vectors_for(one, fake_embedder), algorithm=name)
    assert [s.text for s in out] == [one[0].text]


def test_single_sentence_over_budget_gives_nothing(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    one = [item("The leaders met in Minsk on Thursday to discuss security at length.")]
    assert summarize(one, vectors_for(one, fake_embedder), budget_words=5) == []


def test_unknown_algorithm_lists_valid_names(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as err:
        summarize(CORPUS, vectors_for(CORPUS, fake_embedder), algorithm="magic")
    assert str(err.value) == (
        "unknown algorithm 'magic': choose one of kl, lexrank, lsa, luhn, nttr, sumbasic, textrank"
    )


@pytest.mark.parametrize("name", ALGORITHMS)
def test_budget_respected(name: str, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    out = summarize(CORPUS, vectors_for(CORPUS, fake_embedder), algorithm=name, budget_words=30)
    assert out
    assert sum(len(s.text.split()) for s in out) <= 30


@pytest.mark.parametrize("name", ALGORITHMS)
def test_no_two_sentences_above_max_similarity(name: str, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    twins = [*CORPUS, item(CORPUS[1].text.replace("Minsk", "Minsk city"), "a3", 2)]
    vectors = vectors_for(twins, fake_embedder)
    out = summarize(twins, vectors, algorithm=name, budget_words=200, max_similarity=0.8)
    chosen = [vectors[[i.text for i in twins].index(s.text)] for s in out]
    sims = [float(a @ b) for k, a in enumerate(chosen) for b in chosen[k + 1 :]]
    assert max(sims, default=0.0) <= 0.8


@pytest.mark.parametrize("name", ALGORITHMS)
def test_sentences_are_verbatim_with_sources(name: str, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    by_text = {i.text: i for i in CORPUS}
    for s in summarize(CORPUS, vectors_for(CORPUS, fake_embedder), algorithm=name, budget_words=40):
        assert s.sources == by_text[s.text].sources
        assert s.outlets == by_text[s.text].outlets


@pytest.mark.parametrize("name", ALGORITHMS)
def test_output_in_reading_order(name: str, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    out = summarize(CORPUS, vectors_for(CORPUS, fake_embedder), algorithm=name, budget_words=60)
    index = [[i.text for i in CORPUS].index(s.text) for s in out]
    assert index == sorted(index)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_deterministic(name: str, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = vectors_for(CORPUS, fake_embedder)
    runs = {tuple(s.text for s in summarize(CORPUS, vectors, algorithm=name, budget_words=40)) for _ in range(3)}
    assert len(runs) == 1


def test_mismatched_vectors_rejected(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="6 items but 2 vectors"):
        summarize(CORPUS, vectors_for(CORPUS[:2], fake_embedder))
