"""`nttr eval duc2004|readability|events|themes`, `nttr train [events]` and `nttr bench`: quality and speed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.progress import working
from summarizer.errors import InputError
from summarizer.text.counts import plural

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
    folds: Annotated[
        int, typer.Option("--folds", help="K-fold cross-validation over the topics (learned parts fitted per fold).")
    ] = 1,
    systems: Annotated[
        Optional[str],
        typer.Option("--systems", help="Only these of our and sumy's algorithms, comma-separated (e.g. nttr,lexrank); "
                     "the published systems are always scored."),
    ] = None,
) -> None:
    """Score our summaries, sumy's and the published systems' on DUC 2004, in one run with one scorer."""
    from summarizer.statements.embed import LazyEmbedder
    from summarizer.settings import load_settings

    settings = load_settings(algorithm=algorithm)
    path = duc_layout(path)
    embedder = LazyEmbedder(settings.model, batch_size=settings.batch_size, precision=settings.embed_precision)
    if events:
        from summarizer.evaluation.events import evaluate_events, format_scores

        with working("grouping the DUC 2004 documents into events"):
            scores = evaluate_events(path, embedder, cache_dir=settings.cache_dir)
        print(format_scores(scores, f"DUC 2004 events ({path})", copies=False))
        if json_out:
            json_out.write_text(scores.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return
    from summarizer.evaluation.duc2004 import format_table, run_duc2004

    with working(f"summarizing and scoring {plural(len(topic), 'topic') if topic else 'every topic'} of {path}"):
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
            folds=folds,
            systems=[s.strip() for s in systems.split(",") if s.strip()] if systems else None,
        )
    print(format_table(report))
    if json_out:
        json_out.write_text(json.dumps(report.model_dump(), indent=2) + "\n", encoding="utf-8")


@eval_app.command("events")
def events(
    path: Annotated[Optional[Path], typer.Argument(
        help="A folder with pages.jsonl, text/ and gold.tsv (id, label, copied id, url); without one, every "
             "labelled set under --shared, held out and in sample.")] = None,
    text: Annotated[bool, typer.Option("--text", help="Read text/*.txt (no metadata) instead of pages.jsonl.")] = False,
    shared: Annotated[Path, typer.Option(help="Where the labelled sets are (realnews-dev, realnews-dev2, ecbplus-dev, "
                                              "duc2004-dev).")] = Path("../shared"),
    model: Annotated[Optional[Path], typer.Option(help="An events model written by `nttr train events --out`.")] = None,
    mistakes: Annotated[bool, typer.Option(help="List the misgrouped events of every set.")] = True,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the scores as JSON here.")] = None,
    small_runs: Annotated[int, typer.Option(help="Without a folder: also group this many random runs of 2-12 "
                                                 "articles of every set (and as many mixed runs), rules against "
                                                 "the held-out model.")] = 0,
) -> None:
    """Group pages into events as the pipeline does and score that against gold: one folder with the shipped
    model, or every labelled set held out (trained on the other sets) and in sample, with the mistakes."""
    from summarizer.statements.embed import LazyEmbedder
    from summarizer.evaluation.events import evaluate_realnews, format_scores
    from summarizer.settings import load_settings

    settings = load_settings()
    embedder = LazyEmbedder(settings.model, batch_size=settings.batch_size)
    if path is not None:
        from summarizer.events.model import load_model

        if small_runs > 0:
            raise typer.BadParameter("--small-runs draws from every labelled set; run it without a folder")
        knobs = {"model": load_model(model)} if model else {}
        scores = evaluate_realnews(path, embedder, text=text, cache_dir=settings.cache_dir, **knobs)
        print(format_scores(scores, f"{path} ({'text/' if text else 'pages.jsonl'})"))
        if json_out:
            json_out.write_text(scores.model_dump_json(indent=2) + "\n", encoding="utf-8")
        return
    from summarizer.evaluation.event_model import format_reports, leave_one_set_out, load_sets

    def say(what: str) -> None:
        print(f"... {what}", flush=True)

    sets = load_sets(shared, embedder, settings.cache_dir, progress=say)
    reports = leave_one_set_out(sets, progress=say)
    print(format_reports(reports, mistakes=mistakes))
    if small_runs > 0:
        from summarizer.evaluation.event_model import format_small_runs

        print("")
        print(format_small_runs(sets, small_runs, progress=say))
    if json_out:
        json_out.write_text(json.dumps([{"set": r.name, "variant": r.variant, "held_out": r.held_out.model_dump(),
                                         "in_sample": r.in_sample.model_dump()} for r in reports], indent=2) + "\n",
                            encoding="utf-8")


@eval_app.command("readability")
def readability(
    digest_dir: Annotated[Path, typer.Argument(help="A digest folder (with digest.json), as `nttr run` writes.")],
) -> None:
    """Unresolved openings, junk, points said again across sections, dangling openings, unbalanced quotations and
    repeated points in a digest's summaries, each beside its target."""
    import numpy as np

    from summarizer.statements.embed import LazyEmbedder, encode_cached
    from summarizer.evaluation.readability import (
        digest_summaries,
        format_digest_report,
        measure_summary,
        repeated_across,
    )
    from summarizer.models import Digest
    from summarizer.settings import load_settings

    source = digest_dir / "digest.json"
    if not source.is_file():
        raise InputError(str(digest_dir), "no digest.json here; give a folder written by `nttr run`")
    try:
        digest = Digest.model_validate_json(source.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(str(source), f"not a digest this version can read ({str(exc).splitlines()[0]})") from None
    settings = load_settings()
    embedder = LazyEmbedder(settings.model, batch_size=settings.batch_size)
    groups = digest_summaries(digest)
    named, sentences, section_vectors = [], [], []
    for name, located in groups:
        texts = [s.text for s in located]
        vectors = encode_cached(embedder, texts, settings.cache_dir).vectors if texts else np.zeros((0, 1))
        named.append((name, measure_summary(located, vectors)))
        sentences.append(located)
        section_vectors.append(vectors)
    print(format_digest_report(named, sentences, repeated_across(section_vectors)))


def train(
    path: Annotated[Path, typer.Argument(help="DUC 2004 dev (docs/, models/): the topics to learn from; or the word "
                                              "`events`: fit the events model on the labelled sets (--shared).")] = Path(
        "../shared/duc2004-dev"
    ),
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Where to write the model (default: the one nttr ships).")
    ] = None,
    fitness: Annotated[
        Optional[Path],
        typer.Option("--fitness", help="Labelled sentences (tests/data/fitness_labels.tsv): fit the junk model."),
    ] = None,
    shared: Annotated[Path, typer.Option(help="With `nttr train events`: where the labelled sets are (realnews-dev, "
                                              "realnews-dev2, ecbplus-dev, duc2004-dev).")] = Path("../shared"),
) -> None:
    """Fit nttr's sentence-quality model on DUC 2004 dev (byte-identical run to run) and write it; with --fitness,
    fit the fit-for-digest model on labelled sentences instead, printing its held-out figures per set;
    `nttr train events` fits the events model on the labelled sets."""
    if str(path) == "events":
        train_events(shared, out)
        return
    if fitness is not None:
        train_fitness(fitness, out)
        return
    from summarizer.summaries.algorithms import quality
    from summarizer.statements.embed import LazyEmbedder
    from summarizer.evaluation.duc2004 import train_quality
    from summarizer.settings import load_settings

    settings = load_settings()
    text = train_quality(
        duc_layout(path),
        embedder=LazyEmbedder(settings.model, batch_size=settings.batch_size),
        cache_dir=settings.cache_dir,
        dedup_threshold=settings.dedup_threshold,
    )
    out = out or Path(quality.__file__).parent / "data" / quality.ARTIFACT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


