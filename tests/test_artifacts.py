"""The artifacts a run publishes in Prefect: Markdown digest, summits/themes table, output folder link."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest

from flows.artifacts import DIGEST_KEY, GROUPS_KEY, OUTPUT_KEY, folder_link, groups_table, publish_artifacts
from summarizer.models import Digest, RunInfo, Source, SummaryItem, Summit, Theme


def tiny_digest() -> Digest:
    a = Source(article_id="a1", path="a.txt", outlet="TASS")
    b = Source(article_id="b1", path="b.txt", outlet="TASS")
    c = Source(article_id="c1", path="c.txt")
    said = SummaryItem(text="Leaders met in Minsk.", sources=(a, b), outlets=1)
    other = SummaryItem(text="Border security was discussed.", sources=(c,), outlets=1)
    return Digest(
        run=RunInfo(
            algorithm="nttr", budget_words=100, model="fake", dedup_threshold=0.87, version="0",
            generated_at=dt.datetime(2025, 11, 28, 7, 0, tzinfo=dt.UTC),
        ),
        summits=(
            Summit(id="s1", title="Minsk summit", articles=("a1", "b1"), summary=(said,)),
            Summit(id="s2", title="Bishkek summit", articles=("c1",), summary=(other,)),
        ),
        themes=(Theme(id="t1", label="Border security", summits=("s1", "s2"), size=7, summary=(said, other)),),
    )


def test_groups_table_has_one_row_per_summit_and_theme_with_sizes_and_sources():
    rows = groups_table(tiny_digest())
    assert [(r["kind"], r["name"], r["size"], r["summits"], r["sources"], r["outlets"]) for r in rows] == [
        ("summit", "Minsk summit", 2, 1, 2, 1),
        ("summit", "Bishkek summit", 1, 1, 1, 1),
        ("theme", "Border security", 7, 2, 3, 2),
    ]


def test_folder_link_is_an_absolute_file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    assert folder_link("out dir") == (tmp_path / "out dir").resolve().as_uri()
    assert folder_link("out dir").startswith("file:///") and "out%20dir" in folder_link("out dir")


@pytest.mark.prefect
def test_a_flow_run_publishes_the_three_artifacts(prefect_harness, tmp_path: Path):
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowRunFilter, FlowRunFilterId
    from prefect.runtime import flow_run

    @flow(name="nttr-artifacts-test")
    def publish() -> str:
        publish_artifacts(tiny_digest(), tmp_path)
        return str(flow_run.id)

    run_id = publish()

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[DIGEST_KEY, GROUPS_KEY, OUTPUT_KEY])),
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
            )

    found = {a.key: a for a in asyncio.run(read())}
    assert sorted(found) == sorted([DIGEST_KEY, GROUPS_KEY, OUTPUT_KEY])
    assert found[DIGEST_KEY].type == "markdown" and "Minsk summit" in found[DIGEST_KEY].data
    assert found[GROUPS_KEY].type == "table"
    table = json.loads(found[GROUPS_KEY].data) if isinstance(found[GROUPS_KEY].data, str) else found[GROUPS_KEY].data
    assert [row["name"] for row in table] == ["Minsk summit", "Bishkek summit", "Border security"]
    assert found[OUTPUT_KEY].type == "markdown"  # Prefect stores a link artifact as Markdown
    assert tmp_path.resolve().as_uri() in found[OUTPUT_KEY].data
