"""The soak: a month (or more) of daily digests from live feeds, through faults, on loopback.

`world` serves a dozen RSS/Atom feeds and their article pages whose items change every simulated day,
with the faults of a real month; `inbox` is an SMTP server that refuses or drops mail on given days;
`month` plays the days (in-process, plus killed and restarted runs, plus the real-time cron of the daily
deployment on a Prefect server with a worker), checks what must hold and reports the figures.
`nttr soak --days N` and `tests/test_month.py` run it.
"""
