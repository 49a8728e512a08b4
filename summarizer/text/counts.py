"""Counts in words: `1 problem`, `2 problems`."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` and the noun, singular for exactly one (`many` for irregular plurals, else `word` + s)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
