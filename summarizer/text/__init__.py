"""Sentences and statements, shared by every stage that reads text.

- sentences.split_sentences(text): (start, end) spans of the sentences in a text (pysbd, bounded input).
- sentences.sentence_spans(text): the same spans, each marked when it is a whole line.
- sentences.split_statements(article): an article's verbatim sentences as `Statement`s with offsets.
- sentences.is_heading(text): a short line without final punctuation (a headline, not a statement).
- counts.plural(n, word): "1 problem", "2 problems".
"""
