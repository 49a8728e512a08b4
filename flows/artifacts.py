"""What a run shows in the Prefect UI: the digest as Markdown, a table of its summits and themes, and a
link to the folder it was written to.

Call `publish_artifacts` inside a flow (or task) run: Prefect attaches the artifacts to that run. The
keys are fixed, so the UI's Artifacts page keeps one history per kind across runs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from uuid import UUID

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from summarizer.models import Digest, SummaryItem
from summarizer.digest.render import render_markdown

log = logging.getLogger("nttr")

DIGEST_KEY = "nttr-digest"
GROUPS_KEY = "nttr-summits-themes"
OUTPUT_KEY = "nttr-output"

GROUP_COLUMNS = ("kind", "name", "size", "summits", "sources", "outlets", "sentences")


def _cited(summary: tuple[SummaryItem, ...]) -> tuple[int, int]:
    """(distinct articles, distinct outlets) cited by a summary; an article with no outlet counts as its own."""
    articles = {s.article_id for item in summary for s in item.sources}
    outlets = {s.outlet or s.article_id for item in summary for s in item.sources}
    return len(articles), len(outlets)


def groups_table(digest: Digest) -> list[dict[str, object]]:
    """One row per summit, then one per theme, in digest order.

    size: articles of a summit, statements of a theme; summits: how many summits a theme spans;
    sources / outlets: distinct articles / outlets its summary cites; sentences: summary length.
    """
    rows: list[dict[str, object]] = []
    for s in digest.summits:
        sources, outlets = _cited(s.summary)
        rows.append(
            dict(kind="summit", name=s.title, size=len(s.articles), summits=1, sources=sources, outlets=outlets,
                 sentences=len(s.summary))
        )
    for t in digest.themes:
        sources, outlets = _cited(t.summary)
        rows.append(
            dict(kind="theme", name=t.label, size=t.size, summits=len(t.summits), sources=sources, outlets=outlets,
                 sentences=len(t.summary))
        )
    return rows


def folder_link(out_dir: Path | str) -> str:
    """A file:// URL of the output folder (absolute, percent-encoded)."""
    return Path(out_dir).resolve().as_uri()


def publish_artifacts(digest: Digest, out_dir: Path | str) -> list[UUID]:
    """Create the three artifacts of a run (Markdown digest, summits/themes table, output folder link).

    Returns their ids. Must run inside a Prefect flow or task run.
    """
    when = digest.run.generated_at.isoformat(timespec="seconds") if digest.run.generated_at else "undated"
    what = f"{len(digest.summits)} summits, {len(digest.themes)} themes, {len(digest.articles)} articles"
    ids = [
        create_markdown_artifact(
            markdown=render_markdown(digest), key=DIGEST_KEY, description=f"nttr digest {when}: {what}"
        ),
        create_table_artifact(
            table=groups_table(digest), key=GROUPS_KEY, description=f"Summits and themes of the digest {when}"
        ),
        create_link_artifact(
            link=folder_link(out_dir),
            link_text=str(Path(out_dir).resolve()),
            key=OUTPUT_KEY,
            description="Folder with digest.json, digest.md and index.html",
        ),
    ]
    log.debug("published artifacts %s, %s, %s", DIGEST_KEY, GROUPS_KEY, OUTPUT_KEY)
    return ids
