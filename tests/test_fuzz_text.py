"""Property tests: ingestion, cleaning and splitting never raise, offsets point at their text, bodies survive."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.clean.pages import clean_articles
from summarizer.read.decode import decode_bytes
from summarizer.read.ingest import read_inputs
from summarizer.models import Article
from summarizer.text.sentences import split_sentences, split_statements

FUZZ = settings(derandomize=True, max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = st.sampled_from(
    ["The", "summit", "U.S.", "Dec.", "2", "Mr.", "said", "“quoted,”", "``", "''", "[citation:", "note]", "No time to read?",
     "Sign up", "Previous Article", "date 2025-11-27", "Photo credit:", "Минск", "café", ".", "!", "?", "\n", "\n\n", "  ", "\t",
     "\u00a0", "\r\n", "#", "---", "é", "—", "…", "a", "b"]
)
NEWSY = st.lists(WORDS, max_size=120).map(" ".join)
TEXTS = st.one_of(st.text(max_size=400), NEWSY)


def article(text: str, fmt: str = "txt") -> Article:
    return Article(id="x", path="x.txt", format=fmt, text=text)  # type: ignore[arg-type]


@FUZZ
@given(st.binary(max_size=600))
def test_decode_never_raises(data: bytes) -> None:
    text, encoding = decode_bytes(data)
    assert isinstance(text, str) and encoding


@FUZZ
@given(TEXTS)
def test_split_sentences_spans_are_ordered_non_empty_and_inside(text: str) -> None:
    spans = split_sentences(text)
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        previous = end


@FUZZ
@given(TEXTS)
def test_statement_offsets_point_at_their_text(text: str) -> None:
    statements = split_statements(article(text))
    for statement in statements:
        assert text[statement.start : statement.end] == statement.text
    assert [s.position for s in statements] == list(range(len(statements)))


@FUZZ
@given(st.lists(TEXTS, min_size=1, max_size=3))
def test_cleaning_never_removes_a_whole_body(texts: list[str]) -> None:
    articles = [article(t).model_copy(update={"id": f"a{i}", "path": f"a{i}.txt"}) for i, t in enumerate(texts)]
    cleaned, problems = clean_articles(articles)
    kept = {a.path for a in cleaned}
    reported = {p.path for p in problems}
    for original in articles:
        if original.text.strip():
            assert original.path in kept or original.path in reported
    assert all(a.text.strip() for a in cleaned)
    for cleaned_article in cleaned:
        for statement in split_statements(cleaned_article):
            assert cleaned_article.text[statement.start : statement.end] == statement.text


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".html", ".jsonl", ".rss", ".bin"]))
def test_read_inputs_never_raises_on_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        result = read_inputs([Path(folder)])
        assert all(a.text.strip() for a in result.articles) or not result.articles
        assert result.articles or result.problems or not data.strip()
        clean_articles(result.articles)


@FUZZ
@given(NEWSY, st.sampled_from([".txt", ".md"]))
def test_pipeline_statements_are_substrings_of_the_raw_file_modulo_whitespace(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_text(text, encoding="utf-8")
        raw = " ".join(text.split())
        cleaned, _ = clean_articles(read_inputs([path]).articles)
        for item in cleaned:
            for statement in split_statements(item):
                assert " ".join(statement.text.split()) in raw
