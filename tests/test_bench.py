"""`nttr bench`'s measurements: a run's peak memory counts every process it starts (its summary workers)."""

from __future__ import annotations

import sys

from summarizer.evaluation.bench import measured

HOLD = "import time, numpy as np; a = np.ones({n}); a += 1; time.sleep({secs})"


def test_peak_memory_is_the_sum_over_the_process_and_its_children_at_once() -> None:
    # The parent and its child each hold about 200 MB at the same time: together about 400 MB, which no single
    # process reaches.
    child = HOLD.format(n=25_000_000, secs=1.5)
    parent = f"import subprocess, sys; {HOLD.format(n=25_000_000, secs=0)}; subprocess.run([sys.executable, '-c', {child!r}])"
    seconds, mb, _ = measured([sys.executable, "-c", parent])
    assert mb > 380, mb
    assert seconds >= 1.5


def test_peak_memory_of_one_process() -> None:
    _, mb, out = measured([sys.executable, "-c", HOLD.format(n=25_000_000, secs=0.3) + "; print('done')"])
    assert 190 < mb < 300, mb
    assert out == "done\n"
