"""The service around the pipeline: state across runs, what is new, subscribers, mail and retention.

- state.StateStore(path): what earlier digests covered, subscribers and the delivery ledger (SQLite).
- novelty.new_articles(...) / novelty.new_statements(...): what is new since the last digest.
- subscribers.filter_digest(digest, subscriber): the part of a digest one subscriber follows.
- mail.send_digest(digest, ...): one message per subscriber, each delivered once.
- retention.prune(...): forget what was not used within the retention period.
"""
