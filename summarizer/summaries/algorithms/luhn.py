"""Luhn's significant-word clusters, from sumy, as a rater."""

from __future__ import annotations

from sumy.summarizers.luhn import LuhnSummarizer

from summarizer.summaries.algorithms._sumy import SumyAlgorithm

ALGORITHM = SumyAlgorithm("luhn", LuhnSummarizer)
