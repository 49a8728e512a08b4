"""Cleaning: site chrome and boilerplate out, pages not in English skipped, copies across outlets merged.

- pages.clean_articles(articles): cleaned articles and the problems met (the stage's entry point).
- pages.explain_cleaning(articles): what cleaning removed from each page and why (`nttr run --explain-cleaning`).
- boilerplate.classify_units(units): jusText-style labels for a page's paragraphs or lines.
- copies.copy_groups(texts): groups of pages that are copies of one story (shingle containment).
- copies.merge_copies(articles): one article per copy group, crediting every outlet.
"""
