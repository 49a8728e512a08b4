"""Statements: embedded offline, and the same statement from several outlets merged with every source kept.

- embed.load_embedder(model): the sentence-transformers model, from an installed package, never a hub.
- embed.encode_cached(embedder, texts, cache_dir): vectors, remembered on disk by text hash.
- dedup.merge_statements(statements, vectors): near-identical statements as `MergedStatement`s.
- dedup.near_duplicate_groups(vectors): the groups themselves, over plain vectors.
- neighbours.approximate_pairs(vectors, threshold): pairs above a cosine without an n x n search.
- table.StatementTable.of(statements, articles) / table.merge_table(table, vectors): statements as arrays (ids,
  texts, offsets), merged as `merge_statements` merges them, without a model per statement (a million rows).
- table.MergedTable.records(): merged statements as light records themes can cluster, made when read.
"""
