"""Cleaning: site chrome and boilerplate out, pages not in English skipped, copies across outlets merged.

- pages.clean_articles(articles): cleaned articles and the problems met (the stage's entry point).
- pages.explain_cleaning(articles): what cleaning removed from each page and why (`nttr run --explain-cleaning`).
- boilerplate.classify_units(units): jusText-style labels for a page's paragraphs or lines.
- pages.clean_pages(articles, prepare=, finish=): every page cleaned, its per-page halves replaceable by remembered ones.
- pages.prepare_page(article) / pages.finish_page(page, site_known, repeated): the two per-page halves of cleaning.
- pages.repeated_units(pages): each page's units repeated on its site (the only step that reads the whole set).
- incremental.clean_remembered(articles, memo): clean_articles then merge_copies, each page's work remembered.
- copies.shingled(text): a text's shingles as stable 64-bit keys, for copy detection.
- copies.copy_groups(texts): groups of pages that are copies of one story (shingle containment).
- copies.merge_copies(articles): one article per copy group, crediting every outlet.
"""
