"""Reading: files, folders, JSON lines, HTML, RSS/Atom feeds and URLs become `Article`s, with `Problem`s for the rest.

- ingest.read_inputs(inputs): every article in the given files, folders, feeds and URLs, and what was skipped.
- ingest.read_file(path): the articles of one file.
- feeds.read_feed(source): the articles a feed links to, each page fetched and extracted.
- pages.html_article(html, ...): an HTML page's main text and metadata (trafilatura).
- decode.decode(data): bytes to text (BOMs, UTF-8, a best guess for legacy encodings).
- language.detect_language(text): the language of a text, or None when unsure.
"""
