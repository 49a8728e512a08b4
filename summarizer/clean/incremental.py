"""Cleaning a set that grows: each page's own work and each page's cleaning remembered, the set read once.

Cleaning is a function of the whole set only through the sites' repeated-line models: which units of a page
are on other pages of its site (copy groups counted once). Everything else is a function of one page:
`pages.prepare_page` (its units, a first pass of the rules, its language, its main text shingled) and
`pages.finish_page` (the page cleaned, given its site and which of its units are repeated there). Both are
remembered by content in a `Memo`, so a set with one more page prepares that page only, recounts the
repeated lines from the remembered units (a dictionary pass, no page re-read), and cleans again only the
pages whose repeated units changed: pages of the new page's site that share a line with it (a line becomes
furniture when a second page carries it), and none of another site, unless the new page is a copy that
joins two of that site's stories into one copy group (then their shared lines are counted once). Copies are
merged from the remembered shingles, and each copy group's merge is remembered by its members.

The result is the full run's (`pages.clean_articles` then `copies.merge_copies`) for the same pages, in
whatever order they arrived (tests/test_incremental.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.clean import copies, pages
from summarizer.models import Article, Problem
from summarizer.stage_cache import Memo


def clean_remembered(articles: Sequence[Article], memo: Memo, *, merge: bool = True) -> tuple[list[Article], list[Problem]]:
    """`pages.clean_articles` (then `copies.merge_copies` unless `merge` is off), remembering per page in `memo`."""

    def prepare(article: Article) -> pages.PreparedPage:
        return memo.get("clean-page", [article], lambda: pages.prepare_page(article))

    def finish(page: pages.PreparedPage, known: bool, repeated: frozenset[str]) -> pages.FinishedPage:
        # A prepared page is a function of its article: the article stands for it in the key.
        return memo.get("clean-finish", [page.article, page.units, known, sorted(repeated)],
                        lambda: pages.finish_page(page, known, repeated))

    done = pages.clean_pages(articles, prepare=prepare, finish=finish)
    kept = [d for d in done if d.article is not None]
    cleaned = [d.article for d in kept if d.article is not None]
    problems = [p for d in done for p in d.problems]
    if not merge:
        return cleaned, problems

    def merger(members: list[Article]) -> Article:
        return memo.get("merge-copies", [members], lambda: copies.merge_group(members))

    found = [d.shingled for d in kept if d.shingled is not None]
    return copies.merge_copies(cleaned, found=found, merger=merger), problems
