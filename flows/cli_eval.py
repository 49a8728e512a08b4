"""`nttr eval duc2004 PATH` and `nttr bench`: quality against human summaries, and speed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from summarizer.errors import InputError

eval_app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)


def duc_layout(path: Path) -> Path:
    """Check that `path` looks like DUC 2004 (docs/<topic>/, models/<topic>/), or say what is wrong."""
    for part in ("docs", "models"):
        if not (path / part).is_dir():
            raise InputError(str(path), f"no {part}/ folder here; expected the DUC 2004 layout docs/<topic>/, models/<topic>/")
    return path


@eval_app.command("duc2004")
def duc2004(
    path: Annotated[Path, typer.Argument(help="A folder laid out like DUC 2004: docs/, models/, peers/.")],
    algorithm: Annotated[str, typer.Option("--algorithm", "-a", help="Our summarizer to mark and save.")] = "nttr",
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the table as JSON here.")] = None,
    save_summaries: Annotated[
        Optional[Path], typer.Option("--save-summaries", help="Write DIR/<topic>.txt, one sentence per line.")
    ] = None,
    events: Annotated[bool, typer.Option("--events", help="Score the grouping of all documents into events.")] = False,
    topic: Annotated[Optional[list[str]], typer.Option("--topic", help="Only these topics (repeatable).")] = None,
) -> None:
    """Score our summaries, sumy's and the published systems' on DUC 2004, in one run with one scorer."""
    from summarizer.embed import LazyEmbedder
    from summarizer.settings import load_settings

    settings = load_settings(algorithm=algorithm)
    path = duc_layout(path)
    embedder = LazyEmbedder(settings.model, batch_size=settings.batch_size, precision=settings.embed_precision)
    if events:
        from summarizer.evaluation.events import evaluate_events

        scores = evaluate_events(path, embedder, cache_dir=settings.cache_dir)
        print(
            f"DUC 2004 events: {scores.n_docs} documents, {scores.n_events_gold} topics, "
            f"{scores.n_events_found} events found\n"
            f"B-cubed precision {scores.bcubed_precision:.3f}  recall {scores.bcubed_recall:.3f}  "
            f"F1 {scores.bcubed_f1:.3f}  adjusted Rand index {scores.ari:.3f}"
        )
        if json_out:
            json_out.write_text(scores.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return
    from summarizer.evaluation.duc2004 import format_table, run_duc2004

    report = run_duc2004(
        path,
        embedder=embedder,
        cache_dir=settings.cache_dir,
        algorithm=settings.algorithm,
        budget_words=settings.budget_words,
        max_similarity=settings.max_similarity,
        dedup_threshold=settings.dedup_threshold,
        save_summaries=save_summaries,
        topics=topic or None,
    )
    print(format_table(report))
    if json_out:
        json_out.write_text(json.dumps(report.model_dump(), indent=2) + "\n", encoding="utf-8")


def bench(
    path: Annotated[Path, typer.Argument(help="DUC 2004 folder (docs/ is the corpus).")] = Path("../shared/duc2004-dev"),
    scale: Annotated[str, typer.Option(help="Statement counts for the scale test, comma-separated.")] = "10000,30000,100000",
    big: Annotated[int, typer.Option(help="The large scale figure's statement count (0: skip it).")] = 1_000_000,
    rounds: Annotated[int, typer.Option(min=1, help="Interleaved cold-run/floor pairs (the median ratio is reported).")] = 1,
) -> None:
    """Print speed and memory figures, each beside its target: start-up, cold/warm/+1 runs, scale, peers."""
    from summarizer.evaluation.bench import run_bench

    run_bench(duc_layout(path), scale=[int(n) for n in scale.split(",") if n.strip()], big=big, rounds=rounds)