def train_fitness(labels: Path, out: Path | None) -> None:
    """Fit the fit-for-digest model on `labels`, print junk precision and recall held out by set, and write it."""
    from summarizer.summaries.algorithms import fitness
    from summarizer.summaries.algorithms.train import cross_validate_fitness, dumps_fitness, fit_fitness, read_labels

    if not labels.is_file():
        raise InputError(str(labels), "no such file; give the labelled sentences, e.g. tests/data/fitness_labels.tsv")
    try:
        labelled = read_labels(labels)
    except ValueError as exc:
        raise InputError(str(labels), str(exc)) from None
    print("held out     sentences  junk  precision  recall  (target 0.9 at 0.8)")
    for row in cross_validate_fitness(labelled):
        print(f"{row.set:14s} {row.sentences:7d} {row.junk:5d} {row.precision:10.2f} {row.recall:7.2f}")
    out = out or Path(fitness.__file__).parent / "data" / fitness.ARTIFACT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps_fitness(fit_fitness(labelled)), encoding="utf-8")
    print(f"wrote {out}")


def train_events(shared: Path, out: Path | None) -> None:
    """Fit nttr's events model (same event? for article pairs) on every labelled set and write it."""
    from summarizer.events import model as events_model
    from summarizer.evaluation.event_model import fit, load_sets
    from summarizer.statements.embed import LazyEmbedder
    from summarizer.settings import load_settings

    settings = load_settings()
    embedder = LazyEmbedder(settings.model, batch_size=settings.batch_size)
    sets = load_sets(shared, embedder, settings.cache_dir, progress=lambda what: print(f"... {what}", flush=True))
    fitted = fit(sets)
    out = out or Path(events_model.__file__).parent / "data" / events_model.ARTIFACT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(events_model.dump_model(fitted), encoding="utf-8")
    print(f"wrote {out} ({fitted.pairs:,} pairs from {', '.join(fitted.trained_on)}; stops at p {fitted.threshold})")


