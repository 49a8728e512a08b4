"""A corpus read as the pipeline reads it, for the measures: ingest -> clean -> collapse copies -> statements."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from summarizer.clean.pages import clean_articles
from summarizer.clean.copies import merge_copies
from summarizer.read.ingest import read_inputs
from summarizer.models import Article, Statement
from summarizer.text.sentences import split_statements


def read_corpus(paths: Sequence[Path | str]) -> tuple[list[Article], list[Statement]]:
    """The articles (cleaned, copies collapsed) and statements of `paths`, exactly as `nttr run` gets them."""
    cleaned, _ = clean_articles(read_inputs(list(paths)).articles)
    articles = merge_copies(cleaned)
    return articles, [s for a in articles for s in split_statements(a)]
