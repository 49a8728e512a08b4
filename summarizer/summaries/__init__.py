"""Summaries: extractive algorithms rate sentences; one selector keeps the best within a budget, no repeats.

- summarize.summarize(items, vectors, algorithm): a summary as verbatim, cited `SummaryItem`s.
- select.select_by_rating(ratings, ...): the shared selector (word budget, redundancy, reading order).
- algorithms.get_algorithm(name): an algorithm by name (nttr, lexrank, textrank, lsa, luhn, kl, sumbasic).
- cache.load_choice / cache.save_choice: which statements a summary chose, remembered by its inputs.
"""
