"""nttr: "No time to read?" faithful, cited, extractive digests of news coverage.

The library is the pipeline, one package per stage, each using only the stages listed above it here
(pyproject's import-linter contract checks it):

- models, errors, settings: the records every stage passes on, the exception tree, the one settings model.
- files, stage_cache: files written whole; stage results remembered by what they were computed from.
- text: sentences and statements (verbatim spans with offsets), the splitter every stage shares.
- read: bytes, files, folders, JSON lines and feeds become articles; the language check.
- clean: site chrome and boilerplate come out; copies of one story across outlets become one article.
- statements: embedding (offline model, cached vectors) and merging the same statement from several outlets.
- events: dates, places and what each article says of its event; articles grouped by event.
- themes: statements clustered by topic across events, and named.
- summaries: the extractive algorithms (rate only), the shared selector, remembered choices.
- digest: the Digest record assembled, rendered (Markdown, HTML, email templates) and written.
- service: state across runs (what was reported, subscribers, deliveries), novelty, mail, retention.
- evaluation: the measures (DUC 2004 ROUGE, events, themes, readability, speed); nothing above reads it.

`flows/` runs these stages as Prefect tasks and holds the command line.
"""

__version__ = "0.1.0"
