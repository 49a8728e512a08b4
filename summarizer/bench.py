"""`nttr bench`: speed and memory figures, printed with the machine they were measured on (never pass/fail).

1. End to end against the floor: `nttr run` over a corpus with an empty cache, next to one plain process
   that only loads the same model and encodes the same statements. Target ratio: at most 1.3.
2. Rerun and increment: the same run with a warm cache (target: under 25% of the first), and with one new
   article added (target: under 5% of a full run, beyond the fixed start-up).
3. Scale: dedup and theme clustering on synthetic statements with 20% near-duplicates (target: under 2 GB).
4. Peers: sumy's LexRank and our default on the same topics: time per topic and ROUGE.

Every measurement runs in its own process, so peak memory (max RSS of the process and its children) is its own.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

FLOOR = """
import json, sys, time
t = time.perf_counter()
from summarizer.embed import load_embedder
texts = json.load(open(sys.argv[1]))
embedder = load_embedder()
embedder.encode(texts)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

SCALE = """
import json, sys, time
import numpy as np
from summarizer.dedup import near_duplicate_groups
from summarizer.models import MergedStatement, Source, Statement
from summarizer.themes import cluster_statements
n = int(sys.argv[1]); rng = np.random.default_rng(0); dim = 384
base = rng.standard_normal((int(n * 0.8), dim)).astype(np.float32)
dups = base[rng.integers(0, len(base), n - len(base))] + 0.05 * rng.standard_normal((n - len(base), dim)).astype(np.float32)
vectors = np.concatenate([base, dups]); vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
t = time.perf_counter(); groups = near_duplicate_groups(vectors, threshold=0.87); dedup = time.perf_counter() - t
words = [f"w{i}" for i in range(2000)]
firsts = [g[0] for g in groups]
merged = []
for i in firsts:
    text = " ".join(words[j] for j in rng.integers(0, len(words), 12))
    s = Statement(id=f"a{i % 500}:{i}", article_id=f"a{i % 500}", text=text, start=0, end=len(text), position=i)
    merged.append(MergedStatement(id=s.id, text=text, statements=(s,), sources=(Source(article_id=s.article_id, path="x"),)))
t = time.perf_counter(); clusters = cluster_statements(merged, vectors[firsts], summit_of={}); themes = time.perf_counter() - t
print(json.dumps({"n": n, "groups": len(groups), "dedup": dedup, "themes": themes, "k": len(clusters)}))
"""


def measured(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command in a fresh wrapper process: (wall seconds, peak RSS in MB of it and its children, stdout)."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps({'rc': r.returncode, 'seconds': time.perf_counter() - t, 'out': r.stdout, 'err': r.stderr[-2000:],"
        " 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed: {result['err'].strip().splitlines()[-1:]}")
    return result["seconds"], result["rss_kb"] / 1024, result["out"]


def machine() -> str:
    """CPU, cores, memory and the versions that matter."""
    import numpy
    import prefect
    import sentence_transformers
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}; {os.cpu_count()} cores; {mem:.0f} GiB; {platform.system()} {platform.release()}\n"
        f"Python {platform.python_version()}, torch {torch.__version__}, sentence-transformers "
        f"{sentence_transformers.__version__}, numpy {numpy.__version__}, prefect {prefect.__version__}"
    )


def statements_of(corpus: Path) -> list[str]:
    """The statements `nttr run` would encode for this corpus (the same path, up to splitting)."""
    from summarizer.clean import clean_articles
    from summarizer.dedup import merge_identical_articles
    from summarizer.ingest import read_inputs
    from summarizer.sentences import split_statements

    articles, _ = clean_articles(read_inputs([corpus]).articles)
    return list(dict.fromkeys(s.text for a in merge_identical_articles(articles) for s in split_statements(a)))


