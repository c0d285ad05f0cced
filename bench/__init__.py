"""Benchmarks of Tsunagu's event backbone (``python -m bench backbone``).

:mod:`bench.backbone` measures, on one broker and one record size, the raw kafka-python
producer and consumer (the baselines) against the outbox relay and the consumer runner on
SQLite and PostgreSQL, prints a table and writes ``var/bench/backbone.json``.
"""

__all__: list[str] = []
