"""`nttr bench`'s measurements: a run's peak memory counts every process it starts (its summary workers)."""

from __future__ import annotations

import sys

import pytest

from summarizer.evaluation.bench import json_lines, measured

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


def test_events_figure_names_a_folder_without_labelled_sets(tmp_path) -> None:
    from summarizer.errors import InputError
    from summarizer.evaluation.bench import events_figures

    with pytest.raises(InputError, match="has none of the labelled sets"):
        events_figures(tmp_path)


@pytest.mark.model
def test_events_figure_groups_the_pages_of_a_labelled_set(tmp_path) -> None:
    import json

    from summarizer.evaluation.bench import events_figures

    pages = [{"id": f"p{i}", "title": "", "outlet": "x", "url": f"https://x.example/{i}",
              "text": f"An earthquake of magnitude {5 + i} struck {town} on 3 March 2024. Rescuers searched the rubble."}
             for i, town in enumerate(["Izmir", "Lima"])]
    (tmp_path / "realnews-dev2").mkdir()
    (tmp_path / "realnews-dev2" / "pages.jsonl").write_text("\n".join(json.dumps(p) for p in pages) + "\n")
    (figure,) = events_figures(tmp_path)
    assert figure.name == "grouping 2 articles into events, beyond encoding"
    assert figure.target == "< 5 s per 1,000" and "per 1,000" in figure.measured


@pytest.mark.slow
def test_the_scale_path_merges_and_clusters_statements_as_arrays_as_it_does_models() -> None:
    import json

    from summarizer.evaluation.bench import STATEMENTS_SCALE

    got = {}
    for how in ("arrays", "models"):
        _, _, out = measured([sys.executable, "-c", STATEMENTS_SCALE, "1500", how])
        got[how] = json.loads(out.strip().splitlines()[-1])
    assert got["arrays"]["merged"] == got["models"]["merged"] < 1500  # repeats merged, the same ones
    assert got["arrays"]["k"] == got["models"]["k"]
    assert all(got["arrays"][stage]["peak_mb"] > 0 for stage in ("build", "dedup", "themes"))


def test_json_lines_keeps_each_measurement_a_script_printed_in_order() -> None:
    out = 'loading the model\n{"a": 1}\nwarning: slow\n{"b": 2}\n'
    assert json_lines(out) == [{"a": 1}, {"b": 2}]


def test_a_run_reports_its_cpu_seconds_beside_its_wall_time() -> None:
    from summarizer.evaluation.bench import measured_run

    busy = "import time; t = time.process_time()\nwhile time.process_time() - t < 0.5: pass\ntime.sleep(0.5)"
    found = measured_run([sys.executable, "-c", busy])
    assert 0.5 <= found["cpu_seconds"] < found["seconds"]