def run_bench(duc: Path, *, scale: Sequence[int] = (10_000, 30_000, 100_000), peer_topics: int = 5) -> None:
    """Measure and print the four groups of figures."""
    print("nttr bench\n" + machine() + "\n")
    corpus = duc / "docs"
    nttr = [sys.executable, "-m", "flows.cli", "run"]
    with tempfile.TemporaryDirectory(prefix="nttr-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "NTTR_DATA_DIR": str(tmp / "data"), "PREFECT_HOME": str(tmp / "prefect")}

        texts = statements_of(corpus)
        (tmp / "texts.json").write_text(json.dumps(texts))
        floor_s, floor_mb, _ = measured([sys.executable, "-c", FLOOR, str(tmp / "texts.json")])
        first_s, first_mb, _ = measured([*nttr, str(corpus), "--out", str(tmp / "o1")], env)
        print("1. End to end against the floor (empty cache)")
        print(f"   corpus: {corpus} ({len(texts)} distinct statements)")
        print(f"   nttr run:                     {first_s:7.1f} s   peak {first_mb:6.0f} MB")
        print(f"   load model + encode (floor):  {floor_s:7.1f} s   peak {floor_mb:6.0f} MB")
        print(f"   ratio: {first_s / floor_s:.2f} (target <= 1.3)\n")

        warm_s, warm_mb, _ = measured([*nttr, str(corpus), "--out", str(tmp / "o2")], env)
        one = tmp / "one"
        one.mkdir()
        extra = sorted(p for p in corpus.rglob("*") if p.is_file())[0]
        shutil.copy(extra, one / extra.name)
        measured([*nttr, str(one), "--out", str(tmp / "o3")], env)  # warm the single article's vectors
        start_s, _, _ = measured([*nttr, str(one), "--out", str(tmp / "o4")], env)
        grown = tmp / "grown"
        shutil.copytree(corpus, grown)
        new = Path(__file__).resolve().parents[1] / "seeds"
        added = sorted(new.glob("*.txt"))[:1] or [extra]
        shutil.copy(added[0], grown / added[0].name)
        inc_s, _, _ = measured([*nttr, str(grown), "--out", str(tmp / "o5")], env)
        print("2. Rerun and increment")
        print(f"   warm rerun:            {warm_s:7.1f} s = {100 * warm_s / first_s:5.1f}% of the first (target < 25%)")
        print(f"   fixed start-up (1 cached article): {start_s:.1f} s")
        print(
            f"   +1 article:            {inc_s:7.1f} s; beyond start-up {inc_s - start_s:.1f} s = "
            f"{100 * max(inc_s - start_s, 0) / max(first_s - start_s, 1e-9):5.1f}% of a full run (target < 5%)\n"
        )

    print("3. Scale: near-duplicate merging and theme clustering on synthetic statements (20% near-duplicates)")
    for n in scale:
        secs, mb, out = measured([sys.executable, "-c", SCALE, str(n)])
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"   {n:>7} statements: dedup {r['dedup']:6.1f} s, themes {r['themes']:6.1f} s ({r['k']} themes), "
            f"peak {mb:6.0f} MB"
        )
    print("   (blockwise similarity: no n x n matrix is ever held; dedup time grows with n^2)\n")

    from summarizer.embed import LazyEmbedder
    from summarizer.evaluate import duc_topics, run_duc2004

    with tempfile.TemporaryDirectory(prefix="nttr-bench-peers-") as cache:
        topics = duc_topics(duc)[:peer_topics]
        report = run_duc2004(duc, embedder=LazyEmbedder(), cache_dir=Path(cache), topics=topics)
    print(f"4. Peers on {len(topics)} topics (summarizing only, after shared ingest and encoding)")
    for row in report.rows:
        if row.system in ("nttr", "lexrank"):
            print(
                f"   {row.system:<8} {row.seconds_per_topic:6.2f} s/topic   R-1 {100 * row.rouge1_recall:5.2f}   "
                f"R-2 {100 * row.rouge2_recall:5.2f}"
            )


if __name__ == "__main__":
    run_bench(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/duc2004-dev"))
