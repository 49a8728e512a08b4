"""Measures, kept apart from the pipeline (nothing below imports them).

- duc2004.run_duc2004(...): ROUGE of our summarizers beside the published systems on DUC 2004.
- events.evaluate_events(...): event grouping against gold labels (B-cubed, ARI, the mistakes).
- event_model.load_sets(...), fit(...), leave_one_set_out(...): the events model trained on the labelled sets, held out.
- event_model.draw_runs(...), small_runs(...), format_small_runs(...): small runs of each set grouped afresh, rules against the held-out model.
- themes.evaluate_themes(...): themes against BERTopic (NPMI coherence, diversity).
- theme_names.evaluate_names(...): share of good theme names against a labelled list, one set left out.
- readability.digest_summaries(...): dangling openings, unbalanced quotes, repeats in a digest.
- bench.run_bench(...): speed and memory figures beside their targets.
"""
