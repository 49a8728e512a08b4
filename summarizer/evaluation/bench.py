"""`nttr bench`: speed and memory figures, each beside its target (met or not), with the machine they ran on.

1. Start-up: a warm `nttr run seeds` (everything cached) against a plain process that loads the model and
   encodes the 204 seed statements (target: at most half).
2. Cold run over a corpus (DUC 2004 dev: 250 articles) with an empty cache, against the plain PyTorch floor:
   one process that loads the model and encodes the same statements in float32, batch 64 (target: at
   most 1.25x, issue 27); its peak memory (target: under 2 GB); a warm rerun (under 10%) and one new article (under
   5% of a full run beyond the fixed start-up); and where the time goes, stage by stage.
3. Scale: the near-duplicate search over synthetic statements (`synthetic_vectors`) at 10k to 1M, with the
   approximate search's recall against exact search (target at 1M: at least 99% of the exact pairs); then
   the whole path in one process at 100k and 1M: statements with pseudo-word texts built as arrays
   (`statements.table`), merged (`merge_table`), their vectors dropped, and the merged statements clustered
   and named (target at 1M: merging and themes each under 10 minutes and 4 GB, peaks of the process).
4. Peers: sumy's LexRank and our default on the same topics: time per topic and ROUGE.
5. Events: the labelled sets' pages beside the DUC folder (about 1,000 articles) grouped into events, vectors
   cached, a second call timed (target: under 5 s per 1,000 articles beyond encoding).

Runs go through the background Prefect server, as a user's do; it is started first (its one-time start is
reported) and stopped at the end. Every measurement runs in its own process, so each peak memory (the largest
sum of the RSS of the process and its descendants, such as the summary workers) is its own. The machine may be
shared: the load average is printed, and each ratio compares runs made back to back (`rounds` times,
interleaved; the median is reported).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import InputError

FLOOR = """
import json, sys, time
t = time.perf_counter()
from summarizer.statements.embed import load_embedder
texts = json.load(open(sys.argv[1]))
embedder = load_embedder(batch_size=64, precision="float32")
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
from summarizer.clean import pages as clean
from summarizer.clean import copies
from summarizer.statements import dedup
from summarizer.statements import embed
from summarizer.read import ingest
from summarizer.text import sentences
from summarizer.events import grouping as summits
from summarizer.themes import clustering as themes
from summarizer.summaries import summarize
from summarizer.digest import assemble as digest
from summarizer.settings import load_settings
lap("import the library")
settings = load_settings()
got = ingest.read_inputs([sys.argv[1]]); lap("ingest")
articles, _ = clean.clean_articles(got.articles); articles = copies.merge_copies(articles); lap("clean")
statements = [s for a in articles for s in sentences.split_statements(a)]; lap("split into statements")
embedder = embed.LazyEmbedder(settings.model, batch_size=settings.batch_size, precision=settings.embed_precision)
vectors = embed.encode_cached(embedder, [s.text for s in statements], settings.cache_dir).vectors
lap("read cached vectors")
merged, mv = dedup.merge_statements(statements, vectors, articles, threshold=settings.dedup_threshold); lap("merge repeats")
found = summits.group_summits(articles, statements, vectors); lap("group summits")
clusters = themes.cluster_statements(merged, mv, summit_of=digest.summit_of_articles(found)); lap("cluster themes")
groups = [digest.members_of_summit(merged, s) for s in found] + [list(c.members) for c in clusters]
cpu = []
for idx in groups:
    if idx:
        c = time.process_time()
        summarize.choose([merged[i] for i in idx], mv[idx], algorithm=settings.algorithm, budget_words=settings.budget_words)
        cpu.append(time.process_time() - c)
