"""Readability of extractive summaries: dangling openings, unbalanced quotations, a point said twice.

Three measures, the same for our summaries, the published systems' and a digest's (see `summarizer.summaries.algorithms.
coherence` for the word lists and the quotation reading):

- **Dangling opening**: a sentence opening with a word that needs an antecedent the summary does not give. A
  person pronoun (he, she, his, her, him) is given one by any earlier summary sentence that names someone; any
  other context opener (they, it, this, but, also, however, ...) only by its own source predecessor placed just
  before it. Where only the article is known (a digest), the summary sentence just before, from the same article,
  counts as the predecessor. Share of sentences.
- **Unbalanced quotation**: a sentence in a quotation that the summary, read as one text, does not both open and
  close: a closing mark with nothing open, a quotation still open at the end, or one left open when the next
  sentence comes from another article (or is not the next sentence of the same one). Share of sentences.
- **Repeated point**: two sentences of one summary saying the same thing in other words: cosine similarity of
  their embeddings at or above `PARAPHRASE_COSINE`. Share of summaries with at least one such pair.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.summaries.algorithms.coherence import names_someone, opener, quote_state
from summarizer.models import Digest

PARAPHRASE_COSINE = 0.7
"""Cosine (all-MiniLM-L6-v2) at which two sentences of a summary make one point twice (see docs/evaluation.md)."""


class Located(BaseModel):
    """A summary sentence and where it comes from, as far as known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    article_id: str | None = None
    position: int | None = None


class SummaryReadability(BaseModel):
    """The three measures for one summary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sentences: int
    dangling: list[int]
    """Indices of the sentences with a dangling opening."""
    unbalanced: list[int]
    """Indices of the sentences in an unbalanced quotation."""
    repeated: list[tuple[int, int]]
    """Pairs of sentences making one point twice."""


class Readability(BaseModel):
    """The measures over many summaries: counts and shares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    summaries: int
    sentences: int
    dangling: int
    unbalanced: int
    repeated_summaries: int

    @property
    def dangling_share(self) -> float:
        return self.dangling / self.sentences if self.sentences else 0.0

    @property
    def unbalanced_share(self) -> float:
        return self.unbalanced / self.sentences if self.sentences else 0.0

    @property
    def repeated_share(self) -> float:
        return self.repeated_summaries / self.summaries if self.summaries else 0.0


def _follows(before: Located, after: Located) -> bool:
    """Whether `after` is `before`'s next sentence in the same source (same article, when positions are unknown)."""
    if before.article_id is None or after.article_id is None or before.article_id != after.article_id:
        return False
    if before.position is None or after.position is None:
        return True
    return after.position == before.position + 1


def dangling_openings(sentences: Sequence[Located]) -> list[int]:
    """Indices of sentences opening with a word whose antecedent the summary does not give."""
    out = []
    for k, s in enumerate(sentences):
        kind = opener(s.text)
        if kind is None:
            continue
        if k > 0 and _follows(sentences[k - 1], s):
            continue
        if kind == "person" and any(names_someone(p.text) for p in sentences[:k]):
            continue
        out.append(k)
    return out


def unbalanced_quotations(sentences: Sequence[Located]) -> list[int]:
    """Indices of sentences in a quotation the summary does not both open and close."""
    bad: set[int] = set()
    open_at: int | None = None
    for k, s in enumerate(sentences):
        if open_at is not None and not _continues(sentences[k - 1], s):
            bad.update(range(open_at, k))
            open_at = None
        state = quote_state(s.text, inside=open_at is not None)
        if state.closes_earlier and open_at is None:
            bad.add(k)
        if state.leaves_open:
            open_at = k if open_at is None else open_at
        else:
            open_at = None
    if open_at is not None:
        bad.update(range(open_at, len(sentences)))
    return sorted(bad)


def _continues(before: Located, after: Located) -> bool:
    """Whether `after` may go on with a quotation `before` left open (unknown sources: read as one text)."""
    if before.article_id is None or after.article_id is None:
        return True
    return _follows(before, after)


def repeated_points(vectors: np.ndarray, *, threshold: float = PARAPHRASE_COSINE) -> list[tuple[int, int]]:
    """Pairs (i < j) of rows (L2-normalised) with cosine at or above `threshold`."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) < 2:
        return []
    sims = vectors @ vectors.T
    return [(int(a), int(b)) for a, b in zip(*np.nonzero(np.triu(sims >= threshold, k=1)))]


def measure_summary(
    sentences: Sequence[Located], vectors: np.ndarray, *, threshold: float = PARAPHRASE_COSINE
) -> SummaryReadability:
    """The three measures for one summary; `vectors` are its sentences' embeddings, in order."""
    return SummaryReadability(
        sentences=len(sentences),
        dangling=dangling_openings(sentences),
        unbalanced=unbalanced_quotations(sentences),
        repeated=repeated_points(vectors, threshold=threshold),
    )


def combine(summaries: Sequence[SummaryReadability]) -> Readability:
    """Counts over several summaries (empty summaries count as summaries with no sentence)."""
    return Readability(
        summaries=len(summaries),
        sentences=sum(s.sentences for s in summaries),
        dangling=sum(len(s.dangling) for s in summaries),
        unbalanced=sum(len(s.unbalanced) for s in summaries),
        repeated_summaries=sum(1 for s in summaries if s.repeated),
    )


def digest_summaries(digest: Digest) -> list[tuple[str, list[Located]]]:
    """Each summary of a digest (summits, then themes), named, its sentences with their first source's article."""
    groups = [(f"summit: {s.title}", s.summary) for s in digest.summits]
    groups += [(f"theme: {t.label}", t.summary) for t in digest.themes]
    return [
        (name, [Located(text=i.text, article_id=i.sources[0].article_id if i.sources else None) for i in summary])
        for name, summary in groups
    ]


def format_digest_report(named: Sequence[tuple[str, SummaryReadability]], sentences: Sequence[Sequence[Located]]) -> str:
    """The measures for a digest, then each flagged sentence or pair."""
    total = combine([r for _, r in named])
    lines = [
        f"{total.summaries} summaries, {total.sentences} sentences",
        f"dangling openings      {total.dangling:4d}  {100 * total.dangling_share:5.1f}% of sentences  (target <= 3%)",
        f"unbalanced quotations  {total.unbalanced:4d}  {100 * total.unbalanced_share:5.1f}% of sentences  (target 0%)",
        f"repeated points        {total.repeated_summaries:4d}  {100 * total.repeated_share:5.1f}% of summaries "
        f"(cosine >= {PARAPHRASE_COSINE}; target 0)",
    ]
    for (name, r), sents in zip(named, sentences):
        for k in r.dangling:
            lines.append(f"  dangling   [{name}] {sents[k].text[:100]}")
        for k in r.unbalanced:
            lines.append(f"  quotation  [{name}] {sents[k].text[:100]}")
        for a, b in r.repeated:
            lines.append(f"  repeated   [{name}] {sents[a].text[:60]} | {sents[b].text[:60]}")
    return "\n".join(lines)
