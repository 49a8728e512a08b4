"""The digest: assembled from the stages' records, rendered for people, written atomically.

- assemble: summits' members, article records, run stamp and counts for the `Digest` record.
- sections.on_theme(members, vectors): each theme's statements closer to its centre than to another theme's.
- sections.said_before(candidates, vectors, said): the candidates that do not repeat what was said.
- sections.said_once(summaries, vectors): summaries without what an earlier section said.
- leads.lead_first(summary, members, summit, reference): the summary opening with a sentence reporting the event.
- headings.true_heading(summit, articles): the title's date and place agreeing with the summary; the pages' year.
- headings.told_truly(summits, merged, articles, reference): both, for every summit of a digest.
- render.render_markdown(digest) / render.render_html(digest): the digest as Markdown and self-contained HTML.
- outputs.write_digest(digest, out_dir): digest.json, digest.md and index.html, each written whole.
- outputs.read_digest(folder): a digest read back and validated.
"""
