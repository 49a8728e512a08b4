"""SumBasic (Nenkova and Vanderwende), from sumy, as a rater."""

from __future__ import annotations

from sumy.summarizers.sum_basic import SumBasicSummarizer

from summarizer.summaries.algorithms._sumy import SumyAlgorithm

ALGORITHM = SumyAlgorithm("sumbasic", SumBasicSummarizer)
