"""Grouping a set that grows: each article's signature and facts, and each event's description, remembered.

The rules' decision (`events.grouping`) has three steps that read the whole set, so no article can be placed
against remembered groups alone and give the full run's partition:

- the series a corpus covers (`signatures.corpus_organisations`: an organisation named with the meetings of
  two articles) changes every article's signature when an article makes a second mention;
- the TF-IDF weights of the similarity: every article changes every word's document frequency, so every pair's
  similarity moves (by little, but a pair at the threshold crosses it);
- the threshold read from the corpus's different-edition pairs (`grouping.calibrated_threshold`), and with
  it the linkage; its floor follows the number of articles (`grouping.similarity_floor`).

The learned decision (`events.pairs`) reads the corpus the same way (TF-IDF, names and numbers weighted by
their rarity in the corpus). So these cheap steps are taken again over the whole set (0.1 to 0.2 s for 250
articles), and what costs is remembered: each article's main organisation and signature (dates and places
read from its text; keyed by the article and the series), its facts (names, numbers, days), and each event's
title, date and place (keyed by its members). One more article reads its own text only, and an event is
described again only when its members change: when the article joins it, links it to another, or the
global steps move a page. The result is the full run's for the same articles, in whatever order they arrived
(tests/test_incremental.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.events.signatures import Signature, extract_signature, main_organisation, pieces, series_of
from summarizer.models import Article
from summarizer.stage_cache import Memo


def remembered_signatures(articles: Sequence[Article], memo: Memo) -> list[Signature]:
    """`grouping.event_signatures`, each article's organisation and signature remembered in `memo`."""
    organisations = [memo.get("event-organisation", [a], lambda a=a: main_organisation(pieces(a))) for a in articles]
    series = series_of(organisations)
    return [memo.get("event-signature", [a, sorted(series)], lambda a=a: extract_signature(a, series)) for a in articles]
