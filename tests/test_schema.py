"""The committed JSON Schema of digest.json matches the models."""

from __future__ import annotations

import json
from pathlib import Path

from test_render import sample_digest

from summarizer.models import Digest
from summarizer.digest.outputs import SCHEMA_PATH, digest_schema, write_schema


def test_committed_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == digest_schema(), (
        "summarizer/digest/schema/digest.schema.json is stale: run `python -m summarizer.digest.outputs --schema`"
    )


def test_schema_describes_summits_themes_and_problems():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert {"summits", "themes", "problems", "run"} <= set(schema["properties"])
    assert {"text", "sources"} <= set(schema["$defs"]["SummaryItem"]["properties"])


def test_write_schema_regenerates_the_file(tmp_path: Path):
    path = write_schema(tmp_path / "s.json")
    assert json.loads(path.read_text()) == Digest.model_json_schema()


def test_a_digest_dump_has_every_required_schema_field():
    schema = json.loads(digest_schema())
    data = json.loads(sample_digest().model_dump_json())
    assert set(schema.get("required", [])) <= set(data)
