"""Latent semantic analysis (Steinberger and Jezek), from sumy, as a rater."""

from __future__ import annotations

from sumy.summarizers.lsa import LsaSummarizer

from summarizer.summaries.algorithms._sumy import SumyAlgorithm

ALGORITHM = SumyAlgorithm("lsa", LsaSummarizer)