lap(f"{len(groups)} summaries, one after another")
print(json.dumps(laps))
print(json.dumps({"summaries_cpu": sum(cpu), "summary_median_cpu": sorted(cpu)[len(cpu) // 2] if cpu else 0.0}))
"""

DEDUP_SCALE = """
import json, sys, time
import numpy as np
from summarizer.statements import dedup
from summarizer.evaluation.bench import synthetic_vectors
from summarizer.statements.neighbours import approximate_pairs
n, exact, sample = int(sys.argv[1]), sys.argv[2] == "exact", int(sys.argv[3])
vectors = synthetic_vectors(n)
approximate = n > dedup.EXACT_LIMIT
t, c = time.perf_counter(), time.process_time()
if approximate:  # what near_duplicate_groups does, keeping the pairs to score them
    rows, cols = approximate_pairs(vectors, 0.87)
    owner = dedup.owners_from_pairs(n, rows, cols)
else:
    owner = dedup._exact_owners(vectors, 0.87)
out = {"n": n, "seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c, "approximate": approximate}
merges = {(i, o) for i, o in enumerate(owner.tolist()) if o != i}
out["merges"] = len(merges)
if exact and approximate:
    t = time.perf_counter(); want_owner = dedup._exact_owners(vectors, 0.87); out["exact_seconds"] = time.perf_counter() - t
    want = {(i, o) for i, o in enumerate(want_owner.tolist()) if o != i}
    out["exact_merges"] = len(want); out["merge_recall"] = len(merges & want) / max(1, len(want))
if sample and approximate:
    # Every pair at or above the threshold that involves one of `sample` random statements, found by exact
    # search over all n, against the pairs the approximate search gave: the pair recall.
    found = set(zip(rows.tolist(), cols.tolist()))
    rng = np.random.default_rng(1); picked = np.sort(rng.choice(n, sample, replace=False)); truth = hit = 0
    for a in range(0, sample, 64):
        q = picked[a:a + 64]; sims = vectors[q] @ vectors.T
        for i, row in zip(q.tolist(), sims):
            for j in np.flatnonzero(row >= 0.87 - 1e-6).tolist():
                if j != i:
                    truth += 1; hit += (min(i, j), max(i, j)) in found
    out["pairs_sampled"] = truth; out["pair_recall"] = hit / max(1, truth)
print(json.dumps(out))
"""

ENCODE = """
import json, sys
from summarizer.statements.embed import LazyEmbedder, encode_cached
from summarizer.settings import load_settings
s = load_settings()
encode_cached(LazyEmbedder(s.model, batch_size=s.batch_size, precision=s.embed_precision), json.load(open(sys.argv[1])), s.cache_dir)
"""

STATEMENTS_SCALE = """
import json, sys, threading, time
import numpy as np, psutil
from summarizer.evaluation.bench import synthetic_vectors
from summarizer.themes.clustering import cluster_statements
n, how = int(sys.argv[1]), sys.argv[2]  # how: "arrays" (statements.table) or "models" (a pydantic model each)
me, peak, stop = psutil.Process(), [0], threading.Event()
def sample():
    while not stop.wait(0.02):
        peak[0] = max(peak[0], me.memory_info().rss)
threading.Thread(target=sample, daemon=True).start()
def stage(name, fn):
    peak[0] = me.memory_info().rss; t, c = time.perf_counter(), time.process_time()
    out = fn(); peak[0] = max(peak[0], me.memory_info().rss)
    report[name] = {"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c, "peak_mb": peak[0] / 2**20}
    return out
report = {"n": n, "how": how}
rng = np.random.default_rng(0)
letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))  # pseudo-words, so the namer has words to weigh
words = sorted({"".join(rng.choice(letters, 7)) for _ in range(2000)})
def text(i):
    return " ".join(words[j] for j in rng.integers(0, len(words), 12))
articles = 500  # statement i is sentence i // 500 of article a{i % 500}, 100 characters apart
vectors = synthetic_vectors(n)
if how == "arrays":
    from summarizer.statements.table import StatementTable, Strings, merge_table
    def build():
        return StatementTable(ids=Strings.of(f"a{i % articles}:{100 * (i // articles)}" for i in range(n)),
                              texts=Strings.of(text(i) for i in range(n)), article_ids=tuple(f"a{j}" for j in range(articles)),
                              article=(np.arange(n) % articles).astype(np.int32), position=(np.arange(n) // articles).astype(np.int32),
                              start=100 * (np.arange(n) // articles), end=100 * (np.arange(n) // articles) + 99,
                              paragraph=np.zeros(n, np.int32))
    table = stage("build", build)
    merged, merged_vectors = stage("dedup", lambda: merge_table(table, vectors, threshold=0.87))
    records = merged.records()
else:
    from summarizer.models import Article, Statement
    from summarizer.statements.dedup import merge_statements
    def build():
        return [Statement(id=f"a{i % articles}:{100 * (i // articles)}", article_id=f"a{i % articles}", text=text(i),
                          start=100 * (i // articles), end=100 * (i // articles) + 99, position=i // articles) for i in range(n)]
    table = stage("build", build)
    arts = [Article(id=f"a{j}", path=f"a{j}.txt", format="txt", text="") for j in range(articles)]
    records, merged_vectors = stage("dedup", lambda: merge_statements(table, vectors, arts, threshold=0.87))
del vectors  # the statements' own vectors are not needed past merging
report["merged"] = len(records)
clusters = stage("themes", lambda: cluster_statements(records, merged_vectors, summit_of={}))
report["k"] = len(clusters)
stop.set()
print(json.dumps(report))
"""


EVENTS_SCALE = """
import json, sys, time
from pathlib import Path
import numpy as np
from summarizer.evaluation.corpus import read_corpus
from summarizer.evaluation.events import load_duc_pool
from summarizer.events.grouping import group_summits
from summarizer.settings import load_settings
from summarizer.statements.embed import LazyEmbedder, encode_cached
shared = Path(sys.argv[1]); articles, statements = [], []
for name in ("ecbplus-dev", "realnews-dev2", "realnews-dev"):
    if (shared / name / "pages.jsonl").exists():
        a, st = read_corpus([shared / name / "pages.jsonl"]); articles += a; statements += st
if (shared / "duc2004-dev" / "docs").is_dir():
    a, st, _ = load_duc_pool(shared / "duc2004-dev"); articles += a; statements += st
s = load_settings()
embedder = LazyEmbedder(s.model, batch_size=s.batch_size, precision=s.embed_precision)
vectors = np.asarray(encode_cached(embedder, [x.text for x in statements], s.cache_dir).vectors)
laps = []
for _ in range(2):  # the first call also loads the gazetteer and dateparser
    t = time.perf_counter(); groups = group_summits(articles, statements, vectors); laps.append(time.perf_counter() - t)
print(json.dumps({"articles": len(articles), "statements": len(statements), "first": laps[0], "second": laps[1],
                  "groups": len(groups)}))
"""


PARTS = ("startup", "corpus", "scale", "peers", "events")

SUMMARIES_CPU_TARGET = 3.1
"""Issue 27: the summaries of the DUC dev corpus "several times cheaper" than the 9.3 CPU-s measured when it was
filed; a third of it."""


@dataclass
class Figure:
    """One line of the summary table: what was measured, its target, and whether it was met."""

    name: str
    measured: str
    target: str = ""
    met: bool | None = None

    def line(self) -> str:
        verdict = "" if self.met is None else ("met" if self.met else "NOT MET")
        return f"  {self.name:<58} {self.measured:<34} {self.target:<22} {verdict}"


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


def measured(
    cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float | None = None
) -> tuple[float, float, str]:
    """Run a command in a fresh wrapper process: (wall seconds, peak memory in MB, stdout).

    The peak memory is the largest sum of the RSS of the command's process and all its descendants (the
    summary workers too), sampled every 50 ms, or the largest single process's peak if that is larger. The
    sum counts pages that processes share once per process: it errs high."""
    result = measured_run(cmd, env, timeout)
    return result["seconds"], result["rss_kb"] / 1024, result["out"]


def measured_run(cmd: Sequence[str], env: dict[str, str] | None = None, timeout: float | None = None) -> dict:
    """`measured`'s whole record: also the CPU seconds (user + system) of the command and the children it waited for."""
    wrapper = "import json, sys\nfrom summarizer.evaluation.bench import watched\nprint(json.dumps(watched(sys.argv[1:])))"
    done = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, timeout=timeout)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed: {result['err'].strip().splitlines()[-1:]}")
    return result


def watched(cmd: Sequence[str]) -> dict:
    """Run `cmd` in this (wrapper) process, sampling its process tree's memory: what `measured` reads."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0

    def tree_rss() -> int:
        try:
            tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        except psutil.Error:  # it has just ended
            return 0
        total = 0
        for q in tree:
            with contextlib.suppress(psutil.Error):  # one that ended meanwhile
                total += q.memory_info().rss
        return total

    def watch() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, tree_rss())
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    out, err = proc.communicate()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss_kb = max(peak // 1024, usage.ru_maxrss)
    return {"rc": proc.returncode, "seconds": time.perf_counter() - start, "out": out, "err": err[-2000:],
            "rss_kb": rss_kb, "cpu_seconds": usage.ru_utime + usage.ru_stime}


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def json_lines(out: str) -> list[dict]:
    """Every line of `out` that is a JSON object, in order (a measurement may print several)."""
    return [json.loads(line) for line in out.strip().splitlines() if line.startswith("{")]


def machine() -> str:
    """CPU, cores, memory, load and the versions that matter."""
    import numpy
    import prefect
    import sentence_transformers
    import torch

    from summarizer.statements.embed import resolve_precision

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
        f"{cpu}; {os.cpu_count()} cores; {mem:.0f} GiB; {platform.system()} {platform.release()}; "
        f"load average {load()}\n"
        f"Python {platform.python_version()}, torch {torch.__version__} (encoding in {resolve_precision()}), "
        f"sentence-transformers {sentence_transformers.__version__}, numpy {numpy.__version__}, prefect {prefect.__version__}"
    )


def load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def statements_of(corpus: Path) -> list[str]:
    """The statements `nttr run` would encode for this corpus (the same path, up to splitting)."""
    from summarizer.clean.pages import clean_articles
    from summarizer.clean.copies import merge_copies
    from summarizer.read.ingest import read_inputs
    from summarizer.text.sentences import split_statements

    articles, _ = clean_articles(read_inputs([corpus]).articles)
    return list(dict.fromkeys(s.text for a in merge_copies(articles) for s in split_statements(a)))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def run_bench(
    duc: Path,
    *,
    scale: Sequence[int] = (10_000, 30_000, 100_000),
    big: int = 1_000_000,
    rounds: int = 1,
    peer_topics: int = 5,
    parts: Sequence[str] = PARTS,
) -> list[Figure]:
    """Measure, print every group of figures as it is measured, then the table of targets; return the table.

    `parts` picks groups of figures by name (see `PARTS`).
    """
    print("nttr bench\n" + machine() + "\n", flush=True)
    corpus = duc / "docs"
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    if not files:
        raise InputError(str(corpus), "has no article files to benchmark on")
    nttr = [sys.executable, "-m", "flows.cli"]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="nttr-bench-") as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME", "NTTR_CONFIG")}
        env.update(NTTR_DATA_DIR=str(data), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
        try:
            if "startup" in parts or "corpus" in parts:
                server_s, _, _ = measured([*nttr, "server", "start"], env)
                print(f"0. The background Prefect server: started once in {server_s:.1f} s (a first run ever pays this)\n")
            if "startup" in parts:
                figures += startup_figures(nttr, env, seeds, tmp, rounds=max(rounds, 3))
            if "corpus" in parts:
                figures += corpus_figures(nttr, env, corpus, files, seeds, tmp, data, rounds=rounds)
        finally:
            subprocess.run([*nttr, "server", "stop"], env=env, capture_output=True)
    if "scale" in parts:
        figures += scale_figures(scale, big)
    if "peers" in parts:
        peers(duc, peer_topics)
    if "events" in parts:
        figures += events_figures(duc.parent)
    print(f"\nSummary (load average now {load()}; figures from a shared machine are noisy: see docs/speed.md)")
    print(f"  {'figure':<58} {'measured':<34} {'target':<22} met?")
    for f in figures:
        print(f.line())
    return figures


def startup_figures(nttr: list[str], env: dict[str, str], seeds: Path, tmp: Path, *, rounds: int) -> list[Figure]:
    """1. A warm `nttr run seeds` against loading the model and encoding the seeds in a plain process."""
    texts = tmp / "seeds.json"
    texts.write_text(json.dumps(statements_of(seeds)))
    measured([*nttr, "run", str(seeds), "--out", str(tmp / "s0")], env)  # fills the caches
    warm, floor = [], []
    for r in range(rounds):
        floor.append(measured([sys.executable, "-c", FLOOR, str(texts)])[0])
        warm.append(measured([*nttr, "run", str(seeds), "--out", str(tmp / f"s{r + 1}")], env)[0])
    ratio = median([w / f for w, f in zip(warm, floor)])
    n = len(json.loads(texts.read_text()))
    print("1. Start-up: warm `nttr run seeds` (everything cached) against loading the model and encoding the seeds")
    print(f"   warm run {median(warm):.1f} s; plain process, {n} statements: {median(floor):.1f} s; "
          f"ratio {ratio:.2f} (median of {rounds} interleaved pairs)\n", flush=True)
    return [Figure("warm `nttr run seeds` / plain load+encode of the seeds", f"{median(warm):.1f} s / {median(floor):.1f} s = {ratio:.2f}",
                   "<= 0.5", ratio <= 0.5)]


def corpus_figures(
    nttr: list[str], env: dict[str, str], corpus: Path, files: list[Path], seeds: Path, tmp: Path, data: Path, *, rounds: int
) -> list[Figure]:
    """2. Cold, warm and +1-article runs over the corpus, peak memory, and where the time goes."""
    # Runs read a copy of the corpus, so that "+1 article" is the same folder with one more file in it.
    folder = tmp / "corpus"
    shutil.copytree(corpus, folder)
    texts = statements_of(folder)
    (tmp / "texts.json").write_text(json.dumps(texts))
    cold, floor, peak = [], [], 0.0
    for r in range(rounds):
        floor.append(measured([sys.executable, "-c", FLOOR, str(tmp / "texts.json")])[0])
        shutil.rmtree(data / "cache", ignore_errors=True)  # an empty cache; the server stays up
        secs, mb, _ = measured([*nttr, "run", str(folder), "--out", str(tmp / f"c{r}")], env)
        cold.append(secs)
        peak = max(peak, mb)
    ratio = median([c / f for c, f in zip(cold, floor)])
    warm_s, _, _ = measured([*nttr, "run", str(folder), "--out", str(tmp / "w")], env)
    one = tmp / "one"
    one.mkdir()
    shutil.copy(files[0], one / files[0].name)
    measured([*nttr, "run", str(one), "--out", str(tmp / "one0")], env)  # its vectors and summaries cached
    start_s, _, _ = measured([*nttr, "run", str(one), "--out", str(tmp / "one1")], env)
    # The new articles arrive today: dated, they come last in the themes' canonical order (theme_base.py).
    added = sorted(seeds.glob("*.txt"))[:2]
    for i, path in enumerate(added):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        page = tmp / f"new-{i}" / f"new-article-{i}.md"
        page.parent.mkdir()
        page.write_text(f"---\ntitle: {json.dumps(title.strip())}\npublished: {time.strftime('%Y-%m-%d')}\n---\n{body}",
                        encoding="utf-8")
    # The first one's statements are encoded beforehand (as a run over the seeds would have): the figure is
    # what adding an article costs the stages after encoding; the second is added with nothing cached.
    (tmp / "new.json").write_text(json.dumps(statements_of(tmp / "new-0")))
    measured([sys.executable, "-c", ENCODE, str(tmp / "new.json")], env)
    shutil.copy(tmp / "new-0" / "new-article-0.md", folder)
    one_run = measured_run([*nttr, "run", str(folder), "--out", str(tmp / "g")], env)
    inc_s = one_run["seconds"]
    inc2_s = None
    if len(added) > 1:
        shutil.copy(tmp / "new-1" / "new-article-1.md", folder)
        inc2_s, _, _ = measured([*nttr, "run", str(folder), "--out", str(tmp / "g2")], env)
    ten_run = ten_more(nttr, env, corpus, files, folder, tmp)
    cold_s = median(cold)
    beyond = max(inc_s - start_s, 0.0) / max(cold_s - start_s, 1e-9)
    warm_share = warm_s / cold_s
    _, _, out = measured([sys.executable, "-c", STAGES, str(corpus)], env)
    stages, summaries = json_lines(out)[-2:]
    print(f"2. Corpus: {corpus} ({len(files)} files, {len(texts)} distinct statements)")
    print(f"   cold run (empty cache): {cold_s:.1f} s, peak {peak:.0f} MB; plain PyTorch floor (float32, batch 64): "
          f"{median(floor):.1f} s; ratio {ratio:.2f}")
    print(f"   warm rerun: {warm_s:.1f} s = {100 * warm_share:.1f}% of the cold run")
    print(f"   fixed start-up (a run over 1 cached article): {start_s:.1f} s")
    print(f"   +1 article (dated today, in the same folder, its vectors cached): {inc_s:.1f} s; beyond start-up {inc_s - start_s:.1f} s = {100 * beyond:.1f}% of a full run")
    print(f"     CPU {one_run['cpu_seconds']:.1f} s in the run's process and the workers it waited for")
    ten_s = ten_run["seconds"]
    beyond10 = max(ten_s - start_s, 0.0) / max(cold_s - start_s, 1e-9)
    print(f"   +10 articles (dated today, their vectors cached): {ten_s:.1f} s; beyond start-up {ten_s - start_s:.1f} s = "
          f"{100 * beyond10:.1f}% of a full run; CPU {ten_run['cpu_seconds']:.1f} s")
    if inc2_s is not None:
        print(f"   one more article, its statements encoded (the model loads): {inc2_s:.1f} s; beyond start-up "
              f"{inc2_s - start_s:.1f} s = {100 * max(inc2_s - start_s, 0.0) / max(cold_s - start_s, 1e-9):.1f}% of a full run")
    print("   where the time goes (the library's stages in one plain process, vectors cached):")
    for name, secs in stages.items():
        print(f"     {name:<44} {secs:6.1f} s")
    summaries_cpu = summaries["summaries_cpu"]
    print(f"     the summaries' CPU time: {summaries_cpu:.1f} CPU-s, median per summary {summaries['summary_median_cpu']:.3f} CPU-s")
    print(flush=True)
    return [
        Figure(f"cold run, {len(files)} articles / PyTorch floor", f"{cold_s:.1f} s / {median(floor):.1f} s = {ratio:.2f}",
               "<= 1.25", ratio <= 1.25),
        Figure(f"peak memory, cold run over {len(files)} articles", f"{peak:.0f} MB", "< 2048 MB", peak < 2048),
        Figure("warm rerun / cold run", f"{warm_s:.1f} s = {100 * warm_share:.1f}%", "< 10%", warm_share < 0.10),
        Figure("+1 article beyond start-up / full run", f"{inc_s - start_s:.1f} s = {100 * beyond:.1f}%", "< 5%", beyond < 0.05),
        Figure("the summaries' CPU time (one process, vectors cached)", f"{summaries_cpu:.1f} CPU-s",
               f"<= {SUMMARIES_CPU_TARGET:.1f} CPU-s", summaries_cpu <= SUMMARIES_CPU_TARGET),
        Figure("+10 articles beyond start-up / full run", f"{ten_s - start_s:.1f} s = {100 * beyond10:.1f}%", "< 15%",
               beyond10 < 0.15),
    ]


def ten_more(nttr: list[str], env: dict[str, str], corpus: Path, files: list[Path], folder: Path, tmp: Path) -> dict:
    """A run over the folder with ten more articles than the run before it (`measured_run`'s record).

    Ten of the corpus's files leave the folder for one run (the day before), then come back as new pages
    dated today (front matter, new names), their statements encoded beforehand: what ten new articles cost
    the stages after encoding, with no copy of them left in the folder.
    """
    chosen = files[-10:]
    texts = []
    for path in chosen:
        inside = folder / path.relative_to(corpus)
        texts.append(inside.read_text(encoding="utf-8", errors="replace"))
        inside.unlink()
    measured([*nttr, "run", str(folder), "--out", str(tmp / "t0")], env)
    today = time.strftime("%Y-%m-%d")
    for k, text in enumerate(texts):
        (folder / f"today-{k}.md").write_text(f"---\npublished: {today}\n---\n{text}", encoding="utf-8")
    (tmp / "ten.json").write_text(json.dumps(statements_of(folder)))
    measured([sys.executable, "-c", ENCODE, str(tmp / "ten.json")], env)
    return measured_run([*nttr, "run", str(folder), "--out", str(tmp / "t1")], env)


def scale_figures(scale: Sequence[int], big: int) -> list[Figure]:
    """3. Near-duplicate merging at growing sizes, with recall where the search is approximate; themes."""
    print("3. Scale: synthetic statements, 20% near-duplicates at cosine 0.80-1.0 (see synthetic_vectors)")
    figures: list[Figure] = []
    for n in [*scale, big] if big else scale:
        last = n == big
        secs, mb, out = measured([sys.executable, "-c", DEDUP_SCALE, str(n), "exact" if n <= 100_000 else "-",
                                  "2000" if last else "0"])
        r = last_json(out)
        how = "approximate" if r["approximate"] else "exact"
        line = (f"   {n:>9,} statements: dedup ({how}) {r['seconds']:7.1f} s (CPU {r['cpu_seconds']:.0f} s), "
                f"{r['merges']:,} merges, peak {mb:6.0f} MB")
        if "merge_recall" in r:
            line += f"; exact search {r['exact_seconds']:.1f} s, merge recall {100 * r['merge_recall']:.2f}%"
        if "pair_recall" in r:
            line += f"; pair recall {100 * r['pair_recall']:.2f}% ({r['pairs_sampled']} pairs of 2,000 sampled statements)"
        print(line, flush=True)
        if last:
            recall = r.get("pair_recall", 1.0)
            figures.append(Figure(f"recall against exact search at {n:,}", f"{100 * recall:.2f}% of pairs", ">= 99%",
                                  recall >= 0.99))
    # The whole path at scale: statements as arrays (`statements.table`), merged, then clustered and named.
    for n in [scale[-1], big] if big else scale[-1:]:
        try:
            _, mb, out = measured([sys.executable, "-c", STATEMENTS_SCALE, str(n), "arrays"], timeout=3600)
            r = last_json(out)
            d, t = r["dedup"], r["themes"]
            print(f"   {n:>9,} statements as arrays: built in {r['build']['seconds']:.1f} s; merged {d['seconds']:.1f} s "
                  f"(CPU {d['cpu_seconds']:.0f} s, {r['merged']:,} merged statements), peak {d['peak_mb']:.0f} MB; "
                  f"themes {t['seconds']:.1f} s (CPU {t['cpu_seconds']:.0f} s, {r['k']} named themes), peak "
                  f"{t['peak_mb']:.0f} MB; the process's peak {mb:.0f} MB (the {n:,} vectors alone: "
                  f"{n * 384 * 4 / 2**20:.0f} MB)", flush=True)
            if n == big:
                figures.append(Figure(f"dedup of {n:,} statements (as arrays, merged)",
                                      f"{d['seconds']:.0f} s, {d['peak_mb']:.0f} MB", "< 600 s, < 4096 MB",
                                      d["seconds"] < 600 and d["peak_mb"] < 4096))
                figures.append(Figure(f"themes of those {n:,} statements", f"{t['seconds']:.0f} s, {t['peak_mb']:.0f} MB",
                                      "< 600 s, < 4096 MB", t["seconds"] < 600 and t["peak_mb"] < 4096))
        except (subprocess.TimeoutExpired, RuntimeError, ValueError) as exc:
            print(f"   {n:>9,} statements as arrays: did not finish ({type(exc).__name__})", flush=True)
            if n == big:
                figures.append(Figure(f"dedup and themes of {n:,} statements", "did not finish in 60 min",
                                      "< 600 s each", False))
    print()
    return figures


def events_figures(shared: Path) -> list[Figure]:
    """5. Grouping about 1,000 real articles into events (the labelled sets under `shared`), vectors cached."""
    print("5. Events: the labelled sets' pages grouped together (ecbplus-dev, realnews-dev2, realnews-dev, DUC dev)")
    _, _, out = measured([sys.executable, "-c", EVENTS_SCALE, str(shared)], timeout=3600)
    r = last_json(out)
    if not r["articles"]:
        raise InputError(str(shared), "has none of the labelled sets to group (ecbplus-dev, realnews-dev2, ...)")
    print(f"   {r['articles']:,} articles, {r['statements']:,} statements: {r['groups']} events in {r['second']:.1f} s "
          f"(first call, loading the gazetteer and dateparser: {r['first']:.1f} s)\n", flush=True)
    per_1000 = r["second"] * 1000 / r["articles"]
    return [Figure(f"grouping {r['articles']:,} articles into events, beyond encoding", f"{r['second']:.1f} s "
                   f"({per_1000:.1f} s per 1,000; cold {r['first']:.1f} s)", "< 5 s per 1,000", per_1000 < 5)]


def peers(duc: Path, peer_topics: int) -> None:
    """4. Our default and sumy's LexRank on the first topics: time per topic and ROUGE."""
    from summarizer.statements.embed import LazyEmbedder
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
