"""Themes: statements clustered by topic across events, each with a readable name.

- clustering.cluster_themes(merged, vectors, summit_of): `Theme`s of a set of merged statements.
- clustering.cluster_statements(merged, vectors): the clusters themselves, with an outside for misfits.
- names.name_themes(clusters, ...): a noun phrase an editor would write for each cluster.
- names.theme_candidates(...) / names.choose_label(ranked, model): each cluster's scored candidates; the label.
- name_model.shipped_model() / name_model.fit_name_model(...): which candidate an editor would keep (learned).
- base.fit_base(merged, vectors) / base.grow_themes(...): themes of a growing set at the cost of what it adds.
- words.STOP_WORDS, words.specificity, words.Clusterable: the vocabulary and the record protocol shared by the modules above.
"""
