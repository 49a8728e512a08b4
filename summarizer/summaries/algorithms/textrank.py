"""TextRank (Mihalcea and Tarau), from sumy, as a rater."""

from __future__ import annotations

from sumy.summarizers.text_rank import TextRankSummarizer

from summarizer.summaries.algorithms._sumy import SumyAlgorithm

ALGORITHM = SumyAlgorithm("textrank", TextRankSummarizer)
