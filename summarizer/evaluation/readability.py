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

And, for a digest (issue 26's targets):

- **Unresolved opening**: a sentence opening with a pronoun or connective (`coherence.opener`) that does not come
  right after a sentence of its own article. Stricter than a dangling opening: "He" after another article's
  sentence naming someone is unresolved. Share of sentences (target <= 2%).
- **Junk**: a sentence the fit-for-digest decision calls junk (`summaries.algorithms.fitness.is_junk`: links,
  bare questions, fragments under six words, unfinished lines, and what the learned model flags: captions,
  credits, embeds, bylines, teasers, filler). Share of sentences (target <= 1%).
- **Said again across sections**: a sentence with cosine at or above `ACROSS_COSINE` to a sentence of an earlier
  section of the same digest. Share of sentences (target <= 2%).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.summaries.algorithms.coherence import names_someone, opener, quote_state
from summarizer.summaries.algorithms.fitness import is_junk
from summarizer.models import Digest

PARAPHRASE_COSINE = 0.7
"""Cosine (all-MiniLM-L6-v2) at which two sentences of a summary make one point twice (see docs/evaluation.md)."""
ACROSS_COSINE = 0.8
"""Cosine at which a sentence says again what another section of the digest said (issue 26)."""


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


def unresolved_openings(sentences: Sequence[Located]) -> list[int]:
    """Indices of sentences opening with a pronoun or connective that do not come right after a sentence of
    their own article."""
    return [k for k, s in enumerate(sentences) if opener(s.text) is not None and not (k > 0 and _follows(sentences[k - 1], s))]


def junk_sentences(sentences: Sequence[Located]) -> list[int]:
    """Indices of sentences that are junk for a digest (`fitness.is_junk`; place in the article unknown)."""
    return [k for k, s in enumerate(sentences) if is_junk(s.text)]


def repeated_across(vectors: Sequence[np.ndarray], *, threshold: float = ACROSS_COSINE) -> list[tuple[int, int]]:
    """(section, sentence) of each sentence with cosine at or above `threshold` to a sentence of an earlier section
    (`vectors`: each section's L2-normalised sentence embeddings, in digest order)."""
    out = []
    for a, rows in enumerate(vectors):
        rows = np.asarray(rows, dtype=np.float32)
        earlier = [np.asarray(v, dtype=np.float32) for v in vectors[:a] if len(v)]
        if not len(rows) or not earlier:
            continue
        sims = rows @ np.vstack(earlier).T
        out += [(a, int(k)) for k in np.nonzero(sims.max(axis=1) >= threshold)[0]]
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


def format_digest_report(
    named: Sequence[tuple[str, SummaryReadability]],
    sentences: Sequence[Sequence[Located]],
    across: Sequence[tuple[int, int]] = (),
) -> str:
    """The measures for a digest, then each flagged sentence or pair (`across`: from `repeated_across`)."""
    total = combine([r for _, r in named])
    unresolved = [(a, k) for a, sents in enumerate(sentences) for k in unresolved_openings(sents)]
    junk = [(a, k) for a, sents in enumerate(sentences) for k in junk_sentences(sents)]
    n = max(1, total.sentences)
    lines = [
        f"{total.summaries} summaries, {total.sentences} sentences",
        f"unresolved openings    {len(unresolved):4d}  {100 * len(unresolved) / n:5.1f}% of sentences  (target <= 2%)",
        f"junk                   {len(junk):4d}  {100 * len(junk) / n:5.1f}% of sentences  (target <= 1%)",
        f"said again elsewhere   {len(across):4d}  {100 * len(across) / n:5.1f}% of sentences  "
        f"(cosine >= {ACROSS_COSINE} to an earlier section; target <= 2%)",
        f"dangling openings      {total.dangling:4d}  {100 * total.dangling_share:5.1f}% of sentences  (target <= 3%)",
        f"unbalanced quotations  {total.unbalanced:4d}  {100 * total.unbalanced_share:5.1f}% of sentences  (target 0%)",
        f"repeated points        {total.repeated_summaries:4d}  {100 * total.repeated_share:5.1f}% of summaries "
        f"(cosine >= {PARAPHRASE_COSINE}; target 0)",
    ]
    names = [name for name, _ in named]
    for label, found in (("unresolved", unresolved), ("junk", junk), ("said again", across)):
        for a, k in found:
            lines.append(f"  {label:10s} [{names[a]}] {sentences[a][k].text[:100]}")
    for (name, r), sents in zip(named, sentences):
        for k in r.dangling:
            lines.append(f"  dangling   [{name}] {sents[k].text[:100]}")
        for k in r.unbalanced:
            lines.append(f"  quotation  [{name}] {sents[k].text[:100]}")
        for a, b in r.repeated:
            lines.append(f"  repeated   [{name}] {sents[a].text[:60]} | {sents[b].text[:60]}")
    return "\n".join(lines)