def bench(
    path: Annotated[Path, typer.Argument(help="DUC 2004 folder (docs/ is the corpus).")] = Path("../shared/duc2004-dev"),
    scale: Annotated[str, typer.Option(help="Statement counts for the scale test, comma-separated.")] = "10000,30000,100000",
    big: Annotated[int, typer.Option(help="The large scale figure's statement count (0: skip it).")] = 1_000_000,
    rounds: Annotated[int, typer.Option(min=1, help="Interleaved cold-run/floor pairs (the median ratio is reported).")] = 1,
    only: Annotated[str, typer.Option(help="Groups of figures to measure, comma-separated: startup,corpus,scale,peers,events.")] = "startup,corpus,scale,peers,events",
) -> None:
    """Print speed and memory figures, each beside its target: start-up, cold/warm/+1 runs, scale, peers, events."""
    from summarizer.evaluation.bench import run_bench

    from summarizer.evaluation.bench import PARTS

    parts = [p.strip() for p in only.split(",") if p.strip()]
    if unknown := sorted(set(parts) - set(PARTS)):
        raise InputError(f"--only {only}", f"unknown group {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    run_bench(duc_layout(path), scale=[int(n) for n in scale.split(",") if n.strip()], big=big, rounds=rounds,
              parts=parts)


@eval_app.command("themes")
def themes(
    paths: Annotated[list[Path], typer.Argument(help="Articles as `nttr run` takes them: a folder, a file, a feed file; one or more.")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write both rows (and top words) as JSON here.")] = None,
    names: Annotated[Optional[Path], typer.Option(help="Labelled theme names (tests/data/theme_names.tsv): report the share of good names, each set left out, instead of coherence.")] = None,
    write_model: Annotated[Optional[Path], typer.Option(help="With --names: also fit the name model on all the sets and write it here.")] = None,
    abstain: Annotated[bool, typer.Option(help="With --names: leave a theme unnamed when no candidate reaches a threshold chosen on the other sets.")] = False,
) -> None:
    """Cluster the statements of each PATH with ours and with BERTopic; print coherence and diversity side by side.

    With --names, name the themes of each PATH and report the share of good names (leave one set out).
    """
    from summarizer.statements.embed import LazyEmbedder
    from summarizer.evaluation.themes import evaluate_themes, format_report, load_corpus, need_eval_extra
    from summarizer.settings import load_settings

    if names is None:
        need_eval_extra()
    for path in paths:
        if not path.exists():
            raise InputError(str(path), "no such file or folder; give articles as `nttr run` takes them")
    settings = load_settings()
    embedder = LazyEmbedder(settings.model, batch_size=settings.batch_size)

    class Cached:
        def encode(self, texts: list[str]):  # type: ignore[no-untyped-def]
            from summarizer.statements.embed import encode_cached

            return encode_cached(embedder, texts, settings.cache_dir).vectors

    if names is not None:
        from summarizer.evaluation.theme_names import (corpus_candidates, evaluate_names, fit_on, format_names,
                                                       read_name_labels, set_name)

        if len({set_name(p) for p in paths}) < 2:
            raise InputError(str(paths[0]), "leaving one set out needs two sets or more: give more paths")
        labels = read_name_labels(names)
        sets = {}
        for path in paths:
            with working(f"reading, encoding and clustering {path}"):
                corpus = load_corpus(path, embedder, settings.cache_dir, dedup_threshold=settings.dedup_threshold)
                sets[set_name(path)] = corpus_candidates(corpus, embedder=Cached())
        report = evaluate_names(sets, labels, abstain=abstain)
        print(format_names(report))
        if json_out:
            json_out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
        if write_model:
            write_model.write_text(fit_on(sets, labels, abstain=abstain).model_dump_json(indent=2) + "\n",
                                   encoding="utf-8")
            print(f"name model fitted on {', '.join(sorted(sets))}: {write_model}")
        return
    reports = []
    for path in paths:
        with working(f"reading and encoding {path}"):
            corpus = load_corpus(path, embedder, settings.cache_dir, dedup_threshold=settings.dedup_threshold)
        with working("clustering with ours and with BERTopic, and scoring both"):
            report = evaluate_themes(corpus, embedder=Cached())
        print(format_report(report))
        reports.append(report)
    if json_out:
        body = reports[0].model_dump_json(indent=2) if len(reports) == 1 else \
            "[" + ",\n".join(r.model_dump_json(indent=2) for r in reports) + "]"
        json_out.write_text(body + "\n", encoding="utf-8")
