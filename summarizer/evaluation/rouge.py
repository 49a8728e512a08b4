"""ROUGE-N as ROUGE-1.5.5 computes it with `-l 100 -m -f A`, on top of rouge-score's tokenizer.

Tokens come from `rouge_score` (lower-case, non-alphanumerics dropped, Porter stemming of words longer than
three letters). Before tokenizing, each text is cut to its first `limit_words` whitespace-separated words,
peers and references alike (ROUGE-1.5.5's `-l` reads every summary that way). Counts are pooled over the
references as `-f A` does, with no jackknifing:

    recall    = sum_r overlap(peer, r) / sum_r count(r)
    precision = sum_r overlap(peer, r) / (len(refs) * count(peer))
    f         = 2 * precision * recall / (precision + recall)

where `overlap` is the clipped n-gram match count and `count` the number of n-grams.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rouge_score.tokenizers import DefaultTokenizer


@dataclass(frozen=True)
class RougeScore:
    """Recall, precision and F of one peer against its references."""

    recall: float
    precision: float
    f: float


@lru_cache(maxsize=1)
def _tokenizer() -> DefaultTokenizer:
    return DefaultTokenizer(use_stemmer=True)


def truncate_words(text: str, limit_words: int | None) -> str:
    """The first `limit_words` whitespace-separated words of `text` (all of it when `limit_words` is None)."""
    words = text.split()
    return " ".join(words if limit_words is None else words[:limit_words])


def ngrams(text: str, n: int, *, limit_words: int | None = 100) -> Counter[tuple[str, ...]]:
    """Counts of the stemmed n-grams of `text`, cut at `limit_words` words."""
    tokens = _tokenizer().tokenize(truncate_words(text, limit_words))
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(peer: str, references: Sequence[str], n: int, *, limit_words: int | None = 100) -> RougeScore:
    """ROUGE-N of `peer` against `references`, counts pooled over the references (`-f A`)."""
    peer_counts = ngrams(peer, n, limit_words=limit_words)
    peer_total = sum(peer_counts.values())
    hits = ref_total = 0
    for ref in references:
        ref_counts = ngrams(ref, n, limit_words=limit_words)
        ref_total += sum(ref_counts.values())
        hits += sum(min(c, ref_counts[g]) for g, c in peer_counts.items())
    recall = hits / ref_total if ref_total else 0.0
    precision = hits / (peer_total * len(references)) if peer_total and references else 0.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return RougeScore(recall=recall, precision=precision, f=f)
