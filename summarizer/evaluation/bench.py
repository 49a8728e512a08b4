"""`nttr bench`: speed and memory figures, printed with the machine they were measured on (never pass/fail).

1. End to end against the floor: `nttr run` over a corpus with an empty cache, next to one plain process
   that only loads the same model and encodes the same statements. Target ratio: at most 1.3. Measured
   twice: with Prefect's temporary server (a plain `nttr run`) and against a running `prefect server start`
   (how the scheduled service runs), then split into the library's stages to show where the time goes.
2. Rerun and increment: the same run with a warm cache (target: under 25% of the first), and with one new
   article added (target: under 5% of a full run, beyond the fixed start-up).
3. Scale: dedup and theme clustering on synthetic statements with 20% near-duplicates (target: under 2 GB).
4. Peers: sumy's LexRank and our default on the same topics: time per topic and ROUGE.

Every measurement runs in its own process, so peak memory (max RSS of the process and its children) is its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from summarizer.errors import InputError

FLOOR = """
import json, sys, time
t = time.perf_counter()
from summarizer.embed import load_embedder
texts = json.load(open(sys.argv[1]))
embedder = load_embedder()
embedder.encode(texts)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

STAGES = """
import json, sys, time
t0 = time.perf_counter(); laps = {}
def lap(name, t=[t0]):
    now = time.perf_counter(); laps[name] = now - t[0]; t[0] = now
from pathlib import Path
import numpy as np
from summarizer import clean, dedup, embed, ingest, sentences, summits, themes, summarize, digest
from summarizer.settings import load_settings
lap("import the library")
settings = load_settings()
got = ingest.read_inputs([sys.argv[1]]); lap("ingest")
articles, _ = clean.clean_articles(got.articles); articles = dedup.merge_identical_articles(articles); lap("clean")
statements = [s for a in articles for s in sentences.split_statements(a)]; lap("split into statements")
vectors = embed.encode_cached(embed.LazyEmbedder(settings.model), [s.text for s in statements], settings.cache_dir).vectors
lap("read cached vectors")
merged, mv = dedup.merge_statements(statements, vectors, articles, threshold=settings.dedup_threshold); lap("merge repeats")
found = summits.group_summits(articles, statements, vectors); lap("group summits")
clusters = themes.cluster_statements(merged, mv, summit_of=digest.summit_of_articles(found)); lap("cluster themes")
groups = [digest.members_of_summit(merged, s) for s in found] + [list(c.members) for c in clusters]
for idx in groups:
    if idx:
        summarize.choose([merged[i] for i in idx], mv[idx], algorithm=settings.algorithm, budget_words=settings.budget_words)
lap(f"{len(groups)} summaries, one after another")
print(json.dumps(laps))
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


def synthetic_vectors(n: int, *, dim: int = 384, duplicate_share: float = 0.2, seed: int = 0, block: int = 65_536):
    """n unit vectors shaped like sentence embeddings, with near-duplicates at cosine 0.80 to 1.0.

    Statements belong to topics (one per ~400) and share a common direction, as MiniLM embeddings do (mean
    pairwise cosine ~0.09, 99th percentile ~0.23, like DUC 2004 sentences); `duplicate_share` of them
    repeat an earlier statement: a quarter verbatim, the rest re-worded to a cosine drawn from 0.80-1.0,
    so many pairs sit near the 0.87 threshold, where an approximate search is most likely to miss. Built in
    blocks into one array, so the peak memory is the array itself.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    topics = max(8, n // 400)
    centres = rng.standard_normal((topics, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    common = rng.standard_normal(dim).astype(np.float32)
    common /= np.linalg.norm(common)
    out = np.empty((n, dim), dtype=np.float32)
    n_base = n - int(n * duplicate_share)
    for a in range(0, n_base, block):
        b = min(a + block, n_base)
        noise = rng.standard_normal((b - a, dim)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        x = 0.55 * centres[rng.integers(0, topics, b - a)] + 0.3 * common + 0.78 * noise
        out[a:b] = x / np.linalg.norm(x, axis=1, keepdims=True)
    for a in range(n_base, n, block):
        b = min(a + block, n)
        base = out[rng.integers(0, n_base, b - a)]
        cos = np.where(rng.random(b - a) < 0.25, 1.0, rng.uniform(0.80, 1.0, b - a)).astype(np.float32)[:, None]
        u = rng.standard_normal((b - a, dim)).astype(np.float32)
        u -= np.sum(u * base, axis=1, keepdims=True) * base
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        out[a:b] = cos * base + np.sqrt(1 - cos * cos) * u
    rng.shuffle(out)  # in place, row by row: repeats come before and after what they repeat
    return out


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


@contextlib.contextmanager
def prefect_server(env: dict[str, str], timeout: float = 120.0) -> Iterator[str]:
    """A Prefect server on a free loopback port for the length of the block; yields its API URL."""
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("prefect server start did not come up; run it by hand to see why")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


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
        home = {**os.environ, "PREFECT_HOME": str(tmp / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        home.pop("PREFECT_API_URL", None)
        env = {**home, "NTTR_DATA_DIR": str(tmp / "data")}

        texts = statements_of(corpus)
        (tmp / "texts.json").write_text(json.dumps(texts))
        one = tmp / "one"
        one.mkdir()
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        if not files:
            raise InputError(str(corpus), "has no article files to benchmark on")
        extra = files[0]
        shutil.copy(extra, one / extra.name)
        # A Prefect home that has been used once, as a user's is (its database set up), with its own cache.
        measured([*nttr, str(one), "--out", str(tmp / "o0")], {**home, "NTTR_DATA_DIR": str(tmp / "init")})

        floor_s, floor_mb, _ = measured([sys.executable, "-c", FLOOR, str(tmp / "texts.json")])
        first_s, first_mb, _ = measured([*nttr, str(corpus), "--out", str(tmp / "o1")], env)
        with prefect_server(home) as api_url:
            served = {**home, "NTTR_DATA_DIR": str(tmp / "data-served"), "PREFECT_API_URL": api_url}
            served_s, served_mb, _ = measured([*nttr, str(corpus), "--out", str(tmp / "o1s")], served)
            served_warm_s, _, _ = measured([*nttr, str(corpus), "--out", str(tmp / "o2s")], served)
        _, _, out = measured([sys.executable, "-c", STAGES, str(corpus)], env)
        stages = json.loads(out.strip().splitlines()[-1])
        print("1. End to end against the floor (empty cache)")
        print(f"   corpus: {corpus} ({len(texts)} distinct statements)")
        print(f"   nttr run, temporary Prefect server: {first_s:7.1f} s   peak {first_mb:6.0f} MB   "
              f"ratio {first_s / floor_s:.2f}")
        print(f"   nttr run, running Prefect server:   {served_s:7.1f} s   peak {served_mb:6.0f} MB   "
              f"ratio {served_s / floor_s:.2f}")
        print(f"   load model + encode (floor):        {floor_s:7.1f} s   peak {floor_mb:6.0f} MB")
        print("   (target ratio <= 1.3)")
        print("   Where the time goes (the library's stages in one plain process, vectors already cached):")
        for name, secs in stages.items():
            print(f"     {name:<44} {secs:6.1f} s")
        rest = first_s - floor_s - sum(stages.values())
        print(f"     {'Prefect and the rest (run - floor - stages)':<44} {rest:6.1f} s\n")

        warm_s, warm_mb, _ = measured([*nttr, str(corpus), "--out", str(tmp / "o2")], env)
        measured([*nttr, str(one), "--out", str(tmp / "o3")], env)  # warm the single article's vectors
        start_s, _, _ = measured([*nttr, str(one), "--out", str(tmp / "o4")], env)
        grown = tmp / "grown"
        shutil.copytree(corpus, grown)
        new = Path(__file__).resolve().parents[1] / "seeds"
        added = sorted(new.glob("*.txt"))[:1] or [extra]
        shutil.copy(added[0], grown / added[0].name)
        inc_s, _, _ = measured([*nttr, str(grown), "--out", str(tmp / "o5")], env)
        print("2. Rerun and increment (temporary Prefect server unless said)")
        print(f"   warm rerun:            {warm_s:7.1f} s = {100 * warm_s / first_s:5.1f}% of the first (target < 25%)")
        print(f"   warm rerun, running Prefect server: {served_warm_s:.1f} s = "
              f"{100 * served_warm_s / served_s:5.1f}% of its first")
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
    from summarizer.evaluation.duc2004 import duc_topics, run_duc2004

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
