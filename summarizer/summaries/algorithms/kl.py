"""KL-Sum (Haghighi and Vanderwende), from sumy, as a rater."""

from __future__ import annotations

from sumy.summarizers.kl import KLSummarizer

from summarizer.summaries.algorithms._sumy import SumyAlgorithm

ALGORITHM = SumyAlgorithm("kl", KLSummarizer)
