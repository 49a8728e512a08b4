"""LexRank (Erkan and Radev), from sumy, as a rater."""

from __future__ import annotations

from sumy.summarizers.lex_rank import LexRankSummarizer

from summarizer.summaries.algorithms._sumy import SumyAlgorithm

ALGORITHM = SumyAlgorithm("lexrank", LexRankSummarizer)
